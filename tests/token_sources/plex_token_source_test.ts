import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type CredentialsOptions,
  defaultConfig,
  exportPrivateJwk,
  generateDeviceKey,
  isPlexError,
  type JwtSourceOptions,
  type Logger,
  memoryStore,
  newClientId,
  type PinJwtOptions,
  type PinSignInOptions,
  PlexError,
  type SecureData,
  withClock,
  withCredentials,
  withJwt,
  withLogger,
  withPin,
  withPinJwt,
  withStore,
  withToken,
} from "../../mod.ts";
import { type Emulator, registerDevice, startEmulator } from "../../lib/testing/mod.ts";

const NONCE = "GET /api/v2/auth/nonce";
const EXCHANGE = "POST /api/v2/auth/token";
const SIGNIN = "POST /api/v2/users/signin";
const UPLOAD = "POST /api/v2/auth/jwk";

let emulator: Emulator;

before(async () => {
  emulator = await startEmulator({ nonceRateLimit: 1000 });
});
after(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetRequests();
});

function configFor(clientId = newClientId()) {
  return defaultConfig().withClientId(clientId).withUrls(emulator.url).withAuthAppUrl(`${emulator.url}/auth`)
    .withHttp({ retry: { retries: 0 } });
}

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

const WEEK = 7 * 24 * 3600;

/** A store holding a key registered at the emulator and a 7-day JWT expiring in `secondsLeft`. */
async function registeredStore(clientId: string, secondsLeft: number) {
  const issuedAt = Math.floor(Date.now() / 1000) + secondsLeft - WEEK;
  const { data, key, jwt } = await registerDevice(emulator, { clientId, expiresInSeconds: WEEK, issuedAt });
  const store = memoryStore<SecureData>(data);
  emulator.resetRequests();
  return { config: configFor(clientId), store, key, jwt };
}

describe("token source caching", () => {
  it("withToken refuses what is no token at all as invalid_argument, a malformed one as invalid_token", () => {
    for (const value of [5, null, undefined, {}]) {
      assert.throws(() => withToken(value as never), { code: "invalid_argument" }, String(value));
    }
    assert.throws(() => withToken("has space"), { code: "invalid_token" });
  });

  it("reuses a fixed legacy token without any request", async () => {
    const source = configFor().tokenSource(withToken("abcdefghij0123456789"));
    for (let i = 0; i < 5; i++) assert.equal((await source.token()).value, "abcdefghij0123456789");
    assert.equal(emulator.requests.length, 0);
  });

  it("signs in once with credentials and then serves the cached legacy token", async () => {
    const source = configFor().tokenSource(withCredentials("plexuser", "plexpass"));
    const first = await source.token();
    const again = await Promise.all(Array.from({ length: 10 }, () => source.token()));
    assert.ok(first.isLegacy());
    assert.ok(again.every((t) => t.value === first.value));
    assert.equal(emulator.count(SIGNIN), 1);
    assert.equal(emulator.requests.length, 1);
  });

  it("rejects an expired fixed JWT with expired_token", async () => {
    const clientId = newClientId();
    const expired = await emulator.issueJwt({ clientId, expiresInSeconds: -60 });
    const source = configFor(clientId).tokenSource(withToken(expired));
    await assert.rejects(source.token(), (err) => isPlexError(err, "expired_token"));
  });

  it("fails with no_token_source when nothing is stored and no registrar is given", async () => {
    const source = configFor().tokenSource(withJwt(memoryStore()));
    await assert.rejects(
      source.token(),
      (err) => isPlexError(err, "no_token_source") && /withCredentials/.test(err.hint!),
    );
  });
});

