/**
 * The `plextv` commands as a script uses them, without a terminal: help for
 * every command (its options and an example), `version`, "did you mean" for
 * mistyped commands and options, `token --refresh`, `status --json` signed in
 * and out, one JSON line per result when piped (`devices --json` with its
 * "this device" marker), `keys export --output` (mode 0600, no overwrite
 * without --force). All but the help texts run under Deno, as the Bun binary
 * and under Node (the npm build): whether stdout is a terminal, the exit code
 * after output and a file's mode are the runtime's. (tests/cli/network_failures_test.ts
 * checks that a network failure reads the same on every runtime.)
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fullDisk } from "../_helpers/full_disk.ts";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../../lib/cli/commands/mod.ts";
import { GLOBAL_OPTIONS } from "../../lib/cli/globals.ts";
import { VERSION } from "../../lib/version.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { clientIdOf, everyRuntime, type Home, makeHome, ok, runCli, thisPass } from "../_helpers/cli.ts";
import { freePort } from "../_helpers/raw_http_server.ts";

let emulator: Emulator;
let home: Home;
const RUNTIMES = everyRuntime();
/** A full 8 KiB tmpfs, where this system lets the tests mount one (root on Linux). */
const tinyDisk = fullDisk();

before(async () => {
  emulator = await startEmulator();
  home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "commands test passphrase" });
  ok(
    await runCli(RUNTIMES["bun binary"](), ["login", "-u", "plexuser", "--jwt"], home, {
      stdin: "plexpass\n",
    }),
    "login --jwt",
  );
});

after(async () => {
  home?.cleanup();
  tinyDisk.remove();
  await emulator?.close();
});

describe("plextv help", () => {
  it("lists every command", async () => {
    const help = ok(await runCli(RUNTIMES["bun binary"](), ["help"], home), "help").stdout;
    for (const command of COMMANDS) assert.match(help, new RegExp(`^  ${command.name}  `, "m"), command.name);
  });

  it("shows each command's options and at least one example", async () => {
    for (const command of COMMANDS) {
      const help =
        ok(await runCli(RUNTIMES["bun binary"](), [...command.name.split(" "), "--help"], home), command.name)
          .stdout;
      for (const option of Object.keys({ ...command.options, ...GLOBAL_OPTIONS })) {
        assert.match(help, new RegExp(`--${option}\\b`), `${command.name} --help lists --${option}`);
      }
      const examples = help.slice(help.indexOf("EXAMPLES"));
      assert.ok(
        help.includes("EXAMPLES") && /\n {2}# .+\n {2}\S/.test(examples),
        `${command.name} has an example`,
      );
    }
  });
});

