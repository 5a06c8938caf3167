import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { isPlexError, type PlexError } from "../../mod.ts";
import { type RedisStore, redisStore } from "../../plugins/redis.ts";
import { type RedisServer, redisSkipReason, startRedisServer } from "../_helpers/redis_server.ts";
import { describeNeeding } from "../_helpers/needs.ts";

// The database in a store URI is the server's to accept: a SELECT it refuses must fail the operation, never
// leave the connection on database 0 (ioredis only reports a failed SELECT of its `db` option as an event).

const skip = redisSkipReason();
const USER = "app";
const USER_PASSWORD = "app-Pa55word-secret";
const PASSPHRASE = "correct horse battery staple";

let server: RedisServer;
let raw: Redis;
const opened: RedisStore[] = [];

function storeAt(db: number, key: string): RedisStore {
  const uri = `redis://${USER}:${USER_PASSWORD}@127.0.0.1:${server.port}/${db}?key=${key}`;
  const store = redisStore(uri, { passphrase: PASSPHRASE, connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 });
  opened.push(store);
  return store;
}

/** Every operation of the store, each expected to fail. */
function operations(store: RedisStore): [string, () => Promise<unknown>][] {
  return [
    ["load", () => store.load()],
    ["save", () => store.save({ version: 1, clientId: "c" })],
    ["clear", () => store.clear()],
    ["lock", () => store.lock("refresh", 10_000)],
  ];
}

/** Everything an error shows: message, hint, cause chain, string and JSON forms. */
function shown(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    parts.push(String(e), (e as Error).message ?? "", (e as PlexError).hint ?? "", JSON.stringify(e) ?? "");
  }
  return parts.join("\n");
}

async function keysIn(db: number): Promise<string[]> {
  await raw.select(db);
  return await raw.keys("*");
}

describeNeeding("Redis store: the URI's database", skip, () => {
  before(async () => {
    server = await startRedisServer({ users: [{ name: USER, password: USER_PASSWORD }] });
    raw = new Redis({ host: "127.0.0.1", port: server.port, lazyConnect: true });
    await raw.connect();
  });
  after(async () => {
    await Promise.all(opened.map((store) => store.close()));
    raw?.disconnect();
    await server?.stop();
  });

  it("a database the server does not have: every operation is store_unavailable, and nothing is written", async () => {
    const store = storeAt(99, "db99");
    for (const [name, call] of operations(store)) {
      const err = await call().then(() => undefined, (e) => e);
      assert.ok(isPlexError(err, "store_unavailable"), `${name}: got ${err}`);
      assert.match(err.message, /database 99\b/, name);
      assert.match(err.hint ?? "", /16 databases \(0 to 15\)/, name);
      assert.match(err.hint ?? "", /\/DB/, name);
      assert.ok(!shown(err).includes(USER_PASSWORD), `${name}: the Redis password leaked`);
    }
    assert.deepEqual(await keysIn(0), [], "nothing was written to database 0");
  });

  it("the last database (15) works; database 0 stays empty", async () => {
    const store = storeAt(15, "db15");
    assert.equal((await store.save({ version: 1, clientId: "c" })).saved, true);
    assert.equal((await store.load())?.clientId, "c");
    assert.deepEqual(await keysIn(15), ["db15"]);
    assert.deepEqual(await keysIn(0), []);
    await store.clear();
  });

  it("after a reconnect, a SELECT the server now refuses fails every operation; it recovers once allowed", async () => {
    const store = storeAt(5, "db5");
    assert.equal((await store.save({ version: 1, clientId: "first" })).saved, true);
    assert.deepEqual(await keysIn(5), ["db5"]);
    await raw.call("ACL", "SETUSER", USER, "-select");
    try {
      await raw.call("CLIENT", "KILL", "USER", USER);
      // Let the store's client see its connection closed, so the next operation reconnects.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const [name, call] of operations(store)) {
        const err = await call().then(() => undefined, (e) => e);
        assert.ok(isPlexError(err, "access_denied"), `${name}: got ${err}`);
        assert.match(err.message, /select database 5\b/, name);
        assert.ok(!shown(err).includes(USER_PASSWORD), `${name}: the Redis password leaked`);
      }
      assert.deepEqual(await keysIn(0), [], "nothing was written to database 0");
    } finally {
      await raw.call("ACL", "SETUSER", USER, "+select");
    }
    assert.equal((await store.load())?.clientId, "first", "the record in database 5 is untouched");
    assert.equal((await store.save({ version: 1, clientId: "second" })).saved, true);
    assert.deepEqual(await keysIn(0), []);
    assert.deepEqual(await keysIn(5), ["db5"]);
  });
});
