import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { isPlexError, type PlexError, type SecureData, StoreRegistry } from "../../mod.ts";
import { REDIS_PASSPHRASE_ENV, redisScheme, RedisStore } from "../../plugins/redis.ts";

const stores = new StoreRegistry(redisScheme);
import { type RedisServer, redisSkipReason, startRedisServer } from "../_helpers/redis_server.ts";
import { describeNeeding } from "../_helpers/needs.ts";

const skip = redisSkipReason();
const REDIS_PASSWORD = "redis-Pa55word-secret";
const PASSPHRASE = "correct horse battery staple";
const TOKEN = "abcdefghij0123456789";
const PRIVATE_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";

let server: RedisServer;
let raw: Redis;
let keyNumber = 0;
const opened: RedisStore[] = [];

/** A fresh key per test, so tests do not see each other's records. */
function freshKey(): string {
  return `test-${process.pid}-${++keyNumber}`;
}

function storeFor(key: string, options: ConstructorParameters<typeof RedisStore>[1] = {}): RedisStore {
  const store = new RedisStore(server.uri(key), { passphrase: PASSPHRASE, ...options });
  opened.push(store);
  return store;
}

function record(savedAt: string, token = TOKEN): SecureData {
  return {
    version: 1,
    clientId: "0d6e7f2a-redis-test",
    keyId: "kid-1",
    privateKey: {
      kty: "OKP",
      crv: "Ed25519",
      x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
      d: PRIVATE_D,
    },
    token,
    savedAt,
  };
}

/** Everything an error shows: message, hint, cause chain, string and JSON forms. */
function shown(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    parts.push(String(e), (e as Error).message ?? "", (e as PlexError).hint ?? "", JSON.stringify(e) ?? "");
  }
  return parts.join("\n");
}

