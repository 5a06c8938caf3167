import { after, before, beforeEach, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { defaultConfig, type Logger, Token, withClock, withJwt, withLogger } from "../../mod.ts";
import { type Emulator, registerDevice, startEmulator } from "../../lib/testing/mod.ts";
import { REDIS_PASSPHRASE_ENV, RedisStore } from "../../plugins/redis.ts";
import { type RedisServer, redisSkipReason, startRedisServer } from "../_helpers/redis_server.ts";
import { describeNeeding } from "../_helpers/needs.ts";

const skip = redisSkipReason();
const NONCE = "GET /api/v2/auth/nonce";
const EXCHANGE = "POST /api/v2/auth/token";
const PASSPHRASE = "fleet passphrase for the tests";
const WORKER = fileURLToPath(new URL("../_helpers/redis_fleet_worker.ts", import.meta.url));

let server: RedisServer;
let emulator: Emulator;
const stores: RedisStore[] = [];
const children = new Set<ChildProcess>();

function configFor(clientId: string) {
  return defaultConfig().withClientId(clientId).withUrls(emulator.url).withHttp({ retry: { retries: 0 } });
}

function openRedis(key: string, uri = server.uri(key), logger?: Logger): RedisStore {
  const store = new RedisStore(uri, { passphrase: PASSPHRASE, logger });
  stores.push(store);
  return store;
}

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

/**
 * Seeds a Redis key with a device key registered at the emulator and an
 * expired JWT, as a fleet finds it after a weekend; the request log is then emptied.
 */
async function seedFleet(key: string, uri?: string): Promise<{ clientId: string; expired: Token }> {
  const { clientId, jwt: expired, data } = await registerDevice(emulator, { expiresInSeconds: -60 });
  await openRedis(key, uri).save({ ...data, savedAt: new Date(Date.now() - 60_000).toISOString() });
  emulator.resetRequests();
  return { clientId, expired };
}

interface Replica {
  child: ChildProcess;
  stderr(): string;
  result: Promise<{ tokens: string[]; errors: string[]; code: number | null; signal: string | null }>;
}

/**
 * Starts one replica process with the runtime running this test; settings go
 * through the environment. It calls token() when {@linkcode go} says so.
 */
function startReplica(key: string, clientId: string, calls: number, lockTtlMs: number): Replica {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [command, args] = deno ? [deno.execPath(), ["run", "-A", WORKER]] : [process.execPath, [WORKER]];
  const child = spawn(command, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      FLEET_EMULATOR_URL: emulator.url,
      FLEET_STORE_URI: server.uri(key),
      FLEET_CLIENT_ID: clientId,
      FLEET_CALLS: String(calls),
      FLEET_LOCK_TTL_MS: String(lockTtlMs),
      [REDIS_PASSPHRASE_ENV]: PASSPHRASE,
    },
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => stdout += String(chunk));
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const result = new Promise<Awaited<Replica["result"]>>((resolve) => {
    child.once("close", (code, signal) => {
      children.delete(child);
      const line = stdout.trim().split("\n").pop() ?? "";
      let parsed = { tokens: [] as string[], errors: [`no result (exit ${code ?? signal})`] };
      try {
        if (line) parsed = JSON.parse(line);
      } catch {
        parsed.errors = [`unreadable result: ${line.slice(0, 200)}`];
      }
      resolve({ ...parsed, code, signal });
    });
  });
  return { child, stderr: () => stderr, result };
}

/** Waits until every replica is warmed up, then starts them all at once. */
async function go(replicas: Replica[]): Promise<void> {
  await waitFor(() => replicas.every((r) => /ready/.test(r.stderr())), "the replicas to start");
  for (const replica of replicas) replica.child.stdin!.write("go\n");
}

