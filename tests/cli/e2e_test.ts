/**
 * The `plextv` command end to end, under Deno (`deno run -A cli.ts`), as
 * the Bun-compiled binary and under Node (`node esm/bin/plextv.js` from the
 * npm build), against a plex.tv emulator serving the real
 * payloads: every way to log in, then `token`, `user --json`,
 * `servers --json`, `logout`; a restarted `token` with a stored JWT makes no
 * request; a third-party store plugin.
 */
import { FIXTURES_DIR, jsonFixture } from "../_helpers/fixtures.ts";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import {
  approvePinFromScreen,
  bunBinary,
  DENO,
  type Home,
  makeHome,
  nodeRuntime,
  pluginFor,
  REPO,
  type Run,
  runCli,
  type Runtime,
  thisPass,
} from "../_helpers/cli.ts";

const PASSPHRASE = "e2e vault passphrase";
const fixtureUser = jsonFixture("user.json") as { username: string };
const fixtureServers = (jsonFixture("resources.json") as {
  name: string;
  provides: string;
}[]).filter((r) => r.provides.split(",").includes("server")).map((r) => r.name).sort();

let emulator: Emulator;
let bun: Runtime;
let node: Runtime;

before(async () => {
  emulator = await startEmulator({ payloads: FIXTURES_DIR });
  bun = await bunBinary();
  node = await nodeRuntime();
});

after(async () => {
  await emulator?.close();
});

function ok(run: Run, what: string): Run {
  assert.equal(run.code, 0, `${what} exited ${run.code}: ${run.stderr}`);
  return run;
}

async function tokenWorks(token: string, clientId: string): Promise<boolean> {
  const res = await fetch(`${emulator.url}/api/v2/user`, {
    headers: { "X-Plex-Token": token, "X-Plex-Client-Identifier": clientId, Accept: "application/json" },
  });
  await res.body?.cancel();
  return res.status === 200;
}

function clientIdOf(home: Home): string {
  return JSON.parse(readFileSync(join(home.env.XDG_CONFIG_HOME, "plextv", "config.json"), "utf8")).clientId;
}

/** token, user --json, servers --json, logout, and token again (exit 4). */
async function useThenLogout(rt: Runtime, home: Home, jwt: boolean): Promise<void> {
  const token = ok(await runCli(rt, ["token"], home), "token");
  const value = token.stdout.replace(/\n$/, "");
  assert.match(
    token.stdout,
    jwt ? /^[\w-]+\.[\w-]+\.[\w-]+\n$/ : /^[\w-]{20}\n$/,
    "token prints the token alone",
  );
  assert.equal(token.stderr, "");
  assert.ok(await tokenWorks(value, clientIdOf(home)), "the printed token is accepted");

  const user = ok(await runCli(rt, ["user", "--json"], home), "user --json");
  const account = JSON.parse(user.stdout);
  assert.equal(typeof account.username, "string");
  assert.ok([fixtureUser.username, "plexuser"].includes(account.username));
  assert.equal(account.authToken, undefined, "no token in user --json");
  assert.ok(!user.stdout.includes(value));
  // A password or home PIN in the environment is for the command that reads it (login, home switch):
  // it does not mask matching words and years in another command's data.
  const year = /"(\d{4})-\d{2}-\d{2}T/.exec(user.stdout)![1]!;
  const withSecrets = ok(
    await runCli(rt, ["user", "--json"], home, {
      env: { PLEX_PASSWORD: account.username, PLEXTV_HOME_PIN: year },
    }),
    "user --json, with PLEX_PASSWORD and PLEXTV_HOME_PIN set",
  );
  assert.equal(withSecrets.stdout, user.stdout);

  emulator.resetRequests();
  const servers = ok(await runCli(rt, ["servers", "--json"], home), "servers --json");
  const list = JSON.parse(servers.stdout) as { name: string; provides: string[]; accessToken?: string }[];
  assert.deepEqual(list.map((s) => s.name).sort(), fixtureServers);
  assert.ok(list.every((s) => s.provides.includes("server") && s.accessToken === undefined));
  const query = emulator.requests.find((r) => r.path === "/api/v2/resources")?.query;
  assert.deepEqual(
    { https: query?.includeHttps, relay: query?.includeRelay, ipv6: query?.includeIPv6 },
    { https: "1", relay: "1", ipv6: "1" },
  );

  const vault = join(home.env.XDG_DATA_HOME, "plextv", "plextv.vault");
  assert.ok(existsSync(vault));
  ok(await runCli(rt, ["logout"], home), "logout");
  assert.ok(!existsSync(vault), "logout clears the vault");
  assert.equal(await tokenWorks(value, clientIdOf(home)), false, "logout revokes the token at plex.tv");
  const again = await runCli(rt, ["token"], home);
  assert.equal(again.code, 4);
  assert.equal(again.stdout, "");
  assert.match(again.stderr, /^error: Not signed in/);
}

