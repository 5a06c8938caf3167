/**
 * What a route of the plex.tv emulator gives back ({@linkcode Reply}), the
 * failures it throws ({@linkcode HttpFailure}), and the error bodies plex.tv
 * writes, in JSON or XML as the request's `Accept` asks.
 *
 * @module
 */
import { xmlAttributes } from "./xml_text.ts";

/**
 * An answer of the emulator: status, headers and a text body.
 *
 * @example
 * ```ts
 * import type { Reply } from "./respond.ts";
 * const reply: Reply = { status: 204 };
 * ```
 */
export interface Reply {
  /** The HTTP status. */
  status: number;
  /** The body text; none when absent. */
  body?: string;
  /** Extra response headers (`Content-Type` included). */
  headers?: Record<string, string>;
}

/**
 * A rejection a route throws; the emulator renders it as plex.tv's error body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpFailure } from "./respond.ts";
 * const failure = new HttpFailure(401, 1001, "User could not be authenticated");
 * assert.ok(failure.status === 401 && failure.plexCode === 1001);
 * ```
 */
export class HttpFailure extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The Plex error code, when plex.tv has one for this case. */
  readonly plexCode?: number;
  /** Extra headers, e.g. `Retry-After`. */
  readonly headers?: Record<string, string>;

  /**
   * Creates a failure.
   *
   * @param status The HTTP status.
   * @param plexCode The Plex error code, or `undefined`.
   * @param message The message plex.tv would write.
   * @param headers Extra response headers.
   */
  constructor(
    status: number,
    plexCode: number | undefined,
    message: string,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpFailure";
    this.status = status;
    this.plexCode = plexCode;
    this.headers = headers;
  }
}

/**
 * The 401/1001 answer plex.tv gives for a bad or missing token or bad credentials.
 *
 * @returns The failure to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unauthorized } from "./respond.ts";
 * assert.equal(unauthorized().plexCode, 1001);
 * ```
 */
export function unauthorized(): HttpFailure {
  return new HttpFailure(401, 1001, "User could not be authenticated");
}

/**
 * A JSON answer (`Content-Type: application/json`, no charset, as plex.tv sends it).
 *
 * @param status The HTTP status.
 * @param value The value to serialise.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonReply } from "./respond.ts";
 * assert.equal(jsonReply(200, { nonce: "n" }).body, '{"nonce":"n"}');
 * ```
 */
export function jsonReply(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), headers: { "Content-Type": "application/json" } };
}

/**
 * An XML answer.
 *
 * @param status The HTTP status.
 * @param text The XML document.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlReply } from "./respond.ts";
 * assert.ok(xmlReply(200, "<pong/>").headers?.["Content-Type"]?.startsWith("application/xml"));
 * ```
 */
export function xmlReply(status: number, text: string): Reply {
  return { status, body: text, headers: { "Content-Type": "application/xml; charset=utf-8" } };
}

/** The XML prolog the emulator's XML documents start with. */
export const XML_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * Renders plex.tv's error body: `{"errors":[{code,message,status}]}` in JSON,
 * `<errors><error code message status/></errors>` in XML.
 *
 * @param status The HTTP status.
 * @param plexCode The Plex code, left out when `undefined`.
 * @param message The message.
 * @param json JSON (`true`) or XML.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorReply } from "./respond.ts";
 * const reply = errorReply(400, 1000, "X-Plex-Client-Identifier is missing", true);
 * assert.equal(reply.body, '{"errors":[{"code":1000,"message":"X-Plex-Client-Identifier is missing","status":400}]}');
 * ```
 */
export function errorReply(
  status: number,
  plexCode: number | undefined,
  message: string,
  json: boolean,
): Reply {
  const error = plexCode === undefined ? { message, status } : { code: plexCode, message, status };
  if (json) return jsonReply(status, { errors: [error] });
  return xmlReply(status, `${XML_PROLOG}<errors>\n  <error${xmlAttributes(error)}/>\n</errors>\n`);
}

/**
 * The emulator's answer to a path no route serves: plex.tv's 404 with code 1002.
 *
 * @returns The failure to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notFound } from "./respond.ts";
 * assert.equal(notFound().plexCode, 1002);
 * ```
 */
export function notFound(): HttpFailure {
  return new HttpFailure(404, 1002, "The requested resource or endpoint could not be found");
}
