// The env store: device data from PLEXTV_* variables for containers and CI,
// in every accepted form, kept in memory on save with a clear warning, and
// typed errors that name the variable but never show its value.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import process from "node:process";
import { inspect } from "node:util";
import { before, describe, it } from "node:test";
import { PlexError } from "../../lib/errors.ts";
import { exportPrivateJwk, generateDeviceKey } from "../../lib/keys.ts";
import type { Logger } from "../../lib/logger.ts";
import type { SecureData } from "../../lib/store/store.ts";
import { envStore, fromEnvVariables, toEnvVariables } from "../../plugins/env.ts";

let keyId: string;
let jwk: JsonWebKey;
let otherJwk: JsonWebKey;
const JWT = "eyJhbGciOiJFZERTQSJ9.eyJleHAiOjE5MDAwMDAwMDB9.c2lnbmF0dXJl";

before(async () => {
  const key = await generateDeviceKey();
  keyId = key.keyId;
  jwk = await exportPrivateJwk(key.privateKey);
  otherJwk = await exportPrivateJwk((await generateDeviceKey()).privateKey);
});

const base = () => ({ PLEXTV_CLIENT_ID: "0d6e7f2a-5b1c-4e8f-9a3d-2c4b6e8f0a1b" });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn: (message: string) => void warnings.push(message),
  };
}

/** Loading `env` must fail with store_corrupt naming `variable` and showing none of `secrets`. */
async function expectCorrupt(
  env: Record<string, string>,
  variable: string,
  secrets: string[],
): Promise<void> {
  const err = await envStore({ env }).load().then(
    (value) => assert.fail(`expected store_corrupt, got ${JSON.stringify(value)}`),
    (err: unknown) => err,
  );
  assert.ok(err instanceof PlexError, String(err));
  assert.equal(err.code, "store_corrupt");
  assert.ok(err.message.includes(variable), `names ${variable}: ${err.message}`);
  const shown = [err.message, err.hint ?? "", String(err.cause ?? ""), err.stack ?? "", inspect(err)].join(
    "\n",
  );
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i++) {
      const part = secret.slice(i, i + 8);
      assert.ok(!shown.includes(part), `the value leaked into the error: ${err.message}`);
    }
  }
}

