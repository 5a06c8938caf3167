// Docs that run: every TypeScript sample in README.md and docs/ is a file of
// examples/, included byte for byte (after a `<!-- examples/NAME.ts -->` line),
// and every example is type-checked and run here against the plex.tv emulator,
// as the reader sees it: preloaded examples/_emulated.ts sends plex.tv's
// requests to the emulator (PLEXTV_URL), so no sample carries a test-only line.
import { after, before, describe, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "./_helpers/needs.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../lib/config.ts";
import { type Emulator, registerDevice, startEmulator } from "../lib/testing/mod.ts";
import { redisStore } from "../plugins/redis.ts";
import { type RedisServer, redisSkipReason, startRedisServer } from "./_helpers/redis_server.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const DENO = join(root, "node_modules/.bin/deno");
const BUN = join(root, "node_modules/.bin/bun");
const PRELOAD = join(root, "examples/_emulated.ts");

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` in `cwd` with only the variables given (plus PATH and HOME), feeding `stdin`. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...options.env };
    const child = spawn(command, args, { cwd: options.cwd ?? root, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

/** An example run as a reader would, with plex.tv pointed at the emulator. */
function example(
  runtime: "deno" | "bun",
  file: string,
  env: Record<string, string>,
  options: { cwd?: string; stdin?: string } = {},
): Promise<Ran> {
  const path = join(root, "examples", file);
  const args = runtime === "deno"
    ? ["run", "-A", "--config", join(root, "deno.json"), "--preload", PRELOAD, path]
    : ["--preload", PRELOAD, path];
  return run(runtime === "deno" ? DENO : BUN, args, {
    ...options,
    env: { PLEXTV_URL: emulator.url, ...env },
  });
}

/** Every fenced TypeScript block of a Markdown file, with the line before it. */
function typescriptBlocks(markdown: string): { label: string; code: string }[] {
  const blocks: { label: string; code: string }[] = [];
  const pattern = /^```(?:ts|typescript|tsx)\b[^\n]*\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(pattern)) {
    const before = markdown.slice(0, match.index).trimEnd().split("\n").pop() ?? "";
    blocks.push({ label: before, code: match[1]! });
  }
  return blocks;
}

const documents = [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
];
const runnable = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".ts") && !f.startsWith("_"));
const covered = new Set<string>();
let emulator: Emulator;
let work: string;

before(async () => {
  emulator = await startEmulator({ autoApprovePins: 100 });
  work = mkdtempSync(join(tmpdir(), "plextv-examples-"));
});
after(async () => {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
});

describe("the docs' samples", () => {
  for (const document of documents) {
    it(`${document}: every TypeScript sample is an example file, included as it is`, () => {
      const markdown = readFileSync(join(root, document), "utf8");
      for (const { label, code } of typescriptBlocks(markdown)) {
        const file = label.match(/^<!-- (examples\/[\w/.-]+\.ts) -->$/)?.[1];
        assert.ok(
          file,
          `${document}: a TypeScript sample without an <!-- examples/NAME.ts --> line before it:\n${
            code.slice(0, 200)
          }`,
        );
        assert.equal(
          code,
          readFileSync(join(root, file), "utf8"),
          `${document}: the sample of ${file} differs from the file`,
        );
      }
    });
  }

  it("the check above catches a sample that is not an example file", () => {
    const blocks = typescriptBlocks(
      "Text\n\n```ts\nconsole.log(1);\n```\n\n<!-- examples/a.ts -->\n```ts\nx\n```\n",
    );
    assert.deepEqual(blocks, [{ label: "Text", code: "console.log(1);\n" }, {
      label: "<!-- examples/a.ts -->",
      code: "x\n",
    }]);
  });
});

