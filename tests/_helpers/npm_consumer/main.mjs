// A program of a project that installed the packed npm tarball, run there by
// .ci/package.sh and tests/npm_package_test.ts under Node, Deno and Bun. Plain
// JavaScript on purpose: Node 20 runs it as it is. It imports the package by
// name (so `exports` decides what loads, from node_modules), signs in against
// the emulator with a JWT kept in a vault, checks a recorded response with the
// protocol layer, and checks that the Redis plugin asks for ioredis, which a
// consumer does not have unless it installs it. It prints one JSON line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, newClientId, VERSION, withCredentials, withJwt } from "@plexkit/plextv";
import { processUserResponse } from "@plexkit/plextv/protocol";
import { startEmulator } from "@plexkit/plextv/testing";
import { vaultStore } from "@plexkit/plextv/plugins/vault";
import { redisStore } from "@plexkit/plextv/plugins/redis";
import { browserClientId } from "@plexkit/plextv/browser";
import { runCli } from "@plexkit/plextv/cli";

const runtime = typeof Deno === "object" ? "deno" : typeof Bun === "object" ? "bun" : "node";
const folder = mkdtempSync(join(tmpdir(), "plextv-consumer-"));
const emulator = await startEmulator();
try {
  const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url);
  const vault = vaultStore(join(folder, "plextv.vault"), "consumer passphrase");
  const source = config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(vault));
  const account = await config.client(source).user();
  const saved = await vault.load();

  let unauthorized;
  try {
    processUserResponse({
      status: 401,
      headers: new Headers(),
      url: `${emulator.url}/api/v2/user`,
      body: "",
    });
  } catch (err) {
    unauthorized = err.code;
  }

  let redis;
  try {
    await redisStore("redis://127.0.0.1:9/0?key=consumer", { passphrase: "p" }).load();
    redis = "loaded";
  } catch (err) {
    redis = { code: err.code, hint: err.hint };
  }

  console.log(JSON.stringify({
    runtime,
    entry: import.meta.resolve("@plexkit/plextv"),
    version: VERSION,
    username: account.username,
    jwt: (await source.token()).isJwt(),
    savedKey: typeof saved?.keyId === "string",
    unauthorized,
    redis,
    browserClientId: typeof browserClientId,
    runCli: typeof runCli,
  }));
} finally {
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
}
