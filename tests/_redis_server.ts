/**
 * A throwaway `redis-server` for tests and benches: a free loopback port, a
 * temporary directory, no persistence; stopped (and its directory removed)
 * by `stop()`. Secrets (`requirepass`) go in a config file, never in argv.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running redis-server. */
export interface RedisServer {
  /** The port on 127.0.0.1. */
  port: number;
  /** `redis://[:password@]127.0.0.1:PORT/0?key=KEY`. */
  uri(key: string): string;
  /** Freezes the server (SIGSTOP): connections open, nothing answers. */
  pause(): void;
  /** Unfreezes it (SIGCONT). */
  resume(): void;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Why Redis tests cannot run here, or `undefined` when they can. With `CI`
 * set a missing redis-server is an error, not a reason to skip; a skip is
 * announced on stderr.
 *
 * @returns The skip reason.
 */
export function redisSkipReason(): string | undefined {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  if (!found.error && found.status === 0) return undefined;
  const message = "redis-server is not installed (apt-get install -y redis-server)";
  if (process.env.CI) throw new Error(`${message}: CI must install it`);
  const reason = `${message}; skipping the Redis tests`;
  console.warn(reason);
  return reason;
}

/**
 * Starts redis-server on a free loopback port and waits until it answers.
 *
 * @param options `password` sets `requirepass`, `users` adds ACL users (through a config file).
 * @returns The server.
 */
export async function startRedisServer(
  options: { password?: string; users?: { name: string; password: string }[] } = {},
): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "plextv-redis-"));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await _freePort();
    const config = [
      `port ${port}`,
      "bind 127.0.0.1",
      'save ""',
      "appendonly no",
      `dir ${dir}`,
      "protected-mode yes",
      "loglevel warning",
    ];
    if (options.password) config.push(`requirepass ${options.password}`);
    for (const user of options.users ?? []) config.push(`user ${user.name} on >${user.password} ~* &* +@all`);
    const configPath = join(dir, "redis.conf");
    writeFileSync(configPath, config.join("\n") + "\n", { mode: 0o600 });
    const child = spawn("redis-server", [configPath], { stdio: ["ignore", "ignore", "pipe"] });
    try {
      await _waitForPort(port, child);
      return _server(port, child, dir, options.password);
    } catch (err) {
      lastError = err;
      _signal(child, "SIGKILL");
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start: ${(lastError as Error)?.message}`);
}

function _server(port: number, child: ChildProcess, dir: string, password?: string): RedisServer {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return {
    port,
    uri: (key) =>
      `redis://${password ? `:${encodeURIComponent(password)}@` : ""}127.0.0.1:${port}/0?key=${
        encodeURIComponent(key)
      }`,
    pause: () => _signal(child, "SIGSTOP"),
    resume: () => _signal(child, "SIGCONT"),
    async stop() {
      _signal(child, "SIGCONT");
      _signal(child, "SIGTERM");
      const timer = setTimeout(() => _signal(child, "SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signals by pid: Deno's `ChildProcess.kill` sends only the first signal. */
function _signal(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Already gone.
  }
}

function _freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function _waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 5_000;
  let stderr = "";
  child.stderr?.on("data", (chunk) => stderr += String(chunk));
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr.trim().slice(0, 300)}`);
    if (await _pong(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("redis-server did not answer within 5 s");
}

function _pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += String(chunk);
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"));
    });
  });
}
