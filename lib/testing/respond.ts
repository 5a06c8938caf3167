/**
 * What a route of the plex.tv emulator sees ({@linkcode RouteContext}) and
 * gives back ({@linkcode Reply}), and the error bodies plex.tv writes, in
 * JSON or XML as the request's `Accept` asks.
 *
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";
import { DEVICE_HEADER_NAMES } from "../device.ts";
import type { EmulatorState, Principal } from "./state.ts";
import type { Payloads } from "./payloads.ts";
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
 * A request as a route sees it, with the emulator's state.
 *
 * @example
 * ```ts ignore
 * const handler = (ctx: RouteContext): Reply => jsonReply(200, { path: ctx.path });
 * ```
 */
export interface RouteContext {
  /** The HTTP method, upper case. */
  method: string;
  /** The path, without the query. */
  path: string;
  /** The path's captured parameters, in order. */
  params: string[];
  /** The query parameters. */
  query: URLSearchParams;
  /** The request headers (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The request body text. */
  body: string;
  /** The `Content-Type` media type, lower case, without parameters. */
  contentType: string;
  /** `X-Plex-Client-Identifier` (header or query parameter); empty when absent. */
  clientId: string;
  /** Whether the answer is JSON (`Accept` asks for JSON); XML otherwise, like plex.tv. */
  wantsJson: boolean;
  /** The emulator's base URL, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  /** The accounts, tokens, PINs and keys. */
  state: EmulatorState;
  /** The payloads to serve. */
  payloads: Payloads;
  /** A header, or the same-named query parameter (plex.tv accepts `X-Plex-*` both ways). */
  plexHeader(name: string): string | undefined;
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
 * A JSON answer.
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
  return {
    status,
    body: JSON.stringify(value),
    headers: { "Content-Type": "application/json; charset=utf-8" },
  };
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
  if (json) {
    const error = plexCode === undefined ? { message, status } : { code: plexCode, message, status };
    return jsonReply(status, { errors: [error] });
  }
  const attributes = plexCode === undefined ? { message, status } : { code: plexCode, message, status };
  return xmlReply(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error${xmlAttributes(attributes)}/>\n</errors>\n`,
  );
}

/**
 * Reads a form body (`application/x-www-form-urlencoded`), or fails with 400
 * like plex.tv when the request has another content type.
 *
 * @param ctx The request.
 * @returns The form fields.
 * @throws {HttpFailure} 400 for another content type.
 *
 * @example
 * ```ts ignore
 * const form = readForm(ctx);
 * ```
 */
export function readForm(ctx: RouteContext): URLSearchParams {
  if (ctx.contentType !== "application/x-www-form-urlencoded") {
    throw new HttpFailure(400, undefined, "Content-Type must be application/x-www-form-urlencoded");
  }
  return new URLSearchParams(ctx.body);
}

/**
 * Reads a JSON object body, or fails with 400 for another content type or a body that is not a JSON object.
 *
 * @param ctx The request.
 * @returns The object.
 * @throws {HttpFailure} 400.
 *
 * @example
 * ```ts ignore
 * const { jwt } = readJsonObject(ctx);
 * ```
 */
export function readJsonObject(ctx: RouteContext): Record<string, unknown> {
  if (ctx.contentType !== "application/json") {
    throw new HttpFailure(400, undefined, "Content-Type must be application/json");
  }
  let value: unknown;
  try {
    value = JSON.parse(ctx.body);
  } catch {
    throw new HttpFailure(400, undefined, "The request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpFailure(400, undefined, "The request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/**
 * A route of the emulator: method, path pattern and handler.
 *
 * @example
 * ```ts ignore
 * const ping: Route = route("GET", "/api/v2/ping", () => jsonReply(200, { pong: true }));
 * ```
 */
export interface Route {
  /** The HTTP method. */
  method: string;
  /** The path pattern, anchored; groups become `params`. */
  pattern: RegExp;
  /** Answers the request. */
  handler: (ctx: RouteContext) => Reply | Promise<Reply>;
  /** Open routes (pages, emulator controls) need no client identifier. */
  open?: boolean;
  /** The route answers JSON only: an `Accept` that rules JSON out gets 406. */
  jsonOnly?: boolean;
}

/**
 * Declares a route; `:name` in the path matches one segment.
 *
 * @param method The HTTP method.
 * @param path The path, e.g. `/api/v2/pins/:id`.
 * @param handler Answers the request.
 * @param flags `open`, `jsonOnly`.
 * @returns The route.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonReply, route } from "./respond.ts";
 * const r = route("GET", "/api/v2/pins/:id", (ctx) => jsonReply(200, { id: ctx.params[0] }));
 * assert.ok(r.pattern.test("/api/v2/pins/12") && !r.pattern.test("/api/v2/pins/12/x"));
 * ```
 */
export function route(
  method: string,
  path: string,
  handler: Route["handler"],
  flags: { open?: boolean; jsonOnly?: boolean } = {},
): Route {
  const source = path.split(/(:[a-zA-Z]+)/).map((part) =>
    part.startsWith(":") ? "([^/]+)" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")
  ).join("");
  return { method, pattern: new RegExp(`^${source}$`), handler, ...flags };
}

/**
 * The device description in a request's `X-Plex-*` headers (or query parameters),
 * with the field names of plextv's `Device`.
 *
 * @param ctx The request.
 * @returns The non-empty fields.
 *
 * @example
 * ```ts ignore
 * state.touchDevice(user, ctx.clientId, deviceInfo(ctx));
 * ```
 */
export function deviceInfo(ctx: RouteContext): Record<string, string> {
  const info: Record<string, string> = {};
  for (const [field, header] of Object.entries(DEVICE_HEADER_NAMES)) {
    const value = ctx.plexHeader(header);
    if (value) info[field] = value;
  }
  return info;
}

/**
 * Resolves the request's `X-Plex-Token` (header or query parameter), or fails with 401/1001.
 *
 * @param ctx The request.
 * @returns Who the token belongs to.
 * @throws {HttpFailure} 401/1001 for a missing, unknown, expired or revoked token.
 *
 * @example
 * ```ts ignore
 * const { user } = await requireToken(ctx);
 * ```
 */
export async function requireToken(ctx: RouteContext): Promise<Principal> {
  const principal = await ctx.state.resolveToken(ctx.plexHeader("X-Plex-Token"));
  if (!principal) throw unauthorized();
  return principal;
}
