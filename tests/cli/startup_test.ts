/**
 * `plextv` loads only what the command that runs needs: the modules Bun
 * actually loads are listed by a loader plugin (a `--preload` file whose
 * `onLoad` hook records every TypeScript file), and checked: `--version`
 * loads no command module and no store plugin, `version` loads its own
 * command module only; `token` alone with `PLEX_TOKEN`, or with a fresh JWT
 * in `PLEXTV_STORE=env:`, is answered before the CLI loads (no argument
 * parser, command table or store session, lib/cli/quick_token.ts), and every
 * other form of it loads the token command (`token --store env:` the env
 * plugin and no other, and, its stored token fresh, no configuration, token
 * source or client). The static import graph of the CLI (from `deno info`)
 * holds no command module either, so this holds on every runtime.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { registerDevice, startEmulator } from "../../lib/testing/mod.ts";
import { toEnvVariables } from "../../plugins/env.ts";
import { makeHome, REPO, runCli } from "../_helpers/cli.ts";

const folder = mkdtempSync(join(tmpdir(), "plextv-startup-"));
const preload = join(folder, "module_log.ts");
writeFileSync(
  preload,
  `import { plugin } from "bun";
import { appendFileSync, readFileSync } from "node:fs";
const log = process.env.PLEXTV_MODULE_LOG;
plugin({
  name: "module log",
  setup(build) {
    build.onLoad({ filter: /\\.ts$/ }, (args) => {
      if (log) appendFileSync(log, args.path + "\\n");
      return { contents: readFileSync(args.path, "utf8"), loader: "ts" };
    });
  },
});
`,
);
const home = makeHome();
const emulator = await startEmulator();
let runs = 0;

after(async () => {
  await emulator.close();
  home.cleanup();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs the CLI under Bun with the module log and returns the repository files it loaded. */
async function loaded(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = join(folder, `log-${++runs}`);
  writeFileSync(log, "");
  const run = await runCli(
    { name: "bun", command: join(REPO, "node_modules/.bin/bun"), prefix: ["--preload", preload, "cli.ts"] },
    args,
    home,
    { env: { PLEXTV_MODULE_LOG: log, ...env } },
  );
  assert.equal(run.code, 0, `plextv ${args.join(" ")}: ${run.stderr}`);
  return readFileSync(log, "utf8").split("\n").filter(Boolean).map((path) => path.slice(REPO.length));
}

/** What the quick answer to `plextv token` may load of the CLI's folder (lib/cli/quick_token.ts). */
const quickAnswer = [
  "lib/cli/quick_token.ts",
  "lib/cli/fresh_token.ts",
  "lib/cli/output.ts",
  "lib/cli/url_variables.ts",
];
const commandModules = (files: string[]) =>
  files.filter((f) => f.startsWith("lib/cli/commands/") && f !== "lib/cli/commands/mod.ts");
const storePlugins = (files: string[]) => files.filter((f) => f.startsWith("plugins/"));

