/**
 * The `plextv` command's less common paths, end to end against the emulator:
 * a two-factor sign-in with --code, a strong PIN, --quiet, the env: store fed
 * by `keys export`, and the `emulator` command itself.
 */
import { after, before, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { freePort } from "../_helpers/raw_http_server.ts";
import { approvePinFromScreen, BUN, makeHome, REPO, type Run, runCli } from "../_helpers/cli.ts";

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

function ok(run: Run, what: string): Run {
  assert.equal(run.code, 0, `${what} failed (${run.code}):\n${run.stderr}`);
  return run;
}

describeNeeding("plextv sign-in paths", RUN_BY_DENO_PASS, () => {
  it("signs in a two-factor account with --code (password on stdin)", async () => {
    const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "cli flows" });
    try {
      const { username, password, verificationCode } = emulator.users.twoFactor;
      const login = ok(
        await runCli(
          BUN,
          ["login", "--credentials", "--username", username, "--code", verificationCode!],
          home,
          {
            stdin: `${password}\n`,
          },
        ),
        "login --code",
      );
      assert.match(login.stderr, /Signed in to plex\.tv as twofactor/);
      assert.equal(
        ok(await runCli(BUN, ["user", "--json"], home), "user").stdout.includes('"twofactor"'),
        true,
      );
    } finally {
      home.cleanup();
    }
  });

  it("signs in with a strong PIN through the auth app link", async () => {
    const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "cli flows" });
    try {
      const login = ok(
        await runCli(BUN, ["login", "--strong"], home, {
          onStderr: approvePinFromScreen((code) => emulator.approvePin(code)),
        }),
        "login --strong",
      );
      const link = /Link\s+(\S+)/.exec(login.stderr)?.[1] ?? "";
      assert.ok(link.startsWith(`${emulator.url}/auth#?clientID=`), link);
      assert.match(link, /&code=[A-Za-z0-9]{20,}/);
      assert.match(login.stderr, /Signed in to plex\.tv as plexuser/);
    } finally {
      home.cleanup();
    }
  });

  it("--quiet leaves stderr empty on success and keeps the data on stdout", async () => {
    const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "cli flows" });
    try {
      const login = ok(
        await runCli(BUN, ["login", "--credentials", "--username", "plexuser", "--quiet"], home, {
          stdin: "plexpass\n",
        }),
        "login --quiet",
      );
      assert.equal(login.stderr, "");
      const user = ok(await runCli(BUN, ["user", "--json", "--quiet"], home), "user --quiet");
      assert.equal(user.stderr, "");
      assert.equal(JSON.parse(user.stdout).username, "plexuser");
    } finally {
      home.cleanup();
    }
  });
});

describeNeeding("the env: store fed by keys export", RUN_BY_DENO_PASS, () => {
  it("runs a container-style token call with no vault and no request", async () => {
    const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: "cli flows" });
    try {
      ok(
        await runCli(BUN, ["login", "--credentials", "--username", "plexuser", "--jwt"], home, {
          stdin: "plexpass\n",
        }),
        "login --jwt",
      );
      const stored = ok(await runCli(BUN, ["token"], home), "token").stdout.trim();
      const exported =
        ok(await runCli(BUN, ["keys", "export", "--format", "env"], home), "keys export").stdout;
      const variables = Object.fromEntries(
        exported.trim().split("\n").filter((line) => /^PLEXTV_[A-Z_]+=/.test(line)).map((line) => {
          const at = line.indexOf("=");
          return [line.slice(0, at), line.slice(at + 1).replace(/^'(.*)'$/, "$1")];
        }),
      );
      assert.ok(variables.PLEXTV_PRIVATE_KEY && variables.PLEXTV_KEY_ID && variables.PLEXTV_CLIENT_ID);
      emulator.resetRequests();
      const container = makeHome({ PLEXTV_URL: emulator.url, ...variables });
      try {
        const token = ok(await runCli(BUN, ["token", "--store", "env:"], container), "token from env:");
        assert.equal(token.stdout.trim(), stored);
        assert.equal(emulator.requests.length, 0);
      } finally {
        container.cleanup();
      }
    } finally {
      home.cleanup();
    }
  });
});

describeNeeding("plextv emulator", RUN_BY_DENO_PASS, () => {
  it("serves plex.tv on the given loopback port until Ctrl-C", async () => {
    const port = await freePort();
    const child = spawn(BUN.command, [...BUN.prefix, "emulator", "--port", String(port)], { cwd: REPO });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<string>((resolve) =>
      child.on("close", (code, signal) => resolve(`${code}/${signal}`))
    );
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes(`http://127.0.0.1:${port}`)) {
        assert.ok(Date.now() < deadline, `no URL printed:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const keys = await fetch(`http://127.0.0.1:${port}/api/v2/auth/keys`, {
        headers: { "X-Plex-Client-Identifier": "cli-flows-test", Accept: "application/json" },
      });
      assert.equal(keys.status, 200);
      assert.equal((await keys.json()).keys[0].crv, "Ed25519");
      assert.match(output, /plexuser \/ plexpass/);
    } finally {
      child.kill("SIGINT");
    }
    // Deno's child_process reports a child it signalled as ended by the signal, even when the child
    // handled it and exited 0: the proof of a clean stop is the child's own last line.
    assert.ok(["0/null", "null/SIGINT"].includes(await exited));
    assert.match(output, /Emulator stopped\n$/);
  });
});
