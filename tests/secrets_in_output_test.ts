// No secret ever shows: every flow (credentials with 2FA errors, PIN, PIN +
// JWK, key upload, JWT refresh, verification, token sources and their failed
// refreshes) runs against the emulator, healthy and with faults injected; every
// log line, every thrown error (message, hint, stack, cause chain, JSON, String,
// util.inspect) and every printed object is scanned for the secrets used.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { type Config, defaultConfig } from "../lib/config.ts";
import { newClientId } from "../lib/client_id.ts";
import { PlexError } from "../lib/errors.ts";
import { send } from "../lib/http/send.ts";
import { exportPrivateJwk, generateDeviceKey, importPrivateJwk } from "../lib/keys.ts";
import type { Logger } from "../lib/logger.ts";
import { RetryBudget } from "../lib/http/retry_budget.ts";
import { memoryStore } from "../lib/store/memory.ts";
import type { SecureData } from "../lib/store/store.ts";
import { Token } from "../lib/token.ts";
import { withCredentials, withJwt, withLogger, withPin, withToken } from "../lib/token_sources/options.ts";
import { type Emulator, startEmulator } from "../lib/testing/mod.ts";
import { freePort } from "./_helpers/raw_http_server.ts";

const PASSWORD = "Canary-Passw0rd-for-redaction";
const USERNAME = "redaction-canary";
const CODE = "918273";

/** Everything that was shown: log lines, errors in every form, printed objects. */
const shown: string[] = [];
/** Every secret used or issued during the run. */
const secrets = new Set<string>([PASSWORD]);
let emulator: Emulator;

const logger: Logger = {
  debug: (m, ...d) => void shown.push(printAll(m, ...d)),
  info: (m, ...d) => void shown.push(printAll(m, ...d)),
  warn: (m, ...d) => void shown.push(printAll(m, ...d)),
  error: (m, ...d) => void shown.push(printAll(m, ...d)),
};

function printAll(...values: unknown[]): string {
  return values.map((v) => {
    let json = "";
    try {
      json = JSON.stringify(v) ?? "";
    } catch {
      json = "(not JSON)";
    }
    return [typeof v === "string" ? v : String(v), json, inspect(v, { depth: 10, showHidden: false })].join(
      "\n",
    );
  }).join("\n");
}

/** Records an error in every form a user could print it. */
function showError(err: unknown): void {
  const parts: string[] = [printAll(err)];
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    const e = current as {
      message?: unknown;
      stack?: unknown;
      hint?: unknown;
      details?: unknown;
      cause?: unknown;
    };
    parts.push(String(e.message), String(e.stack), String(e.hint), JSON.stringify(e.details ?? null));
    current = e.cause;
  }
  shown.push(parts.join("\n"));
}

/** Runs `fn`, recording its error (if any) and returning it. */
async function attempt<T>(fn: () => Promise<T>): Promise<T | PlexError> {
  try {
    return await fn();
  } catch (err) {
    showError(err);
    assert.ok(err instanceof PlexError, `expected a PlexError, got ${inspect(err)}`);
    return err;
  }
}

/** A fetch that learns the secrets on the wire: device JWTs in URLs and bodies, tokens in answers. */
const learningFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const deviceJwt = url.searchParams.get("deviceJWT");
  if (deviceJwt) secrets.add(deviceJwt);
  const body = typeof init?.body === "string" ? init.body : "";
  for (const match of body.matchAll(/"jwt":"([^"]+)"/g)) secrets.add(match[1]!);
  const token = new Headers(init?.headers).get("X-Plex-Token");
  if (token) secrets.add(token);
  const response = await fetch(input, init);
  const copy = response.clone();
  const text = await copy.text().catch(() => "");
  for (const match of text.matchAll(/"(?:authToken|auth_token)":"([^"]+)"/g)) secrets.add(match[1]!);
  return response;
};

