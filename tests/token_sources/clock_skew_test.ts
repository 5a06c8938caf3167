// A machine whose clock runs hours ahead or behind (a Raspberry Pi without a
// real-time clock, a VM after a suspend) makes exactly the requests a machine
// on time makes: device JWTs are signed on plex.tv's time, estimated from the
// Date header of its responses, and tokens are judged fresh on that time, so
// a token just issued is never refreshed again at once.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Clock,
  defaultConfig,
  memoryStore,
  newClientId,
  PlexClock,
  type SecureData,
  Token,
  withClock,
  withCredentials,
  withJwt,
  withStore,
  withToken,
} from "../../mod.ts";
import { systemClock } from "../../lib/clock.ts";
import { runningPlexClock } from "../../lib/http/shared_state.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";

const HOUR = 3_600_000;
let emulator: Emulator;

before(async () => {
  // Three-hour Plex JWTs: the refresh margin is then 90 minutes, less than the machines' skew.
  emulator = await startEmulator({ nonceRateLimit: 1000, jwtLifetimeSeconds: 3 * 3600 });
});
after(async () => {
  await emulator.close();
});

/** This machine's clock, `offsetMs` away from the real time (the emulator's, standing in for plex.tv's). */
function machineClock(offsetMs: number): Clock {
  return { now: () => Date.now() + offsetMs, sleep: systemClock.sleep, random: systemClock.random };
}

/**
 * What a machine with this clock offset asks plex.tv for: a sign-in with a device key, then five
 * token() calls. Its clock is injected into the HTTP settings and, unless told not to, with `withClock`
 * (without it the token source uses the HTTP clock).
 */
async function run(
  offsetMs: number,
  tokenSourceClock = true,
): Promise<{ requests: string[]; token: Token; store: SecureData }> {
  const clientId = newClientId();
  const config = defaultConfig().withClientId(clientId).withUrls(emulator.url)
    .withHttp({ retry: { retries: 0 }, clock: machineClock(offsetMs) });
  const store = memoryStore<SecureData>();
  const source = config.tokenSource(
    withCredentials("plexuser", "plexpass"),
    withJwt(store),
    ...(tokenSourceClock ? [withClock(() => new Date(Date.now() + offsetMs))] : []),
  );
  let token = await source.token();
  for (let i = 0; i < 4; i++) token = await source.token();
  const claims = await config.verifyPlexToken(token);
  assert.equal(claims.iss, "plex.tv", "the token verifies on plex.tv's time");
  const requests = emulator.requests.filter((r) => r.clientId === clientId)
    .filter((r) => r.path !== "/api/v2/auth/keys")
    .map((r) => `${r.method} ${r.path} ${r.status}`);
  return { requests, token, store: (await store.load())! };
}

