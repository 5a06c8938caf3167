/**
 * The emulator's request pipeline, one `Request` in and one `Response` out:
 * the request log, the host and origin rules, CORS, the body size limit,
 * injected faults, then the route; every answer carries a `Date` header
 * from the emulator's clock. Both the in-process `fetch` and the loopback
 * server run it.
 *
 * @module
 */
import { type AccessPolicy, corsHeaders, preflightHeaders } from "./access.ts";
import { hugeBody, resetBody } from "./body_streams.ts";
import { type Fault, type FaultList, htmlErrorPage, retryAfterHeader } from "./faults.ts";
import type { Payloads } from "./payloads/folder.ts";
import {
  redactedForm,
  redactedHeaders,
  redactedQuery,
  type RequestLog,
  type RequestRecord,
} from "./request_log.ts";
import { errorReply, HttpFailure, notFound, type Reply } from "./respond.ts";
import type { RouteContext } from "./route.ts";
import { ROUTES } from "./routes/all.ts";
import type { EmulatorState } from "./state/state.ts";

/** The largest request body the emulator reads (413 beyond). */
export const MAX_REQUEST_BODY_BYTES = 1 << 20;

/** What the pipeline works with: the emulator's parts. */
export interface Pipeline {
  /** The state. */
  state: EmulatorState;
  /** The payload files. */
  payloads: Payloads;
  /** Injected faults. */
  faults: FaultList;
  /** The request log. */
  log: RequestLog;
  /** The host and origin rules. */
  access: AccessPolicy;
  /** The emulator's base URL. */
  origin(): string;
  /** Waits (a delay fault); rejects when the signal aborts or the emulator closes. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

function wantsJson(headers: Headers): boolean {
  return /\bjson\b/i.test(headers.get("accept") ?? "");
}

function acceptable(accept: string, jsonOnly: boolean): boolean {
  const types = accept.split(",").map((t) => t.split(";")[0]!.trim().toLowerCase());
  return types.some((t) =>
    t === "*/*" || t === "application/*" || t.endsWith("json") ||
    (!jsonOnly && (t.endsWith("xml") || t === "text/*"))
  );
}

function mediaType(headers: Headers): string {
  return (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

function plexValue(headers: Headers, query: URLSearchParams, name: string): string | undefined {
  const header = headers.get(name);
  if (header) return header;
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase() && value) return value;
  return undefined;
}

function respond(reply: Reply, extra: Record<string, string>): Response {
  const bytes = reply.body === undefined ? undefined : new TextEncoder().encode(reply.body);
  const headers = new Headers({ ...reply.headers, ...extra });
  headers.set("Content-Length", String(bytes?.length ?? 0));
  const empty = reply.status === 204 || reply.status === 304 || bytes === undefined;
  return new Response(empty ? null : bytes, { status: reply.status, headers });
}

async function readBody(request: Request): Promise<string | undefined> {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_REQUEST_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(all);
}

async function dispatch(pipeline: Pipeline, request: Request, url: URL, body: string): Promise<Reply> {
  const json = wantsJson(request.headers);
  const method = request.method.toUpperCase();
  const found = ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname));
  try {
    if (!found) throw notFound();
    const accept = request.headers.get("accept") ?? "";
    if (accept && !found.anyAccept && !acceptable(accept, found.jsonOnly ?? false)) {
      return errorReply(406, undefined, "Not Acceptable", false);
    }
    const clientId = plexValue(request.headers, url.searchParams, "X-Plex-Client-Identifier") ?? "";
    if (found.clientId && !clientId) throw new HttpFailure(400, 1000, "X-Plex-Client-Identifier is missing");
    const ctx: RouteContext = {
      method,
      path: url.pathname,
      params: (found.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent),
      query: url.searchParams,
      headers: request.headers,
      body,
      contentType: mediaType(request.headers),
      clientId,
      wantsJson: json || (found.jsonOnly ?? false),
      origin: pipeline.origin(),
      state: pipeline.state,
      payloads: pipeline.payloads,
      plexHeader: (name) => plexValue(request.headers, url.searchParams, name),
    };
    return await found.handler(ctx);
  } catch (err) {
    if (!(err instanceof HttpFailure)) throw err;
    const reply = errorReply(err.status, err.plexCode, err.message, json || (found?.jsonOnly ?? false));
    return { ...reply, headers: { ...reply.headers, ...err.headers } };
  }
}

function faultReply(fault: Fault, json: boolean): Reply | undefined {
  switch (fault.kind) {
    case "status": {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["Retry-After"] = retryAfterHeader(fault.retryAfter);
      if (fault.plexCode !== undefined) {
        const reply = errorReply(fault.status, fault.plexCode, fault.message ?? "Simulated failure", json);
        return { ...reply, headers: { ...reply.headers, ...headers } };
      }
      if (fault.body !== undefined) {
        headers["Content-Type"] = fault.contentType ?? "text/plain; charset=utf-8";
      }
      return { status: fault.status, body: fault.body, headers };
    }
    case "redirect":
      return { status: fault.status ?? 302, headers: { Location: fault.location } };
    case "malformed":
      if (fault.body !== "html") return undefined;
      return {
        status: fault.status ?? 502,
        body: htmlErrorPage(fault.status ?? 502),
        headers: { "Content-Type": "text/html" },
      };
    default:
      return undefined;
  }
}

function spoil(reply: Reply, fault: Fault | undefined): Reply {
  if (fault?.kind !== "malformed") return reply;
  const text = reply.body ?? "";
  if (fault.body === "truncated_json") return { ...reply, body: text.slice(0, Math.floor(text.length / 2)) };
  if (fault.body === "xml_missing_attributes") {
    return { ...reply, body: text.replace(/\s[\w:.-]+="[^"]*"/g, "") };
  }
  return reply;
}

/**
 * Answers one request.
 *
 * @param pipeline The emulator's parts.
 * @param request The request.
 * @returns The response; rejects with the signal's reason when the request is aborted during a hang or delay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AccessPolicy } from "./access.ts";
 * import { FaultList } from "./faults.ts";
 * import { handle, type Pipeline } from "./handler.ts";
 * import { stateSettings } from "./options.ts";
 * import { loadPayloads } from "./payloads/folder.ts";
 * import { RequestLog } from "./request_log.ts";
 * import { EmulatorState } from "./state/state.ts";
 * const origin = () => "http://127.0.0.1:8080";
 * const pipeline: Pipeline = {
 *   state: await EmulatorState.create(stateSettings({})),
 *   payloads: await loadPayloads(undefined),
 *   faults: new FaultList(),
 *   log: new RequestLog(10),
 *   access: new AccessPolicy(origin, [], []),
 *   origin,
 *   wait: () => Promise.resolve(),
 * };
 * const response = await handle(pipeline, new Request("http://127.0.0.1:8080/api/v2/auth/keys"));
 * assert.equal(response.status, 200);
 * assert.equal((await response.json()).keys.length, 1);
 * ```
 */
export async function handle(pipeline: Pipeline, request: Request): Promise<Response> {
  const { state, faults, log, access } = pipeline;
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const record: RequestRecord = {
    method,
    path: url.pathname,
    query: redactedQuery(url.searchParams),
    headers: redactedHeaders(request.headers),
    form: {},
    clientId: plexValue(request.headers, url.searchParams, "X-Plex-Client-Identifier") ?? "",
    withToken: plexValue(request.headers, url.searchParams, "X-Plex-Token") !== undefined,
    status: 0,
    at: state.settings.now(),
  };
  log.add(record);
  const json = wantsJson(request.headers);
  const base: Record<string, string> = { Date: new Date(state.settings.now()).toUTCString() };
  const finish = (reply: Reply, headers: Record<string, string> = {}): Response => {
    record.status = reply.status;
    return respond(reply, { ...base, ...headers });
  };
  if (!access.allowsHost(url.host)) {
    return finish(errorReply(421, undefined, `The emulator does not answer for the host ${url.host}`, json));
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !access.allowsOrigin(origin)) {
    return finish(errorReply(403, undefined, "Requests from this origin are not allowed", json));
  }
  const cors = origin === null ? {} : corsHeaders(origin);
  if (method === "OPTIONS") {
    return finish({ status: 204 }, {
      ...cors,
      ...preflightHeaders(request.headers.get("access-control-request-headers")),
    });
  }
  const body = await readBody(request);
  if (body === undefined) return finish(errorReply(413, undefined, "Request body too large", json), cors);
  record.form = redactedForm(mediaType(request.headers), body);
  const fault = faults.take({ method, path: url.pathname, query: url.searchParams });
  if (fault) record.fault = fault.kind;
  if (fault?.kind === "hang") await pipeline.wait(Infinity, request.signal);
  if (fault?.kind === "delay") await pipeline.wait(fault.ms, request.signal);
  const injected = fault && faultReply(fault, json);
  if (injected) return finish(injected, cors);
  if (fault?.kind === "huge") {
    record.status = 200;
    const bytes = fault.bytes ?? 50 * 1024 * 1024;
    const headers = new Headers({ ...base, ...cors, "Content-Type": "application/json" });
    if (fault.declareLength) headers.set("Content-Length", String(bytes));
    return new Response(hugeBody(bytes), { status: 200, headers });
  }
  const reply = spoil(await dispatch(pipeline, request, url, body), fault);
  if (fault?.kind === "reset") {
    const full = new TextEncoder().encode(reply.body ?? "");
    const cut = Math.min(fault.afterBytes ?? Math.floor(full.length / 2), Math.max(0, full.length - 1));
    const headers = new Headers({
      ...reply.headers,
      ...base,
      ...cors,
      "Content-Length": String(Math.max(full.length, 1)),
    });
    return new Response(resetBody(full, cut), { status: reply.status, headers });
  }
  return finish(reply, cors);
}
