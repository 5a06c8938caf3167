// The keychain store's three backends through a recording spawner: the exact
// commands, arguments and standard input each OS tool gets (the secret only on
// standard input, never in an argument), the parsing of recorded tool output
// (macOS hex passwords, not-found exits, locked keychains, PowerShell error
// output), size limits checked before any tool runs, and timeouts.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { PlexError, type PlexErrorCode } from "../../lib/errors.ts";
import type { SecureData } from "../../lib/store/store.ts";
import { StoreRegistry } from "../../lib/store/registry.ts";
import {
  CRED_MAX_CREDENTIAL_BLOB_SIZE,
  keychainBackendFor,
  keychainScheme,
  keychainStore,
  type KeychainStoreOptions,
  nodeSpawner,
  parseKeychainUri,
  type Spawner,
  type SpawnRequest,
  type SpawnResult,
} from "../../plugins/keychain.ts";
import { windowsScript } from "../../plugins/_keychain_windows.ts";
import { runEnvironmentWorker, SECRETS_ENV } from "../_helpers/keychain_env.ts";

const MARKER = "MARKER-9f3c2a7e-secret-token";
const DATA: SecureData = {
  version: 1,
  clientId: "0d6e7f2a-5b1c-4e8f-9a3d-2c4b6e8f0a1b",
  token: `${MARKER}-abcdefghij0123456789`,
  privateKey: { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", d: "nWGxne" },
};
const ENCODED = Buffer.from(JSON.stringify(DATA), "utf8").toString("base64");

interface Recorded extends SpawnRequest {
  signalAborted: () => boolean;
}

/** A spawner that records every request and answers with `answer(request, index)`. */
function recorder(
  answer: (request: SpawnRequest, index: number) => Partial<SpawnResult> | Promise<Partial<SpawnResult>>,
): Spawner & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  const spawn = async (request: SpawnRequest): Promise<SpawnResult> => {
    calls.push({ ...request, signalAborted: () => request.signal.aborted });
    const result = await answer(request, calls.length - 1);
    return { exitCode: 0, signal: null, stdout: "", stderr: "", ...result };
  };
  return Object.assign(spawn, { calls });
}

function store(platform: string, spawn: Spawner, extra: Partial<KeychainStoreOptions> = {}) {
  return keychainStore<SecureData>({ service: "my-app", account: "work", platform, spawn, ...extra });
}

/** The secret, its encodings and long pieces of them never appear in any argument. */
function assertNoSecretInArgs(calls: SpawnRequest[], secrets: string[] = [ENCODED, MARKER]): void {
  assert.ok(calls.length > 0, "the tool ran");
  for (const call of calls) {
    const argv = [call.command, ...call.args].join("\u0000");
    for (const secret of secrets) {
      for (let i = 0; i + 12 <= secret.length; i += 4) {
        assert.ok(!argv.includes(secret.slice(i, i + 12)), `a piece of the secret is in argv: ${argv}`);
      }
    }
  }
}

async function rejection(promise: Promise<unknown>, code: PlexErrorCode): Promise<PlexError> {
  const err = await promise.then(
    (value) => assert.fail(`expected ${code}, got ${inspect(value)}`),
    (err: unknown) => err,
  );
  assert.ok(err instanceof PlexError, inspect(err));
  assert.equal(err.code, code, `${err.code}: ${err.message}`);
  assert.ok(err.hint?.includes("--store vault:PATH"), `the hint suggests the vault: ${err.hint}`);
  const shown = [err.message, err.hint, inspect(err)].join("\n");
  assert.ok(!shown.includes(ENCODED.slice(8, 40)), `the secret leaked: ${err.message}`);
  assert.ok(!shown.includes(MARKER), `the secret leaked: ${err.message}`);
  return err;
}

