// The keychain store against a real Secret Service (GNOME Keyring over a
// private D-Bus session bus started here): save, load, overwrite, clear, a
// 2 KB value, Unicode, two processes saving at once, the secret absent from
// the real secret-tool's /proc cmdline, and real locked / missing-service /
// missing-bus failures. Needs `apt-get install -y gnome-keyring
// libsecret-tools dbus-x11`; without them the suite is skipped, or fails
// when CI is set.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { after, before, it } from "node:test";
import { PlexError, type PlexErrorCode } from "../../lib/errors.ts";
import type { SecureData } from "../../lib/store/store.ts";
import { keychainStore, type KeychainStoreOptions, nodeSpawner } from "../../plugins/keychain.ts";
import { workerRecord } from "../_helpers/keychain_save_worker.ts";
import { runEnvironmentWorker, SECRETS_ENV } from "../_helpers/keychain_env.ts";
import { describeNeeding } from "../_helpers/needs.ts";

const TOOLS = ["secret-tool", "dbus-daemon", "gnome-keyring-daemon"];
const INSTALL = "apt-get install -y gnome-keyring libsecret-tools dbus-x11";
const missingTools = process.platform === "linux" ? TOOLS.filter((tool) => !_onPath(tool)) : [];
const skip = process.platform !== "linux"
  ? "the Secret Service tests run on Linux only"
  : missingTools.length > 0 && !process.env.CI
  ? `the Secret Service tests need ${missingTools.join(", ")} (${INSTALL})`
  : false;
if (skip) console.warn(`keychain_linux_test skipped: ${skip}`);

const MARKER = "MARKER-5d1e8c3b-keychain-proc";
const KEYRING_PASSWORD = "plextv-test-keyring";

let dir: string;
let session: Session;

