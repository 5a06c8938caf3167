/**
 * Redaction of secrets in URLs and text, for logs and error messages.
 *
 * @module
 */

/** A secret query parameter's value ends at `&`, `#`, whitespace, a quote, a bracket or a parenthesis (URLs inside messages). */
const SECRET_PARAMS =
  /([?&](?:X-Plex-Token|token|authToken|auth_token|accessToken|access_token|deviceJWT|password|jwt)=)[^&#\s"'`<>()[\]{}]*/gi;
/**
 * `scheme://user:password@` or `scheme://user@`: the credentials of a URL, up to the last `@` before
 * the host (a URL parser splits there, so a password may hold an `@`).
 */
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'`<>()]*@/gi;
/** Secrets this long are hidden wherever they appear; a shorter one only where it is not part of a longer word. */
const ANYWHERE_LENGTH = 16;
const WORD = /\w/;

/**
 * Replaces the values of token-bearing query parameters (`X-Plex-Token`,
 * `deviceJWT`, `token`, ...) and the credentials of URLs (`user:password@`)
 * with `***`. Works on a URL or on any text containing URLs, such as a
 * runtime's error message.
 *
 * @param url The URL or text.
 * @returns The text safe to log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUrl } from "./redact.ts";
 * assert.equal(redactUrl("https://plex.tv/x?X-Plex-Token=abc&a=1"), "https://plex.tv/x?X-Plex-Token=***&a=1");
 * assert.equal(redactUrl("https://me:pw@host/x"), "https://***@host/x");
 * assert.equal(redactUrl("fetch (http://h/p?deviceJWT=e.y.j): refused"), "fetch (http://h/p?deviceJWT=***): refused");
 * ```
 */
export function redactUrl(url: string): string {
  return String(url).replace(SECRET_PARAMS, "$1***").replace(USERINFO, "$1***@");
}

/**
 * Replaces each secret (4 characters or longer) in `text` with `***`: a secret of 16 characters or
 * more (a token, a key) wherever it appears, a shorter one (a PIN, a short passphrase) where it
 * stands on its own, not inside a longer word or number, so `4100` does not eat into `41000001`
 * and a passphrase `wrong` does not turn `wrong_passphrase` into a hint of itself.
 *
 * @param text The text to clean.
 * @param secrets The secrets to hide.
 * @returns The cleaned text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactSecrets } from "./redact.ts";
 * assert.equal(redactSecrets("token s3cr3t!", ["s3cr3t"]), "token ***!");
 * assert.equal(redactSecrets("id 41000001, PIN 4100", ["4100"]), "id 41000001, PIN ***");
 * ```
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    const anywhere = secret.length >= ANYWHERE_LENGTH;
    // Between each two pieces around the secret: hidden, unless a short one touches a letter or digit.
    out = out.split(secret).reduce((done, next) =>
      done + (anywhere || !(WORD.test(done.at(-1) ?? "") || WORD.test(next[0] ?? "")) ? "***" : secret) + next
    );
  }
  return out;
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
 * import { redactError } from "./redact.ts";
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
