/**
 * The options of `config.tokenSource(...)`, composed like the seed's
 * `TokenSourceOption`s: a registrar (token, credentials, PIN, PIN + JWK) to
 * sign in once, and `withJwt(store)` / `withStore(store)` to persist and
 * refresh so it is never needed again. Each sign-in flow's code is loaded
 * when the source first signs in with it.
 *
 * @module
 */
import type { CredentialsOptions } from "../flows/credentials.ts";
import type { OnPin, PinSignInOptions } from "../flows/pin.ts";
import type { PinJwtOptions } from "../flows/pin_jwt.ts";
import { checkLogger, type Logger } from "../logger.ts";
import type { SecureData, SecureStore } from "../store/store.ts";
import { PlexError } from "../errors.ts";
import { checkCallOptions, timerMs } from "../http/deadline.ts";
import { checkOptionNames } from "../http/options.ts";
import { Token } from "../token.ts";
import { DEFAULT_REFRESH_MARGIN_MS } from "./freshness.ts";
import { jwtMode } from "./jwt_mode.ts";
import type { JwkMissingPolicy, TokenSourceSettings } from "./settings.ts";

export type { JwkMissingPolicy, Registrar, TokenSourceSettings } from "./settings.ts";

/**
 * One option of `config.tokenSource(...)`.
 *
 * @example
 * ```ts
 * import type { TokenSourceOption } from "./options.ts";
 * const quiet: TokenSourceOption = (settings) => { settings.logger = undefined; };
 * ```
 */
export type TokenSourceOption = (settings: TokenSourceSettings) => void;

/**
 * The default settings, before options apply.
 *
 * @returns Fresh default settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * assert.equal(defaultTokenSourceSettings().refreshMarginMs, 86_400_000);
 * ```
 */
export function defaultTokenSourceSettings(): TokenSourceSettings {
  return {
    refreshMarginMs: DEFAULT_REFRESH_MARGIN_MS,
    onJwkMissing: "fail",
    lockTtlMs: 30_000,
  };
}

/**
 * Uses an existing token (the seed's `WithToken`). With `withJwt`, it is used
 * once to register the device key.
 *
 * @param token The token.
 * @returns The option.
 * @throws {PlexError} `invalid_argument` for a value that is neither a `Token` nor a string,
 *   `invalid_token` for a string that is not a token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { withToken } from "./options.ts";
 * const source = defaultConfig().withClientId("id").tokenSource(withToken("abcdefghij0123456789"));
 * assert.ok((await source.token()).isLegacy());
 * ```
 */
export function withToken(token: Token | string): TokenSourceOption {
  // Not a token at all is a wrong argument; a string that is no token, an invalid_token (Token.from).
  if (!(token instanceof Token) && typeof token !== "string") {
    throw new PlexError("invalid_argument", "withToken takes a token: a Token or a string");
  }
  const fixed = Token.from(token);
  return (settings) => {
    settings.registrar = { name: "token", register: () => Promise.resolve({ token: fixed }) };
  };
}

/**
 * Signs in with a username and password (the seed's `WithCredentials`), once.
 *
 * @param username The Plex username or email.
 * @param password The password.
 * @param options `verificationCode` for 2FA, `rememberMe`.
 * @returns The option.
 * @throws {PlexError} `invalid_argument` for an option it does not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { withCredentials, withJwt } from "./options.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const store = memoryStore();
 * const source = config.tokenSource(
 *   withCredentials("twofactor", "twofactorpass", { verificationCode: "123456" }),
 *   withJwt(store),
 * );
 * assert.ok((await source.token()).isJwt());
 * assert.ok((await store.load())?.privateKey); // the device key is kept
 * await emulator.close();
 * ```
 */
export function withCredentials(
  username: string,
  password: string,
  options: Omit<CredentialsOptions, "signal"> = {},
): TokenSourceOption {
  // Refused here, as every option's are, not at the first token() (the sign-in checks them again).
  checkCallOptions(options, ["verificationCode", "rememberMe"], "withCredentials");
  return (settings) => {
    settings.registrar = {
      name: "credentials",
      register: async (context, signal) => {
        const { registerWithCredentials } = await import("../flows/credentials.ts");
        return { token: await registerWithCredentials(context, username, password, { ...options, signal }) };
      },
    };
  };
}

/**
 * Signs in with a PIN (the seed's `WithPIN`), once.
 *
 * @param onPin Shows the PIN and URL to the user.
 * @param options `pollInterval`, `strong`, `forwardUrl` (checked at sign-in).
 * @returns The option.
 * @throws {PlexError} `invalid_argument` when `onPin` is not a function, or for an option it does not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { withPin, withStore } from "./options.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const store = memoryStore();
 * const source = config.tokenSource(withPin((pin) => emulator.approvePin(pin.code), { pollInterval: 50 }), withStore(store));
 * const token = await source.token(); // show the PIN to the user; here the emulator approves it
 * assert.ok(token.isLegacy());
 * assert.equal((await store.load())?.token, token.value);
 * await emulator.close();
 * ```
 */
