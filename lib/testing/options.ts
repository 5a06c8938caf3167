/**
 * The emulator's options: what they are, which values are usable, and the
 * state settings they resolve to.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
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

function invalid(message: string): PlexError {
  return new PlexError("invalid_argument", message);
}

/**
 * Refuses unusable options.
 *
 * @param options The options.
 * @throws {PlexError} `invalid_argument` naming the option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptions } from "./options.ts";
 * assert.throws(() => checkOptions({ requestLogSize: -1 }), /requestLogSize/);
 * ```
 */
export function checkOptions(options: EmulatorOptions): void {
  const seconds = [
    "jwtLifetimeSeconds",
    "pinLifetimeSeconds",
    "strongPinLifetimeSeconds",
    "nonceLifetimeSeconds",
    "nonceRateLimit",
    "signinFailureLimit",
    "signinLockoutSeconds",
  ] as const;
  for (const name of seconds) {
    const value = options[name];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
      throw invalid(`The emulator option ${name} must be a positive number`);
    }
  }
  const size = options.requestLogSize;
  if (size !== undefined && !(Number.isInteger(size) && size >= 0)) {
    throw invalid("The emulator option requestLogSize must be a whole number of at least 0");
  }
  if (options.clockOffsetMs !== undefined && !Number.isFinite(options.clockOffsetMs)) {
    throw invalid("The emulator option clockOffsetMs must be a finite number");
  }
  if (options.now !== undefined && typeof options.now !== "function") {
    throw invalid("The emulator option now must be a function returning ms since the epoch");
  }
  const delay = options.autoApprovePins;
  if (
    delay !== undefined && delay !== false &&
    !(typeof delay === "number" && delay >= 0 && Number.isFinite(delay))
  ) {
    throw invalid("The emulator option autoApprovePins must be false or a number of ms");
  }
  if (options.url !== undefined) {
    if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
      throw invalid("The emulator option url must be an http or https URL");
    }
  }
  for (const origin of options.corsOrigins ?? []) {
    if (origin !== "*" && !URL.canParse(origin)) throw invalid(`The CORS origin ${origin} is not a URL`);
  }
  for (const host of options.hosts ?? []) {
    if (!/^[a-z0-9.-]+(:\d+)?$|^\[[0-9a-f:]+\](:\d+)?$/i.test(host)) {
      throw invalid(`The host ${host} is not a host name`);
    }
  }
}

/** The emulator's parts that `startEmulator()` needs to put a server around it. */

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