describeNeeding("Redis store", skip, () => {
  before(async () => {
    server = await startRedisServer({ password: REDIS_PASSWORD });
    raw = new Redis({ host: "127.0.0.1", port: server.port, password: REDIS_PASSWORD, lazyConnect: true });
    await raw.connect();
  });
  after(async () => {
    await Promise.all(opened.map((store) => store.close()));
    raw?.disconnect();
    await server?.stop();
  });

  it("round-trips a record through a redis:// URI, and clear() removes it", async () => {
    const key = freshKey();
    const store = await stores.open(server.uri(key), { passphrase: PASSPHRASE });
    assert.ok(store instanceof RedisStore);
    opened.push(store);
    assert.equal(await store.load(), undefined);
    const data = record("2026-01-01T00:00:00.000Z");
    await store.save(data);
    assert.deepEqual(await store.load(), data);
    const other = storeFor(key);
    assert.deepEqual(await other.load(), data, "a second client of the same key reads the record");
    await store.clear();
    assert.equal(await store.load(), undefined);
    assert.equal(await raw.exists(key), 0);
  });

  it("refuses options that are not an object or name one it does not have", () => {
    for (const options of [{ passphrase: "p", comandTimeoutMs: 100 }, null, "p"]) {
      assert.throws(
        () => new RedisStore("redis://127.0.0.1:1/0", options as never),
        (err) => isPlexError(err, "invalid_argument"),
        JSON.stringify(options),
      );
    }
  });

  it("stamps savedAt when the record has none", async () => {
    const store = storeFor(freshKey());
    const before = new Date().toISOString();
    await store.save({ version: 1, clientId: "c" });
    const loaded = await store.load();
    assert.ok(loaded?.savedAt && loaded.savedAt >= before, `savedAt ${loaded?.savedAt}`);
  });

  it("encrypts at rest: Redis holds no token, key or client id, only a sealed vault record", async () => {
    const key = freshKey();
    await storeFor(key).save(record("2026-01-01T00:00:00.000Z"));
    const hash = await raw.hgetall(key);
    assert.deepEqual(Object.keys(hash), ["data"], "nothing is kept in clear beside the sealed record");
    const everything = JSON.stringify(hash) + Buffer.from(hash.data, "base64").toString("latin1");
    for (const secret of [TOKEN, PRIVATE_D, "0d6e7f2a-redis-test", PASSPHRASE, REDIS_PASSWORD]) {
      assert.ok(!everything.includes(secret), "a secret is stored in clear");
    }
    assert.equal(Buffer.from(hash.data, "base64").subarray(0, 8).toString(), "PLXVAULT");
  });

  it("reads the passphrase from PLEXTV_REDIS_PASSPHRASE, and needs one", async () => {
    const key = freshKey();
    const env = { [REDIS_PASSPHRASE_ENV]: PASSPHRASE };
    await storeFor(key, { passphrase: undefined, env }).save(record("2026-01-01T00:00:00.000Z"));
    assert.equal(
      (await storeFor(key).load())?.token,
      TOKEN,
      "the same passphrase given as an option opens it",
    );
    let asked = 0;
    const asker = () => Promise.resolve(`asked ${++asked}`);
    const fromEnv = storeFor(key, { passphrase: asker, env });
    assert.equal((await fromEnv.load())?.token, TOKEN, "the environment wins over a passphrase prompt");
    assert.equal(asked, 0);
    assert.throws(
      () => new RedisStore(server.uri(key), { env: {} }),
      (err) => isPlexError(err, "invalid_argument") && err.hint!.includes(REDIS_PASSPHRASE_ENV),
    );
  });

  it("a wrong passphrase gets wrong_passphrase, and its save leaves the record untouched", async () => {
    const key = freshKey();
    await storeFor(key).save(record("2026-01-01T00:00:00.000Z"));
    const before = await raw.hget(key, "data");
    const wrong = storeFor(key, { passphrase: "not the passphrase" });
    await assert.rejects(wrong.load(), (err) => isPlexError(err, "wrong_passphrase") && !!err.hint);
    await assert.rejects(
      wrong.save(record("2027-01-01T00:00:00.000Z", "zyxwvutsrq9876543210")),
      (err) => isPlexError(err, "wrong_passphrase") && /left untouched/.test(err.message),
    );
    assert.equal(await raw.hget(key, "data"), before);
    assert.equal((await storeFor(key).load())?.token, TOKEN);
  });

  it("a tampered or foreign record is store_corrupt; another type under the key is store_error", async () => {
    const key = freshKey();
    await storeFor(key).save(record("2026-01-01T00:00:00.000Z"));
    const bytes = Buffer.from((await raw.hget(key, "data"))!, "base64");
    bytes[bytes.length - 5] ^= 0x01;
    await raw.hset(key, "data", bytes.toString("base64"));
    await assert.rejects(storeFor(key).load(), (err) => isPlexError(err, "store_corrupt"));
    await raw.hset(key, "data", "not a sealed record!");
    await assert.rejects(storeFor(key).load(), (err) => isPlexError(err, "store_corrupt"));
    const list = freshKey();
    await raw.rpush(list, "x");
    await assert.rejects(storeFor(list).load(), (err) => isPlexError(err, "store_error"));
  });

  it("a plaintext edit cannot freeze the fleet's saves: save times and versions are sealed", async () => {
    const key = freshKey();
    const store = storeFor(key);
    await store.save(record("2026-06-01T00:00:00.000Z", "first-token-0123456789"));
    // What an attacker with write access to Redis (but not the passphrase) can do in clear.
    await raw.hset(key, "savedAt", "9999-12-31T23:59:59.999Z", "version", "999999999");
    const result = await storeFor(key).save(record("2026-07-01T00:00:00.000Z", "second-token-012345678"));
    assert.deepEqual(result, { saved: true, version: 2 });
    assert.equal((await storeFor(key).load())?.token, "second-token-012345678");
  });

  it("a record copied under another key does not open: the key name is sealed with it", async () => {
    const [from, to] = [freshKey(), freshKey()];
    await storeFor(from).save(record("2026-06-01T00:00:00.000Z"));
    await raw.hset(to, "data", (await raw.hget(from, "data"))!);
    const err = await storeFor(to).load().then(() => undefined, (e) => e);
    assert.ok(isPlexError(err, "store_corrupt"), `got ${err}`);
    await assert.rejects(
      storeFor(to).save(record("2026-07-01T00:00:00.000Z")),
      (e) => isPlexError(e, "store_corrupt"),
    );
  });

  it("an old record put back is detected, and the next save replaces it", async () => {
    const key = freshKey();
    const store = storeFor(key);
    await store.save(record("2026-06-01T00:00:00.000Z", "old-token-01234567890"));
    const old = (await raw.hget(key, "data"))!;
    await store.save(record("2026-07-01T00:00:00.000Z", "new-token-01234567890"));
    assert.equal((await store.load())?.token, "new-token-01234567890");
    await raw.hset(key, "data", old);
    await assert.rejects(
      store.load(),
      (err) => isPlexError(err, "store_corrupt") && /put back/.test(err.message),
    );
    const repaired = await store.save(record("2026-07-02T00:00:00.000Z", "next-token-0123456789"));
    assert.deepEqual(repaired, { saved: true, version: 3 });
    assert.equal((await storeFor(key).load())?.token, "next-token-0123456789");
  });

  it("a replica whose clock runs ahead cannot freeze the record", async () => {
    const key = freshKey();
    const hourAhead = new Date(Date.now() + 3_600_000).toISOString();
    await storeFor(key).save(record(hourAhead, "ahead-token-0123456789"));
    const onTime = storeFor(key);
    const result = await onTime.save(record(new Date().toISOString(), "ontime-token-012345678"));
    assert.equal(result.saved, true, JSON.stringify(result));
    assert.equal((await onTime.load())?.token, "ontime-token-012345678");
  });

  it("a replica with the wrong passphrase gets wrong_passphrase, also for an older record", async () => {
    const key = freshKey();
    await storeFor(key).save(record("2026-06-01T00:00:00.000Z"));
    const wrong = storeFor(key, { passphrase: "not the passphrase" });
    await assert.rejects(
      wrong.save(record("2026-05-01T00:00:00.000Z", "older-token-0123456789")),
      (err) => isPlexError(err, "wrong_passphrase"),
    );
  });

  it("a skipped save is reported to the caller", async () => {
    const key = freshKey();
    assert.deepEqual(await storeFor(key).save(record("2026-06-01T00:00:00.000Z")), {
      saved: true,
      version: 1,
    });
    assert.deepEqual(await storeFor(key).save(record("2026-05-01T00:00:00.000Z")), {
      saved: false,
      reason: "newer_record",
      storedSavedAt: "2026-06-01T00:00:00.000Z",
    });
  });

  it("compare-and-set: an older save never replaces a newer record", async () => {
    const key = freshKey();
    const store = storeFor(key);
    const lines: string[] = [];
    const logged = storeFor(key, { logger: { ...console, info: (m: string) => lines.push(m) } });
    await store.save(record("2026-06-01T00:00:00.000Z", "newer-token-0123456789"));
    await logged.save(record("2026-05-01T00:00:00.000Z", "older-token-0123456789"));
    assert.equal((await store.load())?.token, "newer-token-0123456789");
    assert.match(lines.join("\n"), /Kept the newer record/);
    await logged.save(record("2026-07-01T00:00:00.000Z", "newest-token-012345678"));
    assert.equal((await store.load())?.token, "newest-token-012345678");
  });

  it("compare-and-set under concurrency: of many racing saves the newest one stays", async () => {
    const key = freshKey();
    const stores = [storeFor(key), storeFor(key), storeFor(key)];
    await stores[0].save(record("2026-01-01T00:00:00.000Z"));
    await Promise.all(stores.map((s) => s.load()));
    const times = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 1, 1, 0, 0, i)).toISOString());
    const shuffled = times.map((t, i) => ({ t, r: (i * 7919) % 31 })).sort((a, b) => a.r - b.r).map((x) =>
      x.t
    );
    await Promise.all(shuffled.map((t, i) => stores[i % 3].save(record(t, `token-${t}`))));
    const newest = times[times.length - 1];
    assert.equal((await stores[1].load())?.savedAt, newest);
    assert.equal((await stores[2].load())?.token, `token-${newest}`);
  });

  it("lock: SET NX, released only by its owner, and expiring by itself", async () => {
    const key = freshKey();
    const a = storeFor(key);
    const b = storeFor(key);
    const held = await a.lock("refresh", 10_000);
    assert.ok(held, "the first taker gets the lock");
    assert.equal(await b.lock("refresh", 10_000), undefined, "NX: a second taker does not");
    assert.ok(await b.lock("other", 10_000), "locks of other names are independent");
    const ttl = await raw.pttl(`${key}:lock:refresh`);
    assert.ok(ttl > 9_000 && ttl <= 10_000, `PX ttl ${ttl}`);
    await held.release();
    const again = await b.lock("refresh", 10_000);
    assert.ok(again, "free after its owner released it");

    // Owner-only release: a holder whose lock expired cannot release the next holder's lock.
    const shortKey = freshKey();
    const lines: string[] = [];
    const first = storeFor(shortKey, { logger: { ...console, warn: (m: string) => lines.push(m) } });
    const second = storeFor(shortKey);
    const expiring = await first.lock("refresh", 150);
    assert.ok(expiring);
    assert.equal(await second.lock("refresh", 10_000), undefined);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await second.lock("refresh", 10_000);
    assert.ok(next, "the lock expired by itself");
    await expiring.release();
    assert.match(lines.join("\n"), /had expired before its release/);
    assert.ok(await raw.exists(`${shortKey}:lock:refresh`), "the late release left the new holder's lock");
    assert.equal(await first.lock("refresh", 10_000), undefined);
    await next.release();
    assert.equal(await raw.exists(`${shortKey}:lock:refresh`), 0);
  });

  it("rejects a bad lock name or TTL", async () => {
    const store = storeFor(freshKey());
    await assert.rejects(store.lock("", 1000), (err) => isPlexError(err, "invalid_argument"));
    await assert.rejects(store.lock("refresh", 0), (err) => isPlexError(err, "invalid_argument"));
    await assert.rejects(store.lock("refresh", 1.5), (err) => isPlexError(err, "invalid_argument"));
  });

  it("Redis down: store_unavailable at once, with a hint, never showing the password", async () => {
    // A refused connection fails at once: far sooner than the connect timeout, which is long here
    // so that the wide bound below (a loaded machine) still tells "at once" from "timed out".
    const down = new RedisStore(`redis://app:${REDIS_PASSWORD}@127.0.0.1:1/0?key=k`, {
      passphrase: PASSPHRASE,
      connectTimeoutMs: 30_000,
    });
    opened.push(down);
    for (
      const call of [
        () => down.load(),
        () => down.save(record("2026-01-01T00:00:00.000Z")),
        () => down.clear(),
      ]
    ) {
      const started = Date.now();
      const err = await call().then(() => undefined, (e) => e);
      assert.ok(isPlexError(err, "store_unavailable"), `got ${err}`);
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
      assert.ok(err.hint);
      assert.ok(!shown(err).includes(REDIS_PASSWORD), "the Redis password leaked");
    }
    await assert.rejects(down.lock("refresh", 1000), (err) => isPlexError(err, "store_unavailable"));
  });

  it("Redis not answering: store_unavailable within the command timeout, then it recovers", async () => {
    const key = freshKey();
    const store = storeFor(key, { commandTimeoutMs: 300, connectTimeoutMs: 300 });
    await store.save(record("2026-01-01T00:00:00.000Z"));
    server.pause();
    try {
      const started = Date.now();
      await assert.rejects(store.load(), (err) => isPlexError(err, "store_unavailable"));
      const cold = storeFor(key, { commandTimeoutMs: 300, connectTimeoutMs: 300 });
      await assert.rejects(cold.load(), (err) => isPlexError(err, "store_unavailable"));
      assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    } finally {
      server.resume();
    }
    assert.equal((await store.load())?.token, TOKEN);
  });

  it("a wrong Redis password is access_denied and is never shown", async () => {
    const store = new RedisStore(`redis://:wrong-${REDIS_PASSWORD}@127.0.0.1:${server.port}/0?key=k`, {
      passphrase: PASSPHRASE,
    });
    opened.push(store);
    const err = await store.load().then(() => undefined, (e) => e);
    assert.ok(isPlexError(err, "access_denied"), `got ${err}`);
    assert.ok(!shown(err).includes(REDIS_PASSWORD));
    assert.ok(!String(store).includes(REDIS_PASSWORD) && !JSON.stringify(store).includes(REDIS_PASSWORD));
    assert.match(String(store), /^RedisStore\(redis:\/\/\*\*\*@127\.0\.0\.1:\d+\/0\?key=k\)$/);
  });

  it("refuses data too large to be read back, before writing it: the record stays as it was", async () => {
    const key = freshKey();
    const store = storeFor(key);
    const data = record("2026-01-01T00:00:00.000Z");
    await store.save(data);
    const huge = { ...data, savedAt: "2026-01-02T00:00:00.000Z", token: "x".repeat(17 * 1024 * 1024) };
    await assert.rejects(store.save(huge), (err: unknown) => isPlexError(err, "invalid_argument"));
    assert.deepEqual(await store.load(), data);
  });

  it("rejects timeouts that are not a whole number of milliseconds a timer can wait", async () => {
    for (const value of [-5, 0, 1.5, Number.NaN, Infinity, 2 ** 31, "abc"]) {
      for (const name of ["connectTimeoutMs", "commandTimeoutMs"]) {
        const err = await stores.open(server.uri(freshKey()), { passphrase: PASSPHRASE, [name]: value })
          .then(() => undefined, (e) => e);
        assert.ok(isPlexError(err, "invalid_argument"), `${name} ${String(value)}: got ${err}`);
      }
    }
  });

  it("rejects malformed URIs with invalid_argument, without echoing them", async () => {
    for (
      const uri of [
        `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/zero?key=k`,
        `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0?key=k&typo=1`,
        `redis://:${REDIS_PASSWORD}@:6379/0`,
        `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0?key=`,
      ]
    ) {
      const err = await stores.open(uri, { passphrase: PASSPHRASE }).then(() => undefined, (e) => e);
      assert.ok(isPlexError(err, "invalid_argument"), `${uri.replace(REDIS_PASSWORD, "***")}: got ${err}`);
      assert.ok(!shown(err).includes(REDIS_PASSWORD));
      assert.match(err.hint ?? "", /redis:\/\//);
    }
  });

  it("rediss:// is registered and uses TLS (a plain server fails the handshake as store_unavailable)", async () => {
    const store = await stores.open(`rediss://127.0.0.1:${server.port}/0?key=k`, {
      passphrase: PASSPHRASE,
      connectTimeoutMs: 1_000,
    });
    opened.push(store as RedisStore);
    assert.equal(String(store), `RedisStore(rediss://127.0.0.1:${server.port}/0?key=k)`);
    await assert.rejects(store.load(), (err) => isPlexError(err, "store_unavailable"));
  });
});