export function withPin(onPin: OnPin, options: Omit<PinSignInOptions, "signal"> = {}): TokenSourceOption {
  checkOnPin(onPin, "withPin");
  checkPinOptions(options, ["strong", "jwk", "deviceJwt"], "withPin");
  return (settings) => {
    settings.registrar = {
      name: "pin",
      register: async (context, signal) => {
        const { registerWithPin } = await import("../flows/pin.ts");
        return { token: await registerWithPin(context, onPin, { ...options, signal }) };
      },
    };
  };
}

/**
 * Signs in with a strong PIN that registers a device key: JWTs without any
 * legacy token. Implies JWT mode; add `withJwt(store)` to persist the key.
 *
 * @param onPin Shows the PIN and URL to the user.
 * @param options `pollInterval`, `forwardUrl` (checked at sign-in).
 * @returns The option.
 * @throws {PlexError} `invalid_argument` when `onPin` is not a function, or for an option it does not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { withJwt, withPinJwt } from "./options.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const store = memoryStore();
 * const source = config.tokenSource(withPinJwt((pin) => emulator.approvePin(pin.code), { pollInterval: 50 }), withJwt(store));
 * const token = await source.token();
 * assert.ok(token.isJwt());
 * assert.equal((await store.load())?.keyId, emulator.registeredKey("doc-example"));
 * await emulator.close();
 * ```
 */
export function withPinJwt(onPin: OnPin, options: Omit<PinJwtOptions, "signal"> = {}): TokenSourceOption {
  checkOnPin(onPin, "withPinJwt");
  checkPinOptions(options, ["key"], "withPinJwt");
  return (settings) => {
    settings.jwt = jwtMode;
    settings.registrar = {
      name: "pin-jwt",
      register: async (context, signal) => {
        const { registerWithPinJwt } = await import("../flows/pin_jwt.ts");
        return registerWithPinJwt(context, onPin, { ...options, signal });
      },
    };
  };
}

/**
 * Options of {@linkcode withJwt}.
 *
 * @example
 * ```ts
 * import type { JwtSourceOptions } from "./options.ts";
 * const options: JwtSourceOptions = { refreshMarginMs: 12 * 3600_000, onJwkMissing: "reregister" };
 * ```
 */
export interface JwtSourceOptions {
  /** Refresh this long before expiry, at most half the JWT's lifetime. Default one day (of the JWT's seven). */
  refreshMarginMs?: number;
  /** On 1097 (key no longer registered): `fail` (default) or `reregister` with a new client id. */
  onJwkMissing?: JwkMissingPolicy;
  /**
   * Called with the new client id of a re-registration, just before the store first holds it (a
   * registration that fails earlier changes nothing): persist it where the app reads its client id.
   */
  onReregister?: (clientId: string) => void | Promise<void>;
  /**
   * With a store that can lock (Redis): how long a replica's refresh lock
   * lives at most; the others take over after it, if its holder died. Default 30 s.
   */
  lockTtlMs?: number;
}

/**
 * Uses Ed25519 JWTs, persisted in `store` (the seed's `WithJWT`): the first
 * run signs in through the registrar and registers a device key; later runs
 * load the key and token and refresh the JWT before it expires.
 *
 * @param store Where the client id, key and token are kept.
 * @param options Refresh margin and the 1097 policy.
 * @returns The option.
 * @throws {PlexError} `invalid_argument` for a `store` that is not one, an option that is not a usable value, or
 *   one it does not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { withJwt, withToken } from "./options.ts";
 * const source = defaultConfig().withClientId("id").tokenSource(withToken("abcdefghij0123456789"), withJwt(memoryStore()));
 * assert.equal(typeof source.token, "function");
 * ```
 */
export function withJwt(store: SecureStore<SecureData>, options: JwtSourceOptions = {}): TokenSourceOption {
  if (typeof options !== "object" || options === null) {
    throw new PlexError("invalid_argument", "withJwt's options are an object, such as { lockTtlMs: 30000 }");
  }
  checkOptionNames(options, JWT_OPTIONS, "withJwt");
  const { refreshMarginMs, lockTtlMs } = options;
  if (refreshMarginMs !== undefined && !(Number.isFinite(refreshMarginMs) && refreshMarginMs >= 0)) {
    throw new PlexError(
      "invalid_argument",
      "refreshMarginMs must be a finite number of milliseconds, 0 or more",
    );
  }
  if (lockTtlMs !== undefined) timerMs(lockTtlMs, "lockTtlMs");
  if (
    options.onJwkMissing !== undefined && options.onJwkMissing !== "fail" &&
    options.onJwkMissing !== "reregister"
  ) {
    throw new PlexError("invalid_argument", 'onJwkMissing must be "fail" or "reregister"');
  }
  if (options.onReregister !== undefined && typeof options.onReregister !== "function") {
    throw new PlexError("invalid_argument", "onReregister must be a function");
  }
  checkStore(store, "withJwt");
  return (settings) => {
    settings.jwt = jwtMode;
    settings.store = store;
    if (options.refreshMarginMs !== undefined) settings.refreshMarginMs = options.refreshMarginMs;
    if (options.onJwkMissing !== undefined) settings.onJwkMissing = options.onJwkMissing;
    if (options.onReregister !== undefined) settings.onReregister = options.onReregister;
    if (options.lockTtlMs !== undefined) settings.lockTtlMs = options.lockTtlMs;
  };
}