describeNeeding("keychain store on a real Secret Service", skip, () => {
  before(async () => {
    if (missingTools.length > 0) {
      throw new Error(`CI must install ${missingTools.join(", ")} for the keychain tests: ${INSTALL}`);
    }
    dir = await mkdtemp(join(tmpdir(), "plextv-keychain-"));
    session = await Session.start(dir, "main", { unlockWith: KEYRING_PASSWORD });
  });
  after(async () => {
    await session?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const open = (service: string, extra: Partial<KeychainStoreOptions> = {}) =>
    keychainStore<SecureData>({ service, platform: "linux", env: session.env, timeoutMs: 10_000, ...extra });

  it("saves, loads, overwrites and clears one item", async () => {
    const store = open("plextv-test-basic");
    assert.equal(await store.load(), undefined);
    const first: SecureData = { version: 1, clientId: "client-1", token: "abcdefghij0123456789" };
    await store.save(first);
    assert.deepEqual(await store.load(), first);
    const second: SecureData = {
      ...first,
      token: "klmnopqrst0123456789",
      savedAt: "2026-01-02T03:04:05.000Z",
    };
    await store.save(second);
    assert.deepEqual(await store.load(), second);
    assert.equal(await session.countItems("plextv-test-basic", "default"), 1, "the save replaced the item");
    assert.deepEqual(
      await open("plextv-test-basic", { account: "other" }).load(),
      undefined,
      "accounts are apart",
    );
    await store.clear();
    assert.equal(await store.load(), undefined);
    assert.equal(await session.countItems("plextv-test-basic", "default"), 0);
    await store.clear();
  });

  it("keeps a 2 KB value whole", async () => {
    const store = open("plextv-test-large");
    const token = Array.from({ length: 2048 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36])
      .join("");
    const data: SecureData = { version: 1, clientId: "client-large", token };
    await store.save(data);
    const loaded = await store.load();
    assert.equal(loaded?.token?.length, 2048);
    assert.deepEqual(loaded, data);
    await store.clear();
  });

  it("keeps Unicode data and names: emoji, CJK, line breaks, quotes", async () => {
    const store = open("plextv-テスト 🔑", { account: '帳戶 "q" \\ ✓' });
    const data = {
      version: 1 as const,
      clientId: "客户端-🦊",
      token: 'line one\nline two\r\n\ttabbed "quoted" \\ back — ünïcødé 日本語 😀👍🏽',
    };
    await store.save(data);
    assert.deepEqual(await store.load(), data);
    assert.equal(await session.countItems("plextv-テスト 🔑", '帳戶 "q" \\ ✓'), 1);
    await store.clear();
    assert.equal(await store.load(), undefined);
  });

  it("leaves one complete value when two processes save at once", async () => {
    const service = "plextv-test-concurrent";
    const goFile = join(dir, "go");
    const worker = fileURLToPath(new URL("../_helpers/keychain_save_worker.ts", import.meta.url));
    const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
    const [command, prefix] = deno ? [deno.execPath(), ["run", "-A", "--quiet"]] : [process.execPath, []];
    const run = (who: string) =>
      _run(
        command,
        [...prefix, worker, service, who, "5", goFile],
        { ...process.env, ...session.env },
        30_000,
      );
    const workers = [run("alpha"), run("bravo")];
    await new Promise((r) => setTimeout(r, 300));
    await writeFile(goFile, "");
    const results = await Promise.all(workers);
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /saved 5/);
    }
    const loaded = await open(service).load();
    assert.ok(
      [workerRecord("alpha"), workerRecord("bravo")].some((record) =>
        JSON.stringify(record) === JSON.stringify(loaded)
      ),
      `one worker's complete record: ${JSON.stringify(loaded)?.slice(0, 80)}`,
    );
    assert.equal(await session.countItems(service, "default"), 1);
    await open(service).clear();
  });

  it("never puts the secret in the real secret-tool's argv (/proc/PID/cmdline)", async () => {
    const seen: { args: string[]; environ: string }[] = [];
    const watching = nodeSpawner({
      onSpawn: async (pid) => {
        // The child waits for its standard input, which is written once this returns.
        let cmdline = "";
        const until = Date.now() + 2000;
        while (!cmdline.includes("secret-tool") && Date.now() < until) {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1");
          if (!cmdline.includes("secret-tool")) await new Promise((r) => setTimeout(r, 5));
        }
        seen.push({ args: cmdline.split("\u0000"), environ: readFileSync(`/proc/${pid}/environ`, "latin1") });
      },
    });
    const store = open("plextv-test-proc", { spawn: watching });
    const data: SecureData = { version: 1, clientId: "client-proc", token: `${MARKER}-0123456789` };
    const encoded = Buffer.from(JSON.stringify(data)).toString("base64");
    await store.save(data);
    assert.deepEqual(await store.load(), data);
    await store.clear();
    const commands = seen.map((s) => s.args[1]);
    assert.deepEqual(commands, ["store", "lookup", "clear"]);
    assert.ok(seen.every((s) => s.args[0].endsWith("secret-tool")), JSON.stringify(seen.map((s) => s.args)));
    for (const { args, environ } of seen) {
      const visible = args.join(" ") + environ;
      assert.ok(!visible.includes(MARKER), `the marker is visible: ${args.join(" ")}`);
      for (let i = 0; i + 12 <= encoded.length; i += 4) {
        assert.ok(
          !visible.includes(encoded.slice(i, i + 12)),
          `a piece of the secret is visible: ${args.join(" ")}`,
        );
      }
    }
  });

  it("runs the real secret-tool with a reduced environment: no PLEX_PASSWORD, PLEX_TOKEN or passphrases", async () => {
    // A child process with the secrets in its environment; the store there gets no env option.
    const runs = await runEnvironmentWorker("real", session.env);
    assert.deepEqual(runs.map((run) => run.command), ["secret-tool", "secret-tool", "secret-tool"]);
    for (const { env } of runs) {
      for (const name of Object.keys(SECRETS_ENV)) assert.ok(!(name in env), `${name} reached secret-tool`);
      assert.ok(!JSON.stringify(env).includes("MARKER-"), "a secret value reached secret-tool");
      assert.equal(env.DBUS_SESSION_BUS_ADDRESS, session.env.DBUS_SESSION_BUS_ADDRESS);
      assert.equal(env.XDG_RUNTIME_DIR, session.env.XDG_RUNTIME_DIR);
      assert.equal(env.PATH, process.env.PATH);
    }
  });

  it("reports a missing D-Bus session, a bus without Secret Service and a locked keyring", async () => {
    const noBus = open("plextv-test-errors", {
      env: { ...session.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/none` },
    });
    const busError = await _rejection(noBus.load(), "store_unavailable");
    assert.match(busError.message, /D-Bus/);

    // Something stored in the login keyring, then a second session whose keyring daemon never unlocks it.
    await open("plextv-test-locked").save({
      version: 1,
      clientId: "client-locked",
      token: "abcdefghij0123456789",
    });
    const locked = await Session.start(dir, "locked", { startKeyring: false });
    try {
      const bare = open("plextv-test-locked", { env: locked.env });
      const serviceError = await _rejection(bare.load(), "store_unavailable");
      assert.match(serviceError.message, /No Secret Service/);
      await locked.startKeyring();
      const lockedStore = open("plextv-test-locked", { env: locked.env });
      await _rejection(lockedStore.save({ version: 1, clientId: "client-locked" }), "store_locked");
      await _rejection(lockedStore.load(), "store_locked");
      await _rejection(lockedStore.clear(), "store_locked");
    } finally {
      await locked.stop();
    }
    assert.equal((await open("plextv-test-locked").load())?.clientId, "client-locked", "nothing was lost");
    await open("plextv-test-locked").clear();
  });
});

/** A private D-Bus session bus with its own HOME and runtime folder, and a GNOME Keyring on it. */
class Session {
  readonly env: Record<string, string>;
  readonly #children: ChildProcess[] = [];
  readonly #password?: string;

  private constructor(env: Record<string, string>, password?: string) {
    this.env = env;
    this.#password = password;
  }

  static async start(
    dir: string,
    name: string,
    options: { unlockWith?: string; startKeyring?: boolean },
  ): Promise<Session> {
    const home = join(dir, "home");
    const runtime = join(dir, `run-${name}`);
    await mkdir(home, { recursive: true });
    await mkdir(runtime, { recursive: true });
    await chmod(runtime, 0o700);
    const config = join(dir, `bus-${name}.conf`);
    // A session bus without service activation: only the keyring started here answers.
    await writeFile(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${runtime}</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
    );
    const base = { HOME: home, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(home, ".local", "share") };
    const bus = spawn("dbus-daemon", [`--config-file=${config}`, "--nofork", "--print-address=1"], {
      env: { ...process.env, ...base },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const session = new Session({ ...base, DBUS_SESSION_BUS_ADDRESS: "" }, options.unlockWith);
    session.#children.push(bus);
    try {
      session.env.DBUS_SESSION_BUS_ADDRESS = await _firstLine(bus, 5000);
      if (options.startKeyring !== false) await session.startKeyring();
    } catch (err) {
      await session.stop();
      throw err;
    }
    return session;
  }

  /** Starts gnome-keyring-daemon's Secret Service, unlocked when the session has a password. */
  async startKeyring(): Promise<void> {
    const args = ["--foreground", "--components=secrets", ...(this.#password ? ["--unlock"] : [])];
    const keyring = spawn("gnome-keyring-daemon", args, {
      env: { ...process.env, ...this.env },
      stdio: ["pipe", "ignore", "pipe"],
    });
    this.#children.push(keyring);
    keyring.stdin!.end(this.#password ?? "");
    const until = Date.now() + 10_000;
    for (;;) {
      const probe = await _run("secret-tool", ["lookup", "service", "plextv-probe", "account", "probe"], {
        ...process.env,
        ...this.env,
      });
      if (probe.stderr.trim() === "") return;
      if (Date.now() > until) throw new Error(`gnome-keyring-daemon did not start: ${probe.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** How many items the keyring holds with these attributes (locked ones included). */
  async countItems(service: string, account: string): Promise<number> {
    const result = await _run("secret-tool", ["search", "--all", "service", service, "account", account], {
      ...process.env,
      ...this.env,
    });
    return (result.stdout.match(/^\[\//gm) ?? []).length;
  }

  async stop(): Promise<void> {
    for (const child of this.#children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    }
  }
}

function _firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    let errors = "";
    const timer = setTimeout(() => reject(new Error(`dbus-daemon printed no address: ${errors}`)), timeoutMs);
    child.stderr!.on("data", (chunk) => void (errors += chunk));
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      const newline = text.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(text.slice(0, newline).trim());
      }
    });
    child.once("exit", (code) => reject(new Error(`dbus-daemon exited (${code}): ${errors}`)));
  });
}

function _run(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 10_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => void (stdout += chunk));
    child.stderr!.on("data", (chunk) => void (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function _rejection(promise: Promise<unknown>, code: PlexErrorCode): Promise<PlexError> {
  const err = await promise.then(
    (value) => assert.fail(`expected ${code}, got ${JSON.stringify(value)}`),
    (err: unknown) => err,
  );
  assert.ok(err instanceof PlexError, String(err));
  assert.equal(err.code, code, `${err.code}: ${err.message}`);
  assert.ok(err.hint?.includes("--store vault:PATH"), `the hint suggests the vault: ${err.hint}`);
  return err;
}

function _onPath(tool: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, tool), constants.X_OK);
      return existsSync(join(folder, tool));
    } catch {
      return false;
    }
  });
}
