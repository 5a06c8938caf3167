/**
 * Fleet refresh bench: N replicas (independent token sources, each with its
 * own Redis store client, in this one process) find the shared JWT expired
 * and call `token()` at the same moment. Prints, for 1, 10 and 50 replicas,
 * the refresh requests (nonce + token exchange) the plex.tv emulator saw
 * with the Redis refresh lock and without it (the same store with its
 * `lock` hidden), and how many replicas failed. The emulator rate-limits
 * nonce requests per client like plex.tv (10 per second by default). Starts
 * its own redis-server and emulator on 127.0.0.1; never fails on a time.
 *
 * Run: `node_modules/.bin/deno run -A bench/fleet_refresh.ts` (or `node_modules/.bin/bun bench/fleet_refresh.ts`).
 *
 * @module
 */
import process from "node:process";
import { defaultConfig, type SecureData, type SecureStore, Token, withJwt } from "../mod.ts";
import { registerDevice, startEmulator } from "../lib/testing/mod.ts";
import { RedisStore } from "../plugins/redis.ts";
import { redisSkipReason, startRedisServer } from "../tests/_helpers/redis_server.ts";

const SIZES = [1, 10, 50];
const NONCE = "GET /api/v2/auth/nonce";
const EXCHANGE = "POST /api/v2/auth/token";
const PASSPHRASE = "fleet bench passphrase";

const missing = redisSkipReason();
if (missing) {
  console.error(missing);
  process.exit(1);
}

const server = await startRedisServer();
const emulator = await startEmulator();
const stores: RedisStore[] = [];
try {
  const key = "bench-fleet";
  const device = await registerDevice(emulator);
  const clientId = device.clientId;
  const config = defaultConfig().withClientId(clientId).withUrls(emulator.url);
  const seeder = new RedisStore(server.uri(key), { passphrase: PASSPHRASE });
  stores.push(seeder);

  /** Stores an expired JWT, as the fleet finds it when the JWT ran out. */
  const seedExpired = async () => {
    const expired = new Token(
      await emulator.issueJwt({ clientId, expiresInSeconds: -60 }),
    );
    await seeder.save({
      ...device.data,
      token: expired.value,
      tokenExpiresAt: expired.expiresAt?.toISOString(),
      savedAt: new Date().toISOString(),
    });
  };
  await seedExpired();

  // One store client per replica, kept across runs so each derives its key once.
  console.error(
    `Opening ${Math.max(...SIZES)} store clients (one key derivation each)...`,
  );
  const replicaStores = Array.from(
    { length: Math.max(...SIZES) },
    () => new RedisStore(server.uri(key), { passphrase: PASSPHRASE }),
  );
  stores.push(...replicaStores);
  await Promise.all(replicaStores.map((store) => store.load()));

  const rows: string[][] = [];
  for (const size of SIZES) {
    for (const locked of [false, true]) {
      await seedExpired();
      emulator.resetRequests();
      const started = performance.now();
      const results = await Promise.allSettled(
        replicaStores.slice(0, size).map((store) => {
          const shared: SecureStore<SecureData> = locked ? store : {
            load: () => store.load(),
            save: (data) => store.save(data),
            clear: () => store.clear(),
          };
          return config.tokenSource(withJwt(shared, { lockTtlMs: 10_000 }))
            .token();
        }),
      );
      const ms = performance.now() - started;
      const failed = results.filter((r) => r.status === "rejected");
      const nonces = emulator.count(NONCE);
      const exchanges = emulator.count(EXCHANGE);
      const limited = emulator.requests.filter((r) => r.status === 429).length;
      rows.push([
        String(size),
        locked ? "with lock" : "without lock",
        String(nonces),
        String(exchanges),
        String(nonces + exchanges),
        String(limited),
        `${failed.length}/${size}`,
        ms.toFixed(0),
      ]);
    }
  }
  printTable(
    [
      "replicas",
      "refresh",
      "nonce requests",
      "token requests",
      "refresh requests",
      "429 answers",
      "failed",
      "ms",
    ],
    rows,
  );
} finally {
  await Promise.all(stores.map((store) => store.close()));
  await emulator.close();
  await server.stop();
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}