for (const [name, rt] of thisPass(RUNTIMES)) {
  describe(`plextv commands under ${name}`, () => {
    it("prints the version as a command and as a flag", async () => {
      assert.equal(ok(await runCli(rt(), ["version"], home), "version").stdout, `plextv ${VERSION}\n`);
      assert.equal(ok(await runCli(rt(), ["--version"], home), "--version").stdout, `plextv ${VERSION}\n`);
      assert.deepEqual(JSON.parse(ok(await runCli(rt(), ["version", "--json"], home), "json").stdout), {
        version: VERSION,
      });
    });

    it("suggests the command or option that was meant", async () => {
      const command = await runCli(rt(), ["stauts"], home);
      assert.equal(command.code, 2);
      assert.equal(command.stderr, "error: Unknown command stauts. Did you mean plextv status?\n");
      const sub = await runCli(rt(), ["home", "swtich", "Kid"], home);
      assert.equal(sub.stderr, "error: Unknown command home swtich. Did you mean plextv home switch?\n");
      const option = await runCli(rt(), ["status", "--jsno"], home);
      assert.equal(option.code, 2);
      assert.match(option.stderr, /^error: Unknown option --jsno for plextv status\. Did you mean --json\?/);
      const far = await runCli(rt(), ["frobnicate"], home);
      assert.equal(far.stderr, "error: Unknown command frobnicate. Run plextv help to see the commands\n");
    });

    it("token --refresh gets one new JWT (one nonce, one exchange), prints it and stores it", async () => {
      const before = ok(await runCli(rt(), ["token"], home), "token").stdout;
      emulator.resetRequests();
      const refreshed = ok(await runCli(rt(), ["token", "--refresh"], home), "token --refresh");
      assert.match(refreshed.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      assert.notEqual(refreshed.stdout, before, "a new JWT");
      assert.equal(emulator.count("GET /api/v2/auth/nonce"), 1);
      assert.equal(emulator.count("POST /api/v2/auth/token"), 1);
      assert.equal(emulator.requests.length, 2, "nothing else");
      assert.equal(
        ok(await runCli(rt(), ["token"], home), "token").stdout,
        refreshed.stdout,
        "it was stored",
      );
      const env = await runCli(rt(), ["token", "--refresh"], home, {
        env: { PLEX_TOKEN: "abcdefghij0123456789" },
      });
      assert.equal(env.code, 2);
      assert.match(env.stderr, /PLEX_TOKEN cannot be refreshed/);
    });
  });
}

for (const [name, rt] of thisPass(RUNTIMES)) {
  describe(`plextv output under ${name}`, () => {
    it("status --json prints one object, signed in or not (exit 4)", async () => {
      const signedIn = JSON.parse(ok(await runCli(rt(), ["status", "--json"], home), "status").stdout);
      assert.equal(signedIn.signedIn, true);
      assert.equal(signedIn.username, "plexuser");
      assert.equal(signedIn.storeFrom, "default");
      assert.match(signedIn.storeReason, /vault/);
      const other = makeHome({ PLEXTV_URL: emulator.url });
      try {
        const out = await runCli(rt(), ["status", "--json"], other);
        assert.equal(out.code, 4);
        const object = JSON.parse(out.stdout);
        assert.equal(object.signedIn, false);
        assert.equal(object.error.code, "not_signed_in");
        assert.match(object.store, /^vault:/);
        assert.match(out.stderr, /^error: Not signed in/);
        const rejected = await runCli(rt(), ["status", "--json"], other, {
          env: { PLEX_TOKEN: "not-a-token-plex-knows" },
        });
        assert.equal(rejected.code, 4);
        const why = JSON.parse(rejected.stdout);
        assert.equal(why.signedIn, false);
        assert.equal(why.tokenSource, "PLEX_TOKEN");
        assert.equal(why.error.code, "unauthorized", "plex.tv's reason, not not_signed_in");
        assert.match(why.error.message, /plex\.tv rejects the PLEX_TOKEN token/);
      } finally {
        other.cleanup();
      }
    });

    it("status --json says signedIn null when it could not check (exit 1), and code usage for a usage error", async () => {
      const closed = await freePort();
      const unreachable = await runCli(rt(), ["status", "--json"], home, {
        env: { PLEXTV_URL: `http://127.0.0.1:${closed}` },
      });
      assert.equal(unreachable.code, 1, unreachable.stderr);
      const outage = JSON.parse(unreachable.stdout);
      assert.equal(outage.signedIn, null, "not taken for a sign-out");
      assert.equal(outage.error.code, "network_error");
      assert.match(unreachable.stderr, /^error: Cannot reach 127\.0\.0\.1:\d+/);
      // A vault that cannot be opened is not a sign-out either: its data is there, unread (exit 4).
      for (const [passphrase, code] of [["", "store_error"], ["not-the-passphrase", "wrong_passphrase"]]) {
        const locked = await runCli(rt(), ["status", "--json"], home, {
          env: { PLEXTV_VAULT_PASSPHRASE: passphrase! },
        });
        assert.equal(locked.code, 4, locked.stderr);
        const object = JSON.parse(locked.stdout);
        assert.equal(object.signedIn, null, `${code}: not taken for a sign-out`);
        assert.equal(object.error.code, code);
        assert.ok(locked.stderr.startsWith(`error: ${object.error.message}`), "the message the text gives");
      }
      for (const store of ["bogus", "bogus:"]) {
        const usage = await runCli(rt(), ["--store", store, "status", "--json"], home);
        assert.equal(usage.code, 2, usage.stderr);
        const object = JSON.parse(usage.stdout);
        assert.equal(object.signedIn, null);
        assert.equal(object.error.code, "usage", store);
      }
    });

    it("prints JSON on one line when piped, keeping the table's fields (devices: thisDevice)", async () => {
      for (
        const args of [["devices", "--json"], ["status", "--json"], ["token", "--json"], ["user", "--json"]]
      ) {
        const out = ok(await runCli(rt(), args, home), args.join(" ")).stdout;
        assert.equal(out.split("\n").length, 2, `${args.join(" ")} is one line`);
        JSON.parse(out);
      }
      const devices = JSON.parse(ok(await runCli(rt(), ["devices", "--json"], home), "devices").stdout);
      const mine = devices.filter((d: { thisDevice: boolean }) => d.thisDevice);
      assert.equal(mine.length, 1);
      assert.equal(mine[0].clientIdentifier, clientIdOf(home));
    });

    it("an env: store with the device key and no token is signed in: token gets a JWT with the key", async () => {
      const exported =
        ok(await runCli(rt(), ["keys", "export", "--format", "env"], home), "keys export").stdout;
      const variables = Object.fromEntries(
        exported.split("\n").filter((line) => /^PLEXTV_\w+=/.test(line) && !/^PLEXTV_TOKEN/.test(line))
          .map((line) => {
            const at = line.indexOf("=");
            return [line.slice(0, at), line.slice(at + 1).replace(/^'(.*)'$/, "$1")];
          }),
      );
      assert.ok(variables.PLEXTV_KEY_ID && variables.PLEXTV_PRIVATE_KEY, exported.replace(/=.*/g, "=…"));
      const run = await runCli(rt(), ["--store", "env:", "token"], home, { env: variables });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim().split(".").length, 3, "a JWT");
    });

    it("keys export from an empty store says to log in, not to set PLEX_TOKEN, which it does not read", async () => {
      const run = await runCli(rt(), ["--store", "memory:", "keys", "export"], home);
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /Not signed in.*Run plextv login/);
      assert.doesNotMatch(run.stderr, /PLEX_TOKEN/);
    });

    it("keys export --output writes a 0600 file, and replaces one only with --force", async () => {
      const fresh = join(home.root, `new-${name}.env`);
      ok(await runCli(rt(), ["keys", "export", "--output", fresh], home), "keys export into a new file");
      assert.equal(statSync(fresh).mode & 0o777, 0o600, "a new file is 0600");
      const file = join(home.root, `plextv-${name}.env`);
      writeFileSync(file, "old\n", { mode: 0o644 });
      const refused = await runCli(rt(), ["keys", "export", "--output", file], home);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /exists\. Pass --force to replace it/);
      assert.equal(readFileSync(file, "utf8"), "old\n");
      const written = ok(
        await runCli(rt(), ["keys", "export", "--output", file, "--force"], home),
        "--force",
      );
      assert.equal(written.stdout, "", "no secret on stdout");
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(
        readFileSync(file, "utf8"),
        /^PLEXTV_CLIENT_ID=.+\nPLEXTV_KEY_ID=.+\nPLEXTV_PRIVATE_KEY=.+\n/,
      );
      const help = ok(await runCli(rt(), ["keys", "export", "--help"], home), "help").stdout;
      assert.doesNotMatch(help, /\$\(cat/, "the help suggests no secret on a command line");
    });

    it("keys export --output onto a full disk fails, says so, and leaves no file (with or without --force)", {
      skip: tinyDisk.skip,
    }, async () => {
      const file = join(tinyDisk.path, `full-${name}.env`);
      for (const args of [[], ["--force"]]) {
        const run = await runCli(rt(), ["keys", "export", "--output", file, ...args], home);
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stderr, /^error: Cannot write .*full-.*\.env: .*(ENOSPC|No space left)/i);
        assert.deepEqual(readdirSync(tinyDisk.path), ["fill"], "nothing is left behind");
      }
    });
  });
}