describe("clock skew", () => {
  it("a machine 2 hours ahead or behind makes exactly the requests of one on time", async () => {
    const onTime = await run(0);
    assert.deepEqual(onTime.requests, [
      "POST /api/v2/users/signin 201",
      "POST /api/v2/auth/jwk 201",
      "GET /api/v2/auth/nonce 200",
      "POST /api/v2/auth/token 200",
    ]);
    for (
      const [offset, tokenSourceClock] of [[2 * HOUR, true], [-2 * HOUR, true], [2 * HOUR, false]] as const
    ) {
      const skewed = await run(offset, tokenSourceClock);
      assert.deepEqual(skewed.requests, onTime.requests, `a machine ${offset / HOUR} h off`);
      // Its records carry plex.tv's time, so replicas with different clocks order them alike.
      const savedAt = Date.parse(skewed.store.savedAt!);
      assert.ok(Math.abs(savedAt - Date.now()) < 60_000, `savedAt ${skewed.store.savedAt} is plex.tv's time`);
    }
  });

  it("the device JWT's iat and exp are on plex.tv's time", async () => {
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      if (typeof init?.body === "string" && init.body.includes('"jwt"')) sent.push(JSON.parse(init.body).jwt);
      return fetch(input, init);
    };
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(2 * HOUR), fetch: recording });
    const key = await config.generateAndUploadPublicKey(
      await config.registerWithCredentials("plexuser", "plexpass"),
    );
    await config.jwtToken(key.privateKey, key.keyId);
    const claims = JSON.parse(atob(sent[0]!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    assert.ok(Math.abs(claims.iat * 1000 - Date.now()) < 10_000, `iat ${claims.iat}`);
    assert.equal(claims.exp - claims.iat, 300);
  });

  it("a password sign-in and account calls start no plex.tv clock and read no Date header; a store starts one", async () => {
    let dateReads = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const get = response.headers.get.bind(response.headers);
      response.headers.get = (name: string) => {
        if (name.toLowerCase() === "date") dateReads++;
        return get(name);
      };
      return response;
    };
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, fetch: counting, clock: machineClock(2 * HOUR) });
    const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
    assert.equal((await client.user()).username, "plexuser");
    await client.user();
    assert.equal(dateReads, 0, "no Date header read without a JWT or a store");
    assert.equal(runningPlexClock(config.http), undefined, "no clock was started");

    // A legacy token kept in a store: the clock starts before the sign-in, so the save carries plex.tv's time,
    // and a copy of the configuration shares it (its responses feed it too).
    const store = memoryStore<SecureData>();
    const copy = config.withClientId(newClientId()).withHttp({ timeoutMs: 10_000 });
    await copy.tokenSource(withCredentials("plexuser", "plexpass"), withStore(store)).token();
    assert.equal(dateReads, 1, "the sign-in's Date header");
    const savedAt = Date.parse((await store.load())!.savedAt!);
    assert.ok(
      Math.abs(savedAt - Date.now()) < 60_000,
      `savedAt ${new Date(savedAt).toISOString()} is plex.tv's time`,
    );
    await client.user();
    assert.equal(dateReads, 2, "the first configuration feeds the clock its copy started");
  });

  it("a PIN sign-in with a device key on a machine 2 hours off signs its device JWTs on plex.tv's time", async () => {
    for (const offset of [2 * HOUR, -2 * HOUR]) {
      const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url)
        .withHttp({ retry: { retries: 0 }, clock: machineClock(offset) });
      const { token } = await config.registerWithPinJwt((pin) => emulator.approvePin(pin.code), {
        pollInterval: 50,
      });
      assert.ok(token.isJwt(), `a machine ${offset / HOUR} h off gets its JWT`);
    }
  });

  it("a first verification after other requests judges the token on plex.tv's time", async () => {
    const clientId = newClientId();
    const config = defaultConfig().withClientId(clientId).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(-2 * HOUR) });
    await config.client(config.tokenSource(withCredentials("plexuser", "plexpass"))).user();
    const jwt = await emulator.issueJwt({ clientId, thumbprint: "device-key" });
    const claims = await config.verifyPlexToken(jwt);
    assert.equal(claims.iss, "plex.tv", "a token just issued is not in the future");
  });

  it("a token plex.tv has just issued verifies on a machine 1.5 s behind (within the clock's resolution)", async () => {
    const clientId = newClientId();
    // An offset under 2 s counts as none: the claims are judged on this machine's clock, 1.5 s late.
    const config = defaultConfig().withClientId(clientId).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(-1_500) });
    const jwt = await emulator.issueJwt({ clientId, thumbprint: "device-key" });
    assert.equal((await config.verifyPlexToken(jwt)).iss, "plex.tv");
    // A time given is exact: a second before the token's iat, the token is in the future.
    const iat = new Token(jwt).claims!.iat!;
    await assert.rejects(config.verifyPlexToken(jwt, { now: new Date((iat - 1) * 1000) }), {
      code: "invalid_token",
      message: /iat is in the future/,
    });
  });

  it("a restart on a machine 2 hours behind: a stored JWT plex.tv calls expired is refreshed at the first call", async () => {
    const clientId = newClientId();
    const store = memoryStore<SecureData>();
    const onTime = defaultConfig().withClientId(clientId).withUrls(emulator.url).withHttp({
      retry: { retries: 0 },
    });
    await onTime.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store)).token();
    // The stored JWT expired an hour ago; on this machine's clock, two hours behind, it has half its life left.
    const now = Math.floor(Date.now() / 1000);
    const expired = await emulator.issueJwt({ clientId, issuedAt: now - 2 * 3600, expiresInSeconds: 3600 });
    await store.save({ ...(await store.load())!, token: expired, tokenExpiresAt: undefined });
    const before = emulator.requests.length;

    const behind = defaultConfig().withClientId(clientId).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(-2 * HOUR) });
    const client = behind.client(behind.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store)));
    assert.equal((await client.user()).username, "plexuser");
    assert.deepEqual(
      emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        "GET /api/v2/user 498",
        "GET /api/v2/auth/nonce 200",
        "POST /api/v2/auth/token 200",
        "GET /api/v2/user 200",
      ],
      "plex.tv's answer sets the clock; the source refreshes once and the call is made again",
    );
    assert.notEqual((await store.load())!.token, expired, "the refreshed JWT is saved");
    await client.user();
    assert.equal(emulator.requests.length - before, 5, "the next call uses the refreshed JWT");
  });

  it("a restart on a machine 2 hours ahead: a stored JWT that only looks due costs a nonce, not a refresh", async () => {
    const clientId = newClientId();
    const store = memoryStore<SecureData>();
    const onTime = defaultConfig().withClientId(clientId).withUrls(emulator.url).withHttp({
      retry: { retries: 0 },
    });
    const issued = await onTime.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store)).token();
    const before = emulator.requests.length;

    // Three-hour JWTs are due within 90 minutes of expiry: two hours ahead, a JWT just issued looks due.
    const ahead = defaultConfig().withClientId(clientId).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(2 * HOUR) });
    const client = ahead.client(ahead.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store)));
    assert.equal((await client.user()).username, "plexuser");
    await client.user();
    assert.deepEqual(
      emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`),
      ["GET /api/v2/auth/nonce 200", "GET /api/v2/user 200", "GET /api/v2/user 200"],
      "the nonce's answer sets plex.tv's clock, on which the JWT is fresh: no token exchange",
    );
    assert.equal((await store.load())!.token, issued.value, "the stored JWT is kept");
  });

  it("a token plex.tv calls expired is not sent again when the source has no other", async () => {
    const clientId = newClientId();
    const config = defaultConfig().withClientId(clientId).withUrls(emulator.url).withHttp({
      retry: { retries: 0 },
    });
    const now = Math.floor(Date.now() / 1000);
    const expired = await emulator.issueJwt({ clientId, issuedAt: now - 2 * 3600, expiresInSeconds: 3600 });
    let asked = 0;
    const client = config.client({ token: () => (asked++, Promise.resolve(new Token(expired))) });
    await assert.rejects(client.user(), { code: "expired_token" });
    assert.equal(asked, 2, "asked again once");
    assert.equal(emulator.requests.filter((r) => r.clientId === clientId).length, 1, "sent once");
  });

  it("a JWT given on a machine 8 days ahead is used once plex.tv's time is known; one expired there is refused", async () => {
    const clientId = newClientId();
    const config = defaultConfig().withClientId(clientId).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(8 * 24 * HOUR) });
    const fresh = await emulator.issueJwt({ clientId });
    const client = config.client(config.tokenSource(withToken(fresh)));
    assert.equal((await client.user()).username, "plexuser");
    await client.user();
    assert.deepEqual(
      emulator.requests.filter((r) => r.clientId === clientId).map((r) =>
        `${r.method} ${r.path} ${r.status}`
      ),
      ["GET /api/v2/auth/nonce 200", "GET /api/v2/user 200", "GET /api/v2/user 200"],
      "on this machine's clock the JWT expired a day ago: plex.tv's time is asked once, before the first call",
    );

    const now = Math.floor(Date.now() / 1000);
    const expired = await emulator.issueJwt({ clientId, issuedAt: now - 2 * 3600, expiresInSeconds: 3600 });
    const again = defaultConfig().withClientId(clientId).withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 }, clock: machineClock(8 * 24 * HOUR) });
    emulator.resetRequests();
    await assert.rejects(again.client(again.tokenSource(withToken(expired))).user(), {
      code: "expired_token",
      message: /checked at/,
    });
    assert.deepEqual(emulator.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/v2/auth/nonce"]);
  });

  it("the estimate is the median of the latest Date headers: one odd header does not move it", () => {
    const clock = new PlexClock();
    const local = Date.UTC(2026, 5, 1, 12, 0, 0);
    const at = (ms: number) => new Date(ms).toUTCString();
    clock.observe(at(local - 2 * HOUR), local);
    assert.equal(Math.round(clock.offsetMs / HOUR), -2);
    clock.observe(at(Date.UTC(2001, 0, 1)), local);
    assert.equal(Math.round(clock.offsetMs / HOUR), -2, "of two, the one nearer this machine's clock");
    clock.observe(at(local - 2 * HOUR), local);
    clock.observe(at(local + 30 * 24 * HOUR), local);
    assert.equal(Math.round(clock.offsetMs / HOUR), -2, "the median of four");
    clock.observe("not a date", local);
    clock.observe(null, local);
    assert.equal(Math.round(clock.offsetMs / HOUR), -2);
    const onTime = new PlexClock();
    onTime.observe(at(local - 1_000), local);
    assert.equal(onTime.offsetMs, 0, "within a header's resolution, this machine's clock is plex.tv's");
    assert.throws(() => new PlexClock({ samples: 0 }), { code: "invalid_argument" });
  });
});