describeNeeding("examples", RUN_BY_DENO_PASS, () => {
  it("type-check (deno check)", async () => {
    const checked = await run(DENO, ["check", "examples/"]);
    assert.equal(checked.code, 0, checked.stderr);
  });

  it("sign_in.ts: the first run signs in with a PIN, the next reuses the stored JWT (Deno, then Bun)", async () => {
    covered.add("sign_in.ts");
    const cwd = mkdtempSync(join(work, "sign-in-"));
    const env = { PLEXTV_VAULT_PASSPHRASE: "example passphrase" };
    const pins = () => emulator.count("POST /api/v2/pins");
    const before = pins();
    const first = await example("deno", "sign_in.ts", env, { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "Signed in as plexuser\n");
    assert.match(
      first.stderr,
      /^Open https:\/\/app\.plex\.tv\/auth#\?clientID=[\w-]+&code=\w+.* to sign in \(code \w+\)$/m,
    );
    assert.equal(pins(), before + 1);
    const second = await example("deno", "sign_in.ts", env, { cwd });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "Signed in as plexuser\n");
    assert.equal(second.stderr, "", "no PIN the second time");
    assert.equal(pins(), before + 1);
    const bun = await example("bun", "sign_in.ts", env, { cwd: mkdtempSync(join(work, "sign-in-bun-")) });
    assert.equal(bun.code, 0, bun.stderr);
    assert.equal(bun.stdout, "Signed in as plexuser\n");
  });

  it("two_factor.ts: asks for the code when plex.tv wants one, and prints no token", async () => {
    covered.add("two_factor.ts");
    const ran = await example("deno", "two_factor.ts", {
      PLEX_USERNAME: "twofactor",
      PLEX_PASSWORD: "twofactorpass",
    }, {
      stdin: "123456\n",
    });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, "Signed in: Token(legacy, ***)\n");
    assert.match(ran.stderr, /Two-factor code: /);
    const wrong = await example("deno", "two_factor.ts", {
      PLEX_USERNAME: "twofactor",
      PLEX_PASSWORD: "twofactorpass",
    }, {
      stdin: "000000\n",
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /PlexError: .*valid verification code/);
  });

  it("own_transport.ts: a bare fetch, checked and validated by the protocol layer", async () => {
    covered.add("own_transport.ts");
    const clientId = "own-transport-example";
    const token = emulator.issueLegacyToken({ clientId });
    const ran = await example("deno", "own_transport.ts", { PLEXTV_CLIENT_ID: clientId, PLEX_TOKEN: token });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /^plexuser: (no )?Plex Pass\n$/);
    const rejected = await example("deno", "own_transport.ts", {
      PLEXTV_CLIENT_ID: clientId,
      PLEX_TOKEN: "revoked",
    });
    assert.notEqual(rejected.code, 0);
    assert.match(rejected.stderr, /PlexError: .*User could not be authenticated/);
  });

  it("servers.ts (Bun): lists the servers with their connections ranked local, remote, relay", async () => {
    covered.add("servers.ts");
    const clientId = "servers-example";
    const token = emulator.issueLegacyToken({ clientId });
    const ran = await example("bun", "servers.ts", { PLEXTV_CLIENT_ID: clientId, PLEX_TOKEN: token });
    assert.equal(ran.code, 0, ran.stderr);
    const lines = ran.stdout.trim().split("\n");
    const count = Number(lines[0]!.match(/^(\d+) server\(s\)$/)?.[1]);
    assert.ok(count > 0, ran.stdout);
    const perServer = ran.stdout.split(/^- /m).slice(1).map((block) =>
      block.split("\n").filter((l) => l.startsWith("    ")).map((l) =>
        ["local", "remote", "relay"].indexOf(l.trim().split(" ")[0]!)
      )
    );
    assert.equal(perServer.length, count);
    for (const kinds of perServer) {
      assert.ok(kinds.length > 0 && !kinds.includes(-1), ran.stdout);
      assert.deepEqual(kinds, [...kinds].sort((a, b) => a - b), ran.stdout);
    }
    // The emulator's servers are made up: the preload refuses their addresses, so each is unreachable.
    assert.equal(ran.stdout.match(/not reachable: server_unreachable/g)?.length, count, ran.stdout);
  });

  it("account.ts: friends, shares, webhooks, the watchlist, and a PIN another device shows approved", async () => {
    covered.add("account.ts");
    const clientId = "account-example";
    const token = emulator.issueLegacyToken({ clientId });
    const headless = defaultConfig().withClientId("account-example-headless").withUrls(emulator.url);
    const { pin } = await headless.pinRequest();
    const links = () =>
      emulator.count((r) => r.method === "PUT" && r.path === "/api/v2/pins/link" && r.status < 300);
    const before = links();
    const ran = await example("deno", "account.ts", {
      PLEXTV_CLIENT_ID: clientId,
      PLEX_TOKEN: token,
      PIN_CODE: pin.code,
    });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(ran.stdout.trim().split("\n"), [
      "friend Movie Buddy (accepted)",
      "friend farcousin (accepted)",
      "moviebuddy sees Movies, TV Shows, Music on Emulated Server",
      "farcousin sees TV Shows on Emulated Server",
      "webhooks: https://hooks.example.com/plex",
      "webhooks: 0",
      // watchlistedAt:desc: the latest added first.
      "watchlist: The Emulated Show (2019)",
      "watchlist: The Emulated Movie (2021)",
      `approved ${pin.code}`,
    ]);
    assert.equal(links(), before + 1, "linkPin sent PUT /api/v2/pins/link, accepted");
    assert.ok((await headless.validatePin(pin.id)).token, "the headless device is signed in");
  });

  it("stores.ts: opens the store a URI names (a vault, the environment)", async () => {
    covered.add("stores.ts");
    const vault = join(mkdtempSync(join(work, "stores-")), "my-app.vault");
    const empty = await example("deno", "stores.ts", {
      MY_APP_STORE: `vault:${vault}`,
      MY_APP_VAULT_PASSPHRASE: "pw",
    });
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, `Vault(${vault}): nothing stored yet\n`);
    const env = await example("deno", "stores.ts", {
      MY_APP_STORE: "env:",
      PLEXTV_CLIENT_ID: "from-the-environment",
    });
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stdout, /: client id from-the-environment, key none\n$/);
  });

  it("fleet.ts: three replicas with an expired JWT in Redis refresh it once between them", async (t) => {
    covered.add("fleet.ts");
    if (redisSkipReason()) return t.skip("redis-server is not installed");
    const redis: RedisServer = await startRedisServer();
    try {
      const uri = redis.uri("example-fleet");
      const passphrase = "fleet passphrase";
      const device = await registerDevice(emulator, { expiresInSeconds: -60 });
      await redisStore(uri, { passphrase }).save(device.data);
      const refreshes = () => emulator.count("POST /api/v2/auth/token");
      const before = refreshes();
      const env = { REDIS_STORE: uri, PLEXTV_REDIS_PASSPHRASE: passphrase };
      const replicas = await Promise.all([1, 2, 3].map(() => example("deno", "fleet.ts", env)));
      for (const replica of replicas) {
        assert.equal(replica.code, 0, replica.stderr);
        assert.match(replica.stdout, /^replica \d+: signed in as plexuser$/m);
      }
      assert.equal(refreshes() - before, 1, "one replica refreshed; the others read its JWT");
    } finally {
      await redis.stop();
    }
  });

  it("my_tool_test.ts: a user's own test against the emulator passes under deno test", async () => {
    covered.add("my_tool_test.ts");
    const ran = await run(DENO, ["test", "-A", "examples/my_tool_test.ts"]);
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /1 passed/);
  });

  it("plugin_store.ts and logged_store_plugin.ts: the logged one's doc examples and demo run, and the CLI signs in through the jsonfile: one", async () => {
    covered.add("plugin_store.ts").add("logged_store_plugin.ts");
    const docs = await run(DENO, [
      "test",
      "--doc",
      "-A",
      "examples/plugin_store.ts",
      "examples/logged_store_plugin.ts",
    ]);
    assert.equal(docs.code, 0, docs.stdout + docs.stderr);
    const logged = await run(DENO, ["run", "examples/logged_store_plugin.ts"]);
    assert.equal(logged.code, 0, logged.stderr);
    assert.match(logged.stdout + logged.stderr, /example: saved data for client 0d6e7f2a-example/);
    const file = join(mkdtempSync(join(work, "plugin-")), "plextv.json");
    const login = await run(DENO, [
      "run",
      "-A",
      "cli.ts",
      "--plugin",
      "./examples/plugin_store.ts",
      "--store",
      `jsonfile:${file}`,
      "login",
      "--credentials",
      "--username",
      "plexuser",
    ], {
      env: {
        PLEXTV_URL: emulator.url,
        PLEX_PASSWORD: "plexpass",
        XDG_CONFIG_HOME: work,
        XDG_DATA_HOME: work,
      },
    });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).clientId.length > 0, true);
  });

  it("emulator_in_process.ts and emulator_hosts.ts: the emulator as a fetch handler (Deno, then Bun)", async () => {
    covered.add("emulator_in_process.ts").add("emulator_hosts.ts");
    for (const runtime of ["deno", "bun"] as const) {
      const inProcess = await example(runtime, "emulator_in_process.ts", {});
      assert.equal(inProcess.code, 0, inProcess.stderr);
      assert.equal(inProcess.stdout, "Signed in with 1 request, no socket opened\n");
      const hosts = await example(runtime, "emulator_hosts.ts", {});
      assert.equal(hosts.code, 0, hosts.stderr);
      assert.equal(hosts.stdout, "https://plex.tv/api/v2/user without a token: 401\n");
    }
  });

  it("every example file is run above", () => {
    assert.deepEqual(runnable.filter((f) => !covered.has(f)), []);
  });
});
