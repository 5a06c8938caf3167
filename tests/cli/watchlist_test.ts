/**
 * `plextv watchlist` against the emulator's discover routes, in real CLI
 * processes under Deno and as the Bun binary: the table, --json (every item, dates as ISO
 * strings), --filter and --sort reaching the request, and bad values refused
 * with exit 2 before anything is sent.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { bunBinary, DENO, type Home, makeHome, ok, runCli, type Runtime, thisPass } from "../_helpers/cli.ts";

let emulator: Emulator;
let home: Home;
let bun: Runtime;

before(async () => {
  emulator = await startEmulator();
  bun = await bunBinary();
  home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "watchlist tests" });
  ok(
    await runCli(bun, ["login", "--credentials", "--username", "plexuser"], home, { stdin: "plexpass\n" }),
    "login",
  );
});

after(async () => {
  home?.cleanup();
  await emulator?.close();
});

const watchlistRequests = () =>
  emulator.requests.filter((r) => r.path.startsWith("/library/sections/watchlist/"));

for (const [name, rt] of thisPass({ deno: () => DENO, "bun binary": () => bun })) {
  describe(`plextv watchlist under ${name}`, () => {
    it("prints a table of the items, and every item with --json", async () => {
      const table = ok(await runCli(rt(), ["watchlist"], home), "watchlist").stdout.split("\n");
      assert.match(table[0]!, /^TITLE\s+YEAR\s+TYPE\s+ADDED/);
      assert.ok(
        table.some((line) => /^The Emulated Movie\s+2021\s+movie\s+2023-07-22/.test(line)),
        table.join("\n"),
      );
      assert.ok(table.some((line) => /^The Emulated Show\s+2019\s+show/.test(line)), table.join("\n"));
      const items = JSON.parse(ok(await runCli(rt(), ["watchlist", "--json"], home), "--json").stdout);
      assert.deepEqual(items.map((item: { title: string }) => item.title), [
        "The Emulated Movie",
        "The Emulated Show",
      ]);
      assert.equal(items[0].addedAt, "2023-07-22T04:26:40.000Z");
      assert.equal(items[0].guid, "plex://movie/5d776825880197001ec967c6");
    });

    it("sends --filter and --sort to the discover host, and lists in the order it answers", async () => {
      const seen = watchlistRequests().length;
      const latest = ok(
        await runCli(
          rt(),
          ["watchlist", "--filter", "released", "--sort", "watchlistedAt:desc", "--json"],
          home,
        ),
        "filtered",
      );
      const [request] = watchlistRequests().slice(seen);
      assert.equal(request?.path, "/library/sections/watchlist/released");
      assert.equal(request?.query.sort, "watchlistedAt:desc");
      const titles = (run: { stdout: string }) =>
        JSON.parse(run.stdout).map((item: { title: string }) => item.title);
      assert.deepEqual(titles(latest), ["The Emulated Show", "The Emulated Movie"], "the latest first");
      const oldest = ok(
        await runCli(rt(), ["watchlist", "--sort", "watchlistedAt:asc", "--json"], home),
        "asc",
      );
      assert.deepEqual(titles(oldest), ["The Emulated Movie", "The Emulated Show"]);
    });

    it("refuses an unknown filter or a malformed sort with exit 2, sending nothing", async () => {
      const seen = emulator.requests.length;
      for (const args of [["--filter", "soon"], ["--sort", "title:sideways"]]) {
        const run = await runCli(rt(), ["watchlist", ...args], home);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, /^error: .*watchlist/m);
      }
      assert.equal(emulator.requests.length, seen);
    });
  });
}
