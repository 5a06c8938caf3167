/**
 * {@linkcode SecureData} as environment variables, both ways, with checks
 * that name the variable at fault and never echo its value.
 *
 * @module
 */
import { decodeBase64Url } from "../lib/parse/base64url.ts";
import { encodeBase64Url } from "../lib/parse/base64url_encode.ts";
import { PlexError } from "../lib/errors.ts";
import type { Jwk } from "../lib/keys.ts";
import type { SecureData } from "../lib/store/store.ts";

/** The prefix used when none is given. */
export const DEFAULT_ENV_PREFIX = "PLEXTV_";

const _NAMES = ["CLIENT_ID", "KEY_ID", "PRIVATE_KEY", "TOKEN", "TOKEN_EXPIRES_AT"] as const;
const _PRINTABLE = /^[\x21-\x7e]+$/;
const _ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Checks and completes a variable prefix: letters, digits and `_`, not
 * starting with a digit; a missing trailing `_` is added (`MYAPP` → `MYAPP_`);
 * empty means {@linkcode DEFAULT_ENV_PREFIX}.
 *
 * @param prefix The prefix.
 * @returns The prefix to put before `CLIENT_ID`, `TOKEN`, ...
 * @throws {PlexError} `invalid_argument` for a prefix that cannot start a variable name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envPrefix } from "./_env_variables.ts";
 * assert.ok(envPrefix("MYAPP") === "MYAPP_" && envPrefix("") === "PLEXTV_");
 * ```
 */
export function envPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return DEFAULT_ENV_PREFIX;
  if (typeof prefix !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new PlexError(
      "invalid_argument",
      "An environment variable prefix may hold only letters, digits and _",
      {
        hint: `Use a prefix such as ${DEFAULT_ENV_PREFIX} or MYAPP_`,
      },
    );
  }
  return prefix.endsWith("_") ? prefix : `${prefix}_`;
}

/**
 * Renders secure data as environment variables: `<prefix>CLIENT_ID`,
 * `<prefix>KEY_ID`, `<prefix>PRIVATE_KEY` (base64url of the JWK's JSON, so it
 * needs no quoting in shells, dotenv or `docker --env-file`), `<prefix>TOKEN`,
 * `<prefix>TOKEN_EXPIRES_AT`; fields the data lacks are left out. The
 * result holds secrets: write it only where secrets belong.
 *
 * @param data The data to render.
 * @param prefix The variable prefix (default `PLEXTV_`).
 * @returns Variable names and values, in the order above.
 * @throws {PlexError} `invalid_argument` when the data has no client id or the prefix is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toEnvVariables } from "./_env_variables.ts";
 * const vars = toEnvVariables({ version: 1, clientId: "0d6e7f2a", token: "abcdefghij0123456789" });
 * assert.ok(vars.PLEXTV_CLIENT_ID === "0d6e7f2a" && vars.PLEXTV_TOKEN === "abcdefghij0123456789");
 * ```
 */
export function toEnvVariables(
  data: SecureData,
  prefix: string = DEFAULT_ENV_PREFIX,
): Record<string, string> {
  const p = envPrefix(prefix);
  if (typeof data?.clientId !== "string" || data.clientId === "") {
    throw new PlexError("invalid_argument", "The secure data has no client id to export");
  }
  const out: Record<string, string> = { [`${p}CLIENT_ID`]: data.clientId };
  if (data.keyId) out[`${p}KEY_ID`] = data.keyId;
  if (data.privateKey) {
    const { kty, crv, x, d } = data.privateKey;
    out[`${p}PRIVATE_KEY`] = encodeBase64Url(JSON.stringify({ kty, crv, x, d }));
  }
  if (data.token) out[`${p}TOKEN`] = data.token;
  if (data.tokenExpiresAt) out[`${p}TOKEN_EXPIRES_AT`] = data.tokenExpiresAt;
  return out;
}

/**
 * Reads secure data from environment variables (see {@linkcode toEnvVariables}
 * for the names). Empty variables count as unset; values are trimmed.
 * `<prefix>PRIVATE_KEY` is an Ed25519 private JWK as JSON, or the standard or
 * URL-safe base64 of that JSON (padding and line breaks allowed).
 * `<prefix>KEY_ID` defaults to the key's RFC 7638 thumbprint (the key id
 * plextv registers). `<prefix>TOKEN_EXPIRES_AT` is an ISO-8601 time or unix seconds.
 *
 * @param env The environment.
 * @param prefix The variable prefix (default `PLEXTV_`).
 * @returns The data, or `undefined` when none of the variables is set.
 * @throws {PlexError} `store_corrupt` naming the variable when a value is unusable (the value is never shown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromEnvVariables } from "./_env_variables.ts";
 * const data = await fromEnvVariables({ MYAPP_CLIENT_ID: "0d6e7f2a", MYAPP_TOKEN: "abcdefghij0123456789" }, "MYAPP_");
 * assert.ok(data?.clientId === "0d6e7f2a" && data.token === "abcdefghij0123456789");
 * ```
 */