async function fingerprint(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeNeeding("a fleet sharing one Redis store", skip, () => {
  let keyNumber = 0;
  const freshKey = () => `fleet-${process.pid}-${++keyNumber}`;

  before(async () => {
    server = await startRedisServer();
    emulator = await startEmulator();
  });
  after(async () => {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(stores.map((store) => store.close()));
    await emulator?.close();
    await server?.stop();
  });
  beforeEach(() => emulator.clearFaults());

  it("4 processes x 25 concurrent token() calls on an expired JWT: one nonce, one token request", {
    timeout: 60_000,
  }, async () => {
    const key = freshKey();
    const { clientId, expired } = await seedFleet(key);
    const replicas = Array.from({ length: 4 }, () => startReplica(key, clientId, 25, 30_000));
    await go(replicas);
    const results = await Promise.all(replicas.map((r) => r.result));
    const logs = replicas.map((r) => r.stderr()).join("");
    for (const result of results) {
      assert.deepEqual(result.errors, [], logs);
      assert.equal(result.code, 0, logs);
      assert.equal(result.tokens.length, 25);
    }
    assert.equal(emulator.count(NONCE), 1, logs);
    assert.equal(emulator.count(EXCHANGE), 1, logs);
    const stored = await openRedis(key).load();
    assert.notEqual(stored?.token, expired.value);
    assert.ok(new Token(stored!.token!).isValid());
    const everyToken = new Set(results.flatMap((r) => r.tokens));
    assert.deepEqual(
      [...everyToken],
      [await fingerprint(stored!.token!)],
      "every replica uses the stored JWT",
    );
    assert.equal(logs.match(/Refreshed the JWT/g)?.length, 1, logs);
  });

  it("the lock holder killed mid-refresh: the others take over after the lock expires", {
    timeout: 60_000,
  }, async () => {
    const key = freshKey();
    const lockTtlMs = 4_000;
    const { clientId } = await seedFleet(key);
    const hang = emulator.inject({ match: EXCHANGE, kind: "hang" });
    const replicas = Array.from({ length: 4 }, () => startReplica(key, clientId, 25, lockTtlMs));
    await go(replicas);
    const waiting = () => replicas.filter((r) => /waiting for it/.test(r.stderr()));
    await waitFor(
      () => hang.hits === 1 && waiting().length === 3,
      "one holder mid-exchange and three waiters",
    );
    const holder = replicas.find((r) => !waiting().includes(r))!;
    const probe = openRedis(key);
    assert.equal(await probe.lock("refresh", 60_000), undefined, "the holder still has the lock");
    holder.child.kill("SIGKILL");
    const killedAt = Date.now();
    const dead = await holder.result;
    assert.equal(dead.signal, "SIGKILL");
    const others = replicas.filter((r) => r !== holder);
    const results = await Promise.all(others.map((r) => r.result));
    const logs = others.map((r) => r.stderr()).join("");
    for (const result of results) {
      assert.deepEqual(result.errors, [], logs);
      assert.equal(result.tokens.length, 25);
    }
    assert.equal(new Set(results.flatMap((r) => r.tokens)).size, 1, "one new JWT for the whole fleet");
    assert.ok(Date.now() - killedAt < lockTtlMs + 10_000);
    assert.equal(emulator.count(EXCHANGE), 2, "the dead holder's exchange and one takeover");
    assert.equal(emulator.count(NONCE), 2);
    assert.match(logs, /refresh lock expired or was released without a new token; refreshing here/);
    const stored = await openRedis(key).load();
    assert.ok(new Token(stored!.token!).isValid());
    const free = await probe.lock("refresh", 1_000);
    assert.ok(free, "the takeover released the lock");
    await free.release();
  });

  it("Redis lost while waiting for another replica's refresh: the waiter refreshes itself", async () => {
    const own = await startRedisServer();
    try {
      const key = freshKey();
      const { clientId, expired } = await seedFleet(key, own.uri(key));
      const holder = await openRedis(key, own.uri(key)).lock("refresh", 60_000);
      assert.ok(holder, "another replica holds the lock");
      const logger = capturingLogger();
      const source = configFor(clientId).tokenSource(
        withJwt(openRedis(key, own.uri(key))),
        withLogger(logger),
      );
      const pending = source.token();
      await waitFor(() => logger.lines.some((l) => /waiting for it/.test(l)), "the replica to wait");
      await own.stop();
      const token = await pending;
      assert.notEqual(token.value, expired.value);
      assert.ok(token.isValid());
      assert.equal(emulator.count(EXCHANGE), 1);
      const log = logger.lines.join("\n");
      assert.match(log, /warn The refresh lock is unavailable .*unavailable.*refreshing without it/);
      assert.match(log, /warn Could not save the token to the store .*keeping it in memory/);
    } finally {
      await own.stop();
    }
  });

  it("Redis unreachable: the token source still refreshes an expired JWT, and says so in the log", async () => {
    const own = await startRedisServer();
    try {
      const key = freshKey();
      const { clientId, expired } = await seedFleet(key, own.uri(key));
      const logger = capturingLogger();
      let now = Date.now();
      const source = configFor(clientId).tokenSource(
        withJwt(openRedis(key, own.uri(key))),
        withLogger(logger),
        withClock(() => new Date(now)),
      );
      const first = await source.token();
      assert.notEqual(first.value, expired.value);
      await own.stop();
      now += 6.5 * 24 * 3600_000; // inside the refresh margin of the first refreshed JWT
      const second = await source.token();
      assert.notEqual(second.value, first.value);
      assert.equal(emulator.count(EXCHANGE), 2);
      const log = logger.lines.join("\n");
      assert.match(log, /warn The refresh lock is unavailable/);
      assert.match(log, /warn .*(save|saving)/i);
    } finally {
      await own.stop();
    }
  });
});
