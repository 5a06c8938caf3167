/**
 * A tiny HTTP/1.1 server on 127.0.0.1 written on `node:net`, for tests that
 * need control a real HTTP server does not give: cutting a body short,
 * never answering, streaming 50 MiB under backpressure, and counting the
 * sockets still open (a leaked, half-read response keeps its socket open).
 *
 * Every answer carries `Connection: close`, so a socket stays open after an
 * answer only when the client neither read the body to the end nor cancelled it.
 *
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";
import { after } from "node:test";

/** A parsed request. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** When the request head arrived (ms, `performance.now()`). */
  at: number;
}

/** What a handler gets to answer with. */
export interface RawExchange {
  request: RawRequest;
  socket: Socket;
  /** Writes a whole answer (`Content-Length` set unless `headers` has it) and closes. */
  reply(status: number, body?: string, headers?: Record<string, string>): void;
  /** Writes the status line and headers only. */
  head(status: number, headers?: Record<string, string>): void;
  /** Writes `bytes` of filler under backpressure; resolves with the bytes the socket accepted. */
  stream(bytes: number): Promise<number>;
}

/** A running raw server. */
export interface RawServer {
  readonly port: number;
  readonly url: string;
  readonly requests: RawRequest[];
  /** Sockets currently open on the server side. */
  openSockets(): number;
  /** Waits until no socket is open (or `timeoutMs` passed) and returns how many still are. */
  settle(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  302: "Found",
  307: "Temporary Redirect",
  400: "Bad Request",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * Starts a raw server; `handler` answers each request (it may also do nothing: a silent server).
 *
 * @param handler Called once per request.
 * @param port The port (0: any free one).
 * @returns The server.
 */
export async function startRawServer(
  handler: (exchange: RawExchange) => unknown,
  port = 0,
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const requests: RawRequest[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "", path = ""] = (lines.shift() ?? "").split(" ");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffer.length < end + 4 + length) return;
      socket.off("data", onData);
      const request: RawRequest = {
        method,
        path,
        headers,
        body: buffer.subarray(end + 4, end + 4 + length).toString("utf8"),
        at: performance.now(),
      };
      requests.push(request);
      const head = (status: number, extra: Record<string, string> = {}) => {
        const all = { Connection: "close", ...extra };
        const text = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("");
        socket.write(`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\n${text}\r\n`);
      };
      const exchange: RawExchange = {
        request,
        socket,
        head,
        reply(status, body = "", extra = {}) {
          const bytes = Buffer.from(body, "utf8");
          const headersOut = { "Content-Type": "application/json", ...extra };
          if (!Object.keys(headersOut).some((k) => k.toLowerCase() === "content-length")) {
            (headersOut as Record<string, string>)["Content-Length"] = String(bytes.length);
          }
          head(status, headersOut);
          socket.end(bytes);
        },
        stream(bytes) {
          const chunk = Buffer.alloc(64 * 1024, "a");
          let sent = 0;
          return new Promise((resolve) => {
            const pump = () => {
              while (sent < bytes) {
                if (socket.destroyed || socket.writableEnded) return resolve(sent);
                const size = Math.min(chunk.length, bytes - sent);
                sent += size;
                if (!socket.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
                  socket.once("drain", pump);
                  return;
                }
              }
              resolve(sent);
            };
            socket.once("close", () => resolve(sent));
            pump();
          });
        },
      };
      Promise.resolve(handler(exchange) as unknown).catch(() => socket.destroy());
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    requests,
    openSockets: () => sockets.size,
    async settle(timeoutMs = 2_000) {
      const until = performance.now() + timeoutMs;
      while (sockets.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
      return sockets.size;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A port nothing listens on (bound, then released).
 *
 * @returns The port.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Raw servers for one test file: each server `serve` starts is closed after the file's tests.
 *
 * @returns `serve`, which starts a raw server with a handler.
 */
export function rawServers(): (handler: (exchange: RawExchange) => unknown) => Promise<RawServer> {
  const servers: RawServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  return async (handler) => {
    const server = await startRawServer(handler);
    servers.push(server);
    return server;
  };
}
