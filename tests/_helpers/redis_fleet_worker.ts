/**
 * One replica of a fleet, run as a child process by the Redis fleet test:
 * opens the shared Redis store, makes `FLEET_CALLS` concurrent `token()`
 * calls once the parent writes `go` on its stdin, and prints one JSON line
 * `{ tokens, errors }` on stdout (tokens as
 * SHA-256 fingerprints, never the tokens themselves). Its log goes
 * to stderr. Everything comes from the environment (secrets never in argv):
 * `FLEET_EMULATOR_URL`, `FLEET_STORE_URI`, `FLEET_CLIENT_ID`, `FLEET_CALLS`,
 * `FLEET_LOCK_TTL_MS`, and `PLEXTV_REDIS_PASSPHRASE`.
 *
 * @module
 */
import process from "node:process";
import { defaultConfig, type Logger, withJwt, withLogger } from "../../mod.ts";
import { redisStore } from "../../plugins/redis.ts";

const env = process.env;
const name = `replica ${process.pid}`;
const logger: Logger = {
  debug: () => {},
  info: (message) => process.stderr.write(`${name} info ${message}\n`),
  warn: (message) => process.stderr.write(`${name} warn ${message}\n`),
  error: (message) => process.stderr.write(`${name} error ${message}\n`),
};

const store = redisStore(env.FLEET_STORE_URI!, { logger });
const config = defaultConfig().withClientId(env.FLEET_CLIENT_ID!).withUrls(env.FLEET_EMULATOR_URL!)
  .withHttp({ retry: { retries: 0 } });
const source = config.tokenSource(
  withJwt(store, { lockTtlMs: Number(env.FLEET_LOCK_TTL_MS ?? 30_000) }),
  withLogger(logger),
);
// Warm up (connect, derive the key), say so, and start when the parent writes "go", so that
// every replica calls token() at the same moment.
await store.load();
process.stderr.write(`${name} ready\n`);
await new Promise<void>((resolve) => {
  let input = "";
  process.stdin.on("data", (chunk) => {
    input += String(chunk);
    if (input.includes("go\n")) resolve();
  });
});
process.stdin.destroy();
const results = await Promise.allSettled(
  Array.from({ length: Number(env.FLEET_CALLS ?? 25) }, () => source.token()),
);
const tokens = await Promise.all(
  results.flatMap((r) => r.status === "fulfilled" && r.value.isValid() ? [fingerprint(r.value.value)] : []),
);
const errors = results.flatMap((r) => r.status === "rejected" ? [String(r.reason)] : []);
await (store as { close?: () => Promise<void> }).close?.();
process.stdout.write(JSON.stringify({ tokens, errors }) + "\n");

async function fingerprint(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}