describe("env store loads every variable form", () => {
  it("loads nothing when no variable is set (empty ones count as unset)", async () => {
    assert.equal(await envStore({ env: {} }).load(), undefined);
    assert.equal(await envStore({ env: { PLEXTV_CLIENT_ID: "", PLEXTV_TOKEN: "  " } }).load(), undefined);
    assert.equal(await envStore({ env: { OTHER_CLIENT_ID: "x" } }).load(), undefined);
  });

  it("loads a client id and a legacy token", async () => {
    const data = await envStore({ env: { ...base(), PLEXTV_TOKEN: " abcdefghij0123456789\n" } }).load();
    assert.deepEqual(data, { version: 1, clientId: base().PLEXTV_CLIENT_ID, token: "abcdefghij0123456789" });
  });

  const forms: Array<[string, () => string]> = [
    ["JSON", () => JSON.stringify(jwk)],
    ["pretty JSON", () => JSON.stringify(jwk, null, 2)],
    ["base64 with padding", () => Buffer.from(JSON.stringify(jwk)).toString("base64")],
    ["base64url", () => Buffer.from(JSON.stringify(jwk)).toString("base64url")],
    [
      "base64 wrapped at 76 columns",
      () => Buffer.from(JSON.stringify(jwk)).toString("base64").replace(/.{76}/g, "$&\n"),
    ],
  ];
  for (const [form, value] of forms) {
    it(`loads the private key as ${form}, with the key id`, async () => {
      const env = { ...base(), PLEXTV_KEY_ID: keyId, PLEXTV_PRIVATE_KEY: value(), PLEXTV_TOKEN: JWT };
      const data = await envStore({ env }).load();
      assert.deepEqual(data?.privateKey, { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d });
      assert.equal(data?.keyId, keyId);
      assert.equal(data?.token, JWT);
    });
  }

  it("derives the key id from the key when PLEXTV_KEY_ID is unset", async () => {
    const data = await envStore({ env: { ...base(), PLEXTV_PRIVATE_KEY: JSON.stringify(jwk) } }).load();
    assert.equal(data?.keyId, keyId);
  });

  it("reads the expiry as ISO-8601 or unix seconds", async () => {
    const iso = await envStore({
      env: { ...base(), PLEXTV_TOKEN: JWT, PLEXTV_TOKEN_EXPIRES_AT: "2030-04-05T06:07:08Z" },
    })
      .load();
    assert.equal(iso?.tokenExpiresAt, "2030-04-05T06:07:08Z");
    const unix = await envStore({
      env: { ...base(), PLEXTV_TOKEN: JWT, PLEXTV_TOKEN_EXPIRES_AT: "1900000000" },
    }).load();
    assert.equal(unix?.tokenExpiresAt, new Date(1_900_000_000_000).toISOString());
  });

  it("reads another prefix, with or without its trailing underscore", async () => {
    const env = { MYAPP_CLIENT_ID: "client-b", MYAPP_TOKEN: "abcdefghij0123456789", ...base() };
    assert.equal((await envStore({ env, prefix: "MYAPP_" }).load())?.clientId, "client-b");
    assert.equal((await envStore({ env, prefix: "MYAPP" }).load())?.clientId, "client-b");
    assert.equal((await envStore({ env }).load())?.clientId, base().PLEXTV_CLIENT_ID);
    assert.throws(
      () => envStore({ prefix: "MY-APP" }),
      (err: unknown) => (err as PlexError).code === "invalid_argument",
    );
  });

  it("refuses options that are not an object of its options, instead of reading PLEXTV_*", () => {
    const env = { AUD_CLIENT_ID: "client-b", ...base() };
    const refusals: [unknown, string][] = [
      ["AUD_", "The env store's options must be an object"],
      [null, "The env store's options must be an object"],
      [["AUD_"], "The env store's options must be an object"],
      [{ prefx: "AUD_", env }, "The env store has no option prefx"],
      [
        { prefix: "AUD_", env: "AUD_CLIENT_ID=client-b" },
        "The env store's env must be an object of variable names and values",
      ],
      [{ env, logger: {} }, "A logger has debug, info, warn and error functions"],
    ];
    for (const [options, message] of refusals) {
      assert.throws(() => envStore(options as never), {
        name: "PlexError",
        code: "invalid_argument",
        message,
      });
    }
    assert.equal(envStore(undefined).prefix, "PLEXTV_");
    assert.equal(envStore({ prefix: undefined, env: undefined, logger: undefined }).prefix, "PLEXTV_");
  });

  it("reads the process environment by default, at each load", async () => {
    const prefix = `PLEXTV_TEST_${crypto.randomUUID().slice(0, 8).toUpperCase()}_`;
    const store = envStore({ prefix });
    try {
      assert.equal(await store.load(), undefined);
      process.env[`${prefix}CLIENT_ID`] = "from-process";
      assert.equal((await store.load())?.clientId, "from-process");
    } finally {
      delete process.env[`${prefix}CLIENT_ID`];
    }
  });
});

