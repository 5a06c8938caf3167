/**
 * The `plextv` command in a real terminal (tmux): the PIN screen shows the
 * code, the link, a QR code of the link and a spinner with the time left,
 * Ctrl-C cancels cleanly (exit 2, nothing stored); the password is asked
 * before a new vault's passphrase, a mistyped password is asked again (and
 * the passphrase is not), and neither prompt echoes; `login` asks before
 * replacing a signed-in account and offers a fresh registration when plex.tv
 * forgot the device key; JSON is indented on a terminal. Under Deno, Bun
 * and Node (the npm build): raw mode, echo, Ctrl-C and terminal detection are
 * each runtime's own. Under Deno without `-A`, a permission is asked for once.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { drawQr } from "../../lib/cli/qr.ts";
import { qrLink } from "../../lib/cli/pin_screen.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import {
  CLEARED_VARIABLES,
  clientIdOf,
  decodeTerminalQr,
  DENO,
  everyRuntime,
  type Home,
  makeHome,
  ok,
  REPO,
  runCli,
  type Runtime,
  thisPass,
} from "../_helpers/cli.ts";
import { describeNeeding } from "../_helpers/needs.ts";

const SOCKET = `plextv-test-${process.pid}`;
let emulator: Emulator;
let sessions = 0;

/** Why these tests cannot run here (no tmux), or `undefined`; with `CI` set a missing tmux is an error. */
function tmuxSkipReason(): string | undefined {
  const found = spawnSync("tmux", ["-V"], { stdio: "ignore" });
  if (!found.error && found.status === 0) return undefined;
  const message = "tmux is not installed (apt-get install -y tmux)";
  if (process.env.CI) throw new Error(`${message}: CI must install it`);
  console.warn(`${message}; skipping the terminal tests`);
  return message;
}
const skip = tmuxSkipReason();

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

/** Types `text` into the terminal through a paste buffer fed on stdin, so it is never in any argv. */
function typeSecret(session: string, text: string): void {
  execFileSync("tmux", ["-L", SOCKET, "load-buffer", "-b", "secret", "-"], { input: text });
  tmux("paste-buffer", "-d", "-b", "secret", "-t", session);
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Starts the CLI in a new 100×50 terminal; returns the session name. The
 * environment (which may hold a passphrase) goes through a 0600 file that the
 * shell reads, never through argv.
 */
function startInTerminal(
  rt: Runtime,
  args: string[],
  home: Home,
  env: Record<string, string> = {},
  columns = 100,
): string {
  const name = `s${++sessions}`;
  const envFile = join(home.root, `terminal-${name}.env`);
  const lines = Object.entries({ ...home.env, ...env }).map(([k, v]) => `export ${k}=${quote(v)}\n`);
  writeFileSync(envFile, lines.join(""), { mode: 0o600 });
  const command = [rt.command, ...rt.prefix, ...args].map(quote).join(" ");
  const script = `cd ${quote(REPO)} && unset ${CLEARED_VARIABLES.join(" ")} && ` +
    `. ${quote(envFile)} && ${command}; ` +
    `echo EXIT=$?; sleep 60`;
  tmux("new-session", "-d", "-s", name, "-x", String(columns), "-y", "50", script);
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
  if (skip) return;
  emulator = await startEmulator();
});

after(async () => {
  if (skip) return;
  try {
    tmux("kill-server");
  } catch {
    // no server left
  }
  await emulator?.close();
});

const RUNTIMES = everyRuntime(skip);

