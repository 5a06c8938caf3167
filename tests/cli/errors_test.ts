/**
 * The `plextv` command with bad input: each mistake is one line on stderr
 * ("error: ..." with a hint), the documented exit code, nothing on stdout,
 * and nothing written or lost (the vault file is byte for byte unchanged);
 * under Node, a TypeScript plugin is refused with what to do instead; under
 * Deno without `-A`, the permission Deno refused is named with how to grant it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import {
  BUN,
  DENO,
  everyRuntime,
  type Home,
  makeHome,
  REPO,
  type Run,
  runCli,
  thisPass,
} from "../_helpers/cli.ts";

const PASSPHRASE = "errors test passphrase";
let emulator: Emulator;
let home: Home;
let vault: string;
let closedPort: number;
const RUNTIMES = everyRuntime();

function vaultBytes(): string {
  return readFileSync(vault).toString("base64");
}

function oneLineError(run: Run, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, "", "nothing on stdout");
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got: ${run.stderr}`);
  assert.match(lines[0], /^error: \S/);
  assert.match(lines[0], pattern);
  assert.ok(!run.stderr.includes(PASSPHRASE) && !run.stderr.includes("plexpass"), "no secret");
}

before(async () => {
  emulator = await startEmulator();
  home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });
  vault = join(home.env.XDG_DATA_HOME, "plextv", "plextv.vault");
  const login = await runCli(BUN, ["login", "-u", "plexuser", "--jwt"], home, { stdin: "plexpass\n" });
  assert.equal(login.code, 0, login.stderr);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});

after(async () => {
  home?.cleanup();
  await emulator?.close();
});

describe("plextv usage errors (exit 2)", () => {
  it("rejects an unknown command", async () => {
    oneLineError(await runCli(BUN, ["frobnicate"], home), 2, /Unknown command frobnicate\. Run plextv help/);
  });

  it("rejects an unknown option of a command, and a global one", async () => {
    oneLineError(await runCli(BUN, ["login", "--frob"], home), 2, /Unknown option --frob for plextv login/);
    oneLineError(await runCli(BUN, ["--frob", "token"], home), 2, /Unknown option --frob/);
  });

  it("rejects an option without its value and extra arguments", async () => {
    oneLineError(await runCli(BUN, ["token", "--store"], home), 2, /Option --store needs a value/);
    oneLineError(await runCli(BUN, ["token", "extra"], home), 2, /plextv token takes no arguments/);
    oneLineError(await runCli(BUN, ["connect"], home), 2, /plextv connect needs 1 argument/);
  });

  it("rejects conflicting login methods", async () => {
    oneLineError(await runCli(BUN, ["login", "--pin", "--pin-jwt"], home), 2, /Choose one of --pin/);
  });

  it("rejects a store URI with an unknown scheme, creating nothing", async () => {
    const h = makeHome({ PLEXTV_URL: emulator.url });
    try {
      oneLineError(
        await runCli(BUN, ["--store", "nope:somewhere", "token"], h),
        2,
        /scheme nope\. Known schemes: .*vault:/,
      );
      oneLineError(
        await runCli(BUN, ["login", "-u", "plexuser"], h, {
          env: { PLEXTV_STORE: "nope:x" },
          stdin: "plexpass\n",
        }),
        2,
        /scheme nope/,
      );
      assert.ok(!existsSync(h.env.XDG_DATA_HOME), "no data folder created");
      assert.equal(
        emulator.requests.filter((r) => r.path === "/api/v2/users/signin").length,
        1,
        "no sign-in",
      );
    } finally {
      h.cleanup();
    }
  });

  it("rejects an http plex.tv URL that is not loopback", async () => {
    oneLineError(
      await runCli(BUN, ["user"], home, { env: { PLEXTV_URL: "http://plex.invalid" } }),
      2,
      /must use https/,
    );
  });

  it("refuses a plugin module that exports no store scheme", async () => {
    const modules: [string, RegExp][] = [
      [
        "export const x = 1;",
        /exports no store scheme\. Check the plugin: its default export is a store scheme/,
      ],
      ["export default 42;", /failed to register its store/],
      ["export default {};", /failed to register its store/],
    ];
    for (const [index, [source, pattern]] of modules.entries()) {
      const file = join(home.root, `plugin-${index}.mjs`);
      writeFileSync(file, source);
      const run = await runCli(BUN, ["--plugin", file, "--store", "memory:", "status"], home);
      oneLineError(run, 2, pattern);
      assert.ok(run.stderr.includes(`The plugin ${file} `), run.stderr);
    }
  });

  it("tells a plugin that throws as it loads (exit 1, its error) from one that is not found (exit 2, the path)", async () => {
    const throwing = join(home.root, "throwing-plugin.mjs");
    writeFileSync(throwing, 'throw new Error("the plugin broke");\n');
    const broken = join(home.root, "broken-plugin.mjs");
    writeFileSync(broken, "export default {\n");
    for (
      const [file, pattern] of [[throwing, /failed as it loaded: the plugin broke\./], [
        broken,
        /failed as it loaded: /,
      ]] as const
    ) {
      const run = await runCli(BUN, ["--plugin", file, "--store", "memory:", "status"], home);
      oneLineError(run, 1, pattern);
      assert.match(run.stderr, /Fix the plugin, or leave it out/);
    }
    // A plugin found that imports what is missing failed as it loaded: its path is right.
    const importing = join(home.root, "importing-plugin.mjs");
    writeFileSync(importing, 'import "./not-there.mjs";\nexport default {};\n');
    const nested = await runCli(BUN, ["--plugin", importing, "--store", "memory:", "status"], home);
    oneLineError(nested, 1, /failed as it loaded: .*not-there\.mjs/);
    const missing = await runCli(BUN, ["--plugin", join(home.root, "no-such-plugin.mjs"), "status"], home);
    oneLineError(missing, 2, /^error: Cannot load the plugin .*no-such-plugin\.mjs\. Check the path/);
  });

  it("refuses a config.json client identifier that is not one, keeping the file", async () => {
    const h = makeHome({ PLEXTV_URL: emulator.url });
    try {
      const folder = join(h.env.XDG_CONFIG_HOME, "plextv");
      const file = join(folder, "config.json");
      mkdirSync(folder, { recursive: true });
      const signIns = () => emulator.requests.filter((r) => r.path === "/api/v2/users/signin").length;
      const before = signIns();
      for (const value of [5, "", null, "x y", ["a"]]) {
        const text = JSON.stringify({ clientId: value });
        writeFileSync(file, text);
        const run = await runCli(BUN, ["--store", "memory:", "login", "-u", "plexuser"], h, {
          stdin: "plexpass\n",
        });
        oneLineError(
          run,
          2,
          /no spaces\)\. Fix clientId in that file, or pass a client identifier with --client-id ID/,
        );
        assert.ok(
          run.stderr.startsWith(
            `error: The clientId in ${file} is not usable: a client identifier is 1 to 255`,
          ),
          run.stderr,
        );
        assert.equal(readFileSync(file, "utf8"), text, "config.json is not rewritten");
      }
      assert.equal(signIns(), before, "no sign-in");
    } finally {
      h.cleanup();
    }
  });

  it("refuses a named client identifier that is not one, saying where it came from and what one is", async () => {
    const rule =
      "a client identifier is 1 to 255 visible ASCII characters \\(letters, digits and punctuation, no spaces\\)";
    oneLineError(
      await runCli(
        BUN,
        ["--client-id", "bad id with spaces", "--store", "memory:", "login", "-u", "plexuser"],
        home,
        {
          stdin: "plexpass\n",
        },
      ),
      2,
      new RegExp(
        `^error: The client identifier given with --client-id is not usable: ${rule}\\. Pass another`,
      ),
    );
    oneLineError(
      await runCli(BUN, ["user"], home, {
        env: { PLEXTV_CLIENT_ID: "é", PLEX_TOKEN: "abcdefghij0123456789" },
      }),
      2,
      new RegExp(
        `^error: The client identifier in PLEXTV_CLIENT_ID is not usable: ${rule}\\. Fix or unset PLEXTV_CLIENT_ID$`,
      ),
    );
  });

  it("refuses an emulator payload folder that is missing, not a folder or holds no payload", async () => {
    const empty = join(home.root, "no-payloads");
    mkdirSync(empty, { recursive: true });
    const cases: [string, RegExp][] = [
      [
        join(home.root, "nonexistent"),
        /does not exist\. Pass a folder of recorded plex\.tv payloads with --payloads DIR$/,
      ],
      [vault, /is not a folder\. Pass a folder/],
      [empty, /has none of user\.json, .*\. Pass a folder/],
    ];
    for (const [folder, pattern] of cases) {
      const run = await runCli(BUN, ["emulator", "--port", "0", "--payloads", folder], home, {
        timeoutMs: 10_000,
      });
      oneLineError(run, 2, pattern);
      assert.ok(run.stderr.startsWith(`error: The payload folder ${folder} `), run.stderr);
    }
  });

  it("shows help for a command and refuses help for an unknown one", async () => {
    const help = await runCli(BUN, ["help", "login"], home);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--pin-jwt/);
    const flag = await runCli(BUN, ["servers", "--help"], home);
    assert.equal(flag.code, 0);
    assert.match(flag.stdout, /includeHttps=1&includeRelay=1&includeIPv6=1/);
    oneLineError(await runCli(BUN, ["help", "nope"], home), 2, /Unknown command nope/);
  });
});

describe("plextv with a bad PLEX_TOKEN (exit 4)", () => {
  it("says to fix or unset PLEX_TOKEN, not to sign in again, when PLEX_TOKEN is malformed, expired or rejected", async () => {
    const expired = await emulator.issueJwt({ clientId: "errors-test-env", expiresInSeconds: -60 });
    const cases: [string, string[], RegExp][] = [
      ["abc def", ["token", "user", "status"], /^error: A token must be/],
      [expired, ["token", "user", "status"], /^error: The JWT expired at /],
      ["revokedtokenrevoked0", ["user", "devices"], /^error: plex\.tv answered 401/],
    ];
    for (const [token, commands, message] of cases) {
      for (const command of commands) {
        const run = await runCli(BUN, [command], home, { env: { PLEX_TOKEN: token } });
        oneLineError(
          run,
          4,
          /\. Unset PLEX_TOKEN or set a valid one \(plextv login --with-token stores one\)$/,
        );
        assert.match(run.stderr, message, command);
        assert.ok(!run.stderr.includes(token), "the token is not printed");
      }
    }
  });
});

describe("plextv pointed at a server without plex.tv's paths (exit 1)", () => {
  it("names the URL that answered 404, so that a wrong PLEXTV_URL shows, and not the token", async () => {
    const wrong = `${emulator.url}/not-plex`;
    const token = "abcdefghij0123456789notfound";
    const run = await runCli(BUN, ["user"], home, {
      env: { PLEX_TOKEN: token, PLEXTV_URL: wrong, PLEXTV_V2_URL: wrong },
    });
    oneLineError(
      run,
      1,
      new RegExp(`^error: plex\\.tv answered 404 for ${wrong.replaceAll(".", "\\.")}/api/v2/user`),
    );
    assert.match(run.stderr, /check PLEXTV_URL/, "the hint is the base URL's, not a name's or id's");
    assert.doesNotMatch(run.stderr, /check the name or id/);
    assert.ok(!run.stderr.includes(token), "the token is not printed");
  });
});

// Usage errors are the CLI's own parsing, the same code on every runtime: Bun runs them. Reading (or not)
// a passphrase or password without a terminal, the vault's crypto, exit codes after output and the error
// details are the runtime's: those run under Deno, as the Bun binary and under Node (the npm build).
// tests/cli/network_failures_test.ts compares Deno, the Bun binary and Node on network failures.
for (const [name, rt] of thisPass(RUNTIMES)) {
  describe(`plextv authentication errors (exit 4) under ${name}, nothing lost`, () => {
    it("fails without a passphrase when there is no terminal to ask", async () => {
      const before = vaultBytes();
      const run = await runCli(rt(), ["token"], home, { env: { PLEXTV_VAULT_PASSPHRASE: undefined } });
      oneLineError(run, 4, /vault passphrase is missing\. Set PLEXTV_VAULT_PASSPHRASE/);
      assert.equal(vaultBytes(), before);
    });

    it("fails with a wrong passphrase, for token, login and logout alike", async () => {
      const before = vaultBytes();
      const env = { PLEXTV_VAULT_PASSPHRASE: "not the passphrase" };
      oneLineError(await runCli(rt(), ["token"], home, { env }), 4, /passphrase does not open the vault/);
      oneLineError(
        await runCli(rt(), ["login", "-u", "plexuser"], home, { env, stdin: "plexpass\n" }),
        4,
        /passphrase does not open the vault/,
      );
      oneLineError(await runCli(rt(), ["logout"], home, { env }), 4, /passphrase does not open the vault/);
      assert.equal(vaultBytes(), before, "the vault is untouched");
      const token = await runCli(rt(), ["token"], home);
      assert.equal(token.code, 0, "the right passphrase still opens it");
    });

    it("uses PLEX_TOKEN without opening the store, and rejects a revoked one with exit 4", async () => {
      const stored = await runCli(rt(), ["token"], home);
      assert.equal(stored.code, 0, stored.stderr);
      const noPassphrase = { PLEXTV_VAULT_PASSPHRASE: undefined, PLEX_TOKEN: stored.stdout.trim() };
      for (const command of ["status", "user", "token"]) {
        const run = await runCli(rt(), [command], home, { env: noPassphrase });
        assert.equal(run.code, 0, `${command} with PLEX_TOKEN needs no passphrase: ${run.stderr}`);
      }
      oneLineError(
        await runCli(rt(), ["status"], home, { env: { PLEX_TOKEN: "revokedtokenrevoked0" } }),
        4,
        /plex\.tv rejects the PLEX_TOKEN token\. Unset PLEX_TOKEN or set a valid one/,
      );
    });

    it("says not signed in when the data folder cannot be made (a read-only home), and login says why it cannot save", async () => {
      const h = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });
      try {
        // A file where the data folder would be: making it fails even for root, as a read-only home does.
        writeFileSync(join(h.root, "blocked"), "");
        const env = { XDG_DATA_HOME: join(h.root, "blocked", "data") };
        for (const command of ["status", "user"]) {
          oneLineError(
            await runCli(rt(), [command], h, { env }),
            4,
            /^error: Not signed in: vault:\S+ holds no sign-in/,
          );
        }
        const login = await runCli(rt(), ["login", "-u", "plexuser"], h, { env, stdin: "plexpass\n" });
        oneLineError(
          login,
          1,
          /^error: The sign-in could not be saved in vault:\S+: .*the new token was revoked/,
        );
      } finally {
        h.cleanup();
      }
    });

    it("fails when not signed in, and with a wrong password, writing nothing", async () => {
      const h = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });
      try {
        oneLineError(
          await runCli(rt(), ["user"], h),
          4,
          /^error: Not signed in: vault:\S+plextv\.vault holds no sign-in\. Run plextv login/,
        );
        oneLineError(
          await runCli(rt(), ["login", "-u", "plexuser"], h, { stdin: "wrong password\n" }),
          4,
          /^error: [^\n]*$/,
        );
        const data = join(h.env.XDG_DATA_HOME, "plextv");
        assert.deepEqual(existsSync(data) ? readdirSync(data) : [], [], "no vault written");
      } finally {
        h.cleanup();
      }
    });

    it("asks for --code when a two-factor account signs in without a terminal", async () => {
      const h = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });
      try {
        const { username, password, verificationCode } = emulator.users.twoFactor;
        oneLineError(
          await runCli(rt(), ["login", "-u", username], h, { stdin: `${password}\n` }),
          4,
          /two-factor authentication\. Pass the current code with --code CODE/,
        );
        const run = await runCli(rt(), ["login", "-u", username, "--code", verificationCode!], h, {
          stdin: `${password}\n`,
        });
        assert.equal(run.code, 0, run.stderr);
      } finally {
        h.cleanup();
      }
    });
  });

  describe(`plextv failures (exit 1) under ${name}`, () => {
    it("reports an unreachable plex.tv in one line and keeps the vault", async () => {
      const before = vaultBytes();
      const env = { PLEXTV_URL: `http://127.0.0.1:${closedPort}` };
      for (const command of ["user", "servers"]) {
        oneLineError(
          await runCli(rt(), [command], home, { env }),
          1,
          /Cannot reach 127\.0\.0\.1:\d+: the connection was refused\. Check the network/,
        );
      }
      assert.equal(vaultBytes(), before);
    });

    it("says which port is in use when the emulator cannot listen", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const port = (taken.address() as { port: number }).port;
      try {
        oneLineError(
          await runCli(rt(), ["emulator", "--port", String(port)], home, { timeoutMs: 10_000 }),
          1,
          new RegExp(
            `^error: Port ${port} is in use\\. Choose another with --port N \\(--port 0 takes a free one\\)$`,
          ),
        );
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    });

    it("gives details, never a secret, under --verbose", async () => {
      const env = { PLEXTV_URL: `http://127.0.0.1:${closedPort}` };
      const run = await runCli(rt(), ["--verbose", "user"], home, { env });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /\(code network_error\)/);
      assert.match(run.stderr, /caused by: /);
      assert.match(run.stderr, /→ GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/user/);
      const stored = await runCli(rt(), ["token"], home);
      assert.ok(!run.stderr.includes(stored.stdout.trim()), "the token is not in the details");
    });
  });
}

describe("plextv plugins under Node", () => {
  it("refuses a TypeScript plugin under Node, saying what to do instead", async () => {
    const plugin = "./examples/plugin_store.ts";
    oneLineError(
      await runCli(
        RUNTIMES.node!(),
        ["--plugin", plugin, "--store", `jsonfile:${join(home.root, "p.json")}`, "status"],
        home,
      ),
      2,
      /^error: Cannot load the plugin \.\/examples\/plugin_store\.ts: this Node does not run TypeScript\. Compile the plugin to JavaScript \(\.js or \.mjs\) and pass that to --plugin, or run plextv under Deno or Bun$/,
    );
  });
});

describe("plextv under Deno without its permissions", () => {
  it("says which permission Deno refused and how to grant it, for the quick token answer and every command", async () => {
    const denied = { name: "deno without -A", command: DENO.command, prefix: ["run", join(REPO, "cli.ts")] };
    for (const args of [["token"], ["--version"], ["status"]]) {
      oneLineError(
        await runCli(denied, args, home),
        1,
        /^error: Deno refused a permission plextv needs: Requires env access to "[A-Z_]+".*\. Run plextv with deno run -A \(/,
      );
    }
    const envOnly = { ...denied, prefix: ["run", "--allow-env", join(REPO, "cli.ts")] };
    oneLineError(
      await runCli(envOnly, ["user"], home),
      1,
      /^error: Deno refused a permission plextv needs: Requires sys access to "homedir".*\. Run plextv with deno run -A/,
    );
  });
});