describe("env store save and clear", () => {
  it("keeps a saved token in memory, warns once that nothing was persisted, leaves the environment", async () => {
    const env: Record<string, string> = { ...base(), PLEXTV_TOKEN: "abcdefghij0123456789" };
    const snapshot = { ...env };
    const logger = recordingLogger();
    const store = envStore({ env, logger });
    assert.equal(store.persistent, false);
    const loaded = await store.load();
    const refreshed: SecureData = { ...loaded!, token: JWT, tokenExpiresAt: "2030-01-01T00:00:00.000Z" };
    await store.save(refreshed);
    refreshed.token = "mutated after save";
    assert.equal((await store.load())?.token, JWT);
    await store.save({ ...refreshed, token: "klmnopqrst0123456789" });
    assert.equal((await store.load())?.token, "klmnopqrst0123456789");
    assert.equal(logger.warnings.length, 1, "one warning for many saves");
    assert.match(logger.warnings[0], /nothing was persisted/);
    assert.match(logger.warnings[0], /PLEXTV_TOKEN/);
    assert.ok(!logger.warnings[0].includes(JWT) && !logger.warnings[0].includes("klmnopqrst"));
    assert.deepEqual(env, snapshot);
  });

  it("clears the in-memory copy only: loads nothing afterwards, the environment is unchanged", async () => {
    const env: Record<string, string> = { ...base(), PLEXTV_TOKEN: "abcdefghij0123456789" };
    const logger = recordingLogger();
    const store = envStore({ env, logger });
    await store.clear();
    assert.equal(await store.load(), undefined);
    assert.equal(env.PLEXTV_TOKEN, "abcdefghij0123456789");
    assert.match(logger.warnings[0], /unchanged/);
    assert.equal(
      (await envStore({ env }).load())?.token,
      "abcdefghij0123456789",
      "a new process reads it again",
    );
  });

  it("saves silently without a logger", async () => {
    const store = envStore({ env: base() });
    await store.save({ version: 1, clientId: "x" });
    assert.equal((await store.load())?.clientId, "x");
  });
});

describe("env store rejects bad values without leaking them", () => {
  it("rejects a private key that is neither JSON nor base64", async () => {
    await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: `not a key ${jwk.d}` }, "PLEXTV_PRIVATE_KEY", [
      jwk.d!,
    ]);
  });

  it("rejects malformed JSON without quoting it", async () => {
    const value = `{"kty":"OKP","crv":"Ed25519","x":"${jwk.x}","d":"${jwk.d}"`;
    await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: value }, "PLEXTV_PRIVATE_KEY", [jwk.d!, value]);
    const unquoted = `{"d": ${jwk.d}}`; // JSON.parse quotes inputs like this one in its error message
    await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: unquoted }, "PLEXTV_PRIVATE_KEY", [jwk.d!]);
    const encoded = Buffer.from(value).toString("base64url");
    await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: encoded }, "PLEXTV_PRIVATE_KEY", [jwk.d!, encoded]);
  });

  it("rejects JSON that is not an Ed25519 private JWK", async () => {
    const cases: JsonWebKey[] = [
      { kty: "OKP", crv: "Ed25519", x: jwk.x },
      { kty: "RSA", n: "AQAB", e: "AQAB", d: jwk.d },
      { kty: "OKP", crv: "X25519", x: jwk.x, d: jwk.d },
      { kty: "OKP", crv: "Ed25519", d: jwk.d },
      { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d!.slice(0, 20) },
      { kty: "OKP", crv: "Ed25519", x: otherJwk.x, d: jwk.d },
    ];
    for (const key of cases) {
      await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: JSON.stringify(key) }, "PLEXTV_PRIVATE_KEY", [
        jwk.d!,
      ]);
    }
    await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: `[${JSON.stringify(jwk)}]` }, "PLEXTV_PRIVATE_KEY", [
      jwk.d!,
    ]);
    await expectCorrupt({ ...base(), PLEXTV_PRIVATE_KEY: JSON.stringify(jwk.d) }, "PLEXTV_PRIVATE_KEY", [
      jwk.d!,
    ]);
  });

  it("names the specific problem: a key without d", async () => {
    const err = await fromEnvVariables({
      ...base(),
      PLEXTV_PRIVATE_KEY: JSON.stringify({ ...jwk, d: undefined }),
    })
      .catch((err: PlexError) => err);
    assert.match((err as PlexError).message, /no private part \(d\)/);
  });

  it("rejects a token or client id with spaces, and a bad expiry", async () => {
    const token = "abc defghij0123456789secret";
    await expectCorrupt({ ...base(), PLEXTV_TOKEN: token }, "PLEXTV_TOKEN", [token]);
    await expectCorrupt({ PLEXTV_CLIENT_ID: "my client secretish", PLEXTV_TOKEN: JWT }, "PLEXTV_CLIENT_ID", [
      JWT,
    ]);
    await expectCorrupt(
      { ...base(), PLEXTV_TOKEN_EXPIRES_AT: "next tuesday" },
      "PLEXTV_TOKEN_EXPIRES_AT",
      [],
    );
  });

  it("rejects an expiry that names no real time, which Date.parse would roll over", async () => {
    for (
      const time of [
        "2026-02-30T00:00Z",
        "2026-04-31T12:00:00Z",
        "2026-13-01T00:00Z",
        "2026-01-01T24:00Z",
        "2026-01-01T00:60Z",
        "2026-01-01T00:00:60Z",
        "2026-01-01T00:00+24:00",
        "2026-01-01T00:00-05:60",
      ]
    ) {
      await expectCorrupt({ ...base(), PLEXTV_TOKEN_EXPIRES_AT: time }, "PLEXTV_TOKEN_EXPIRES_AT", []);
    }
    for (const time of ["2024-02-29T12:00:00.5+02:00", "2026-12-31T23:59:59Z", "2026-06-30T00:00-05:30"]) {
      const data = await fromEnvVariables({ ...base(), PLEXTV_TOKEN_EXPIRES_AT: time });
      assert.equal(data?.tokenExpiresAt, time);
    }
  });

  it("rejects incomplete sets: data without a client id, a key id without a key", async () => {
    await expectCorrupt({ PLEXTV_TOKEN: JWT }, "PLEXTV_CLIENT_ID", [JWT]);
    await expectCorrupt({ ...base(), PLEXTV_KEY_ID: keyId }, "PLEXTV_PRIVATE_KEY", []);
  });
});