describe("JWT token source", () => {
  it("bootstraps through credentials once: sign-in, key upload, nonce, token; then zero requests", async () => {
    const store = memoryStore<SecureData>();
    const config = configFor();
    const source = config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
    const token = await source.token();
    assert.ok(token.isJwt());
    assert.deepEqual(
      [SIGNIN, UPLOAD, NONCE, EXCHANGE].map((m) => emulator.count(m)),
      [1, 1, 1, 1],
    );
    for (let i = 0; i < 20; i++) await source.token();
    assert.equal(emulator.requests.length, 4);
    const saved = await store.load();
    assert.equal(saved?.clientId, config.clientId);
    assert.equal(saved?.token, token.value);
    assert.equal(saved?.keyId, emulator.registeredKey(config.clientId));
    assert.equal(typeof saved?.privateKey?.d, "string");
    assert.equal(saved?.tokenExpiresAt, token.expiresAt?.toISOString());
  });

  it("a restarted process with a valid stored JWT makes zero requests", async () => {
    const clientId = newClientId();
    const { store, jwt } = await registeredStore(clientId, 7 * 24 * 3600);
    const restarted = configFor(clientId).tokenSource(withCredentials("plexuser", "wrong"), withJwt(store));
    assert.equal((await restarted.token()).value, jwt.value);
    assert.equal(emulator.requests.length, 0);
  });

  it("a restarted process with an expired stored JWT makes exactly two requests (nonce + token)", async () => {
    const clientId = newClientId();
    const { store, jwt, key } = await registeredStore(clientId, -3600);
    const source = configFor(clientId).tokenSource(withJwt(store));
    const token = await source.token();
    assert.notEqual(token.value, jwt.value);
    assert.equal(token.claims?.thumbprint, key.keyId);
    assert.equal(emulator.count(NONCE), 1);
    assert.equal(emulator.count(EXCHANGE), 1);
    assert.equal(emulator.requests.length, 2);
    assert.equal((await store.load())?.token, token.value);
  });

  it("100 concurrent token() calls on a cold source share exactly one refresh", async () => {
    const clientId = newClientId();
    const { store } = await registeredStore(clientId, -60);
    const source = configFor(clientId).tokenSource(withJwt(store));
    const tokens = await Promise.all(Array.from({ length: 100 }, () => source.token()));
    assert.equal(new Set(tokens.map((t) => t.value)).size, 1);
    assert.equal(emulator.count(NONCE), 1);
    assert.equal(emulator.count(EXCHANGE), 1);
  });

  it("refreshes ahead of expiry inside the margin (default one day)", async () => {
    const clientId = newClientId();
    const { store, jwt } = await registeredStore(clientId, 3600);
    const source = configFor(clientId).tokenSource(withJwt(store));
    const token = await source.token();
    assert.notEqual(token.value, jwt.value);
    assert.equal(emulator.count(EXCHANGE), 1);
  });

  it("honours a custom refresh margin", async () => {
    const clientId = newClientId();
    const { store, jwt } = await registeredStore(clientId, 3600);
    const source = configFor(clientId).tokenSource(withJwt(store, { refreshMarginMs: 60_000 }));
    assert.equal((await source.token()).value, jwt.value);
    assert.equal(emulator.requests.length, 0);
  });

  it("refreshes again once the clock passes the margin", async () => {
    const clientId = newClientId();
    const { store } = await registeredStore(clientId, 7 * 24 * 3600);
    let now = Date.now();
    const source = configFor(clientId).tokenSource(withJwt(store), withClock(() => new Date(now)));
    const first = await source.token();
    assert.equal(emulator.requests.length, 0);
    now += 6.5 * 24 * 3600 * 1000;
    const second = await source.token();
    assert.notEqual(second.value, first.value);
    assert.equal(emulator.count(EXCHANGE), 1);
  });

  it("refuses a withClock whose function answers no valid Date: invalid_argument, before any request", async () => {
    const clientId = newClientId();
    const { store } = await registeredStore(clientId, -60);
    for (const answer of [new Date(NaN), 5, "2020-01-01", null]) {
      const source = configFor(clientId).tokenSource(withJwt(store), withClock(() => answer as Date));
      await assert.rejects(source.token(), { code: "invalid_argument" }, String(answer));
    }
    assert.equal(emulator.requests.length, 0, "no refresh was made and thrown away");
  });

  it("does not cache a failed refresh: the next call tries again and succeeds", async () => {
    const clientId = newClientId();
    const { store } = await registeredStore(clientId, -60);
    const source = configFor(clientId).tokenSource(withJwt(store));
    emulator.inject({ match: EXCHANGE, kind: "status", status: 500 });
    await assert.rejects(source.token(), (err) => isPlexError(err, "server_error"));
    const token = await source.token();
    assert.ok(token.isValid());
    assert.equal(emulator.count(EXCHANGE), 2);
  });

  it("keeps serving the still-valid JWT when a refresh fails on the network, with a warning", async () => {
    const clientId = newClientId();
    const { store, jwt } = await registeredStore(clientId, 3600);
    const logger = capturingLogger();
    const source = configFor(clientId).tokenSource(withJwt(store), withLogger(logger));
    emulator.inject({ match: NONCE, kind: "reset", times: Infinity });
    assert.equal((await source.token()).value, jwt.value);
    assert.ok(logger.lines.some((l) => l.startsWith("warn") && /Refreshing the JWT failed/.test(l)));
    assert.ok(!logger.lines.join("\n").includes(jwt.value));
  });

  it("reports invalid_client_id when the stored data belongs to another client", async () => {
    const { store } = await registeredStore(newClientId(), 3600);
    const source = configFor().tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
    await assert.rejects(
      source.token(),
      (err) => isPlexError(err, "invalid_client_id") && err.hint !== undefined,
    );
    assert.equal(emulator.requests.length, 0);
  });

  it("calls stored data that is not device data store_corrupt, signs in nowhere and leaves it stored", async () => {
    for (
      const data of [{ nope: 1 }, { clientId: 5 }, { clientId: "id", token: 42 }, {
        clientId: "id",
        keyId: {},
      }, "text"]
    ) {
      const store = memoryStore<SecureData>(data as never);
      const source = configFor().withClientId("id").tokenSource(
        withCredentials("plexuser", "plexpass"),
        withStore(store),
      );
      emulator.resetRequests();
      await assert.rejects(
        source.token(),
        { code: "store_corrupt", message: /not device data/ },
        JSON.stringify(data),
      );
      assert.equal(emulator.requests.length, 0);
      assert.deepEqual(await store.load(), data, "the data is left as it was");
    }
  });

  it("fails loudly with jwk_missing when plex.tv forgot the key, and says what to do", async () => {
    const clientId = newClientId();
    const { store } = await registeredStore(clientId, -60);
    emulator.forgetKey(clientId);
    const source = configFor(clientId).tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
    await assert.rejects(source.token(), (err) => {
      assert.ok(err instanceof PlexError);
      assert.equal(err.code, "jwk_missing");
      assert.match(err.hint!, /new client identifier/);
      return true;
    });
    assert.equal(emulator.count(SIGNIN), 0);
  });

  it("re-registers with a new client id when asked to, and saves it", async () => {
    const clientId = newClientId();
    const { store } = await registeredStore(clientId, -60);
    emulator.forgetKey(clientId);
    const announced: string[] = [];
    const source = configFor(clientId).tokenSource(
      withCredentials("plexuser", "plexpass"),
      withJwt(store, { onJwkMissing: "reregister", onReregister: (id) => void announced.push(id) }),
    );
    const token = await source.token();
    assert.ok(token.isJwt());
    assert.notEqual(source.clientId, clientId);
    assert.deepEqual(announced, [source.clientId]);
    const saved = await store.load();
    assert.equal(saved?.clientId, source.clientId);
    assert.equal(saved?.keyId, emulator.registeredKey(source.clientId));
  });
});