function configFor(clientId = newClientId()): Config {
  return defaultConfig().withClientId(clientId).withUrls(emulator.url).withAuthAppUrl(`${emulator.url}/auth`)
    .withHttp({
      fetch: learningFetch,
      logger,
      timeoutMs: 2_000,
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 10, rateLimitDelayMs: 10, maxRetryAfterMs: 1_500 },
      retryBudget: new RetryBudget({ capacity: 1_000 }),
    });
}

function learnToken(token: Token | PlexError): void {
  if (token instanceof Token) secrets.add(token.value);
}

async function learnKey(key: { privateKey: CryptoKey }): Promise<void> {
  const jwk = await exportPrivateJwk(key.privateKey);
  secrets.add(jwk.d!);
}

before(async () => {
  emulator = await startEmulator({ signinFailureLimit: 3, nonceRateLimit: 1_000 });
  emulator.addUser({ username: USERNAME, password: PASSWORD, verificationCode: CODE });
  secrets.add(emulator.users.default.password!);
  secrets.add(emulator.users.twoFactor.password!);
});

after(async () => {
  await emulator.close();
});

describe("every flow, healthy and failing, shows no secret", () => {
  it("credentials, with 2FA errors, rate limits, 5xx, resets and malformed answers", async () => {
    const config = configFor();
    assert.ok((await attempt(() => config.registerWithCredentials(USERNAME, PASSWORD))) instanceof PlexError);
    assert.equal(
      ((await attempt(() =>
        config.registerWithCredentials(USERNAME, PASSWORD, { verificationCode: "000000" })
      )) as PlexError)
        .code,
      "invalid_verification_code",
    );
    const token = await attempt(() =>
      config.registerWithCredentials(USERNAME, PASSWORD, { verificationCode: CODE })
    );
    assert.ok(token instanceof Token);
    learnToken(token);
    shown.push(printAll(token));

    await attempt(() => configFor().registerWithCredentials(USERNAME, `${PASSWORD}-wrong`));
    const blocked = configFor();
    for (let i = 0; i < 4; i++) {
      await attempt(() => blocked.registerWithCredentials(USERNAME, `${PASSWORD}x`));
    }

    for (
      const fault of [
        { kind: "status", status: 429, plexCode: 1003, retryAfter: 1 },
        { kind: "status", status: 503 },
        { kind: "reset" },
        { kind: "malformed", body: "truncated_json" },
        { kind: "malformed", body: "html" },
        { kind: "huge", bytes: 9 * 1024 * 1024 },
      ] as const
    ) {
      emulator.inject({ match: "POST /api/v2/users/signin", ...fault });
      const { username, password } = emulator.users.default;
      learnToken(await attempt(() => configFor().registerWithCredentials(username, password!)));
    }
  });

  it("credentials whose password a JSON error body echoes, escaped (quotes, backslashes, letters beyond ASCII)", async () => {
    const password = 'Canary "quoted\\ pässwörd"';
    secrets.add(password);
    const escaped = JSON.stringify(password).slice(1, -1);
    for (
      const echo of [
        escaped,
        escaped.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
      ]
    ) {
      emulator.inject({
        match: "POST /api/v2/users/signin",
        kind: "status",
        status: 401,
        body: `{"errors":[{"code":1001,"message":"Invalid login for password ${echo}"}]}`,
      });
      const err = await attempt(() => configFor().registerWithCredentials(USERNAME, password));
      assert.ok(err instanceof PlexError && err.code === "unauthorized", String(err));
      assert.match(JSON.stringify(err), /Invalid login for password \*\*\*/);
    }
  });

  it("PIN, with rate-limited, failing, cut-off and malformed polls, and an expired PIN", async () => {
    const config = configFor();
    const token = await attempt(() =>
      config.registerWithPin((pin) => {
        for (
          const fault of [
            { kind: "status", status: 429, retryAfter: 0 },
            { kind: "status", status: 500 },
            { kind: "reset" },
          ] as const
        ) emulator.inject({ match: "GET /api/v2/pins/*", ...fault });
        setTimeout(() => emulator.approvePin(pin.code), 150);
      }, { pollInterval: 50 })
    );
    assert.ok(token instanceof Token, `PIN sign-in failed: ${String(token)}`);
    learnToken(token);

    const { pin } = await configFor().pinRequest();
    emulator.approvePin(pin.code);
    for (const body of ["truncated_json", "xml_missing_attributes"] as const) {
      emulator.inject({ match: "GET /api/v2/pins/*", kind: "malformed", body });
      await attempt(() => config.validatePin(pin.id));
    }
    learnToken(
      ((await attempt(() => config.validatePin(pin.id))) as { token?: Token }).token ?? new Token("x"),
    );
    await attempt(() => config.validatePin(987_654_321));
  });

  it("PIN + JWK, including polls whose deviceJWT query meets refused connections and resets", async () => {
    const config = configFor();
    const result = await attempt(() =>
      config.registerWithPinJwt((pin) => {
        emulator.inject({ match: "GET /api/v2/pins/*", kind: "reset" });
        emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 429, plexCode: 1003 });
        setTimeout(() => emulator.approvePin(pin.code), 100);
      }, { pollInterval: 50 })
    );
    assert.ok(!(result instanceof PlexError), `PIN + JWK failed: ${String(result)}`);
    learnToken(result.token);
    await learnKey(result.key);
    shown.push(printAll(result), printAll(result.key), printAll(result.token));

    const { pin } = await config.pinRequest({ jwk: result.key.publicJwk });
    const deviceJwt = "eyJhbGciOiJFZERTQSJ9.eyJzY29wZSI6InVzZXJuYW1lIn0.c2VjcmV0LXNpZ25hdHVyZS1jYW5hcnk";
    secrets.add(deviceJwt);
    emulator.approvePin(pin.code);
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "malformed", body: "truncated_json" });
    await attempt(() => config.validatePin(pin.id, { deviceJwt }));
    const closed = config.withUrls(`http://127.0.0.1:${await freePort()}`);
    await attempt(() => closed.validatePin(pin.id, { deviceJwt }));
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "hang" });
    await attempt(() => config.withHttp({ timeoutMs: 200 }).validatePin(pin.id, { deviceJwt }));
  });

  it("key upload, JWT refresh and verification, with 1097, rate limits and bad tokens", async () => {
    const config = configFor();
    const { username, password } = emulator.users.default;
    const legacy = await config.registerWithCredentials(username, password!);
    learnToken(legacy);
    const key = await attempt(() => config.generateAndUploadPublicKey(legacy));
    assert.ok(!(key instanceof PlexError));
    await learnKey(key);
    shown.push(printAll(key));

    emulator.inject({ match: "POST /api/v2/auth/jwk", kind: "status", status: 500 });
    await attempt(() => configFor().uploadPublicKey(key.publicJwk, legacy));
    await attempt(() => configFor().uploadPublicKey(key.publicJwk, "NotARealToken1234567"));
    await attempt(() => configFor().uploadPublicKey(key.publicJwk, "bad token\r\nX-Evil: 1"));

    const jwt = await attempt(() => config.jwtToken(key.privateKey, key.keyId));
    assert.ok(jwt instanceof Token);
    learnToken(jwt);
    emulator.inject({ match: "GET /api/v2/auth/nonce", kind: "status", status: 429, plexCode: 1003 });
    learnToken(await attempt(() => config.jwtToken(key.privateKey, key.keyId)));
    emulator.inject({ match: "POST /api/v2/auth/token", kind: "malformed", body: "truncated_json" });
    await attempt(() => config.jwtToken(key.privateKey, key.keyId));
    emulator.inject({ match: "POST /api/v2/auth/token", kind: "reset" });
    await attempt(() => config.jwtToken(key.privateKey, key.keyId));

    await attempt(() => config.verifyPlexToken(jwt));
    await attempt(() => config.verifyPlexToken(jwt, { thumbprint: "another-key" }));
    const expired = await emulator.issueJwt({ clientId: config.clientId, expiresInSeconds: -60 });
    secrets.add(expired);
    await attempt(() => config.verifyPlexToken(expired));
    const tampered = `${jwt.value.slice(0, -4)}AAAA`;
    secrets.add(tampered);
    await attempt(() => config.verifyPlexToken(tampered));
    emulator.inject({ match: "GET /api/v2/auth/keys", kind: "malformed", body: "html" });
    await attempt(() => configFor().verifyPlexToken(expired, { keys: [] }));

    emulator.forgetKey(config.clientId);
    await attempt(() => config.jwtToken(key.privateKey, key.keyId));
    const foreign = await importPrivateJwk({ ...(await exportPrivateJwk(key.privateKey)), x: "AAAA" }).catch((
      e,
    ) => e);
    showError(foreign);
  });

  it("token sources, including failed refreshes and a lost device key", async () => {
    const store = memoryStore<SecureData>();
    const clientId = newClientId();
    const source = configFor(clientId).tokenSource(
      withCredentials(USERNAME, PASSWORD, { verificationCode: CODE }),
      withJwt(store, { refreshMarginMs: 8 * 86_400_000 }),
      withLogger(logger),
    );
    const first = await attempt(() => source.token());
    assert.ok(first instanceof Token, `token source failed: ${String(first)}`);
    learnToken(first);
    const saved = await store.load();
    if (saved?.privateKey?.d) secrets.add(saved.privateKey.d);
    if (saved?.token) secrets.add(saved.token);
    shown.push(printAll(source), printAll(first));

    for (
      const fault of [
        { kind: "status", status: 503 },
        { kind: "reset" },
        { kind: "status", status: 429, retryAfter: 120 },
        { kind: "malformed", body: "truncated_json" },
      ] as const
    ) {
      emulator.inject({ match: "POST /api/v2/auth/token", times: 2, ...fault });
      learnToken(await attempt(() => source.token()));
    }
    emulator.forgetKey(clientId);
    await attempt(() => source.token());

    const pinSource = configFor().tokenSource(
      withPin((pin) => emulator.approvePin(pin.code), { pollInterval: 50 }),
    );
    learnToken(await attempt(() => pinSource.token()));
    shown.push(printAll(pinSource));
    const fixed = configFor().tokenSource(withToken("FixedLegacyToken1234"), withJwt(memoryStore()));
    secrets.add("FixedLegacyToken1234");
    emulator.inject({ match: "POST /api/v2/auth/jwk", kind: "status", status: 401, plexCode: 1001 });
    await attempt(() => fixed.token());
  });

  it("the request helper, on a URL with credentials and a token query", async () => {
    const config = configFor();
    await attempt(() =>
      send(config, { method: "GET", host: "url", path: "/api/v2/user?X-Plex-Token=QueryToken987654321" })
    );
    secrets.add("QueryToken987654321");
    const err = await attempt(() =>
      Promise.resolve().then(() => defaultConfig().withUrls("http://user:UrlPassword555@plex.example"))
    );
    secrets.add("UrlPassword555");
    showError(err);
    shown.push(printAll(config), printAll(await generateDeviceKey()));
  });

  it("finds no secret in anything shown", () => {
    const text = shown.join("\n");
    assert.ok(shown.length > 50, `only ${shown.length} things were shown`);
    assert.ok(text.includes("plex.tv answered"), "errors were captured");
    const checked = [...secrets].filter((s) => s.length >= 8);
    assert.ok(checked.length >= 15, `only ${checked.length} secrets were learned`);
    console.log(
      `redaction: ${shown.length} outputs (${text.length} characters) scanned for ${checked.length} secrets`,
    );
    const hits = checked.filter((s) => text.includes(s));
    assert.deepEqual(hits.map((s) => `${s.slice(0, 6)}… (${s.length} chars)`), []);
    // A JWT's signature alone is as good as the token in practice: none either.
    const signatures = checked.filter((s) => s.split(".").length === 3).map((s) => s.split(".")[2]!).filter((
      s,
    ) => s.length >= 16);
    assert.deepEqual(signatures.filter((s) => text.includes(s)).map((s) => s.slice(0, 6)), []);
  });
});
