/**
 * The emulator's options: what they are, which values are usable, and the
 * state settings they resolve to.
 *
 * @module
 */
import { checkFields, type FieldRule, invalid, is } from "./check.ts";
import type { AddUserOptions } from "./state/accounts.ts";
import type { StateSettings } from "./state/state.ts";

/**
 * Options of `createEmulator()` and `startEmulator()`.
 *
 * @example
 * ```ts
 * import type { EmulatorOptions } from "./options.ts";
 * const options: EmulatorOptions = { autoApprovePins: 200, pinLifetimeSeconds: 60, clockOffsetMs: 7_200_000 };
 * ```
 */
export interface EmulatorOptions {
  /** `startEmulator()` only: the port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The handler's base URL (`createEmulator()` only); default `http://127.0.0.1:0`, which no socket answers. */
  url?: string;
  /** More host names to answer for besides loopback with the emulator's port (`plex.test`, `plex.test:8443`). */
  hosts?: string[];
  /** Browser origins allowed besides loopback ones (`https://app.example`, or `*` for any). */
  corsOrigins?: string[];
  /** How many requests the log keeps (the oldest are dropped and counted); default 1000. */
  requestLogSize?: number;
  /** The emulator's clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
  /** Runs the emulator's clock this many ms ahead (negative: behind) of `now`; default 0. */
  clockOffsetMs?: number;
  /** Approve every new PIN for the default user after this many ms (demos); default `false`. */
  autoApprovePins?: number | false;
  /** Lifetime of the Plex JWTs the emulator issues; default 7 days. */
  jwtLifetimeSeconds?: number;
  /** Lifetime of 4-character PINs; default 900. */
  pinLifetimeSeconds?: number;
  /** Lifetime of strong PINs; default `pinLifetimeSeconds` when given, else 1800. */
  strongPinLifetimeSeconds?: number;
  /** Lifetime of nonces; default 300. */
  nonceLifetimeSeconds?: number;
  /** Nonce requests per second per client identifier before 429; default 10. */
  nonceRateLimit?: number;
  /** Failed sign-ins from one client identifier before 1031; default 5. */
  signinFailureLimit?: number;
  /** How long a client stays blocked after too many failures; default 300 s. */
  signinLockoutSeconds?: number;
  /** Whether registering a device key ends the client's legacy tokens; default `true`. */
  keyRegistrationEndsLegacyToken?: boolean;
  /** A folder of payload files to serve instead of the built-in ones (needs `node:fs`). */
  payloads?: string;
  /** More accounts to create at start. */
  users?: AddUserOptions[];
}

/**
 * Options of `Emulator.issueJwt()`.
 *
 * @example
 * ```ts
 * import type { IssueJwtOptions } from "./options.ts";
 * const expired: IssueJwtOptions = { clientId: "c1", expiresInSeconds: -60 };
 * ```
 */
export interface IssueJwtOptions {
  /** The client identifier (second `aud`). */
  clientId: string;
  /** The account; default the default user. */
  username?: string;
  /** The `thumbprint` claim; default the key registered for the client, else `"unregistered"`; `null` leaves it out. */
  thumbprint?: string | null;
  /** Seconds from `issuedAt` to `exp` (negative: already expired); default `jwtLifetimeSeconds`; `null`: no `exp`. */
  expiresInSeconds?: number | null;
  /** `iat`, unix seconds; default now on the emulator's clock. */
  issuedAt?: number;
  /** `iss`; default `plex.tv`. */
  issuer?: string;
  /** `aud`; default `["plex.tv", clientId]`. */
  audience?: string | string[];
  /** A `nonce` claim. */
  nonce?: string;
}

const positive: FieldRule = { is: is.positive, must: "a positive number" };

const OPTION_RULES: { readonly [name in keyof EmulatorOptions]-?: FieldRule } = {
  port: { is: is.whole(0, 65_535), must: "a whole number from 0 to 65535" },
  url: {
    is: (v) => is.string(v) && URL.canParse(v as string) && /^https?:$/.test(new URL(v as string).protocol),
    must: "an http or https URL",
  },
  hosts: {
    is: is.listOf((v) => is.string(v) && /^[a-z0-9.-]+(:\d+)?$|^\[[0-9a-f:]+\](:\d+)?$/i.test(v as string)),
    must: "a list of host names (name or name:port)",
  },
  corsOrigins: {
    is: is.listOf((v) => v === "*" || (is.string(v) && URL.canParse(v as string))),
    must: 'a list of origins (URLs) or "*"',
  },
  requestLogSize: { is: is.whole(0), must: "a whole number of at least 0" },
  now: { is: is.function, must: "a function returning ms since the epoch" },
  clockOffsetMs: { is: is.finite, must: "a finite number" },
  autoApprovePins: {
    is: (v) => v === false || (is.finite(v) && (v as number) >= 0),
    must: "false or a number of ms",
  },
  jwtLifetimeSeconds: positive,
  pinLifetimeSeconds: positive,
  strongPinLifetimeSeconds: positive,
  nonceLifetimeSeconds: positive,
  nonceRateLimit: positive,
  signinFailureLimit: positive,
  signinLockoutSeconds: positive,
  keyRegistrationEndsLegacyToken: { is: is.boolean, must: "true or false" },
  payloads: { is: is.text, must: "the path of a folder" },
  users: { is: is.listOf(is.object), must: "a list of accounts (addUser options)" },
};

