/**
 * The quick answer to `plextv token` (lib/cli/quick_token.ts, run by cli.ts
 * before the CLI loads) says what the whole command says: for each
 * environment below, `plextv token` run as a process (`deno run -A cli.ts
 * token`, so the quick answer runs first) and the command run in process
 * through `main()` (which never takes the quick answer) end with the same
 * exit code, stdout and stderr. The cases cover what the quick answer
 * prints (a legacy or JWT `PLEX_TOKEN`, a fresh legacy token or JWT in the
 * `env:` store) and what it must leave to the command (an expired JWT, a
 * client identifier, store, plugin or URL that is not usable, damaged or
 * mismatched stored data, an expired stored JWT that the command refreshes).
 * Which modules each form loads is start-up_test.ts's.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { main } from "../../lib/cli/main.ts";
import { registerDevice } from "../../lib/testing/mod.ts";
import type { SecureData } from "../../mod.ts";
import { toEnvVariables } from "../../plugins/env.ts";
import { DENO, runCli, useEmulatorHome } from "../_helpers/cli.ts";

const DAY = 86_400;
const world = useEmulatorHome();
const { home } = world;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `plextv token` in process, through `main()`: the whole command. */
async function command(env: Record<string, string>): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const code = await main(["token"], {
    env: { ...home.env, ...env },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** `plextv token` as a process: the quick answer first. */
async function asProcess(env: Record<string, string>): Promise<Outcome> {
  const { code, stdout, stderr } = await runCli(DENO, ["token"], home, { env });
  return { code, stdout, stderr };
}

/** The outcome without the time an expiry was checked at (the two runs are a moment apart). */
const untimed = (outcome: Outcome): Outcome => ({
  ...outcome,
  stderr: outcome.stderr.replace(/checked at [\dT:.Z-]+/g, "checked at (now)"),
});

/** The env: store's variables for `data`, the emulator as plex.tv. */
function envStore(data: SecureData, more: Record<string, string> = {}): Record<string, string> {
  return { PLEXTV_URL: world.emulator.url, PLEXTV_STORE: "env:", ...toEnvVariables(data), ...more };
}

describe("the quick answer to plextv token", () => {
  it("prints what the command prints: PLEX_TOKEN and a fresh env: store", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    const cases: [string, Record<string, string>, string][] = [
      ["a legacy PLEX_TOKEN", { PLEX_TOKEN: "abcdefghij0123456789" }, "abcdefghij0123456789"],
      [
        "a JWT in PLEX_TOKEN",
        { PLEX_TOKEN: device.jwt.value, PLEXTV_URL: world.emulator.url },
        device.jwt.value,
      ],
      [
        "PLEX_TOKEN with a usable PLEXTV_CLIENT_ID",
        { PLEX_TOKEN: "abcdefghij0123456789", PLEXTV_CLIENT_ID: "quick-test" },
        "abcdefghij0123456789",
      ],
      ["a fresh JWT in the env: store", envStore(device.data), device.jwt.value],
      [
        "a legacy token in the env: store",
        envStore({ version: 1, clientId: "quick-legacy", token: "abcdefghij0123456789" }),
        "abcdefghij0123456789",
      ],
    ];
    for (const [what, env, printed] of cases) {
      world.emulator.resetRequests();
      const quick = await asProcess(env);
      assert.deepEqual(quick, { code: 0, stdout: `${printed}\n`, stderr: "" }, what);
      assert.deepEqual(await command(env), quick, what);
      assert.equal(world.emulator.requests.length, 0, `${what}: no request`);
    }
  });

  it("leaves to the command what it cannot print, which then says the same", async () => {
    const fresh = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    const expired = await registerDevice(world.emulator, { expiresInSeconds: -60 });
    const other = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    const cases: [string, Record<string, string>][] = [
      ["an expired JWT in PLEX_TOKEN", { PLEX_TOKEN: expired.jwt.value }],
      ["PLEX_TOKEN with a PLEXTV_CLIENT_ID that is not one", {
        PLEX_TOKEN: "abcdefghij0123456789",
        PLEXTV_CLIENT_ID: "a b",
      }],
      ["PLEX_TOKEN with a store of no known scheme", {
        PLEX_TOKEN: "abcdefghij0123456789",
        PLEXTV_STORE: "nope:x",
      }],
      ["PLEX_TOKEN with a plugin that does not load", {
        PLEX_TOKEN: "abcdefghij0123456789",
        PLEXTV_PLUGINS: "/nonexistent/plugin.ts",
      }],
      ["PLEX_TOKEN with an http URL that is not loopback", {
        PLEX_TOKEN: "abcdefghij0123456789",
        PLEXTV_V2_URL: "http://plex.example",
      }],
      ["an env: store with the key id of another key", envStore({ ...fresh.data, keyId: other.data.keyId })],
      [
        "an env: store whose expiry is no date",
        envStore(fresh.data, { PLEXTV_TOKEN_EXPIRES_AT: "2026-02-30T00:00:00Z" }),
      ],
      ["an env: store without its client identifier", envStore(fresh.data, { PLEXTV_CLIENT_ID: "" })],
      [
        "an env: store with a URL holding a query",
        envStore(fresh.data, { PLEXTV_URL: `${world.emulator.url}/?x=1` }),
      ],
      ["an empty env: store", { PLEXTV_STORE: "env:", PLEXTV_URL: world.emulator.url }],
    ];
    for (const [what, env] of cases) {
      const quick = await asProcess(env);
      assert.notEqual(quick.code, 0, `${what}: the quick answer printed a token`);
      assert.equal(quick.stdout, "", what);
      assert.deepEqual(untimed(await command(env)), untimed(quick), what);
    }
  });

  it("leaves an expired stored JWT to the command, which refreshes it", async () => {
    const expired = await registerDevice(world.emulator, { expiresInSeconds: -60 });
    world.emulator.resetRequests();
    const run = await asProcess(envStore(expired.data));
    assert.equal(run.code, 0, run.stderr);
    const printed = run.stdout.trim();
    assert.ok(printed.split(".").length === 3 && printed !== expired.jwt.value, run.stdout);
    assert.ok(world.emulator.requests.some((r) => r.path.endsWith("/token")), "a new JWT was asked for");
  });
});
