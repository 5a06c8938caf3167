/**
 * Turns a plex.tv error response (JSON or XML body, or none) into a
 * {@linkcode PlexError}: mapped by the body's Plex code first, then by status.
 * The process functions check with {@linkcode checkOk}; code that waits anyway
 * (`Client`, `Config`'s flows) loads this module when a response first fails
 * (`ensureOk` in `send.ts`), and so do the retries (`retry_loop.ts`).
 *
 * @module
 */
import { PlexError, type PlexErrorCode, type PlexErrorDetail } from "../errors.ts";
import { parseRetryAfter } from "./retry_after.ts";
import type { PlexResponse } from "./types.ts";
import { readXmlErrors } from "./xml_errors.ts";

const BY_PLEX_CODE: Record<number, PlexErrorCode> = {
  1000: "client_id_missing",
  1001: "unauthorized",
  1003: "too_many_requests",
  1020: "pin_expired",
  1028: "invalid_verification_code",
  1029: "verification_code_required",
  1031: "ip_blocked",
  1041: "pin_required",
  1097: "jwk_missing",
};

/**
 * Reads the error list from a plex.tv error body in any of its forms:
 * `{"errors":[{code,message,status}]}`, `{"error":"msg"}`,
 * `<errors><error code message status/></errors>` and `<errors><error>msg</error></errors>`.
 *
 * @param body The response body text.
 * @returns The errors found; empty when the body has none or cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseErrorBody } from "./error_body.ts";
 * const [detail] = parseErrorBody('{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}');
 * assert.equal(detail?.code, 1001);
 * ```
 */
export function parseErrorBody(body: string): PlexErrorDetail[] {
  const text = body.trim();
  if (text.startsWith("{")) return jsonErrors(text);
  if (text.startsWith("<")) return xmlErrors(text);
  return [];
}

function jsonErrors(text: string): PlexErrorDetail[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (doc === null || typeof doc !== "object") return [];
  const record = doc as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    return record.errors.flatMap((e): PlexErrorDetail[] => {
      if (e === null || typeof e !== "object") return [];
      const item = e as Record<string, unknown>;
      return [{
        code: toInt(item.code),
        message: typeof item.message === "string" ? item.message : "",
        status: toInt(item.status),
      }];
    });
  }
  if (typeof record.error === "string") return [{ message: record.error }];
  return [];
}

function xmlErrors(text: string): PlexErrorDetail[] {
  return (readXmlErrors(text) ?? []).map((e) => ({
    code: toInt(e.attributes.code),
    message: e.attributes.message ?? e.text,
    status: toInt(e.attributes.status),
  }));
}

/** Cuts `text` to `max` characters (an error page's text can be megabytes long). */
function _clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function toInt(value: unknown): number | undefined {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && /^\d+$/.test(value)
    ? Number(value)
    : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function codeFor(status: number, details: PlexErrorDetail[]): PlexErrorCode {
  for (const d of details) {
    if (d.code !== undefined && BY_PLEX_CODE[d.code]) return BY_PLEX_CODE[d.code]!;
  }
  const message = details.map((d) => d.message.toLowerCase()).join(" ");
  if (message.includes("thumbprint already taken")) return "thumbprint_taken";
  if (status === 422 && message.includes("invalid token")) return "unauthorized";
  if (status === 422 && message.includes("signature")) return "invalid_token";
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 429) return "too_many_requests";
  if (status === 498) return "expired_token";
  if (status === 400 || status === 422) return "bad_request";
  if (status >= 500) return "server_error";
  return "http_error";
}

/**
 * Builds the {@linkcode PlexError} for an error response.
 *
 * @param status The HTTP status.
 * @param body The response body text (JSON, XML, HTML or empty).
 * @param retryAfter Seconds from `Retry-After`, when present.
 * @param url The URL asked, as logs show it (secrets in its query masked): named for a 404, which says that no such path is
 *   there, most often because the base URL points at another server or path.
 * @returns The typed error, with plex.tv's details and a hint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorFromResponse } from "./error_body.ts";
 * const err = errorFromResponse(401, '{"errors":[{"code":1029,"message":"Please enter the verification code","status":401}]}');
 * assert.ok(err.code === "verification_code_required" && err.status === 401);
 * ```
 */
export function errorFromResponse(
  status: number,
  body: string,
  retryAfter?: number,
  url?: string,
): PlexError {
  const details = parseErrorBody(body);
  const code = codeFor(status, details);
  const said = _clip(details.map((d) => d.message).filter(Boolean).join("; "), 300);
  const answered = `plex.tv answered ${status}${status === 404 && url ? ` for ${url}` : ""}`;
  const message = said ? `${answered}: ${said}` : answered;
  return new PlexError(code, message, { status, details, retryAfter });
}

/**
 * Throws the typed {@linkcode PlexError} for a non-2xx response (its `retryAfter` from `Retry-After`).
 *
 * @param response The response from `send`, or a recorded one.
 * @returns The same response, when its status is 2xx.
 * @throws {PlexError} mapped from the body's Plex code, then the status.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOk } from "./error_body.ts";
 * assert.throws(
 *   () =>
 *     checkOk({ status: 401, headers: new Headers(), url: "https://plex.tv/api/v2/user",
 *     body: '{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}' }),
 *   { code: "unauthorized" },
 * );
 * ```
 */
export function checkOk(response: PlexResponse): PlexResponse {
  if (response.status >= 200 && response.status < 300) return response;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  throw errorFromResponse(
    response.status,
    response.body,
    retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    response.url,
  );
}
