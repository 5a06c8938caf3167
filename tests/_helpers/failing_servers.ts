/**
 * Loopback endpoints that fail the way a network does, for the tests of how
 * each runtime's fetch failures are worded (tests/http/fetch_failure_test.ts,
 * tests/cli/network_failures_test.ts): a closed port, a server that resets the
 * connection, one that cuts its body short, one that does not speak HTTP, a
 * TLS server with a self-signed certificate (made with openssl), and a TCP
 * server that never answers a TLS handshake.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { freePort } from "./raw_http_server.ts";

/** The failing endpoints, as origins (`http://127.0.0.1:PORT`). */
export interface FailingServers {
  /** Nothing listens there. */
  refused: string;
  /** Resets the connection when the request arrives. */
  reset: string;
  /** Answers 200 with a Content-Length of 100, sends 10 bytes and drops the connection. */
  cutBody: string;
  /** Answers with a line that is not HTTP. */
  notHttp: string;
  /** `https://`: a self-signed certificate for 127.0.0.1; `undefined` without openssl. */
  selfSigned?: string;
  /** `https://`: accepts the connection and never answers the TLS handshake. */
  silentTls: string;
  /** Stops the servers. */
  close(): Promise<void>;
}

/**
 * Why the self-signed case cannot run here (no openssl), or `undefined`;
 * with `CI` set, a missing openssl is an error.
 *
 * @returns The reason, or `undefined`.
 */
export function opensslSkipReason(): string | undefined {
  const found = spawnSync("openssl", ["version"], { stdio: "ignore" });
  if (!found.error && found.status === 0) return undefined;
  const message = "openssl is not installed (apt-get install -y openssl)";
  if (process.env.CI) throw new Error(`${message}: CI must install it`);
  console.warn(`${message}; skipping the self-signed certificate case`);
  return message;
}

function selfSignedCertificate(): { key: string; cert: string } {
  const folder = mkdtempSync(join(tmpdir(), "plextv-tls-"));
  try {
    const key = join(folder, "key.pem");
    const cert = join(folder, "cert.pem");
    const made = spawnSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function listen(server: Server, sockets: Set<Socket>): Promise<number> {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

/** Calls `answer` with the socket once the first bytes of a request arrive. */
function onRequest(answer: (socket: Socket) => void): Server {
  return createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => answer(socket));
  });
}

/**
 * Starts the failing servers on 127.0.0.1.
 *
 * @param withSelfSigned Whether to start the self-signed TLS server (needs openssl).
 * @returns The endpoints.
 */
export async function startFailingServers(withSelfSigned: boolean): Promise<FailingServers> {
  const sockets = new Set<Socket>();
  const servers: Server[] = [
    onRequest((socket) => socket.resetAndDestroy()),
    onRequest((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user": 1',
      );
      setTimeout(() => socket.destroy(), 50);
    }),
    onRequest((socket) => socket.end("garbage that is not HTTP\r\n\r\n")),
    createServer((socket) => void socket.on("error", () => {})),
  ];
  if (withSelfSigned) {
    const tls = createTlsServer(selfSignedCertificate(), (socket) => {
      socket.on("error", () => {});
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    });
    tls.on("tlsClientError", () => {});
    servers.push(tls);
  }
  const [reset, cutBody, notHttp, silent, selfSigned] = await Promise.all(
    servers.map((server) => listen(server, sockets)),
  );
  return {
    refused: `http://127.0.0.1:${await freePort()}`,
    reset: `http://127.0.0.1:${reset}`,
    cutBody: `http://127.0.0.1:${cutBody}`,
    notHttp: `http://127.0.0.1:${notHttp}`,
    selfSigned: selfSigned === undefined ? undefined : `https://127.0.0.1:${selfSigned}`,
    silentTls: `https://127.0.0.1:${silent}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