describe("toEnvVariables", () => {
  it("round-trips full secure data through the env store, for any prefix", async () => {
    const data: SecureData = {
      version: 1,
      clientId: "0d6e7f2a-5b1c-4e8f-9a3d-2c4b6e8f0a1b",
      keyId,
      privateKey: { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d },
      token: JWT,
      tokenExpiresAt: "2030-01-01T00:00:00.000Z",
    };
    for (const prefix of [undefined, "MYAPP_", "CI"]) {
      const vars = toEnvVariables(data, prefix);
      const p = prefix === undefined ? "PLEXTV_" : prefix.endsWith("_") ? prefix : `${prefix}_`;
      assert.deepEqual(
        Object.keys(vars),
        ["CLIENT_ID", "KEY_ID", "PRIVATE_KEY", "TOKEN", "TOKEN_EXPIRES_AT"].map((n) => p + n),
      );
      for (const value of Object.values(vars)) {
        assert.match(value, /^[A-Za-z0-9_.:-]+$/, "safe unquoted in any env file");
      }
      assert.deepEqual(await envStore({ env: vars, prefix }).load(), data);
    }
  });

  it("renders only the fields the data has", async () => {
    const data: SecureData = { version: 1, clientId: "abc", token: "abcdefghij0123456789" };
    const vars = toEnvVariables(data);
    assert.deepEqual(vars, { PLEXTV_CLIENT_ID: "abc", PLEXTV_TOKEN: "abcdefghij0123456789" });
    assert.deepEqual(await envStore({ env: vars }).load(), data);
  });

  it("refuses data without a client id", () => {
    assert.throws(
      () => toEnvVariables({ version: 1, clientId: "" }),
      (err: unknown) => err instanceof PlexError && err.code === "invalid_argument",
    );
  });
});