describe("persistence of legacy tokens", () => {
  it("a restart reuses the stored legacy token and registers no new device", async () => {
    const store = memoryStore<SecureData>();
    const clientId = newClientId();
    const first = await configFor(clientId).tokenSource(
      withCredentials("plexuser", "plexpass"),
      withStore(store),
    )
      .token();
    emulator.resetRequests();
    const restarted = configFor(clientId).tokenSource(
      withCredentials("plexuser", "plexpass"),
      withStore(store),
    );
    assert.equal((await restarted.token()).value, first.value);
    assert.equal(emulator.requests.length, 0);
  });

  it("stores the legacy token before registering a key, so a failed upload does not sign in again", async () => {
    const store = memoryStore<SecureData>();
    const clientId = newClientId();
    emulator.inject({ match: UPLOAD, kind: "status", status: 500 });
    const source = configFor(clientId).tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
    await assert.rejects(source.token(), (err) => isPlexError(err, "server_error"));
    assert.ok((await store.load())?.token);
    const restarted = configFor(clientId).tokenSource(
      withCredentials("plexuser", "plexpass"),
      withJwt(store),
    );
    assert.ok((await restarted.token()).isJwt());
    assert.equal(emulator.count(SIGNIN), 1);
  });
});

describe("PIN registrars", () => {
  it("refuses a PIN callback that is not a function when the option is made, before any request", () => {
    for (const onPin of ["x", null, undefined, { code: "ABCD" }]) {
      assert.throws(() => withPin(onPin as never), {
        code: "invalid_argument",
        message: /withPin\(\) takes a function/,
      });
      assert.throws(() => withPinJwt(onPin as never), {
        code: "invalid_argument",
        message: /withPinJwt\(\) takes/,
      });
    }
  });

  it("signs in with a PIN once; an aborted waiter does not cancel the others", async () => {
    let shown = 0;
    const source = configFor().tokenSource(
      withPin((pin) => {
        shown++;
        setTimeout(() => emulator.approvePin(pin.code), 150);
      }, { pollInterval: 30 }),
    );
    const impatient = new AbortController();
    const waiting = source.token({ signal: impatient.signal });
    const patient = source.token();
    impatient.abort();
    await assert.rejects(waiting, (err) => isPlexError(err, "aborted"));
    assert.ok((await patient).isLegacy());
    assert.equal(shown, 1);
  });

  it("stops polling when every waiter has given up", async () => {
    const source = configFor().tokenSource(withPin(() => {}, { pollInterval: 20 }));
    const controller = new AbortController();
    const waiting = source.token({ signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await assert.rejects(waiting, (err) => isPlexError(err, "aborted"));
    const polls = emulator.count("GET /api/v2/pins/*");
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(emulator.count("GET /api/v2/pins/*"), polls);
  });

  it("PIN + JWK gets a JWT without a legacy token and keeps the key for restarts", async () => {
    const store = memoryStore<SecureData>();
    const clientId = newClientId();
    const source = configFor(clientId).tokenSource(
      withPinJwt((pin) => void setTimeout(() => emulator.approvePin(pin.code), 50), { pollInterval: 30 }),
      withJwt(store),
    );
    const token = await source.token();
    assert.ok(token.isJwt());
    assert.equal(emulator.count(SIGNIN), 0);
    assert.equal(emulator.count(UPLOAD), 0);
    const saved = await store.load();
    assert.equal(saved?.keyId, token.claims?.thumbprint);
    emulator.resetRequests();
    const restarted = configFor(clientId).tokenSource(withJwt(store));
    assert.equal((await restarted.token()).value, token.value);
    assert.equal(emulator.requests.length, 0);
  });
});

describe("stored data checks", () => {
  it("rejects a stored private key that does not match the stored key id", async () => {
    const clientId = newClientId();
    const other = await generateDeviceKey();
    const { store } = await registeredStore(clientId, -60);
    const data = (await store.load())!;
    await store.save({ ...data, privateKey: await exportPrivateJwk(other.privateKey) });
    const source = configFor(clientId).tokenSource(withJwt(store));
    await assert.rejects(source.token(), (err) => isPlexError(err, "store_corrupt"));
  });

  it("never prints the token when the source is printed", async () => {
    const source = configFor().tokenSource(withToken("abcdefghij0123456789"));
    await source.token();
    assert.ok(!String(source).includes("abcdefghij"));
    assert.ok(!JSON.stringify({ source }).includes("abcdefghij"));
  });
});

describe("single flight", () => {
  it("a caller arriving after every earlier waiter gave up starts afresh instead of inheriting the abort", async () => {
    const clientId = newClientId();
    const { data } = await registerDevice(emulator, { clientId, expiresInSeconds: -60 });
    const slow = memoryStore<SecureData>(data);
    const store = {
      ...slow,
      load: () => new Promise<SecureData | undefined>((r) => setTimeout(() => r(slow.load()), 150)),
    };
    const source = configFor(clientId).tokenSource(withJwt(store));
    await assert.rejects(
      source.token({ signal: AbortSignal.timeout(20) }),
      (err) => isPlexError(err, "aborted"),
    );
    const token = await source.token();
    assert.ok(token.isValid() && token.value !== data.token, "a refreshed JWT");
  });
});

describe("token source edge cases", () => {
  it("reuses a short-lived JWT for the first half of its life, whatever the margin", async () => {
    const clientId = newClientId();
    const { data } = await registerDevice(emulator, { clientId, expiresInSeconds: 3600 });
    emulator.resetRequests();
    const source = configFor(clientId).tokenSource(withJwt(memoryStore<SecureData>(data)));
    for (let i = 0; i < 5; i++) assert.equal((await source.token()).value, data.token);
    assert.equal(emulator.requests.length, 0);
  });

  it("rejects a refresh margin, lock lifetime, 1097 policy, callback or clock that is not a usable value", () => {
    for (const refreshMarginMs of [-1, Number.NaN, Infinity]) {
      assert.throws(
        () => withJwt(memoryStore(), { refreshMarginMs }),
        (err) => isPlexError(err, "invalid_argument"),
      );
    }
    for (const lockTtlMs of [0, 1500.5, -1, 2 ** 31, Number.NaN]) {
      assert.throws(
        () => withJwt(memoryStore(), { lockTtlMs }),
        (err) => isPlexError(err, "invalid_argument"),
        String(lockTtlMs),
      );
    }
    const wrong = [
      { onJwkMissing: "re-register" },
      { onReregister: "not a function" },
    ] as unknown as JwtSourceOptions[];
    for (const options of wrong) {
      assert.throws(() => withJwt(memoryStore(), options), (err) => isPlexError(err, "invalid_argument"));
    }
    assert.throws(
      () => withClock("soon" as unknown as () => Date),
      (err) => isPlexError(err, "invalid_argument"),
    );
    assert.doesNotThrow(() => withJwt(memoryStore(), { lockTtlMs: 1500, onJwkMissing: "reregister" }));
  });

  it("keeps a sign-in in memory when the store cannot save it, instead of signing in again", async () => {
    const logger = capturingLogger();
    const failing = {
      ...memoryStore<SecureData>(),
      save: () => Promise.reject(new PlexError("store_unavailable", "The store is down")),
    };
    const source = configFor().tokenSource(
      withCredentials("plexuser", "plexpass"),
      withStore(failing),
      withLogger(logger),
    );
    const first = await source.token();
    assert.equal((await source.token()).value, first.value);
    assert.equal(emulator.count(SIGNIN), 1);
    assert.ok(logger.lines.some((l) => /^warn Could not save the token to the store/.test(l)));
  });

  it("a fleet re-registers once: the other replica adopts the new device, and the client follows its id", async () => {
    const clientId = newClientId();
    const { data } = await registerDevice(emulator, { clientId, expiresInSeconds: -60 });
    emulator.forgetKey(clientId);
    emulator.resetRequests();
    const shared = memoryStore<SecureData>(data);
    let holder: string | undefined;
    const lockable = {
      ...shared,
      lock: (name: string) => {
        if (holder) return Promise.resolve(undefined);
        holder = name;
        return Promise.resolve({ release: () => Promise.resolve(void (holder = undefined)) });
      },
    };
    const announced: string[] = [];
    const replica = () =>
      configFor(clientId).tokenSource(
        withCredentials("plexuser", "plexpass"),
        withJwt(lockable, { onJwkMissing: "reregister", onReregister: (id) => void announced.push(id) }),
      );
    const [a, b] = [replica(), replica()];
    const [ta, tb] = await Promise.all([a.token(), b.token()]);
    assert.equal(ta.value, tb.value);
    assert.equal(a.clientId, b.clientId);
    assert.notEqual(a.clientId, clientId);
    assert.equal(emulator.count(UPLOAD), 1, "one new key for the fleet");
    assert.deepEqual(announced, [a.clientId, a.clientId]);
    assert.equal((await shared.load())?.clientId, a.clientId);
    emulator.resetRequests();
    await configFor(clientId).client(a).user();
    assert.deepEqual(emulator.requests.map((r) => r.clientId), [a.clientId]);
  });
});

describe("token source options", () => {
  it("refuse a store that is not one and a logger that is not one, when the option is made", () => {
    for (const store of [undefined, null, {}, { load() {}, save() {} }, "vault:/tmp/x"]) {
      assert.throws(() => withJwt(store as never), {
        code: "invalid_argument",
        message: /withJwt takes a store/,
      });
      assert.throws(() => withStore(store as never), {
        code: "invalid_argument",
        message: /withStore takes a store/,
      });
    }
    for (const logger of [undefined, {}, 5, { ...console, warn: "no" }]) {
      assert.throws(() => withLogger(logger as never), { code: "invalid_argument", message: /logger/ });
    }
    assert.doesNotThrow(() => withStore(memoryStore()));
    assert.doesNotThrow(() => withLogger(console));
  });

  it("refuse two ways to sign in or two stores, whichever comes first, before any request or store read", () => {
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url).withFetch(
      emulator.fetch,
    );
    emulator.resetRequests();
    const jwtStore = memoryStore();
    const legacyStore = memoryStore();
    const conflicts = [
      [withToken("abcdefghij0123456789"), withCredentials("plexuser", "plexpass")],
      [withCredentials("plexuser", "plexpass"), withToken("abcdefghij0123456789")],
      [withCredentials("plexuser", "plexpass"), withPin(() => {})],
      [withCredentials("plexuser", "plexpass"), withJwt(jwtStore), withStore(legacyStore)],
      [withCredentials("plexuser", "plexpass"), withStore(legacyStore), withJwt(jwtStore)],
      [withPinJwt(() => {}), withJwt(jwtStore), withJwt(legacyStore)],
    ];
    for (const options of conflicts) {
      assert.throws(() => config.tokenSource(...options), {
        code: "invalid_argument",
        message: "A token source takes one way to sign in and one store",
      });
    }
    assert.equal(emulator.requests.length, 0);
    // The documented pairs stay: a registrar with withJwt, withPinJwt with withJwt, one store given twice.
    config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(jwtStore));
    config.tokenSource(withPinJwt(() => {}), withJwt(jwtStore));
    config.tokenSource(withJwt(jwtStore), withStore(jwtStore), withToken("abcdefghij0123456789"));
  });

  it("refuse an option name that withJwt, withPin, withPinJwt or withCredentials does not have, when the option is made", () => {
    const cases: [() => unknown, string][] = [
      [
        () => withCredentials("plexuser", "plexpass", { verificationcode: "123456" } as never),
        "withCredentials has no option verificationcode",
      ],
      [() => withJwt(memoryStore(), { refreshMargin: 1 } as never), "withJwt has no option refreshMargin"],
      [() => withPin(() => {}, { pollInteral: 500 } as never), "withPin has no option pollInteral"],
      [() => withPinJwt(() => {}, { strong: true } as never), "withPinJwt has no option strong"],
      [
        () => withJwt(memoryStore(), "fast" as never),
        "withJwt's options are an object, such as { lockTtlMs: 30000 }",
      ],
      [
        () => withPin(() => {}, null as never),
        "withPin's options are an object, such as { pollInterval: 2000 }",
      ],
    ];
    for (const [make, message] of cases) assert.throws(make, { code: "invalid_argument", message });
    // Every option they have is taken (the types make these lists complete).
    const jwt: Required<JwtSourceOptions> = {
      refreshMarginMs: 1_000,
      onJwkMissing: "fail",
      onReregister: () => {},
      lockTtlMs: 5_000,
    };
    withJwt(memoryStore(), jwt);
    const pin: Required<Omit<PinSignInOptions, "signal">> = {
      strong: true,
      jwk: undefined as never,
      forwardUrl: "https://app.example/done",
      pollInterval: 1_000,
      deviceJwt: () => Promise.resolve("x.y.z"),
      fetch,
      timeoutMs: 5_000,
    };
    withPin(() => {}, pin);
    const pinJwt: Required<Omit<PinJwtOptions, "signal">> = {
      key: undefined as never,
      forwardUrl: "https://app.example/done",
      pollInterval: 1_000,
      fetch,
      timeoutMs: 5_000,
    };
    withPinJwt(() => {}, pinJwt);
    const credentials: Required<Omit<CredentialsOptions, "signal">> = {
      verificationCode: "123456",
      rememberMe: true,
      fetch,
      timeoutMs: 5_000,
    };
    withCredentials("plexuser", "plexpass", credentials);
  });

  it("refuse a value that is not an option (a token, a store, undefined) with invalid_argument, before any request", () => {
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url).withFetch(
      emulator.fetch,
    );
    emulator.resetRequests();
    for (const option of ["abcdefghij0123456789", memoryStore(), undefined, null, { token: "x" }]) {
      assert.throws(() => config.tokenSource(withToken("abcdefghij0123456789"), option as never), {
        code: "invalid_argument",
        message: "A token source option is made by withToken(), withJwt(), ...",
      });
    }
    assert.equal(emulator.requests.length, 0);
  });
});
