/**
 * No secret ever shows: every flow and command of `plextv` runs with
 * `--verbose`, and all of stdout and stderr is scanned for every secret
 * used (password, legacy tokens, JWTs, the private key's `d`, the vault
 * passphrase, the server access token, the home user's token). The only
 * places a secret may appear are the stdout of the commands whose purpose is
 * to print one: `token`, `keys export` and `home switch`.
 */
import { jsonFixture } from "../_helpers/fixtures.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import {
  approvePinFromScreen,
  BUN,
  DENO,
  type Home,
  makeHome,
  type Run,
  runCli,
  type RunOptions,
} from "../_helpers/cli.ts";

const PASSWORD = `pw-${crypto.randomUUID()}`;
const PASSPHRASE = `vault-${crypto.randomUUID()}`;
const SERVER_TOKEN = `srv${crypto.randomUUID().replaceAll("-", "").slice(0, 17)}`;
const HOME_PIN = "8642";

interface Output {
  label: string;
  run: Run;
  /** stdout is the command's purpose (a token, exported keys). */
  secretStdout: boolean;
}

const outputs: Output[] = [];
const secrets = new Map<string, string>([
  ["password", PASSWORD],
  ["vault passphrase", PASSPHRASE],
  ["server access token", SERVER_TOKEN],
]);
let emulator: Emulator;
let payloads: string;
let identity: Server;
let home: Home;

function remember(kind: string, value: string | undefined): void {
  if (value && value.length >= 8 && ![...secrets.values()].includes(value)) {
    secrets.set(`${kind} #${secrets.size + 1}`, value);
  }
}

async function run(
  label: string,
  args: string[],
  options: RunOptions & { secretStdout?: boolean } = {},
): Promise<Run> {
  const result = await runCli(BUN, ["--verbose", ...args], home, options);
  outputs.push({ label, run: result, secretStdout: options.secretStdout ?? false });
  return result;
}

async function ok(label: string, args: string[], options: RunOptions & { secretStdout?: boolean } = {}) {
  const result = await run(label, args, options);
  assert.equal(result.code, 0, `${label}: ${result.stderr}`);
  return result;
}

/** `token` and `keys export`: their stdout is secret by purpose; remember what they print. */
async function collectSecrets(label: string): Promise<void> {
  const token = await ok(`${label}: token`, ["token"], { secretStdout: true });
  remember("token", token.stdout.trim());
  const keys = await ok(`${label}: keys export`, ["keys", "export", "--format", "env"], {
    secretStdout: true,
  });
  for (const line of keys.stdout.trim().split("\n")) {
    const [name, value] = [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)];
    if (name === "PLEXTV_TOKEN") remember("token", value);
    if (name === "PLEXTV_PRIVATE_KEY") {
      const jwk = JSON.parse(
        new TextDecoder().decode(
          Uint8Array.from(atob(value.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
        ),
      );
      remember("private key d", jwk.d);
      remember("exported private key", value);
    }
  }
}

async function useEverything(label: string): Promise<void> {
  await ok(`${label}: status`, ["status"]);
  await ok(`${label}: status --json`, ["status", "--json"]);
  await ok(`${label}: user`, ["user"]);
  await ok(`${label}: user --json`, ["user", "--json"]);
  await ok(`${label}: devices --json`, ["devices", "--json"]);
  await ok(`${label}: devices`, ["devices"]);
  await ok(`${label}: servers --json`, ["servers", "--json"]);
  await ok(`${label}: resources`, ["resources"]);
  await ok(`${label}: resources --json`, ["resources", "--json"]);
  const connected = await ok(`${label}: connect`, ["connect", "Loopback Server"]);
  assert.match(connected.stdout, /^http:\/\/127\.0\.0\.1:\d+\n$/);
  await ok(`${label}: connect --json`, ["connect", "Loopback Server", "--json"]);
  await ok(`${label}: home users --json`, ["home", "users", "--json"]);
}

function approveFromScreen(): (text: string, all: string) => void {
  return approvePinFromScreen((code) => emulator.approvePin(code));
}

before(async () => {
  identity = createServer((req, res) => {
    res.statusCode = req.headers["x-plex-token"] === SERVER_TOKEN ? 200 : 401;
    res.end('<MediaContainer size="0"/>');
  });
  await new Promise<void>((resolve) => identity.listen(0, "127.0.0.1", resolve));
  const port = (identity.address() as { port: number }).port;
  const [template] = jsonFixture("resources.json") as Record<
    string,
    unknown
  >[];
  payloads = mkdtempSync(join(tmpdir(), "plextv-payloads-"));
  writeFileSync(
    join(payloads, "resources.json"),
    JSON.stringify([{
      ...template,
      name: "Loopback Server",
      provides: "server",
      accessToken: SERVER_TOKEN,
      connections: [{
        protocol: "http",
        address: "127.0.0.1",
        port,
        uri: `http://127.0.0.1:${port}`,
        local: true,
        relay: false,
        IPv6: false,
      }],
    }]),
  );
  emulator = await startEmulator({ payloads });
  emulator.addUser({ username: "secretadmin", password: PASSWORD });
  emulator.addUser({ username: "secretkid", homeOf: "secretadmin", pin: HOME_PIN, restricted: true });
  home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });
});