function approveFromScreen(): (text: string, all: string) => void {
  return approvePinFromScreen((code) => emulator.approvePin(code));
}

const RUNTIMES: Record<string, () => Runtime> = {
  deno: () => DENO,
  "bun binary": () => bun,
  node: () => node,
};

for (const [runtimeName, rt] of thisPass(RUNTIMES)) {
  describe(`plextv under ${runtimeName}`, () => {
    const home = (): Home => makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });

    it("logs in with credentials (password on stdin), then token, user, servers, logout", async () => {
      const h = home();
      try {
        const login = ok(
          await runCli(rt(), ["login", "--credentials", "--username", "plexuser"], h, {
            stdin: "plexpass\n",
          }),
          "login",
        );
        assert.equal(login.stdout, "");
        assert.match(login.stderr, /Signed in to plex\.tv as /);
        await useThenLogout(rt(), h, false);
      } finally {
        h.cleanup();
      }
    });

    it("logs in with credentials and --jwt; a restarted token makes no request", async () => {
      const h = home();
      try {
        const login = ok(
          await runCli(rt(), ["login", "-u", "plexuser", "--jwt", "--json"], h, { stdin: "plexpass\n" }),
          "login --jwt",
        );
        const summary = JSON.parse(login.stdout);
        assert.equal(summary.tokenType, "jwt");
        assert.equal(summary.keyId, emulator.registeredKey(clientIdOf(h)));
        const first = ok(await runCli(rt(), ["token"], h), "token");
        emulator.resetRequests();
        const second = ok(await runCli(rt(), ["token"], h), "token after a restart");
        assert.equal(second.stdout, first.stdout, "the stored JWT is reused");
        assert.equal(emulator.requests.length, 0, "no request while the stored JWT is fresh");
        await useThenLogout(rt(), h, true);
      } finally {
        h.cleanup();
      }
    });

    it("logs in with a PIN approved at plex.tv, then token, user, servers, logout", async () => {
      const h = home();
      try {
        const login = ok(
          await runCli(rt(), ["login", "--pin"], h, { onStderr: approveFromScreen() }),
          "login --pin",
        );
        assert.match(login.stderr, /Link\s+http:\/\/127\.0\.0\.1:\d+\/link\/\?pin=\w{4}/);
        assert.match(login.stderr, /Approved/);
        await useThenLogout(rt(), h, false);
      } finally {
        h.cleanup();
      }
    });

    it("logs in with --pin-jwt (no legacy token), then token, user, servers, logout", async () => {
      const h = home();
      try {
        const login = ok(
          await runCli(rt(), ["login", "--pin-jwt"], h, { onStderr: approveFromScreen() }),
          "login --pin-jwt",
        );
        assert.match(login.stderr, /Link\s+http:\/\/127\.0\.0\.1:\d+\/auth#\?clientID=/);
        assert.match(login.stderr, /Device key [\w-]{43} registered/);
        await useThenLogout(rt(), h, true);
      } finally {
        h.cleanup();
      }
    });

    it("keeps the sign-in in a third-party store loaded with --plugin", async () => {
      const h = home();
      const file = join(h.root, "plextv.json");
      const plugin = pluginFor(rt(), join(REPO, "examples", "plugin_store.ts"));
      try {
        ok(
          await runCli(
            rt(),
            ["--plugin", plugin, "--store", `jsonfile:${file}`, "login", "-u", "plexuser"],
            h,
            {
              stdin: "plexpass\n",
            },
          ),
          "login into jsonfile:",
        );
        assert.ok(existsSync(file));
        const token = ok(
          await runCli(rt(), ["token"], h, {
            env: { PLEXTV_PLUGINS: plugin, PLEXTV_STORE: `jsonfile:${file}` },
          }),
          "token from jsonfile:",
        );
        assert.equal(token.stdout.trim(), JSON.parse(readFileSync(file, "utf8")).token);
      } finally {
        h.cleanup();
      }
    });
  });
}
