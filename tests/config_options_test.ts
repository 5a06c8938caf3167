// A configuration takes only usable settings: a value that is not one, or a name that is no setting (a
// typo), is an invalid_argument when the with* method is called, and nothing is sent with it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALL_SCOPES, defaultConfig, generateDeviceKey, withToken } from "../mod.ts";
import { importPublicJwk } from "../lib/keys.ts";
import { createEmulator } from "../lib/testing/mod.ts";

const config = defaultConfig().withClientId("config-options-test");
const refused = (make: () => unknown, message: RegExp) =>
  assert.throws(make, (err: { code?: string; message?: string }) => {
    assert.equal(err.code, "invalid_argument", String(err.message));
    assert.match(String(err.message), message);
    return true;
  });

describe("Config.withHttp", () => {
  it("refuses a setting that is not a usable value, naming it", () => {
    for (
      const [name, value] of [
        ["fetch", 5],
        ["maxResponseBytes", Infinity],
        ["maxResponseBytes", -1],
        ["maxResponseBytes", 1.5],
        ["retry", 5],
        ["retry", "x"],
        ["retry", null],
        ["retryBudget", {}],
        ["clock", 5],
        ["plexClock", 5],
      ] as const
    ) {
      refused(() => config.withHttp({ [name]: value } as never), new RegExp(`setting ${name} is not`));
    }
    refused(() => config.withHttp({ timeoutMs: 0 }), /timeout/);
    refused(() => config.withHttp({ logger: {} as Console }), /logger/);
    refused(() => config.withLogger(5 as never), /logger/);
    refused(() => config.withFetch(5 as never), /setting fetch/);
    refused(() => config.withHttp(null as never), /object/);
  });

  it("refuses a name that is no setting, and a retry policy's, instead of dropping it", () => {
    refused(() => config.withHttp({ timeout: 5_000 } as never), /no HTTP setting timeout/);
    refused(() => config.withHttp({ retry: { maxRetries: 0 } } as never), /no setting maxRetries/);
    refused(() => config.withHttp({ retry: { retries: 1.5 } }), /retries must be a whole number/);
    refused(() => config.withHttp({ retry: { baseDelayMs: -1 } }), /baseDelayMs/);
  });

  it("takes usable settings, undefined ones included, and keeps the rest", () => {
    const changed = config.withHttp({
      timeoutMs: 5_000,
      maxResponseBytes: 0,
      retry: { retries: 0 },
      logger: undefined,
    })
      .withLogger(console);
    assert.equal(changed.http.timeoutMs, 5_000);
    assert.equal(changed.http.maxResponseBytes, 0);
    assert.deepEqual(changed.http.retry, { retries: 0 });
    assert.equal(changed.http.logger, console);
  });

  it("sends with the settings it took", async () => {
    const emulator = await createEmulator();
    try {
      const token = emulator.issueLegacyToken({ clientId: "config-options-test" });
      const client = config.withUrls(emulator.url).withFetch(emulator.fetch).withHttp({
        retry: { retries: 0 },
      })
        .client(config.tokenSource(withToken(token)));
      assert.equal((await client.user()).username, "plexuser");
    } finally {
      await emulator.close();
    }
  });
});