export async function fromEnvVariables(
  env: Record<string, string | undefined>,
  prefix: string = DEFAULT_ENV_PREFIX,
): Promise<SecureData | undefined> {
  const p = envPrefix(prefix);
  const read = (name: (typeof _NAMES)[number]) => {
    const value = env[`${p}${name}`];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const set = _NAMES.filter((name) => read(name) !== undefined);
  if (set.length === 0) return undefined;
  const clientId = read("CLIENT_ID");
  if (clientId === undefined) {
    throw _corrupt(`${p}CLIENT_ID`, `is not set, but ${p}${set[0]} is`, {
      hint: `Set ${p}CLIENT_ID to the client identifier the key and token belong to`,
    });
  }
  const data: SecureData = { version: 1, clientId: _printable(`${p}CLIENT_ID`, clientId) };
  const privateKey = read("PRIVATE_KEY");
  const keyId = read("KEY_ID");
  if (privateKey !== undefined) {
    data.privateKey = await _privateKey(`${p}PRIVATE_KEY`, privateKey);
    // The key was just read to check its x: its id is remembered from that.
    data.keyId = keyId === undefined
      ? (await (await import("../lib/store/key_id.ts")).privateKeyId(data.privateKey)).keyId
      : _printable(`${p}KEY_ID`, keyId);
  } else if (keyId !== undefined) {
    throw _corrupt(`${p}PRIVATE_KEY`, `is not set, but ${p}KEY_ID is`, {
      hint: "Set both to the device key, or neither",
    });
  }
  const token = read("TOKEN");
  if (token !== undefined) data.token = _printable(`${p}TOKEN`, token);
  const expiresAt = read("TOKEN_EXPIRES_AT");
  if (expiresAt !== undefined) data.tokenExpiresAt = _time(`${p}TOKEN_EXPIRES_AT`, expiresAt);
  return data;
}

function _corrupt(name: string, problem: string, options: { hint?: string } = {}): PlexError {
  return new PlexError("store_corrupt", `The environment variable ${name} ${problem}`, options);
}

function _printable(name: string, value: string): string {
  if (!_PRINTABLE.test(value)) throw _corrupt(name, "must be printable ASCII without spaces");
  return value;
}

function _time(name: string, value: string): string {
  if (/^\d{1,12}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  const parts = _ISO_DATE.exec(value);
  if (parts && _isCalendarTime(parts.slice(1).map((part) => Number(part ?? 0)))) return value;
  throw _corrupt(name, "is not an ISO-8601 time or unix seconds");
}

/** Whether the fields of an ISO-8601 time name a real one: `Date.parse` rolls 30 February over to March. */
function _isCalendarTime(
  [year, month, day, hour, minute, second, offsetHours, offsetMinutes]: number[],
): boolean {
  const lastOfMonth = new Date(0);
  lastOfMonth.setUTCFullYear(year!, month!, 0); // day 0 of the next month (setUTCFullYear keeps years below 100)
  const daysInMonth = lastOfMonth.getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 && minute! <= 59 &&
    second! <= 59 && offsetHours! <= 23 && offsetMinutes! <= 59;
}

async function _privateKey(name: string, value: string): Promise<Jwk> {
  let json = value;
  if (!value.startsWith("{")) {
    const compact = value.replace(/\s+/g, "").replace(/\+/g, "-").replace(/\//g, "_");
    try {
      json = new TextDecoder("utf-8", { fatal: true }).decode(decodeBase64Url(compact));
    } catch {
      throw _corrupt(name, "is neither a JWK (JSON) nor base64 of one");
    }
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(json);
  } catch {
    // The parser's message quotes the input, so it is not kept as the cause.
    throw _corrupt(name, "is not valid JSON");
  }
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) {
    throw _corrupt(name, "is not a JWK object");
  }
  const { kty, crv, x, d } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519") {
    throw _corrupt(name, 'is not an Ed25519 key (kty "OKP", crv "Ed25519")');
  }
  if (typeof d !== "string" || d === "") throw _corrupt(name, "has no private part (d)");
  if (typeof x !== "string" || x === "") throw _corrupt(name, "has no public part (x)");
  if (!_is32Bytes(x) || !_is32Bytes(d)) throw _corrupt(name, "has x or d of the wrong length for Ed25519");
  const key: Jwk = { kty, crv, x, d };
  if (!(await _pairMatches(key))) {
    throw _corrupt(name, "has a public part (x) that does not match its private part (d)");
  }
  return key;
}

function _is32Bytes(text: string): boolean {
  try {
    return decodeBase64Url(text).length === 32;
  } catch {
    return false;
  }
}

async function _pairMatches(jwk: Jwk): Promise<boolean> {
  try {
    // The key code (and jose) loads only for a key: a token alone does not need it. Node refuses to
    // import a pair whose x is not d's public key; Deno and Bun import it and export the x derived
    // from d. (Signing a probe and verifying it checks the same, at some forty times the cost in Bun.)
    return (await (await import("../lib/store/key_id.ts")).privateKeyId(jwk)).x === jwk.x;
  } catch {
    return false;
  }
}
