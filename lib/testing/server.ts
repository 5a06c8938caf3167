/**
 * The plex.tv emulator behind a loopback `node:http` server (Node, Deno and
 * Bun all run `node:http`), for what needs a real socket: child processes
 * such as a CLI, browsers, and the faults only a socket can show (a reset
 * connection). It relays every request to the same handler as the
 * in-process `fetch`.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ConnectionReset } from "./body_streams.ts";
import { buildEmulator, type Emulator, type EmulatorCore } from "./emulator.ts";
import type { EmulatorOptions } from "./options.ts";
import { MAX_REQUEST_BODY_BYTES } from "./handler.ts";

/**
 * Starts a plex.tv emulator on 127.0.0.1.
 *
 * @param options Port, and everything `createEmulator()` takes but `url`.
 * @returns The running emulator (its `url` is the server's; its `fetch` still answers in process);
 *   `close()` it when done.
 * @throws {PlexError} `invalid_argument` for an unusable or unknown option.
 *
 * @example Credentials sign-in against the emulator's server
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "./server.ts";
 * import { defaultConfig } from "../config.ts";
 *
 * const emulator = await startEmulator();
 * try {
 *   const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url);
 *   const token = await config.registerWithCredentials("plexuser", "plexpass");
 *   assert.ok(token.isLegacy() && emulator.count("POST /api/v2/users/signin") === 1);
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const core = await buildEmulator(options, "startEmulator");
  const server = new LoopbackServer(core);
  try {
    await server.listen(options.port ?? 0);
  } catch (err) {
    // A port in use, say: what was built is closed, so a failed start leaves nothing running.
    await core.close();
    throw err;
  }
  return server.emulator;
}

function requestOf(
  req: IncomingMessage,
  body: Uint8Array<ArrayBuffer>,
  signal: AbortSignal,
): Request | undefined {
  const host = req.headers.host;
  if (!host || !URL.canParse(`http://${host}${req.url ?? "/"}`)) return undefined;
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.toLowerCase() !== "host") headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = (req.method ?? "GET").toUpperCase();
  const withBody = method !== "GET" && method !== "HEAD" && body.length > 0;
  return new Request(`http://${host}${req.url ?? "/"}`, {
    method,
    headers,
    body: withBody ? body : undefined,
    signal,
  });
}

function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on("data", (chunk: Uint8Array) => {
      // Keep one byte past the limit so the handler answers 413; drop the rest.
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

class LoopbackServer {
  readonly emulator: Emulator;
  readonly #core: EmulatorCore;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(core: EmulatorCore) {
    this.#core = core;
    this.#server = createServer((req, res) => {
      this.#relay(req, res).catch((err) => {
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`Emulator failure: ${err instanceof Error ? err.message : String(err)}`);
        } else {
          res.destroy();
        }
      });
    });
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    core.onClose(() => this.#close());
    this.emulator = core;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => {
        const address = this.#server.address();
        if (address === null || typeof address === "string") {
          reject(new Error("The emulator has no TCP address"));
          return;
        }
        this.#core.setUrl(`http://127.0.0.1:${address.port}`);
        resolve();
      });
    });
  }

  async #relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort(new TypeError("The client closed the connection"));
    });
    const body = await readBody(req);
    const request = requestOf(req, body, aborted.signal);
    if (!request) {
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end("The request names no valid Host");
      return;
    }
    let response: Response;
    try {
      response = await this.#core.handle(request);
    } catch (err) {
      if (aborted.signal.aborted) return;
      if (err instanceof TypeError) {
        res.destroy();
        return;
      }
      throw err;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => headers[name] = value);
    res.writeHead(response.status, headers);
    if (response.body === null) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!res.write(value)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.on("drain", done);
            res.on("close", done);
          });
        }
        if (aborted.signal.aborted) {
          await reader.cancel();
          return;
        }
      }
      res.end();
    } catch (err) {
      if (!(err instanceof ConnectionReset)) throw err;
      // Let the bytes already written leave, then drop the connection like a reset.
      setTimeout(() => req.socket.destroy(), 10);
    }
  }

  #close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
