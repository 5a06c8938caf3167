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
    // A watchdog shell owns redis-server and stops it when our end of its stdin closes, so the
    // server never outlives this process, even when it is killed.
    const watchdog = spawn("sh", ["-c", _WATCHDOG, "redis-watchdog", configPath], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    try {
      const pid = await _firstLine(watchdog);
      await _waitForPort(port, pid, watchdog);
      return _server(port, pid, watchdog, dir, options.password);
    } catch (err) {
      lastError = err;
      watchdog.stdin?.end();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start: ${(lastError as Error)?.message}`);
}

const _WATCHDOG = 'redis-server "$1" 1>&2 & pid=$!; echo "$pid"; read -r _; kill -CONT "$pid" 2>/dev/null; ' +
  'kill -TERM "$pid" 2>/dev/null; wait "$pid"';

function _server(
  port: number,
  pid: number,
  watchdog: ChildProcess,
  dir: string,
  password?: string,
): RedisServer {
  const exited = new Promise<void>((resolve) => {
    if (watchdog.exitCode !== null || watchdog.signalCode !== null) resolve();
    else watchdog.once("exit", () => resolve());
  });
  return {
    port,
    uri: (key) =>
      `redis://${password ? `:${encodeURIComponent(password)}@` : ""}127.0.0.1:${port}/0?key=${
        encodeURIComponent(key)
      }`,
    pause: () => _signal(pid, "SIGSTOP"),
    resume: () => _signal(pid, "SIGCONT"),
    async stop() {
      _signal(pid, "SIGCONT");
      watchdog.stdin?.end();
      const timer = setTimeout(() => _signal(pid, "SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The redis-server pid the watchdog prints first. */
function _firstLine(watchdog: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = "";
    watchdog.stdout!.on("data", (chunk) => {
      text += String(chunk);
      const pid = Number(text.split("\n")[0]);
      if (text.includes("\n")) Number.isInteger(pid) && pid > 0 ? resolve(pid) : reject(new Error("no pid"));
    });
    watchdog.once("exit", () => reject(new Error("the watchdog shell exited")));
  });
}

/** Signals redis-server by pid (Deno's `ChildProcess.kill` sends only the first signal). */
function _signal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
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

async function _waitForPort(port: number, pid: number, watchdog: ChildProcess): Promise<void> {
  const deadline = Date.now() + 5_000;
  let stderr = "";
  watchdog.stderr?.on("data", (chunk) => stderr += String(chunk));
  while (Date.now() < deadline) {
    if (!_alive(pid)) throw new Error(`redis-server exited: ${stderr.trim().slice(0, 300)}`);
    if (await _pong(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("redis-server did not answer within 5 s");
}

function _alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
