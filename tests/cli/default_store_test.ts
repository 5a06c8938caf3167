/**
 * The default store of `plextv`: the OS keychain when one is usable (here a
 * GNOME Keyring on a private D-Bus session bus started by the test), a
 * passphrase-protected vault otherwise, never plaintext; `status` says which
 * store is in use and why. Needs `apt-get install -y gnome-keyring
 * libsecret-tools dbus-x11`; without them the keychain half is skipped (and
 * fails when CI is set).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { BUN, type Home, makeHome, ok, runCli, vaultOf } from "../_helpers/cli.ts";

const TOOLS = ["secret-tool", "dbus-daemon", "gnome-keyring-daemon"];
const missing = process.platform === "linux"
  ? TOOLS.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
  : TOOLS;
if (missing.length && process.env.CI && process.platform === "linux") {
  throw new Error(
    `CI must install ${missing.join(", ")} (apt-get install -y gnome-keyring libsecret-tools dbus-x11)`,
  );
}
const skip = missing.length ? `the keychain default needs ${missing.join(", ")} on Linux` : false;
if (skip) console.warn(`default_store_test: ${skip}; skipping the keychain half`);

let emulator: Emulator;
const children: ChildProcess[] = [];

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  for (const child of children.reverse()) child.kill("SIGTERM");
  await emulator?.close();
});

/** A session bus of its own (no service activation) with an unlocked GNOME Keyring on it. */
async function keyringSession(home: Home): Promise<Record<string, string>> {
  const runtime = join(home.root, "run");
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const config = join(home.root, "bus.conf");
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${runtime}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
  );
  const base = { HOME: home.root, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(home.root, "keyring-data") };
  const bus = spawn("dbus-daemon", [`--config-file=${config}`, "--nofork", "--print-address=1"], {
    env: { ...process.env, ...base },
    stdio: ["ignore", "pipe", "ignore"],
  });
  children.push(bus);
  const address = await new Promise<string>((resolve, reject) => {
    let text = "";
    bus.stdout!.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) resolve(text.trim());
    });
    bus.once("exit", (code) => reject(new Error(`dbus-daemon exited ${code}`)));
  });
  const env: Record<string, string> = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
  const keyring = spawn("gnome-keyring-daemon", ["--foreground", "--components=secrets", "--unlock"], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "ignore", "ignore"],
  });
  children.push(keyring);
  keyring.stdin!.end("default-store-test");
  for (const until = Date.now() + 10_000;;) {
    const probe = spawnSync("secret-tool", ["lookup", "service", "probe", "account", "probe"], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (probe.stderr.trim() === "") return { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtime };
    if (Date.now() > until) throw new Error(`gnome-keyring-daemon did not start: ${probe.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeNeeding("plextv default store", RUN_BY_DENO_PASS, () => {
  it("is a vault when no keychain is usable, and status says why", async () => {
    const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "default store" });
    try {
      ok(await runCli(BUN, ["login", "-u", "plexuser"], home, { stdin: "plexpass\n" }), "login");
      assert.ok(existsSync(vaultOf(home)));
      const status = JSON.parse(ok(await runCli(BUN, ["status", "--json"], home), "status").stdout);
      assert.match(status.store, /^vault:.*plextv\.vault$/);
      assert.equal(status.storeFrom, "default");
      assert.match(status.storeReason, /vault in the data folder already exists/);
      const text = ok(await runCli(BUN, ["status"], home), "status").stdout;
      assert.match(text, /Store: +vault:\S+ \(the default: the vault in the data folder already exists\)/);
      const other = makeHome({ PLEXTV_URL: emulator.url });
      try {
        const signedOut = JSON.parse((await runCli(BUN, ["status", "--json"], other)).stdout);
        // No session bus in a CLI sandbox, or, on a machine without libsecret-tools, no secret-tool at all.
        const why = missing.includes("secret-tool") ? /secret-tool/ : /D-Bus/;
        assert.match(signedOut.storeReason, /^no OS keychain is usable \(.*\), so a vault$/);
        assert.match(signedOut.storeReason, why);
      } finally {
        other.cleanup();
      }
    } finally {
      home.cleanup();
    }
  });

  it("is the OS keychain when one is usable: no passphrase, no file", { skip }, async () => {
    const home = makeHome({ PLEXTV_URL: emulator.url });
    try {
      const env = await keyringSession(home);
      const login = ok(
        await runCli(BUN, ["login", "-u", "plexuser"], home, { stdin: "plexpass\n", env }),
        "login",
      );
      assert.match(login.stderr, /Saved in keychain:plextv/);
      assert.doesNotMatch(login.stderr, /passphrase/i);
      assert.ok(!existsSync(vaultOf(home)), "no vault file");
      const item = spawnSync("secret-tool", ["lookup", "service", "plextv", "account", "default"], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      assert.ok(item.stdout.length > 20, "the keychain holds the item");
      const status = JSON.parse(ok(await runCli(BUN, ["status", "--json"], home, { env }), "status").stdout);
      assert.equal(status.store, "keychain:plextv");
      assert.equal(status.storeReason, "the OS keychain is usable");
      const token = ok(await runCli(BUN, ["token"], home, { env }), "token").stdout;
      assert.match(token, /^[\w-]{20}\n$/);
      ok(await runCli(BUN, ["logout"], home, { env }), "logout");
      const cleared = spawnSync("secret-tool", ["lookup", "service", "plextv", "account", "default"], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      assert.equal(cleared.stdout, "", "logout cleared the item");
    } finally {
      home.cleanup();
    }
  });
});