describe("Config.withDevice, withScopes and withAuthAppUrl", () => {
  it("refuse a field that is no device field and a value that is not a string", () => {
    refused(() => config.withDevice({ product: 5 } as never), /product must be a string/);
    refused(() => config.withDevice({ deviceName: {} } as never), /deviceName must be a string/);
    refused(() => config.withDevice({ name: "My App" } as never), /no device field name/);
    refused(() => config.withDevice({ constructor: "x" } as never), /no device field constructor/);
    refused(() => config.withDevice(null as never), /object/);
    refused(() => config.withDevice(Object.freeze({ platform: NaN }) as never), /platform must be a string/);
  });

  it("take device fields as strings, an empty one leaving its header out, and getters read when sent", async () => {
    const emulator = await createEmulator();
    try {
      let reads = 0;
      const device = {
        product: "Options Test",
        version: "",
        get deviceName() {
          return `host-${++reads}`;
        },
      };
      const changed = config.withUrls(emulator.url).withFetch(emulator.fetch).withDevice(device);
      assert.equal(reads, 0, "a getter is not read when the Config is made");
      const token = emulator.issueLegacyToken({ clientId: "config-options-test" });
      await changed.client(changed.tokenSource(withToken(token))).user();
      const sent = emulator.requests.at(-1)!.headers;
      assert.equal(sent["x-plex-product"], "Options Test");
      assert.equal(sent["x-plex-version"], undefined);
      assert.match(sent["x-plex-device-name"] ?? "", /^host-\d+$/);
    } finally {
      await emulator.close();
    }
  });

  it("a getter whose value is not a string is refused when a request needs the headers, and nothing is sent", async () => {
    const emulator = await createEmulator();
    try {
      const changed = config.withUrls(emulator.url).withFetch(emulator.fetch).withDevice({
        get deviceName() {
          return 5 as unknown as string;
        },
      });
      const token = emulator.issueLegacyToken({ clientId: "config-options-test" });
      const before = emulator.requests.length;
      await assert.rejects(changed.client(changed.tokenSource(withToken(token))).user(), {
        code: "invalid_argument",
      });
      assert.equal(emulator.requests.length, before);
    } finally {
      await emulator.close();
    }
  });

  it("withScopes takes names from ALL_SCOPES, at least one", () => {
    assert.deepEqual(config.withScopes("username", "email").scopes, ["username", "email"]);
    assert.deepEqual(config.withScopes(...ALL_SCOPES).scopes, ALL_SCOPES);
    refused(() => config.withScopes("bogus"), /no scope bogus/);
    refused(() => config.withScopes(), /one scope or more/);
  });

  it("withAuthAppUrl takes an https URL (http for loopback), as the other hosts", () => {
    assert.equal(config.withAuthAppUrl("http://127.0.0.1:9/auth").authAppUrl, "http://127.0.0.1:9/auth");
    for (const url of ["javascript:alert(1)", "http://example.com/auth"]) {
      assert.throws(() => config.withAuthAppUrl(url), { code: "insecure_url" }, url);
    }
    for (const url of ["", "not a url", "https://app.plex.tv/auth#x"]) {
      assert.throws(() => config.withAuthAppUrl(url), { code: "invalid_argument" }, url);
    }
  });

  it("withDiscoverUrl refuses a missing value as withUrls does, instead of going back to the real host", () => {
    for (const url of [undefined, null, 5, ""]) {
      assert.throws(() => config.withDiscoverUrl(url as never), { code: "invalid_argument" }, String(url));
      assert.throws(() => config.withUrls(url as never), { code: "invalid_argument" }, String(url));
    }
    assert.equal(config.withDiscoverUrl("http://127.0.0.1:9").discoverUrl, "http://127.0.0.1:9");
  });
});

describe("a call's options", () => {
  it("refuse a signal that is not an AbortSignal and a fetch that is not a function, before anything is sent", async () => {
    const emulator = await createEmulator();
    try {
      const token = emulator.issueLegacyToken({ clientId: "config-options-test" });
      const sending = config.withUrls(emulator.url).withFetch(emulator.fetch);
      const { withCredentials } = await import("../mod.ts");
      const signedIn = sending.client(sending.tokenSource(withCredentials("plexuser", "plexpass")));
      const fixed = sending.client(sending.tokenSource(withToken(token)));
      await fixed.user();
      const before = emulator.requests.length;
      for (const options of [{ signal: 5 }, { signal: {} }, { fetch: 5 }]) {
        await assert.rejects(
          signedIn.user(options as never),
          { code: "invalid_argument" },
          JSON.stringify(options),
        );
        await assert.rejects(
          fixed.user(options as never),
          { code: "invalid_argument" },
          JSON.stringify(options),
        );
      }
      assert.equal(emulator.requests.length, before, "nothing was sent");
    } finally {
      await emulator.close();
    }
  });
});