/**
 * Refuses unusable options, unknown ones, and the option of the other mode
 * (`port` is `startEmulator()`'s, `url` is `createEmulator()`'s). The fields of
 * each account in `users` are checked when it is added.
 *
 * @param options The options.
 * @param caller The function they were given to; default `createEmulator`.
 * @throws {PlexError} `invalid_argument` naming the option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptions } from "./options.ts";
 * assert.throws(() => checkOptions({ requestLogSize: -1 }), /requestLogSize/);
 * assert.throws(() => checkOptions({ port: 8080 }), /port is for startEmulator only/);
 * checkOptions({ port: 8080 }, "startEmulator");
 * ```
 */
export function checkOptions(
  options: EmulatorOptions,
  caller: "createEmulator" | "startEmulator" = "createEmulator",
): void {
  checkFields(options, OPTION_RULES, "emulator option");
  if (caller === "createEmulator" && options.port !== undefined) {
    throw invalid("The emulator option port is for startEmulator only: createEmulator listens on no port");
  }
  if (caller === "startEmulator" && options.url !== undefined) {
    throw invalid("The emulator option url is for createEmulator only: startEmulator's url is its server's");
  }
}

const JWT_RULES: { readonly [name in keyof IssueJwtOptions]-?: FieldRule } = {
  clientId: { is: is.text, must: "a client identifier", required: true },
  username: { is: is.string, must: "a username" },
  thumbprint: { is: (v) => v === null || is.string(v), must: "a string or null" },
  expiresInSeconds: { is: (v) => v === null || is.finite(v), must: "a finite number of seconds or null" },
  issuedAt: { is: is.finite, must: "a finite number of unix seconds" },
  issuer: { is: is.string, must: "a string" },
  audience: { is: is.either(is.string, is.listOf(is.string)), must: "a string or a list of strings" },
  nonce: { is: is.string, must: "a string" },
};

/**
 * Refuses unusable options of `issueJwt()` or `issueLegacyToken()` (which takes `clientId` and `username`).
 *
 * @param options The options.
 * @param helper The helper they were given to.
 * @throws {PlexError} `invalid_argument` naming the option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkIssueOptions } from "./options.ts";
 * checkIssueOptions({ clientId: "c1", expiresInSeconds: -60 }, "issueJwt");
 * assert.throws(() => checkIssueOptions({ clientId: "c1", expiresInSeconds: Number.NaN }, "issueJwt"), /expiresInSeconds/);
 * assert.throws(() => checkIssueOptions({ clientId: "c1", nonce: "n" }, "issueLegacyToken"), /Unknown issueLegacyToken option nonce/);
 * ```
 */
export function checkIssueOptions(options: IssueJwtOptions, helper: "issueJwt" | "issueLegacyToken"): void {
  const { clientId, username } = JWT_RULES;
  checkFields(options, helper === "issueJwt" ? JWT_RULES : { clientId, username }, `${helper} option`);
}

/**
 * The state settings for a set of options, defaults filled in and the clock skewed.
 *
 * @param options The (checked) options.
 * @returns The settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateSettings } from "./options.ts";
 * const settings = stateSettings({ now: () => 1_000, clockOffsetMs: 500 });
 * assert.ok(settings.now() === 1_500 && settings.pinLifetimeSeconds === 900);
 * ```
 */
export function stateSettings(options: EmulatorOptions): StateSettings {
  const clock = options.now ?? Date.now;
  const offset = options.clockOffsetMs ?? 0;
  return {
    jwtLifetimeSeconds: options.jwtLifetimeSeconds ?? 7 * 86_400,
    pinLifetimeSeconds: options.pinLifetimeSeconds ?? 900,
    strongPinLifetimeSeconds: options.strongPinLifetimeSeconds ?? options.pinLifetimeSeconds ?? 1_800,
    nonceLifetimeSeconds: options.nonceLifetimeSeconds ?? 300,
    nonceRateLimit: options.nonceRateLimit ?? 10,
    signinFailureLimit: options.signinFailureLimit ?? 5,
    signinLockoutSeconds: options.signinLockoutSeconds ?? 300,
    keyRegistrationEndsLegacyToken: options.keyRegistrationEndsLegacyToken ?? true,
    now: () => clock() + offset,
  };
}
