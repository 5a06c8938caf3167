/**
 * The `plextv` command in a real terminal (tmux): the PIN screen shows the
 * code, the link, a QR code of the link and a spinner with the time left,
 * Ctrl-C cancels cleanly (exit 2, nothing stored); the password and vault
 * passphrase prompts echo nothing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { drawQr } from "../lib/cli/qr.ts";
import { qrLink } from "../lib/cli/pin_screen.ts";
import { type Emulator, startEmulator } from "../lib/testing/mod.ts";
import { BUN, DENO, type Home, makeHome, REPO, type Runtime } from "./_cli_helpers.ts";

const SOCKET = `plextv-test-${process.pid}`;
let emulator: Emulator;
let sessions = 0;

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Starts the CLI in a new 100×50 terminal; returns the session name. */
function startInTerminal(rt: Runtime, args: string[], home: Home, env: Record<string, string> = {}): string {
  const name = `s${++sessions}`;
  const vars = Object.entries({ ...home.env, ...env }).map(([k, v]) => `${k}=${quote(v)}`);
  const command = [rt.command, ...rt.prefix, ...args].map(quote).join(" ");
  const script = `cd ${quote(REPO)} && env -u PLEX_TOKEN -u PLEXTV_STORE ${vars.join(" ")} ${command}; ` +
    `echo EXIT=$?; sleep 60`;
  tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "50", script);
  return name;
}

function screen(session: string): string {
  return tmux("capture-pane", "-p", "-t", session);
}

async function waitFor(session: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${pattern} on the screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  try {
    execFileSync("tmux", ["-V"], { encoding: "utf8" });
  } catch (cause) {
    throw new Error("These tests need tmux: apt-get install -y tmux", { cause });
  }
  emulator = await startEmulator();
});

after(async () => {
  try {
    tmux("kill-server");
  } catch {
    // no server left
  }
  await emulator?.close();
});

for (const rt of [DENO, BUN]) {
  describe(`plextv in a terminal under ${rt.name}`, () => {
    it("draws the PIN screen: code, link, QR code of the link, spinner with the time left", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(rt, ["login", "--pin"], home);
        const first = await waitFor(session, /Waiting for approval/);
        const code = /Code\s+(\w{4})/.exec(first)?.[1];
        assert.ok(code, `a code on the screen:\n${first}`);
        const link = /Link\s+(\S+)/.exec(first)?.[1];
        assert.equal(link, `${emulator.url}/link/?pin=${code}`);
        const lines = first.split("\n").map((l) => l.trim());
        const expected = drawQr(qrLink(link!), false).map((l) => l.trim());
        const top = lines.indexOf(expected[0]);
        assert.ok(top >= 0, `the QR code's first line is on the screen:\n${first}`);
        assert.deepEqual(lines.slice(top, top + expected.length), expected, "the QR code encodes the link");
        const spinner = /^([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Waiting for approval · (\d+):(\d\d) left · Ctrl-C to cancel$/m;
        const [, frame, minutes] = spinner.exec(first) ?? [];
        assert.ok(frame, `a spinner line:\n${first}`);
        assert.ok(Number(minutes) >= 14 && Number(minutes) <= 15, "about 15 minutes left");
        await new Promise((resolve) => setTimeout(resolve, 400));
        assert.notEqual(spinner.exec(screen(session))?.[1], frame, "the spinner turns");
        emulator.approvePin(code!);
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /✓ Approved/);
        assert.match(done, /Signed in to plex\.tv as plexuser/);
        assert.match(done, /EXIT=0/);
        assert.doesNotMatch(done, /Waiting for approval/, "the spinner line is replaced");
      } finally {
        home.cleanup();
      }
    });

    it("cancels cleanly on Ctrl-C while waiting for the PIN (exit 2, nothing stored)", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(rt, ["login"], home);
        await waitFor(session, /Waiting for approval/);
        tmux("send-keys", "-t", session, "C-c");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /^Cancelled$/m);
        assert.match(done, /EXIT=2/);
        assert.doesNotMatch(done, /error|at \w+ \(/i, "no error text or stack trace");
        assert.ok(!existsSync(join(home.env.XDG_DATA_HOME, "plextv", "plextv.vault")), "no vault written");
      } finally {
        home.cleanup();
      }
    });

    it("hides the vault passphrase and the password as they are typed", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url });
      const passphrase = "typed-passphrase-42";
      try {
        const session = startInTerminal(rt, ["login", "--credentials", "--username", "plexuser"], home);
        await waitFor(session, /New vault passphrase: *$/m);
        tmux("send-keys", "-t", session, "-l", passphrase);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.ok(!screen(session).includes(passphrase), "the passphrase is not echoed");
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /Repeat the passphrase: *$/m);
        tmux("send-keys", "-t", session, "-l", passphrase);
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /^Password: *$/m);
        tmux("send-keys", "-t", session, "-l", "plexpass");
        await new Promise((resolve) => setTimeout(resolve, 300));
        const typed = screen(session);
        assert.ok(!typed.includes("plexpass"), `the password is not echoed:\n${typed}`);
        assert.ok(!typed.includes("*"), "not even as stars");
        tmux("send-keys", "-t", session, "Enter");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.match(done, /Signed in to plex\.tv as plexuser/);
        assert.ok(!done.includes(passphrase) && !done.includes("plexpass"));
        assert.ok(
          existsSync(join(home.env.XDG_DATA_HOME, "plextv", "plextv.vault")),
          "the vault was created",
        );
      } finally {
        home.cleanup();
      }
    });
  });
}