for (const [name, runtime] of thisPass(RUNTIMES)) {
  describeNeeding(`plextv in a terminal under ${name}`, skip, () => {
    it("draws the PIN screen: code, link, QR code of the link, spinner with the time left", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(runtime(), ["login", "--pin"], home);
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
        assert.equal(decodeTerminalQr(lines.slice(top, top + expected.length)), qrLink(link!), "it scans");
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

    it("fits the spinner to a narrow terminal, and to one resized while it waits: one line, rewritten in place", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(runtime(), ["login", "--pin"], home);
        await waitFor(session, /Waiting for approval · \d+:\d\d left · Ctrl-C to cancel/);
        const spinnerLines = (text: string) => text.split("\n").filter((line) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(line));
        for (
          const [columns, form] of [[40, /^. Waiting for approval · \d+:\d\d left$/], [
            20,
            /^. Waiting \d+:\d\d$/,
          ]] as const
        ) {
          tmux("resize-window", "-t", session, "-x", String(columns));
          await new Promise((resolve) => setTimeout(resolve, 700)); // several frames
          const text = screen(session);
          const lines = spinnerLines(text);
          // The frame drawn just as the terminal shrank may leave one row of the old line (the runtime
          // can report the old width to it); after that, each frame rewrites the same row.
          assert.ok(
            lines.length >= 1 && lines.length <= 2,
            `one spinner line at ${columns} columns:\n${text}`,
          );
          assert.match(lines.at(-1)!, form);
          assert.ok(lines.at(-1)!.length < columns, `it fits ${columns} columns: ${lines.at(-1)}`);
          await new Promise((resolve) => setTimeout(resolve, 500)); // more frames: no new line
          assert.equal(
            spinnerLines(screen(session)).length,
            lines.length,
            `no line per frame:\n${screen(session)}`,
          );
          // At 40 columns the QR code still fits, so nothing above the spinner has moved off the screen.
          if (columns >= 40) assert.match(text, /Code\s+\w{4}/, "the code is still on the screen");
        }
        tmux("send-keys", "-t", session, "C-c");
        assert.match(await waitFor(session, /EXIT=\d+/), /EXIT=2/);
      } finally {
        home.cleanup();
      }
    });

    it("breaks the PIN screen's intro at spaces in a narrow terminal, not inside a word", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(runtime(), ["login", "--pin"], home, {}, 40);
        const text = await waitFor(session, /Waiting for approval/);
        const lines = text.split("\n");
        const top = lines.findIndex((line) => line.startsWith("Sign in to plex.tv"));
        const end = lines.findIndex((line, i) => i > top && line.trim() === "");
        assert.ok(top >= 0 && end > top + 1, `the intro, on more than one row:\n${text}`);
        const intro = lines.slice(top, end);
        assert.ok(intro.every((line) => line.length <= 40), `rows within 40 columns:\n${intro.join("\n")}`);
        // Rows joined by a space give the sentence back: every break fell between two words.
        assert.equal(
          intro.map((line) => line.trimEnd()).join(" "),
          "Sign in to plex.tv: open the link (or scan the QR code) and enter the code",
        );
        tmux("send-keys", "-t", session, "C-c");
        assert.match(await waitFor(session, /EXIT=\d+/), /EXIT=2/);
      } finally {
        home.cleanup();
      }
    });

    it("writes no escape sequence to a dumb terminal (TERM=dumb): no colours, no spinner redrawn in place", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(runtime(), ["login", "--pin"], home, { TERM: "dumb" });
        const first = await waitFor(session, /Waiting for approval \(the code expires in \d+ min\)\.\.\./);
        const code = /Code\s+(\w{4})/.exec(first)?.[1];
        assert.ok(code, first);
        // -e keeps the colours and attributes the program set: none.
        // deno-lint-ignore no-control-regex
        assert.doesNotMatch(tmux("capture-pane", "-e", "-p", "-t", session), /\x1b\[(?!0?m|39m|49m)[0-9;]*m/);
        emulator.approvePin(code!);
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.match(done, /Signed in to plex\.tv as plexuser/);
      } finally {
        home.cleanup();
      }
    });

    it("cancels cleanly on Ctrl-C while waiting for the PIN (exit 2, nothing stored)", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(runtime(), ["login"], home);
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

    it("asks for the password before a new vault's passphrase, again after a typo, and echoes neither", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url });
      const passphrase = "typed-passphrase-42";
      try {
        const session = startInTerminal(
          runtime(),
          ["login", "--credentials", "--username", "plexuser"],
          home,
        );
        const first = await waitFor(session, /^Password: *$/m);
        assert.doesNotMatch(first, /passphrase/i, "the password comes first");
        typeSecret(session, "plexpass-typo");
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /incorrect; try again\n^Password: *$/m);
        typeSecret(session, "plexpass");
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /New vault passphrase: *$/m);
        typeSecret(session, passphrase);
        tmux("send-keys", "-t", session, "Enter");
        // Once the next prompt shows, the typed text has been read: whatever it echoed is on the screen.
        const repeated = await waitFor(session, /Repeat the passphrase: *$/m);
        assert.ok(!repeated.includes(passphrase), `the passphrase is not echoed:\n${repeated}`);
        typeSecret(session, passphrase);
        tmux("send-keys", "-t", session, "Enter");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.match(done, /Signed in to plex\.tv as plexuser/);
        assert.equal(done.match(/New vault passphrase/g)?.length, 1, "the passphrase is asked once");
        assert.ok(
          !done.includes(passphrase) && !done.includes("plexpass"),
          `nothing typed is echoed:\n${done}`,
        );
        assert.ok(!/Password: *\*/.test(done), "not even as stars");
        assert.ok(
          existsSync(join(home.env.XDG_DATA_HOME, "plextv", "plextv.vault")),
          "the vault was created",
        );
      } finally {
        home.cleanup();
      }
    });

    it("asks a mistyped two-factor code again, as a password, and signs in with the right one", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        const session = startInTerminal(runtime(), ["login", "--credentials", "-u", "twofactor"], home);
        await waitFor(session, /^Password: *$/m);
        typeSecret(session, "twofactorpass");
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /^Two-factor code: *$/m);
        tmux("send-keys", "-t", session, "111111", "Enter");
        await waitFor(session, /incorrect or expired; try again\n^Two-factor code: *$/m);
        tmux("send-keys", "-t", session, "123456", "Enter");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.match(done, /Signed in to plex\.tv as twofactor/);
        assert.equal(done.match(/^Two-factor code:/gm)?.length, 2, "asked twice");
      } finally {
        home.cleanup();
      }
    });

    it("asks a mistyped vault passphrase again, and opens the vault with the right one", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        ok(await runCli(runtime(), ["login", "-u", "plexuser"], home, { stdin: "plexpass\n" }), "login");
        const session = startInTerminal(runtime(), ["status"], home, { PLEXTV_VAULT_PASSPHRASE: "" });
        await waitFor(session, /^Vault passphrase: *$/m);
        typeSecret(session, "terminal typo");
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /does not open the vault; try again\n^Vault passphrase: *$/m);
        typeSecret(session, "terminal test");
        tmux("send-keys", "-t", session, "Enter");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.match(done, /Signed in to plex\.tv as plexuser/);
        assert.ok(
          !done.includes("terminal typo") && !done.includes("terminal test"),
          `nothing is echoed:\n${done}`,
        );
      } finally {
        home.cleanup();
      }
    });

    it("asks a home member's mistyped PIN again and switches with the right one", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        ok(await runCli(runtime(), ["login", "-u", "plexuser"], home, { stdin: "plexpass\n" }), "login");
        const session = startInTerminal(runtime(), ["home", "switch", "partner"], home);
        await waitFor(session, /PIN of .*: *$/m);
        typeSecret(session, "1111");
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /incorrect; try again\n^PIN of .*: *$/m);
        typeSecret(session, "4321");
        tmux("send-keys", "-t", session, "Enter");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.match(done, /Switched to /);
        assert.ok(!done.includes("4321") && !done.includes("1111"), `no PIN is echoed:\n${done}`);
      } finally {
        home.cleanup();
      }
    });

    it("asks before replacing a signed-in account: no keeps it, yes replaces it", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        ok(
          await runCli(runtime(), ["login", "-u", "plexuser", "--jwt"], home, { stdin: "plexpass\n" }),
          "login --jwt",
        );
        const clientId = clientIdOf(home);
        const declined = startInTerminal(runtime(), ["login", "-u", "plexuser"], home);
        await waitFor(
          declined,
          /Already signed in to plex\.tv as plexuser[\s\S]*Sign in again and replace it\? \[y\/N\] *$/m,
        );
        tmux("send-keys", "-t", declined, "n", "Enter");
        const kept = await waitFor(declined, /EXIT=\d+/);
        assert.match(kept, /^Cancelled$/m);
        assert.match(kept, /EXIT=2/);
        assert.doesNotMatch(kept, /Password:/, "no password asked");
        assert.ok(emulator.registeredKey(clientId), "the signed-in device is untouched");
        const accepted = startInTerminal(runtime(), ["login", "-u", "plexuser"], home);
        await waitFor(accepted, /replace it\? \[y\/N\] *$/m);
        tmux("send-keys", "-t", accepted, "y", "Enter");
        await waitFor(accepted, /^Password: *$/m);
        typeSecret(accepted, "plexpass");
        tmux("send-keys", "-t", accepted, "Enter");
        const done = await waitFor(accepted, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.equal(emulator.registeredKey(clientId), undefined, "the old device key was removed");
      } finally {
        home.cleanup();
      }
    });

    it("offers a fresh registration when plex.tv forgot the device key", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "terminal test" });
      try {
        ok(
          await runCli(runtime(), ["login", "-u", "plexuser", "--jwt"], home, { stdin: "plexpass\n" }),
          "login --jwt",
        );
        const before = clientIdOf(home);
        emulator.removeDevice(before);
        const session = startInTerminal(runtime(), ["login", "-u", "plexuser", "--jwt"], home);
        await waitFor(
          session,
          /no longer knows this device's key[\s\S]*new client identifier\? \[Y\/n\] *$/m,
        );
        tmux("send-keys", "-t", session, "Enter");
        await waitFor(session, /^Password: *$/m);
        typeSecret(session, "plexpass");
        tmux("send-keys", "-t", session, "Enter");
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /EXIT=0/);
        assert.notEqual(clientIdOf(home), before);
        assert.ok(emulator.registeredKey(clientIdOf(home)));
      } finally {
        home.cleanup();
      }
    });

    it("indents JSON on a terminal", async () => {
      const home = makeHome({ PLEXTV_URL: emulator.url });
      try {
        const token = emulator.issueLegacyToken({ clientId: "terminal-json" });
        const session = startInTerminal(runtime(), ["token", "--json"], home, { PLEX_TOKEN: token });
        const done = await waitFor(session, /EXIT=\d+/);
        assert.match(done, /^\{\n {2}"token": "[\w-]+",\n {2}"type": "legacy",/m);
      } finally {
        home.cleanup();
      }
    });
  });
}

describeNeeding("plextv in a terminal under Deno without -A", skip, () => {
  it("asks for the environment once, and says how to grant it when it is refused", async () => {
    const home = makeHome();
    try {
      const denied: Runtime = {
        name: "deno without -A",
        command: DENO.command,
        prefix: ["run", join(REPO, "cli.ts")],
      };
      // `token` alone: the quick answer (lib/cli/quick_token.ts) steps aside instead of asking a first time.
      const session = startInTerminal(denied, ["token"], home, { PLEX_TOKEN: "abcdefghij0123456789" });
      await waitFor(session, /Allow\?/);
      // Deno reads the answer once its prompt is drawn: the key, then a moment later Enter.
      tmux("send-keys", "-t", session, "n");
      await new Promise((resolve) => setTimeout(resolve, 500));
      tmux("send-keys", "-t", session, "Enter");
      const done = await waitFor(session, /EXIT=\d+/);
      assert.match(done, /EXIT=1/);
      assert.equal(done.match(/Denied env access/g)?.length, 1, `one question:\n${done}`);
      assert.match(
        done,
        /error: Deno refused a permission plextv needs: Requires env access to "PLEX_TOKEN"/,
      );
    } finally {
      home.cleanup();
    }
  });
});