describe("keychain store options and URIs", () => {
  it("picks the backend of the platform", () => {
    assert.equal(keychainBackendFor("darwin"), "macos");
    assert.equal(keychainBackendFor("win32"), "windows");
    assert.equal(keychainBackendFor("linux"), "secret-service");
    assert.equal(keychainBackendFor("freebsd"), "secret-service");
    assert.equal(keychainStore({ service: "x" }).backend, keychainBackendFor(process.platform));
  });

  it("parses keychain:SERVICE[/ACCOUNT] and opens the store by URI", async () => {
    assert.deepEqual(parseKeychainUri("my-app"), { service: "my-app", account: "default" });
    assert.deepEqual(parseKeychainUri("my-app/work/2"), { service: "my-app", account: "work/2" });
    for (const bad of ["", "/work", "my-app/"]) {
      assert.throws(
        () => parseKeychainUri(bad),
        (err) => err instanceof PlexError && err.code === "invalid_argument",
      );
    }
    const spawn = recorder(() => ({ exitCode: 1 }));
    const opened = await new StoreRegistry(keychainScheme).open("keychain:my-app/work", {
      keychain: { platform: "linux", spawn },
    });
    assert.equal(await opened.load(), undefined);
    assert.deepEqual(spawn.calls[0].args, ["lookup", "service", "my-app", "account", "work"]);
    const macos = recorder(() => ({ exitCode: 44 }));
    const defaulted = await new StoreRegistry(keychainScheme).open("keychain:my-app", {
      keychain: { platform: "darwin", spawn: macos },
    });
    await defaulted.clear();
    assert.deepEqual(macos.calls[0].args, ["delete-generic-password", "-s", "my-app", "-a", "default"]);
    await assert.rejects(
      new StoreRegistry(keychainScheme).open("keychain:", {}),
      (err) => err instanceof PlexError && err.code === "invalid_argument",
    );
  });

  it("rejects unusable names and timeouts before running anything", () => {
    for (
      const options of [
        { service: "" },
        { service: "my-app\nadd-generic-password -s x" },
        { service: "my-app", account: "a\u0000b" },
        { service: "x".repeat(257) },
        { service: "my-app", timeoutMs: 0 },
        { service: "my-app", timeoutMs: Number.NaN },
        { service: "my-app", timeoutMs: 3e9 },
        { service: "my-app", timeoutMs: 2.5 },
      ]
    ) {
      assert.throws(
        () => keychainStore(options),
        (err) => err instanceof PlexError && err.code === "invalid_argument",
        JSON.stringify(options),
      );
    }
  });

  it("refuses options that are not an object of its options, before running anything", async () => {
    const spawn = recorder(() => ({ exitCode: 1 }));
    const refusals: [unknown, string][] = [
      [undefined, "A keychain store's options must be an object"],
      [null, "A keychain store's options must be an object"],
      ["my-app", "A keychain store's options must be an object"],
      [{ service: "my-app", acount: "work", spawn }, "A keychain store has no option acount"],
      [
        { service: "my-app", platform: 5, spawn },
        "The keychain's platform must be a process.platform string",
      ],
      [{ service: "my-app", spawn: "secret-tool" }, "The keychain's spawn must be a function"],
      [
        { service: "my-app", env: "HOME=/tmp", spawn },
        "The keychain's env must be an object of variable names and values",
      ],
      [
        { service: "my-app", env: { HOME: 5 }, spawn },
        "The keychain's env variable HOME must be a string or undefined",
      ],
    ];
    for (const [options, message] of refusals) {
      assert.throws(() => keychainStore(options as never), {
        name: "PlexError",
        code: "invalid_argument",
        message,
      });
    }
    await assert.rejects(new StoreRegistry(keychainScheme).open("keychain:my-app", { keychain: "linux" }), {
      code: "invalid_argument",
      message: "The keychain option must be an object of keychain store options",
    });
    await assert.rejects(
      new StoreRegistry(keychainScheme).open("keychain:my-app", {
        keychain: { platform: "linux", spwan: spawn },
      }),
      { code: "invalid_argument", message: "A keychain store has no option spwan" },
    );
    assert.equal(spawn.calls.length, 0);
  });

  it("refuses to save undefined and reports foreign item contents as store_corrupt", async () => {
    const spawn = recorder(() => ({ stdout: "not base64 json!" }));
    const linux = store("linux", spawn);
    await assert.rejects(
      linux.save(undefined as unknown as SecureData),
      (err) => err instanceof PlexError && err.code === "invalid_argument",
    );
    assert.equal(spawn.calls.length, 0);
    const err = await linux.load().then(() => assert.fail("expected store_corrupt"), (err: unknown) => err);
    assert.ok(err instanceof PlexError && err.code === "store_corrupt", inspect(err));
    assert.ok(err.message.includes("my-app/work") && !err.message.includes("not base64"), err.message);
  });

  it("passes the env option over the tools' reduced environment", async () => {
    const spawn = recorder(() => ({ exitCode: 1 }));
    await store("linux", spawn, { env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/tmp/bus", HOME: undefined } })
      .load();
    const env = spawn.calls[0].env!;
    assert.equal(env.DBUS_SESSION_BUS_ADDRESS, "unix:path=/tmp/bus");
    assert.equal(env.PATH, process.env.PATH);
    assert.ok(!("HOME" in env));
    await store("linux", spawn).load();
    assert.ok(spawn.calls.at(-1)!.env, "without the option the tools still get the reduced environment");
  });

  it("never hands the tools PLEX_PASSWORD, PLEX_TOKEN, passphrases or other secrets set in the environment", async () => {
    const runs = await runEnvironmentWorker("fake");
    assert.deepEqual([...new Set(runs.map((run) => run.platform))], ["linux", "darwin", "win32"]);
    for (const { platform, env } of runs) {
      assert.ok(env, `${platform}: the tool gets an environment of its own`);
      for (const name of Object.keys(SECRETS_ENV)) {
        assert.ok(!(name in env), `${platform}: ${name} reached the tool`);
      }
      assert.ok(!JSON.stringify(env).includes("MARKER-"), `${platform}: a secret value reached the tool`);
      assert.equal(env.PATH, process.env.PATH, `${platform}: PATH is kept`);
      assert.equal(
        env.DBUS_SESSION_BUS_ADDRESS,
        "unix:path=/tmp/plextv-test-bus",
        `${platform}: the bus is kept`,
      );
      assert.equal(env.XDG_RUNTIME_DIR, "/tmp/plextv-test-run", `${platform}: XDG_* is kept`);
      assert.equal(env.SystemRoot, "C:\\Windows", `${platform}: SystemRoot is kept`);
    }
  });
});

describe("macOS backend (security)", () => {
  it("saves through security -i with the command on stdin", async () => {
    const spawn = recorder(() => ({ exitCode: 0 }));
    await store("darwin", spawn).save(DATA);
    assert.equal(spawn.calls.length, 1);
    const [call] = spawn.calls;
    assert.equal(call.command, "/usr/bin/security");
    assert.deepEqual(call.args, ["-i"]);
    assert.equal(
      call.stdin,
      `add-generic-password -U -s "my-app" -a "work" -l "my-app (work)" -w "${ENCODED}"\n`,
    );
    assertNoSecretInArgs(spawn.calls);
  });

  it("quotes names for security's parser", async () => {
    const spawn = recorder(() => ({ exitCode: 0 }));
    await keychainStore({ service: 'my "app" \\ x', account: "wörk", platform: "darwin", spawn }).save(DATA);
    assert.ok(
      spawn.calls[0].stdin.startsWith(
        'add-generic-password -U -s "my \\"app\\" \\\\ x" -a "wörk" -l "my \\"app\\" \\\\ x (wörk)" -w ',
      ),
      spawn.calls[0].stdin,
    );
  });

  it("retries a duplicate-item race once and then updates", async () => {
    const spawn = recorder((_, i) =>
      i === 0
        ? {
          exitCode: 45,
          stderr:
            "security: SecKeychainItemCreateFromContent (<default>): The specified item already exists in the keychain.\n",
        }
        : {}
    );
    await store("darwin", spawn).save(DATA);
    assert.equal(spawn.calls.length, 2);
    assert.equal(spawn.calls[1].stdin, spawn.calls[0].stdin);
  });

  it("loads with find-generic-password -w, plain or hex output", async () => {
    const plain = recorder(() => ({ stdout: `${ENCODED}\n` }));
    assert.deepEqual(await store("darwin", plain).load(), DATA);
    assert.equal(plain.calls[0].command, "/usr/bin/security");
    assert.deepEqual(plain.calls[0].args, ["find-generic-password", "-s", "my-app", "-a", "work", "-w"]);
    assert.equal(plain.calls[0].stdin, "");

    // security prints a password holding non-ASCII characters or line breaks as hex digits.
    const hex = recorder(() => ({ stdout: `${Buffer.from(`${ENCODED}\n`).toString("hex")}\n` }));
    assert.deepEqual(await store("darwin", hex).load(), DATA);
    const upper = recorder(() => ({ stdout: `${Buffer.from(ENCODED).toString("hex").toUpperCase()}\n` }));
    assert.deepEqual(await store("darwin", upper).load(), DATA);
    const foreign = recorder(() => ({ stdout: `${Buffer.from("mot de passe\u00e9\n").toString("hex")}\n` }));
    await assert.rejects(
      store("darwin", foreign).load(),
      (err) => err instanceof PlexError && err.code === "store_corrupt",
    );
  });

  it("answers undefined for a missing item and clears idempotently", async () => {
    const stderr =
      "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n";
    const missing = recorder(() => ({ exitCode: 44, stderr }));
    assert.equal(await store("darwin", missing).load(), undefined);
    await store("darwin", missing).clear();
    assert.deepEqual(missing.calls[1].args, ["delete-generic-password", "-s", "my-app", "-a", "work"]);
    const cleared = recorder(() => ({ exitCode: 0 }));
    await store("darwin", cleared).clear();
    assert.equal(cleared.calls.length, 1);
  });

  it("maps security's exit codes to typed errors", async () => {
    const cases: [number, string, PlexErrorCode][] = [
      [36, "security: SecKeychainItemCopyContent: User interaction is not allowed.", "store_locked"],
      [
        51,
        "security: SecKeychainItemCopyContent: The user name or passphrase you entered is not correct.",
        "store_locked",
      ],
      [128, "security: SecKeychainItemCopyContent: User canceled the operation.", "access_denied"],
      [
        50,
        "security: SecKeychainCopyDefault: The specified keychain could not be found.",
        "store_unavailable",
      ],
      [1, `security: unexpected failure near ${ENCODED}`, "store_error"],
    ];
    for (const [exitCode, stderr, code] of cases) {
      const spawn = recorder(() => ({ exitCode, stderr }));
      const err = await rejection(store("darwin", spawn).load(), code);
      if (code === "store_error") {
        assert.ok(err.message.includes("exit 1") && err.message.includes("***"), err.message);
      }
      await rejection(store("darwin", spawn).save(DATA), code);
    }
  });

  it("refuses data longer than a security -i line before running it", async () => {
    const spawn = recorder(() => ({}));
    const big = { ...DATA, token: "t".repeat(3000) };
    const err = await rejection(store("darwin", spawn).save(big), "store_error");
    assert.match(err.message, /too large for the macOS keychain/);
    assert.equal(spawn.calls.length, 0);
    await store("darwin", spawn).save({ ...DATA, token: "t".repeat(2800) });
    assert.equal(spawn.calls.length, 1);
  });
});

describe("Linux backend (secret-tool)", () => {
  it("stores with the secret on stdin and the attributes in argv", async () => {
    const spawn = recorder(() => ({}));
    await store("linux", spawn).save(DATA);
    assert.equal(spawn.calls.length, 1);
    assert.equal(spawn.calls[0].command, "secret-tool");
    assert.deepEqual(spawn.calls[0].args, [
      "store",
      "--label=my-app (work)",
      "service",
      "my-app",
      "account",
      "work",
    ]);
    assert.equal(spawn.calls[0].stdin, ENCODED);
    assertNoSecretInArgs(spawn.calls);
  });

  it("looks up and clears by attributes", async () => {
    const spawn = recorder(() => ({ stdout: ENCODED }));
    assert.deepEqual(await store("linux", spawn).load(), DATA);
    await store("linux", spawn).clear();
    assert.deepEqual(spawn.calls.map((c) => c.args), [
      ["lookup", "service", "my-app", "account", "work"],
      ["clear", "service", "my-app", "account", "work"],
    ]);
    assert.ok(spawn.calls.every((c) => c.stdin === ""));
  });

  it("tells a missing item from a locked one with a search", async () => {
    const missing = recorder(() => ({ exitCode: 1 }));
    assert.equal(await store("linux", missing).load(), undefined);
    await store("linux", missing).clear();
    assert.deepEqual(missing.calls.map((c) => c.args[0]), ["lookup", "search", "clear", "search"]);
    assert.deepEqual(missing.calls[1].args, ["search", "service", "my-app", "account", "work"]);

    // Recorded from gnome-keyring with a locked login collection.
    const lockedSearch = {
      exitCode: 0,
      stdout: "[/1]\nlabel = \ncreated = \nmodified = \nschema = org.freedesktop.Secret.Generic\n",
      stderr: "secret-tool: Cannot get secret of a locked object\n" +
        "attribute.gkr:compat:hashed:account = 8a8bb7cd343aa2ad99b7d762030857a2\n",
    };
    const locked = recorder((request) => request.args[0] === "search" ? lockedSearch : { exitCode: 1 });
    const err = await rejection(store("linux", locked).load(), "store_locked");
    assert.match(err.hint!, /Unlock/);
    await rejection(store("linux", locked).clear(), "store_locked");
  });

  it("maps secret-tool's error output to typed errors", async () => {
    const cases: [string, PlexErrorCode, RegExp][] = [
      ["secret-tool: Cannot create an item in a locked collection", "store_locked", /locked/],
      [
        "secret-tool: The name org.freedesktop.secrets was not provided by any .service files",
        "store_unavailable",
        /No Secret Service/,
      ],
      ["secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY", "store_unavailable", /D-Bus/],
      ["secret-tool: Could not connect: No such file or directory", "store_unavailable", /D-Bus/],
      ["secret-tool: Prompt dismissed", "access_denied", /dismissed/],
      [
        "secret-tool: GDBus.Error:org.freedesktop.DBus.Error.AccessDenied: refused",
        "access_denied",
        /denied/,
      ],
      ["secret-tool: Timeout was reached", "timeout", /did not answer/],
      [`secret-tool: something odd with ${ENCODED}`, "store_error", /exit 1/],
    ];
    for (const [stderr, code, message] of cases) {
      const spawn = recorder(() => ({ exitCode: 1, stderr: `${stderr}\n` }));
      const err = await rejection(store("linux", spawn).save(DATA), code);
      assert.match(err.message, message);
      await rejection(store("linux", spawn).load(), code);
    }
  });

  it("refuses data longer than secret-tool reads before running it", async () => {
    const spawn = recorder(() => ({}));
    const err = await rejection(
      store("linux", spawn).save({ ...DATA, token: "t".repeat(6200) }),
      "store_error",
    );
    assert.match(err.message, /at most 8191/);
    assert.equal(spawn.calls.length, 0);
  });
});

describe("Windows backend (PowerShell and Credential Manager)", () => {
  const env = { SystemRoot: "C:\\Windows" };
  const POWERSHELL = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
  const line = (text: string | Uint8Array) => `#${Buffer.from(text).toString("base64")}\n`;

  it("writes through a fixed script on stdin, the data as lines after it", async () => {
    const spawn = recorder(() => ({ stdout: "plextv:ok\r\n" }));
    await store("win32", spawn, { env }).save(DATA);
    assert.equal(spawn.calls.length, 1);
    const [call] = spawn.calls;
    assert.equal(call.command, POWERSHELL);
    assert.deepEqual(call.args, ["-NoProfile", "-NonInteractive", "-Command", "-"]);
    const script = windowsScript("write");
    assert.equal(call.stdin, script + line("my-app/work") + line("work") + line(ENCODED));
    assertNoSecretInArgs(spawn.calls);
    assert.ok(!script.includes(ENCODED) && !script.includes("my-app"), "no data inside the script text");
  });

  it("runs scripts that PowerShell's stdin mode executes whole and that hold no data", () => {
    for (const operation of ["read", "write", "delete"] as const) {
      const script = windowsScript(operation);
      assert.ok(script.startsWith("& {\n") && script.endsWith("\n}\n\n"), operation);
      assert.equal(script.split("\n").filter((l) => l === "").length, 2, "only the closing empty line");
      assert.match(script, /^[\n\t -~]*$/, "ASCII only");
      assert.ok(script.includes("[Console]::In.ReadLine()"));
    }
    assert.match(windowsScript("read"), /CredReadW[\s\S]*::Read\(\$target/);
    assert.match(windowsScript("write"), /CredWriteW[\s\S]*::Write\(\$target, \$user, \$blob\)/);
    assert.match(windowsScript("delete"), /CredDeleteW[\s\S]*::Delete\(\$target\)/);
  });

  it("reads the credential blob from the script's answer", async () => {
    const spawn = recorder(() => ({ stdout: `plextv:value:${Buffer.from(ENCODED).toString("base64")}\r\n` }));
    assert.deepEqual(await store("win32", spawn, { env }).load(), DATA);
    assert.equal(spawn.calls[0].stdin, windowsScript("read") + line("my-app/work"));
    const missing = recorder(() => ({ exitCode: 2, stdout: "plextv:notfound\r\n" }));
    assert.equal(await store("win32", missing, { env }).load(), undefined);
  });

  it("deletes, and a missing credential is already cleared", async () => {
    const gone = recorder(() => ({ exitCode: 2, stdout: "plextv:notfound\r\n" }));
    await store("win32", gone, { env }).clear();
    assert.equal(gone.calls[0].stdin, windowsScript("delete") + line("my-app/work"));
    const deleted = recorder(() => ({ stdout: "plextv:ok\r\n" }));
    await store("win32", deleted, { env }).clear();
  });

  it("maps Win32 errors and PowerShell error output", async () => {
    const clixml =
      '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
      '<S S="Error">Add-Type : Cannot add type. Definition of new types is not supported in this language mode._x000D__x000A_</S>' +
      "</Objs>\r\n";
    const cases: [Partial<SpawnResult>, PlexErrorCode, RegExp][] = [
      [{ exitCode: 1, stderr: "plextv:error:read:5\r\n" }, "access_denied", /error 5/],
      [{ exitCode: 1, stderr: "plextv:error:read:1312\r\n" }, "store_unavailable", /logon session/],
      [{ exitCode: 1, stderr: "plextv:error:read:1783\r\n" }, "store_error", /Windows error 1783/],
      [
        {
          exitCode: 1,
          stderr:
            "plextv:error:script:Cannot add type. Definition of new types is not supported in this language mode.\r\n",
        },
        "access_denied",
        /language mode/,
      ],
      [{ exitCode: 1, stderr: clixml }, "access_denied", /language mode/],
      [{ exitCode: 1, stderr: "plextv:error:input:0\r\n" }, "store_error", /standard input/],
      [
        {
          exitCode: 1,
          stderr: "At line:1 char:1\r\n+ & {\r\n+ ~~~\r\nMissing closing '}' in statement block.\r\n",
        },
        "store_error",
        /PowerShell failed to read the credential \(exit 1\): At line:1 .*Missing closing/,
      ],
      [{ exitCode: 0, stdout: "" }, "store_error", /exit 0/],
    ];
    for (const [result, code, message] of cases) {
      const err = await rejection(store("win32", recorder(() => result), { env }).load(), code);
      assert.match(err.message, message);
    }
    const echoed = recorder(() => ({
      exitCode: 1,
      stderr: `The term '${line(ENCODED).trim()}' is not recognized`,
    }));
    const err = await rejection(store("win32", echoed, { env }).save(DATA), "store_error");
    assert.ok(!err.message.includes(Buffer.from(ENCODED).toString("base64").slice(0, 24)), err.message);
  });

  it("checks the Credential Manager blob limit before running PowerShell", async () => {
    const spawn = recorder(() => ({ stdout: "plextv:ok\r\n" }));
    const sized = (bytes: number) => {
      const base = Buffer.from(JSON.stringify({ ...DATA, token: "" })).length;
      return { ...DATA, token: "t".repeat(Math.floor((bytes * 3) / 4) - base) };
    };
    const fits = sized(CRED_MAX_CREDENTIAL_BLOB_SIZE);
    assert.equal(Buffer.from(JSON.stringify(fits)).toString("base64").length, CRED_MAX_CREDENTIAL_BLOB_SIZE);
    await store("win32", spawn, { env }).save(fits);
    assert.equal(spawn.calls.length, 1);
    const err = await rejection(
      store("win32", spawn, { env }).save({ ...fits, token: `${fits.token}xyz` }),
      "store_error",
    );
    assert.match(err.message, /too large for Windows Credential Manager: 2564 bytes encoded, at most 2560/);
    assert.equal(spawn.calls.length, 1, "PowerShell did not run");
  });
});

describe("timeouts and tools that cannot start", () => {
  for (const platform of ["darwin", "linux", "win32"]) {
    it(`stops a ${platform} tool that never answers`, async () => {
      const hanging = recorder((request) => new Promise(() => void request));
      // The tool never answers: only the 150 ms timeout can end the call.
      const err = await rejection(store(platform, hanging, { timeoutMs: 150 }).save(DATA), "timeout");
      assert.match(err.message, /did not answer within 150 ms/);
      assert.ok(hanging.calls[0].signalAborted(), "the spawner was told to stop the child");
    });
  }

  it("reports a missing tool as store_unavailable with what to install", async () => {
    const enoent: Spawner = () =>
      Promise.reject(Object.assign(new Error("spawn x ENOENT"), { code: "ENOENT" }));
    const linux = await rejection(store("linux", enoent).load(), "store_unavailable");
    assert.match(linux.message, /secret-tool is not installed/);
    assert.match(linux.hint!, /libsecret-tools/);
    await rejection(store("darwin", enoent).load(), "store_unavailable");
    await rejection(store("win32", enoent).load(), "store_unavailable");
    const denied: Spawner = () => Promise.reject(Object.assign(new Error("denied"), { name: "NotCapable" }));
    const deno = await rejection(store("linux", denied).load(), "access_denied");
    assert.match(deno.hint!, /--allow-run=secret-tool/);
  });
});

describe("the default spawner with real processes", { skip: process.platform === "win32" }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "plextv-keychain-spawn-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports a tool missing from PATH as store_unavailable", async () => {
    const err = await rejection(
      keychainStore({ service: "x", platform: "linux", env: { PATH: join(dir, "empty") } }).load(),
      "store_unavailable",
    );
    assert.match(err.message, /secret-tool is not installed/);
  });

  it("kills a real tool that outlives the timeout", async () => {
    const bin = join(dir, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "secret-tool"), "#!/bin/sh\nexec sleep 30\n");
    await chmod(join(bin, "secret-tool"), 0o755);
    const pids: number[] = [];
    const spawn = nodeSpawner({ onSpawn: (pid) => void pids.push(pid) });
    // The tool sleeps 30 s and would then exit without output: timeout shows that the 300 ms limit ended it.
    await rejection(
      keychainStore({
        service: "x",
        platform: "linux",
        spawn,
        timeoutMs: 300,
        env: { PATH: `${bin}:${process.env.PATH}` },
      })
        .load(),
      "timeout",
    );
    assert.equal(pids.length, 1);
    const gone = Date.now() + 3000;
    while (_alive(pids[0]) && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!_alive(pids[0]), "the child was killed");
  });
});

/** Whether a process still runs (a killed child not yet reaped, a zombie, counts as gone). */
function _alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync(`/proc/${pid}/stat`)) return process.platform !== "linux";
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
