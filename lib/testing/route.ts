/**
 * What a route of the plex.tv emulator sees ({@linkcode RouteContext}), how
 * routes are declared ({@linkcode route}), and the helpers every route group
 * shares: the caller's token, the device headers, and the request body read
 * the way a Rails app reads its parameters (a form, a JSON object, or nothing).
 *
 * @module
 */
import { DEVICE_HEADER_NAMES } from "../device.ts";
import type { Payloads } from "./payloads/folder.ts";
import { HttpFailure, type Reply, unauthorized } from "./respond.ts";
import type { EmulatorState, Principal } from "./state/state.ts";

/**
 * A request as a route sees it, with the emulator's state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonReply, type Reply } from "./respond.ts";
 * import type { RouteContext } from "./route.ts";
 * const handler = (ctx: RouteContext): Reply => jsonReply(200, { path: ctx.path });
 * assert.equal(handler({ path: "/api/v2/ping" } as RouteContext).body, '{"path":"/api/v2/ping"}');
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
  /** The request headers. */
  headers: Headers;
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
 * A route of the emulator: method, path pattern and handler.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonReply } from "./respond.ts";
 * import { route, type Route, type RouteContext } from "./route.ts";
 * const ping: Route = route("GET", "/api/v2/ping", () => jsonReply(200, { pong: true }), { anyAccept: true });
 * assert.ok(ping.pattern.test("/api/v2/ping") && ping.anyAccept);
 * assert.equal((await ping.handler({} as RouteContext)).status, 200);
 * ```
 */
export interface Route {
  /** The HTTP method. */
  method: string;
  /** The path pattern, anchored; groups become `params`. */
  pattern: RegExp;
  /** Answers the request. */
  handler: (ctx: RouteContext) => Reply | Promise<Reply>;
  /** The route needs `X-Plex-Client-Identifier` (400/1000 without it). */
  clientId?: boolean;
  /** The route answers JSON only: an `Accept` that rules JSON out gets 406. */
  jsonOnly?: boolean;
  /** Any `Accept` is fine (pages, emulator controls, routes whose format is fixed by their path). */
  anyAccept?: boolean;
}

/** The flags of {@linkcode route}. */
export type RouteFlags = Pick<Route, "clientId" | "jsonOnly" | "anyAccept">;

/**
 * Declares a route; `:name` in the path matches one segment.
 *
 * @param method The HTTP method.
 * @param path The path, e.g. `/api/v2/pins/:id`.
 * @param handler Answers the request.
 * @param flags `clientId` (required), `jsonOnly`, `anyAccept`.
 * @returns The route.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { route } from "./route.ts";
 * import { jsonReply } from "./respond.ts";
 * const r = route("GET", "/api/v2/pins/:id", (ctx) => jsonReply(200, { id: ctx.params[0] }));
 * assert.ok(r.pattern.test("/api/v2/pins/12") && !r.pattern.test("/api/v2/pins/12/x"));
 * ```
 */
export function route(
  method: string,
  path: string,
  handler: Route["handler"],
  flags: RouteFlags = {},
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { deviceInfo, type RouteContext } from "./route.ts";
 * const headers = new Headers({ "X-Plex-Product": "My Tool", "X-Plex-Version": "" });
 * const ctx = { plexHeader: (name: string) => headers.get(name) ?? undefined } as RouteContext;
 * assert.deepEqual(deviceInfo(ctx), { product: "My Tool" }); // empty fields left out
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateSettings } from "./options.ts";
 * import { requireToken, type RouteContext } from "./route.ts";
 * import { EmulatorState } from "./state/state.ts";
 * const state = await EmulatorState.create(stateSettings({})); // the default settings
 * const token = state.issueLegacyToken(state.accounts.users.default, "client-1", {});
 * const ctx = (value?: string) => ({ state, plexHeader: () => value }) as unknown as RouteContext;
 * assert.equal((await requireToken(ctx(token))).user.username, "plexuser");
 * await assert.rejects(requireToken(ctx(undefined)), { status: 401, plexCode: 1001 });
 * ```
 */
export async function requireToken(ctx: RouteContext): Promise<Principal> {
  const token = ctx.plexHeader("X-Plex-Token");
  const principal = await ctx.state.resolveToken(token);
  if (principal) return principal;
  if (await ctx.state.isExpiredJwt(token)) throw new HttpFailure(498, undefined, "The JWT has expired");
  throw unauthorized();
}

/**
 * The request's parameters from its body, read the way a Rails app reads
 * them: a form, or a JSON object (a JSON value that is not an object, such as
 * `""`, and an empty body give none). Repeated form fields keep their last
 * value here; use {@linkcode formValues} for lists.
 *
 * @param ctx The request.
 * @returns The parameters.
 * @throws {HttpFailure} 400 when a JSON body does not parse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bodyFields, type RouteContext } from "./route.ts";
 * const form = { contentType: "application/x-www-form-urlencoded", body: "code=7RQZ" } as RouteContext;
 * assert.deepEqual(bodyFields(form), { code: "7RQZ" });
 * assert.throws(() => bodyFields({ contentType: "application/json", body: "{" } as RouteContext), { status: 400 });
 * ```
 */
export function bodyFields(ctx: RouteContext): Record<string, unknown> {
  if (ctx.body.trim() === "") return {};
  if (ctx.contentType === "application/json" || ctx.contentType.endsWith("+json")) {
    let value: unknown;
    try {
      value = JSON.parse(ctx.body);
    } catch {
      throw new HttpFailure(400, undefined, "The request body is not valid JSON");
    }
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : {};
  }
  if (ctx.contentType === "application/x-www-form-urlencoded" || ctx.contentType === "") {
    return Object.fromEntries(new URLSearchParams(ctx.body));
  }
  return {};
}

/**
 * Every value of a form field in the body (and the query), e.g. `urls[]`.
 *
 * @param ctx The request.
 * @param name The field name.
 * @returns The values, body first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formValues, type RouteContext } from "./route.ts";
 * const ctx = { contentType: "", body: "urls[]=a&urls[]=b", query: new URLSearchParams("urls[]=c") } as RouteContext;
 * assert.deepEqual(formValues(ctx, "urls[]"), ["a", "b", "c"]);
 * ```
 */
export function formValues(ctx: RouteContext, name: string): string[] {
  const form = ctx.contentType === "application/json" ? new URLSearchParams() : new URLSearchParams(ctx.body);
  return [...form.getAll(name), ...ctx.query.getAll(name)];
}

/**
 * A string parameter from the body or the query.
 *
 * @param ctx The request.
 * @param name The parameter.
 * @returns Its value, or `undefined` when absent or not a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type RouteContext, stringParam } from "./route.ts";
 * const query = new URLSearchParams("code=no&name=x");
 * const ctx = { contentType: "application/json", body: '{"code":42}', query } as RouteContext;
 * assert.equal(stringParam(ctx, "code"), "42"); // the body first, a number as text
 * assert.equal(stringParam(ctx, "name"), "x");
 * assert.equal(stringParam(ctx, "other"), undefined);
 * ```
 */
export function stringParam(ctx: RouteContext, name: string): string | undefined {
  return textValue(bodyFields(ctx)[name] ?? ctx.query.get(name) ?? undefined);
}

/**
 * A parameter's value as text: strings as they are, numbers written out, anything else absent.
 *
 * @param value The value from a form, a JSON body or the query.
 * @returns The text, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textValue } from "./route.ts";
 * assert.ok(textValue(42) === "42" && textValue({}) === undefined);
 * ```
 */
export function textValue(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}
