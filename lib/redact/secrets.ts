/**
 * Redaction of secrets known by value in text, and copies of errors safe to
 * keep as a `cause` or print (their messages through `redactUrl` as well).
 * Apart from `url.ts`, so that a request that succeeds loads only the URL
 * redaction.
 *
 * @module
 */
import { redactUrl } from "./url.ts";

/**
 * Secrets this long (tokens, keys) are hidden wherever they appear; a shorter one (a typed passphrase or PIN)
 * only where it is not part of a longer word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ANYWHERE_LENGTH } from "./secrets.ts";
 * assert.ok("abcdefghij0123456789".length >= ANYWHERE_LENGTH); // a legacy token
 * ```
 */
export const ANYWHERE_LENGTH = 16;
const WORD = /\w/;
/** Characters that join words into a name: a host (`plex.tv`), a path, a URI (`vault:/x`), an address. */
const JOINER = /[./:@-]/;
const JOINED = /[\w/]/;

/**
 * Whether a short secret's occurrence is part of a longer word or name: the character next to it
 * (`near`) is a letter or digit, or joins a name that goes on (`far`, the one beyond).
 */
function touches(near: string | undefined, far: string | undefined): boolean {
  return WORD.test(near ?? "") || (JOINER.test(near ?? "") && JOINED.test(far ?? ""));
}

/**
 * Replaces each secret (4 characters or longer) in `text` with `***`: a secret of 16 characters or
 * more (a token, a key) wherever it appears, a shorter one (a PIN, a short passphrase) where it
 * stands on its own, not inside a longer word, number or name, so `4100` does not eat into
 * `41000001`, and a passphrase `wrong` or `plex` does not turn `wrong_passphrase`, `plex.tv` or
 * `/tmp/plex.vault` into a hint of itself (a hole in a known word would show the passphrase).
 *
 * @param text The text to clean.
 * @param secrets The secrets to hide.
 * @returns The cleaned text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactSecrets } from "./secrets.ts";
 * assert.equal(redactSecrets("token s3cr3t!", ["s3cr3t"]), "token ***!");
 * assert.equal(redactSecrets("password=p%40ss+w0rd%21", ["p@ss w0rd!"]), "password=***"); // as a form sent it
 * assert.equal(redactSecrets('{"message":"bad p\\"w\\u00e4rd"}', ['p"wärd']), '{"message":"bad ***"}'); // JSON
 * assert.equal(redactSecrets("id 41000001, PIN 4100.", ["4100"]), "id 41000001, PIN ***.");
 * assert.equal(redactSecrets("Signed in to plex.tv, saved in vault:/tmp/plex.vault", ["plex"]),
 *   "Signed in to plex.tv, saved in vault:/tmp/plex.vault");
 * ```
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of _withEncodings(secrets)) {
    if (!secret || secret.length < 4) continue;
    const anywhere = secret.length >= ANYWHERE_LENGTH;
    // Between each two pieces around the secret: hidden, unless a short one is part of a word or name.
    out = out.split(secret).reduce((done, next) =>
      done +
      (anywhere || !(touches(done.at(-1), done.at(-2)) || touches(next[0], next[1])) ? "***" : secret) +
      next
    );
  }
  return out;
}

/**
 * Each secret, then the forms a URL or a form body gives it (`%40` for `@`, `+` for a space) and a JSON
 * string gives it (`\"` for `"`, `\u00e4` for `ä`) where they differ: an echo of a request repeats what
 * was sent, encoded, and a JSON error body is redacted before it is parsed.
 */
function* _withEncodings(secrets: Iterable<string | undefined>): Iterable<string> {
  for (const secret of secrets) {
    if (!secret) continue;
    const json = JSON.stringify(secret).slice(1, -1);
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      json,
      json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ]);
    yield* forms;
  }
}

/**
 * A copy of an error (and of its `cause` chain, 5 levels deep) whose message
 * and stack went through {@linkcode redactUrl} and, when given, {@linkcode redactSecrets}.
 * Runtimes put the request URL in their fetch errors, so a raw error could
 * carry a `deviceJWT` query parameter; plextv keeps such copies as `cause`.
 * The `name` and a string or number `code` are kept; other fields are dropped.
 *
 * @param error Anything thrown.
 * @param secrets Exact secrets to hide as well.
 * @returns An `Error` safe to log, or a redacted string/primitive for a non-object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactError } from "./secrets.ts";
 * const raw = Object.assign(new TypeError("fetch failed for http://h/?deviceJWT=a.b.c"), { code: "ECONNRESET" });
 * const safe = redactError(raw) as TypeError & { code: string };
 * assert.ok(!safe.message.includes("a.b.c") && !String(safe.stack).includes("a.b.c") && safe.code === "ECONNRESET");
 * ```
 */
export function redactError(error: unknown, secrets: Iterable<string | undefined> = []): unknown {
  const list = [...secrets];
  const clean = (text: string) => redactSecrets(redactUrl(text), list);
  const copy = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return clean(value);
    if (value === null || typeof value !== "object") return value;
    const source = value as {
      name?: unknown;
      message?: unknown;
      stack?: unknown;
      code?: unknown;
      cause?: unknown;
    };
    let message: string;
    try {
      message = typeof source.message === "string" ? source.message : String(value);
    } catch {
      message = "";
    }
    const cause = depth < 5 && source.cause !== undefined
      ? { cause: copy(source.cause, depth + 1) }
      : undefined;
    const result = new Error(clean(message), cause);
    if (typeof source.name === "string") result.name = source.name;
    if (typeof source.code === "string" || typeof source.code === "number") {
      (result as Error & { code?: unknown }).code = typeof source.code === "string"
        ? clean(source.code)
        : source.code;
    }
    result.stack = typeof source.stack === "string"
      ? clean(source.stack)
      : `${result.name}: ${result.message}`;
    return result;
  };
  return copy(error, 0);
}