describe("checks that hold however a Config or a call is made", () => {
  it("the Config constructor checks its fields as the with* methods do", async () => {
    const { Config } = await import("../mod.ts");
    const fields = {
      url: "https://plex.tv",
      v2Url: "https://clients.plex.tv",
      authAppUrl: "https://app.plex.tv/auth",
      clientId: "config-options-test",
      device: { product: "Options Test" },
      scopes: ["username"],
      http: {},
    };
    assert.equal(new Config(fields).device.product, "Options Test");
    assert.throws(() => new Config({ ...fields, authAppUrl: "javascript:alert(1)" }), {
      code: "insecure_url",
    });
    refused(() => new Config({ ...fields, device: { product: 5 } as never }), /product must be a string/);
    refused(() => new Config({ ...fields, scopes: ["nope"] }), /no scope nope/);
    refused(() => new Config({ ...fields, http: { timeout: 1 } as never }), /no HTTP setting timeout/);
  });

  it("a null device field leaves its header out, as an empty one does", () => {
    assert.equal(config.withDevice({ product: "Options Test", model: null } as never).device.model, null);
  });

  it("a signal given as null is no signal; a token source refuses one that is not a signal, cached token or not", async () => {
    const emulator = await createEmulator();
    try {
      const token = emulator.issueLegacyToken({ clientId: "config-options-test" });
      const sending = config.withUrls(emulator.url).withFetch(emulator.fetch);
      const source = sending.tokenSource(withToken(token));
      assert.equal((await sending.client(source).user({ signal: null } as never)).username, "plexuser");
      assert.equal((await source.token({ signal: null } as never)).value, token);
      await assert.rejects(source.token({ signal: 5 } as never), { code: "invalid_argument" });
    } finally {
      await emulator.close();
    }
  });
});

describe("the sign-in flows' arguments", () => {
  it("are refused before anything is sent: a PIN callback, a key, a key id, a JWK or a device JWT that is not one", async () => {
    const emulator = await createEmulator();
    try {
      const sending = config.withUrls(emulator.url).withFetch(emulator.fetch);
      const key = await generateDeviceKey();
      const show = () => {};
      const calls: [string, () => Promise<unknown>][] = [
        ["registerWithPin(null)", () => sending.registerWithPin(null as never)],
        ["registerWithPinJwt(null)", () => sending.registerWithPinJwt(null as never)],
        ["registerWithPinJwt key 5", () => sending.registerWithPinJwt(show, { key: 5 as never })],
        ["registerWithPinJwt key {}", () => sending.registerWithPinJwt(show, { key: {} as never })],
        ["registerWithPin deviceJwt 5", () => sending.registerWithPin(show, { deviceJwt: 5 as never })],
        ["pinRequest jwk 5", () => sending.pinRequest({ jwk: 5 as never })],
        ["validatePin deviceJwt 5", () => sending.validatePin(1, { deviceJwt: 5 as never })],
        ["jwtToken(null)", () => sending.jwtToken(null as never, key.keyId)],
        [
          "jwtToken(public key)",
          async () => sending.jwtToken(await importPublicJwk(key.publicJwk), key.keyId),
        ],
        ["jwtToken key id 5", () => sending.jwtToken(key.privateKey, 5 as never)],
        ["jwtToken key id ''", () => sending.jwtToken(key.privateKey, "")],
      ];
      for (const [name, call] of calls) {
        await assert.rejects(call(), { code: "invalid_argument" }, name);
      }
      assert.equal(emulator.requests.length, 0, "nothing was sent");
    } finally {
      await emulator.close();
    }
  });
});
