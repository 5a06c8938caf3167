/**
 * `plextv connect SERVER` under Deno and as the Bun binary, against the
 * emulator serving two servers on loopback: one owned, one shared with the
 * account (`owned: false`, with its own access token, which the server
 * checks). The shared server is reached with its own token, `--show-token`
 * prints that token, `--json` gives the chosen URI and its kind, and
 * `--verbose` logs each probe (a refused https one, then the http one).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { jsonFixture } from "../_helpers/fixtures.ts";
import { bunBinary, DENO, type Home, makeHome, ok, runCli, type Runtime, thisPass } from "../_helpers/cli.ts";
import { freePort } from "../_helpers/raw_http_server.ts";

const OWNED_TOKEN = "ownedtokenownedtoken";
const SHARED_TOKEN = "sharedtokensharedtok";
let emulator: Emulator;
let bun: Runtime;
let home: Home;
let payloads: string;
const servers: Server[] = [];
let closedPort: number;

async function identity(token: string): Promise<number> {
  const server = createServer((req, res) => {
    res.statusCode = req.headers["x-plex-token"] === token ? 200 : 401;
    res.end('<MediaContainer size="0"/>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

before(async () => {
  const [template] = jsonFixture("resources.json") as Record<string, unknown>[];
  closedPort = await freePort();
  const connection = (protocol: string, port: number) => ({
    protocol,
    address: "127.0.0.1",
    port,
    uri: `${protocol}://127.0.0.1:${port}`,
    local: true,
    relay: false,
    IPv6: false,
  });
  const server = (name: string, id: string, owned: boolean, token: string, port: number) => ({
    ...template,
    name,
    clientIdentifier: id,
    provides: "server",
    owned,
    accessToken: token,
    connections: [connection("https", closedPort), connection("http", port)],
  });
  payloads = mkdtempSync(join(tmpdir(), "plextv-connect-"));
  writeFileSync(
    join(payloads, "resources.json"),
    JSON.stringify([
      server("Home Server", "a".repeat(40), true, OWNED_TOKEN, await identity(OWNED_TOKEN)),
      server("Friend Server", "b".repeat(40), false, SHARED_TOKEN, await identity(SHARED_TOKEN)),
    ]),
  );
  emulator = await startEmulator({ payloads });
  bun = await bunBinary();
  home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "connect test" });
  ok(await runCli(DENO, ["login", "-u", "plexuser"], home, { stdin: "plexpass\n" }), "login");
});

after(async () => {
  home?.cleanup();
  await emulator?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  if (payloads) rmSync(payloads, { recursive: true, force: true });
});

for (const [name, rt] of thisPass({ deno: () => DENO, "bun binary": () => bun })) {
  describe(`plextv connect under ${name}`, () => {
    it("reaches a shared server with its own access token, and prints it with --show-token", async () => {
      const plain = ok(await runCli(rt(), ["connect", "Friend Server"], home), "connect");
      assert.match(plain.stdout, /^http:\/\/127\.0\.0\.1:\d+\n$/);
      assert.match(plain.stderr, /Friend Server \(shared with you\)/);
      assert.ok(!plain.stdout.includes(SHARED_TOKEN) && !plain.stderr.includes(SHARED_TOKEN));
      const shown = ok(
        await runCli(rt(), ["connect", "Friend Server", "--show-token"], home),
        "--show-token",
      );
      assert.equal(shown.stdout, `${plain.stdout}${SHARED_TOKEN}\n`);
    });

    it("gives the chosen URI and its kind with --json", async () => {
      const json = JSON.parse(
        ok(await runCli(rt(), ["connect", "Home Server", "--json"], home), "--json").stdout,
      );
      assert.match(json.uri, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(json.kind, "local");
      assert.equal(json.owned, true);
      assert.equal(json.accessToken, undefined, "no token without --show-token");
      const shown = JSON.parse(
        ok(await runCli(rt(), ["connect", "Home Server", "--json", "--show-token"], home), "json token")
          .stdout,
      );
      assert.equal(shown.accessToken, OWNED_TOKEN);
    });

    it("logs each probe with --verbose", async () => {
      const run = ok(await runCli(rt(), ["connect", "Friend Server", "--verbose"], home), "--verbose");
      assert.match(
        run.stderr,
        new RegExp(`probe https://127\\.0\\.0\\.1:${closedPort}/identity → the connection was refused`),
      );
      assert.match(run.stderr, /probe http:\/\/127\.0\.0\.1:\d+\/identity → 200 in \d+ ms/);
      assert.ok(!run.stderr.includes(SHARED_TOKEN), "the token is not logged");
    });
  });
}