/**
 * Persists the token (legacy or JWT) in `store`, so a restart does not sign
 * in again and does not add a new device to the account.
 *
 * @param store Where the client id and token are kept.
 * @returns The option.
 * @throws {PlexError} `invalid_argument` when `store` is not a store (`load`, `save`, `clear`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { withStore, withToken } from "./options.ts";
 * const store = memoryStore();
 * await defaultConfig().withClientId("id").tokenSource(withToken("abcdefghij0123456789"), withStore(store)).token();
 * assert.equal((await store.load())?.clientId, "id");
 * ```
 */
export function withStore(store: SecureStore<SecureData>): TokenSourceOption {
  checkStore(store, "withStore");
  return (settings) => {
    settings.store = store;
  };
}

/**
 * Logs what the source does (sign-ins, refreshes, warnings), without secrets.
 *
 * @param logger The logger, e.g. `console`.
 * @returns The option.
 * @throws {PlexError} `invalid_argument` when `logger` lacks one of `debug`, `info`, `warn`, `error`.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "../config.ts";
 * import { withLogger, withToken } from "./options.ts";
 * defaultConfig().withClientId("id").tokenSource(withToken("abcdefghij0123456789"), withLogger(console));
 * ```
 */
export function withLogger(logger: Logger): TokenSourceOption {
  checkLogger(logger);
  return (settings) => {
    settings.logger = logger;
  };
}

/**
 * Uses another clock for this machine's time when this source judges its tokens (fresh, due for a
 * refresh); tokens are still judged on plex.tv's time, this clock corrected by the configuration's
 * estimate of plex.tv's clock. Default: the configuration's HTTP clock (`http.clock`, the system's
 * unless set), against which that estimate is made and device JWTs are signed. To move time in a
 * test against an emulator whose clock moves (`createEmulator({ now })`), move the HTTP clock instead
 * (`config.withHttp({ clock })`): this source follows it, and so do the estimate and the signatures,
 * where a clock given here that jumps ahead would be judged against plex.tv's by both.
 *
 * @param now Returns the current time.
 * @returns The option.
 * @throws {PlexError} `invalid_argument` when `now` is not a function; `token()` rejects with it when
 *   `now` answers anything but a valid `Date`.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "../config.ts";
 * import { withClock, withToken } from "./options.ts";
 * defaultConfig().withClientId("id").tokenSource(withToken("abcdefghij0123456789"), withClock(() => new Date(0)));
 * ```
 */
export function withClock(now: () => Date): TokenSourceOption {
  if (typeof now !== "function") {
    throw new PlexError("invalid_argument", "withClock takes a function that returns a Date");
  }
  return (settings) => {
    settings.now = () => {
      const local: unknown = now();
      // An invalid time would judge every JWT fresh, or stamp a record with no time.
      if (!(local instanceof Date) || Number.isNaN(local.getTime())) {
        throw new PlexError("invalid_argument", "The function given to withClock must return a valid Date");
      }
      return local;
    };
  };
}

/** A store is an object with `load`, `save` and `clear`: anything else would keep nothing, silently. */
function checkStore(store: SecureStore<SecureData>, option: string): void {
  if (
    typeof store?.load !== "function" || typeof store.save !== "function" || typeof store.clear !== "function"
  ) {
    throw new PlexError("invalid_argument", `${option} takes a store: an object with load, save and clear`);
  }
}

/** A PIN callback that is not a function would fail only at sign-in, as a TypeError. */
/** The options of {@linkcode withJwt}. */
const JWT_OPTIONS: readonly string[] = ["refreshMarginMs", "onJwkMissing", "onReregister", "lockTtlMs"];

/**
 * Checks a PIN sign-in's option names when the option is made: the call options (its signal is the
 * source's), the PIN request's and the polling's, and `own`.
 */
function checkPinOptions(options: object, own: readonly string[], option: string): void {
  if (typeof options !== "object" || options === null) {
    throw new PlexError(
      "invalid_argument",
      `${option}'s options are an object, such as { pollInterval: 2000 }`,
    );
  }
  checkCallOptions(options, ["forwardUrl", "pollInterval", ...own], option);
}

function checkOnPin(onPin: unknown, option: string): void {
  if (typeof onPin !== "function") {
    throw new PlexError("invalid_argument", `${option}() takes a function that shows the PIN to the user`);
  }
}
