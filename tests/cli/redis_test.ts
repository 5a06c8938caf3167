/**
 * The `plextv` command with `--store redis://...`, end to end under Deno:
 * one machine logs in with a JWT device key into Redis, three more replicas
 * (other homes, the same client id) print tokens from it, and when the JWT
 * has expired they refresh it once between them. Secrets stay hidden.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { Token } from "../../mod.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { REDIS_PASSPHRASE_ENV, RedisStore } from "../../plugins/redis.ts";
import { DENO, type Home, makeHome, type Run, runCli } from "../_helpers/cli.ts";
import { type RedisServer, redisSkipReason, startRedisServer } from "../_helpers/redis_server.ts";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";

const skip = redisSkipReason();
const PASSPHRASE = "cli fleet passphrase";
const ACL_PASSWORD = "acl-Pa55word-for-the-fleet";
const NONCE = "GET /api/v2/auth/nonce";
const EXCHANGE = "POST /api/v2/auth/token";

let server: RedisServer;
let emulator: Emulator;
const homes: Home[] = [];

function home(extra: Record<string, string> = {}): Home {
  const h = makeHome({ PLEXTV_URL: emulator.url, [REDIS_PASSPHRASE_ENV]: PASSPHRASE, ...extra });
  homes.push(h);
  return h;
}

function ok(run: Run, what: string): Run {
  assert.equal(run.code, 0, `${what} exited ${run.code}: ${run.stderr}`);
  return run;
}

describeNeeding("plextv --store redis://", skip || RUN_BY_DENO_PASS, () => {
  before(async () => {
    server = await startRedisServer({ users: [{ name: "fleet", password: ACL_PASSWORD }] });
    emulator = await startEmulator();
  });
  after(async () => {
    for (const h of homes) h.cleanup();
    await emulator?.close();
    await server?.stop();
  });

  it("logs in into Redis, and replicas share the JWT and refresh it once", { timeout: 120_000 }, async () => {
    const uri = `redis://127.0.0.1:${server.port}/0?key=cli-fleet`;
    const first = home();
    const login = ok(
      await runCli(DENO, ["--store", uri, "login", "-u", "plexuser", "--jwt"], first, {
        stdin: "plexpass\n",
      }),
      "login --jwt",
    );
    assert.match(login.stderr, /Signed in to plex\.tv as /);
    // A store named with --store is a device of its own: its client identifier is kept for it.
    const clientId = JSON.parse(
      readFileSync(join(first.env.XDG_CONFIG_HOME, "plextv", "config.json"), "utf8"),
    )
      .storeClientIds[uri] as string;
    assert.ok(clientId);

    const store = new RedisStore(uri, { passphrase: PASSPHRASE });
    try {
      const stored = await store.load();
      assert.equal(stored?.clientId, clientId);
      assert.ok(stored?.token && new Token(stored.token).isJwt() && stored.privateKey?.d);

      // Three replicas (other machines: their own folders, the fleet's client id) print the stored JWT.
      emulator.resetRequests();
      const replicas = [home(), home(), home()];
      const printed = await Promise.all(
        replicas.map((h) => runCli(DENO, ["--store", uri, "--client-id", clientId, "token"], h)),
      );
      for (const run of printed) assert.equal(ok(run, "token").stdout, `${stored.token}\n`);
      assert.equal(
        emulator.count(NONCE) + emulator.count(EXCHANGE),
        0,
        "a fresh stored JWT needs no request",
      );

      // The JWT expired: the replicas refresh it once between them.
      const expired = await emulator.issueJwt({ clientId, expiresInSeconds: -60 });
      await store.save({
        ...stored,
        token: expired,
        tokenExpiresAt: undefined,
        savedAt: new Date().toISOString(),
      });
      emulator.resetRequests();
      const refreshed = await Promise.all(
        replicas.map((h) => runCli(DENO, ["--store", uri, "--client-id", clientId, "token"], h)),
      );
      const tokens = new Set(refreshed.map((run) => ok(run, "token after expiry").stdout));
      assert.equal(tokens.size, 1, "every replica prints the same refreshed JWT");
      const [value] = [...tokens];
      assert.notEqual(value, `${expired}\n`);
      assert.ok(new Token(value.trim()).isValid());
      assert.equal(emulator.count(NONCE), 1);
      assert.equal(emulator.count(EXCHANGE), 1);
      assert.equal((await store.load())?.token, value.trim());
    } finally {
      await store.close();
    }
  });

  it("shows the store without its Redis password, and explains a missing passphrase", {
    timeout: 60_000,
  }, async () => {
    const uri = `redis://fleet:${ACL_PASSWORD}@127.0.0.1:${server.port}/0?key=cli-status`;
    const h = home({ PLEXTV_STORE: uri });
    const login = ok(
      await runCli(DENO, ["login", "-u", "plexuser", "--jwt"], h, { stdin: "plexpass\n" }),
      "login",
    );
    assert.ok(!(login.stdout + login.stderr).includes(ACL_PASSWORD), "the Redis password was printed");
    // config.json names the store without its password (it keeps the store's client identifier).
    const settings = readFileSync(join(h.env.XDG_CONFIG_HOME, "plextv", "config.json"), "utf8");
    assert.ok(!settings.includes(ACL_PASSWORD), `the Redis password is in config.json: ${settings}`);
    assert.deepEqual(Object.keys(JSON.parse(settings).storeClientIds), [
      `redis://fleet@127.0.0.1:${server.port}/0?key=cli-status`,
    ]);
    const status = ok(await runCli(DENO, ["status", "--verbose"], h), "status");
    assert.ok(!(status.stdout + status.stderr).includes(ACL_PASSWORD), "the Redis password was printed");
    assert.match(status.stdout + status.stderr, /redis:\/\/\*\*\*@127\.0\.0\.1/);
    const flagged = ok(await runCli(DENO, ["status", "--store", uri], h), "status --store");
    assert.match(flagged.stderr, /holds a password, which other processes can see; set PLEXTV_STORE/);
    assert.ok(!(flagged.stdout + flagged.stderr).includes(ACL_PASSWORD), "the Redis password was printed");

    const noPassphrase = home({ PLEXTV_STORE: uri, [REDIS_PASSPHRASE_ENV]: "" });
    const signIns = emulator.count("POST /api/v2/users/signin");
    const run = await runCli(DENO, ["login", "-u", "plexuser", "--jwt"], noPassphrase, {
      stdin: "plexpass\n",
    });
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /Redis store passphrase is missing\. Set PLEXTV_REDIS_PASSPHRASE/);
    assert.equal(emulator.count("POST /api/v2/users/signin"), signIns, "no sign-in is wasted");
    assert.ok(!(run.stdout + run.stderr).includes(ACL_PASSWORD));
  });

  it("Redis down: a clear store_unavailable error, quickly, without the password", {
    timeout: 60_000,
  }, async () => {
    const h = home({ PLEXTV_STORE: `redis://fleet:${ACL_PASSWORD}@127.0.0.1:1/0?key=k` });
    const started = Date.now();
    const run = await runCli(DENO, ["token"], h);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /unavailable/i);
    assert.ok(!(run.stdout + run.stderr).includes(ACL_PASSWORD));
    assert.ok(Date.now() - started < 15_000);
  });
});