describe("plextv start-up", () => {
  it("--version loads no command module, no store plugin and no configuration", async () => {
    const files = await loaded(["--version"]);
    assert.ok(files.includes("cli.ts") && files.includes("lib/cli/commands/mod.ts"), files.join(", "));
    assert.deepEqual(commandModules(files), []);
    assert.deepEqual(storePlugins(files), []);
    assert.ok(!files.includes("lib/config.ts") && !files.includes("lib/cli/factory.ts"), files.join(", "));
    const startUp = [
      "cli.ts",
      "lib/cli/main.ts",
      "lib/cli/args.ts",
      "lib/cli/commands/mod.ts",
      "lib/cli/exit.ts",
      "lib/cli/globals.ts",
      "lib/cli/hints.ts",
      "lib/cli/output.ts",
      "lib/cli/report.ts",
      "lib/cli/suggest.ts",
      "lib/errors.ts",
      "lib/redact/secrets.ts",
      "lib/redact/url.ts",
      "lib/version.ts",
    ];
    assert.deepEqual(files.filter((f) => !startUp.includes(f)), [], "only the start-up modules");
  });

  it("version loads its own command module only", async () => {
    const files = await loaded(["version"]);
    assert.deepEqual(commandModules(files), ["lib/cli/commands/version.ts"]);
    assert.deepEqual(storePlugins(files), []);
  });

  it("token alone with PLEX_TOKEN loads the quick answer and no CLI, command or store code", async () => {
    const files = await loaded(["token"], { PLEX_TOKEN: "abcdefghij0123456789" });
    assert.ok(files.includes("lib/cli/quick_token.ts"), files.join(", "));
    assert.deepEqual(files.filter((f) => f.startsWith("lib/cli/") && !quickAnswer.includes(f)), []);
    assert.deepEqual(storePlugins(files), []);
    assert.ok(!files.some((f) => f.startsWith("lib/store/")), files.join(", "));
  });

  it("token alone with a fresh JWT in PLEXTV_STORE=env: loads the env store's reading and no CLI", async () => {
    const device = await registerDevice(emulator, { expiresInSeconds: 7 * 86_400 });
    const files = await loaded(["token"], {
      PLEXTV_URL: emulator.url,
      PLEXTV_STORE: "env:",
      ...toEnvVariables(device.data),
    });
    assert.ok(
      files.includes("lib/cli/quick_token.ts") && files.includes("lib/cli/fresh_token.ts"),
      files.join(", "),
    );
    assert.deepEqual(files.filter((f) => f.startsWith("lib/cli/") && !quickAnswer.includes(f)), []);
    assert.deepEqual(storePlugins(files), ["plugins/_env_variables.ts"]);
  });

  it("token with any other command line, or a token the quick answer cannot judge, loads the token command", async () => {
    const tokenCommand = (files: string[]) =>
      assert.deepEqual(commandModules(files), ["lib/cli/commands/token.ts"], files.join(", "));
    tokenCommand(await loaded(["token", "--json"], { PLEX_TOKEN: "abcdefghij0123456789" }));
    tokenCommand(await loaded(["token", "--quiet"], { PLEX_TOKEN: "abcdefghij0123456789" }));
    const due = await registerDevice(emulator, { expiresInSeconds: -60 });
    emulator.resetRequests();
    const files = await loaded(["token"], {
      PLEXTV_URL: emulator.url,
      PLEXTV_STORE: "env:",
      ...toEnvVariables(due.data),
    });
    tokenCommand(files);
    assert.ok(emulator.requests.length > 0, "the expired JWT was refreshed by the command");
  });

  it("token --store env: loads the env plugin and no other; a fresh stored token needs no token source", async () => {
    const files = await loaded(["token", "--store", "env:"], {
      PLEXTV_CLIENT_ID: "startup-test",
      PLEXTV_TOKEN: "abcdefghij0123456789",
    });
    assert.deepEqual(commandModules(files), ["lib/cli/commands/token.ts"]);
    assert.deepEqual(storePlugins(files).filter((f) => !f.startsWith("plugins/_env")), ["plugins/env.ts"]);
    const signedInPath = ["lib/config.ts", "lib/client.ts", "lib/token_sources/plex_token_source.ts"];
    assert.deepEqual(files.filter((f) => signedInPath.includes(f)), []);
  });

  it("the CLI imports no command module statically", () => {
    const deno = join(REPO, "node_modules/deno/deno");
    // cli.ts imports the CLI (lib/cli/main.ts) when the quick answer to `token` does not answer.
    const info = JSON.parse(
      execFileSync(deno, ["info", "--json", "lib/cli/main.ts"], { cwd: REPO, encoding: "utf8" }),
    );
    const modules = new Map<
      string,
      { dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[] }
    >(
      info.modules.map((m: { specifier: string }) => [m.specifier, m]),
    );
    const reached = new Set<string>();
    const stack: string[] = [info.roots[0]];
    while (stack.length) {
      const specifier = stack.pop()!;
      if (reached.has(specifier)) continue;
      reached.add(specifier);
      for (const dep of modules.get(specifier)?.dependencies ?? []) {
        if (dep.code && !dep.isDynamic && dep.code.specifier.startsWith("file:")) {
          stack.push(dep.code.specifier);
        }
      }
    }
    const files = [...reached].map((s) => s.slice(`file://${REPO}`.length));
    assert.ok(files.includes("lib/cli/commands/mod.ts"), files.join(", "));
    assert.deepEqual(commandModules(files), []);
    assert.deepEqual(storePlugins(files), []);
  });
});