after(async () => {
  home?.cleanup();
  await emulator?.close();
  await new Promise((resolve) => identity?.close(resolve));
  if (payloads) rmSync(payloads, { recursive: true, force: true });
});

describeNeeding("plextv --verbose never prints a secret", RUN_BY_DENO_PASS, () => {
  it("signs in with a password and runs every command with --verbose", async () => {
    await ok("login credentials", ["login", "--credentials", "-u", "secretadmin"], {
      stdin: `${PASSWORD}\n`,
    });
    await collectSecrets("legacy");
    await useEverything("legacy");
    const switched = await ok("home switch", ["home", "switch", "secretkid"], {
      stdin: `${HOME_PIN}\n`,
      secretStdout: true,
    });
    remember("home user token", switched.stdout.trim());
    await ok("PLEX_TOKEN user", ["user"], { env: { PLEX_TOKEN: switched.stdout.trim() } });
    await ok("logout legacy", ["logout"]);
  });

  it("signs in with a password and a device key (--jwt) and runs every command with --verbose", async () => {
    await ok("login credentials --jwt", ["login", "-u", "secretadmin", "--jwt", "--json"], {
      stdin: `${PASSWORD}\n`,
    });
    await collectSecrets("jwt");
    await useEverything("jwt");
    await ok("logout jwt", ["logout"]);
  });

  it("signs in with a PIN, and with a PIN and a device key (--pin-jwt), with --verbose", async () => {
    const pin = await ok("login pin", ["login", "--pin"], { onStderr: approveFromScreen() });
    assert.match(pin.stderr, /Approved/);
    await collectSecrets("pin");
    await ok("logout pin", ["logout"]);

    await ok("login pin-jwt", ["login", "--pin-jwt"], { onStderr: approveFromScreen() });
    await collectSecrets("pin-jwt");
    await ok("status pin-jwt", ["status"]);
    await ok("user pin-jwt", ["user", "--json"]);
    outputs.push({
      label: "deno status",
      run: await runCli(DENO, ["--verbose", "status"], home),
      secretStdout: false,
    });
  });

  it("fails with --verbose without printing a secret", async () => {
    const wrong = await run("wrong passphrase", ["token"], {
      env: { PLEXTV_VAULT_PASSPHRASE: `${PASSPHRASE}x` },
    });
    assert.equal(wrong.code, 4);
    const unreachable = await run("unreachable", ["user"], { env: { PLEXTV_URL: "http://127.0.0.1:9" } });
    assert.equal(unreachable.code, 1);
    const other = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: PASSPHRASE });
    try {
      const bad = await runCli(BUN, ["--verbose", "login", "-u", "secretadmin"], other, {
        stdin: `${PASSWORD}-\n`,
      });
      outputs.push({ label: "wrong password", run: bad, secretStdout: false });
      assert.equal(bad.code, 4);
      const rejected = await runCli(BUN, ["--verbose", "user"], other, {
        env: { PLEX_TOKEN: "revokedtokenrevoked0" },
      });
      outputs.push({ label: "rejected PLEX_TOKEN", run: rejected, secretStdout: false });
      assert.equal(rejected.code, 4);
      secrets.set("rejected PLEX_TOKEN", "revokedtokenrevoked0");
    } finally {
      other.cleanup();
    }
    await ok("logout pin-jwt", ["logout"]);
  });

  it("runs the demo with --verbose without printing its tokens or password", async () => {
    const demo = await run("demo", ["demo", "--approve-after", "300"]);
    assert.equal(demo.code, 0, demo.stderr);
    assert.ok(!demo.stdout.includes(emulator.users.default.password!));
    assert.doesNotMatch(demo.stdout + demo.stderr, /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/, "no JWT");
  });

  it("finds none of the secrets in any output", () => {
    const values = [...secrets.values()];
    assert.ok(
      values.some((v) => /^[\w-]{20}$/.test(v) && v !== SERVER_TOKEN),
      "a legacy token was scanned for",
    );
    assert.ok(values.filter((v) => v.startsWith("eyJ") && v.split(".").length === 3).length >= 2, "JWTs too");
    for (const kind of ["private key d", "home user token"]) {
      assert.ok([...secrets.keys()].some((name) => name.startsWith(kind)), `${kind} was scanned for`);
    }
    assert.ok(outputs.length >= 45, `scanned ${outputs.length} runs`);
    assert.ok(outputs.some((o) => o.run.stderr.includes("→ GET")), "--verbose logged requests");
    const hits: string[] = [];
    for (const { label, run, secretStdout } of outputs) {
      for (const [name, secret] of secrets) {
        if (run.stderr.includes(secret)) hits.push(`${name} on the stderr of ${label}`);
        if (!secretStdout && run.stdout.includes(secret)) hits.push(`${name} on the stdout of ${label}`);
      }
    }
    assert.deepEqual(hits, []);
  });
});
