// The vault store: an encrypted file that only its passphrase opens, that
// reports every damaged or foreign file with a typed error naming it, never
// changes a file it failed on, and survives concurrent writers.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { Buffer } from "node:buffer";
import { after, before, describe, it } from "node:test";
import { isPlexError, PlexError, type PlexErrorCode } from "../../lib/errors.ts";
import type { SecureData } from "../../lib/store/store.ts";
import { StoreRegistry } from "../../lib/store/registry.ts";
import { Vault, vaultScheme } from "../../plugins/vault.ts";
import { encodeHeader, parseVault } from "../../plugins/_vault_format.ts";

const PASSPHRASE = "correct horse battery staple";
const DATA: SecureData = {
  version: 1,
  clientId: "0d6e7f2a-5b1c-4e8f-9a3d-2c4b6e8f0a1b",
  keyId: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
  privateKey: {
    kty: "OKP",
    crv: "Ed25519",
    x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    d: "nWGxne_9Wm",
  },
  token: "abcdefghij0123456789",
  tokenExpiresAt: "2030-01-01T00:00:00.000Z",
};

let dir: string;
let counter = 0;
const freshPath = () => join(dir, `v${++counter}`, "device.vault");

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "plextv-vault-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `action`, which must fail with a PlexError of one of `codes` naming `path`. */
async function expectPlexError(
  action: () => Promise<unknown>,
  codes: PlexErrorCode[],
  path: string,
): Promise<PlexError> {
  let caught: unknown;
  try {
    const value = await action();
    assert.fail(`expected ${codes.join(" or ")}, got the value ${JSON.stringify(value)}`);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof PlexError, `expected a PlexError, got ${caught}`);
  assert.ok(
    codes.includes(caught.code),
    `expected ${codes.join(" or ")}, got ${caught.code}: ${caught.message}`,
  );
  assert.ok(caught.message.includes(path), `the message names the file: ${caught.message}`);
  assert.ok(!caught.message.includes(PASSPHRASE) && !(caught.hint ?? "").includes(PASSPHRASE));
  return caught;
}

describe("Vault round trip", () => {
  it("loads undefined for a missing file, then what was saved, in a new instance too", async () => {
    const path = freshPath();
    const vault = new Vault<SecureData>(path, PASSPHRASE);
    assert.equal(await vault.load(), undefined);
    await vault.save(DATA);
    assert.deepEqual(await vault.load(), DATA);
    assert.deepEqual(await new Vault<SecureData>(path, () => Promise.resolve(PASSPHRASE)).load(), DATA);
  });

  it("keeps no plaintext in the file and documents its header", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, PASSPHRASE).save(DATA);
    const text = new TextDecoder("latin1").decode(await readFile(path));
    assert.ok(text.startsWith("PLXVAULT\x01"), "magic and format version 1");
    assert.ok(text.includes("PBKDF2-HMAC-SHA256"), "the KDF is named in the header");
    for (const secret of [DATA.token!, DATA.clientId, DATA.privateKey!.d!, "tokenExpiresAt"]) {
      assert.ok(!text.includes(secret), "no plaintext in the file");
    }
    const bytes = await readFile(path);
    const iterationsAt = 8 + 1 + 1 + 18 + 1;
    assert.equal(bytes.readUInt32BE(iterationsAt), 600_000, "600,000 PBKDF2 iterations by default");
  });

  it("overwrites: the last save wins, with a fresh nonce each time and the same salt", async () => {
    const path = freshPath();
    const vault = new Vault<SecureData>(path, PASSPHRASE);
    await vault.save(DATA);
    const first = await readFile(path);
    await vault.save(DATA);
    const second = await readFile(path);
    await vault.save({ ...DATA, token: "klmnopqrst0123456789" });
    assert.equal((await new Vault<SecureData>(path, PASSPHRASE).load())?.token, "klmnopqrst0123456789");
    const saltAt = 8 + 1 + 1 + 18 + 1 + 4 + 1;
    const nonceAt = saltAt + 16 + 1;
    assert.deepEqual(first.subarray(saltAt, saltAt + 16), second.subarray(saltAt, saltAt + 16), "salt kept");
    assert.notDeepEqual(
      first.subarray(nonceAt, nonceAt + 12),
      second.subarray(nonceAt, nonceAt + 12),
      "new nonce",
    );
    assert.notDeepEqual(first, second, "same data, different ciphertext");
  });

  it("refuses options that are not an object or name one it does not have, in the class and the URI factory", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "plextv-vault-options-")), "v.vault");
    for (const options of [{ iteration: 2_000_000 }, null, "iterations", [1]]) {
      assert.throws(
        () => new Vault(path, PASSPHRASE, options as never),
        (err) => isPlexError(err, "invalid_argument"),
        JSON.stringify(options),
      );
    }
    const registry = new StoreRegistry(vaultScheme);
    await assert.rejects(
      registry.open(`vault:${path}`, { passphrase: PASSPHRASE, iteratons: 700_000 } as never),
      (err) => isPlexError(err, "invalid_argument") && /has no option iteratons/.test(err.message),
    );
  });

  it("gives two vaults different salts", async () => {
    const a = freshPath();
    const b = freshPath();
    await new Vault<SecureData>(a, PASSPHRASE).save(DATA);
    await new Vault<SecureData>(b, PASSPHRASE).save(DATA);
    const saltAt = 8 + 1 + 1 + 18 + 1 + 4 + 1;
    assert.notDeepEqual(
      (await readFile(a)).subarray(saltAt, saltAt + 16),
      (await readFile(b)).subarray(saltAt, saltAt + 16),
    );
  });

  it("opens a file written with more iterations, and rewrites it with its own count", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, PASSPHRASE, { iterations: 700_000 }).save(DATA);
    const iterationsAt = 8 + 1 + 1 + 18 + 1;
    assert.equal((await readFile(path)).readUInt32BE(iterationsAt), 700_000);
    const vault = new Vault<SecureData>(path, PASSPHRASE);
    assert.deepEqual(await vault.load(), DATA);
    await vault.save(DATA);
    assert.equal((await readFile(path)).readUInt32BE(iterationsAt), 600_000);
    assert.deepEqual(await new Vault<SecureData>(path, PASSPHRASE).load(), DATA);
  });

  it("clears: the file is gone, a second clear does nothing, no passphrase needed", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, PASSPHRASE).save(DATA);
    const asked: string[] = [];
    const vault = new Vault<SecureData>(path, () => {
      asked.push("asked");
      return Promise.resolve(PASSPHRASE);
    });
    await vault.clear();
    await vault.clear();
    assert.equal(await vault.load(), undefined);
    assert.deepEqual(asked, []);
  });

  it("clears a vault it cannot open (wrong passphrase, damaged, cut short, empty), but no file that is not a vault", async () => {
    const freshFile = async () => {
      const path = freshPath();
      await mkdir(dirname(path));
      return path;
    };
    const intact = await freshFile();
    await new Vault<SecureData>(intact, PASSPHRASE).save(DATA);
    const bytes = await readFile(intact);
    const damaged = await freshFile();
    await writeFile(damaged, Buffer.concat([bytes.subarray(0, 40), Buffer.from("xx"), bytes.subarray(42)]));
    const cutShort = await freshFile();
    await writeFile(cutShort, bytes.subarray(0, 5));
    const empty = await freshFile();
    await writeFile(empty, "");
    for (const path of [intact, damaged, cutShort, empty]) {
      await new Vault<SecureData>(path, "not the passphrase").clear();
      await assert.rejects(stat(path), { code: "ENOENT" }, path);
    }
    const notes = await freshFile();
    await writeFile(notes, "my important notes");
    const err = await expectPlexError(() => new Vault<SecureData>(notes, PASSPHRASE).clear(), [
      "store_corrupt",
    ], notes);
    assert.match(err.message, /is not a plextv vault, so it was not deleted/);
    assert.equal(await readFile(notes, "utf8"), "my important notes");
    const folder = freshPath();
    await mkdir(folder, { recursive: true });
    await expectPlexError(() => new Vault<SecureData>(folder, PASSPHRASE).clear(), ["store_error"], folder);
    assert.ok((await stat(folder)).isDirectory());
  });

  it("asks for the passphrase once per instance, and again after a failed ask", async () => {
    const path = freshPath();
    let calls = 0;
    let fail = true;
    const vault = new Vault<SecureData>(path, () => {
      calls++;
      return fail ? Promise.reject(new Error("no terminal")) : Promise.resolve(PASSPHRASE);
    });
    const err = await expectPlexError(() => vault.save(DATA), ["store_error"], path);
    assert.equal((err.cause as Error).message, "no terminal");
    await assert.rejects(readFile(path), "nothing written");
    fail = false;
    await vault.save(DATA);
    await vault.load();
    await vault.save(DATA);
    assert.equal(calls, 2);
  });
});

describe("Vault file safety", () => {
  it("writes mode 0600 and creates missing folders 0700, leaving no temporary files", async () => {
    const folder = join(dir, "nested", "deeper");
    const path = join(folder, "device.vault");
    const vault = new Vault<SecureData>(path, PASSPHRASE);
    await vault.save(DATA);
    await vault.save(DATA);
    if (process.platform !== "win32") {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(folder)).mode & 0o777, 0o700);
    }
    assert.deepEqual(await readdir(folder), ["device.vault"]);
  });

  it("rejects data that is not JSON-serialisable and leaves the file untouched", async () => {
    const path = freshPath();
    const vault = new Vault<unknown>(path, PASSPHRASE);
    await vault.save({ a: 1 });
    const before = await readFile(path);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const bad of [{ big: 1n }, circular, undefined, () => 1]) {
      await expectPlexError(() => vault.save(bad), ["invalid_argument"], path);
    }
    assert.deepEqual(await readFile(path), before);
    assert.deepEqual(await vault.load(), { a: 1 });
  });

  it("never shows the passphrase in toString, JSON or console output", async () => {
    const path = freshPath();
    for (const passphrase of [PASSPHRASE, () => Promise.resolve(PASSPHRASE)]) {
      const vault = new Vault<SecureData>(path, passphrase);
      await vault.save(DATA);
      for (
        const text of [
          String(vault),
          JSON.stringify(vault),
          inspect(vault),
          inspect(vault, { showHidden: true }),
        ]
      ) {
        assert.ok(!text.includes(PASSPHRASE) && !text.includes("horse"), text);
        assert.ok(text.includes(path), text);
      }
    }
  });

  it("refuses bad arguments with invalid_argument", () => {
    for (
      const make of [
        () => new Vault("", PASSPHRASE),
        () => new Vault(freshPath(), ""),
        () => new Vault(freshPath(), PASSPHRASE, { iterations: 599_999 }),
        () => new Vault(freshPath(), PASSPHRASE, { iterations: 1.5e6 + 0.5 }),
      ]
    ) {
      assert.throws(make, (err: unknown) => isPlexError(err, "invalid_argument"));
    }
  });

  it("two first saves racing on one new path: one creates the vault, the other gets wrong_passphrase", async () => {
    const path = freshPath();
    const [a, b] = await Promise.allSettled([
      new Vault<{ who: string }>(path, "passphrase A").save({ who: "A" }),
      new Vault<{ who: string }>(path, "passphrase B").save({ who: "B" }),
    ]);
    const outcomes = [a.status, b.status].sort();
    assert.deepEqual(outcomes, ["fulfilled", "rejected"], "exactly one save reports success");
    const lost = [a, b].find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
    assert.ok(isPlexError(lost.reason, "wrong_passphrase"), String(lost.reason));
    const winner = a.status === "fulfilled" ? "A" : "B";
    assert.deepEqual(await new Vault<{ who: string }>(path, `passphrase ${winner}`).load(), { who: winner });
    assert.deepEqual((await readdir(join(path, ".."))).filter((name) => name.endsWith(".tmp")), []);
  });

  it("a vault: URI refuses iterations that are not a number, instead of using the default", async () => {
    const registry = new StoreRegistry(vaultScheme);
    await assert.rejects(
      registry.open(`vault:${freshPath()}`, { passphrase: PASSPHRASE, iterations: "2000000" }),
      (err: unknown) => isPlexError(err, "invalid_argument"),
    );
  });
});

describe("Vault wrong passphrase", () => {
  it("fails load and save with wrong_passphrase and leaves the file untouched", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, PASSPHRASE).save(DATA);
    const before = await readFile(path);
    const wrong = new Vault<SecureData>(path, "correct horse battery stapler");
    const loadErr = await expectPlexError(() => wrong.load(), ["wrong_passphrase"], path);
    assert.ok(loadErr.hint);
    await expectPlexError(
      () => wrong.save({ ...DATA, token: "zzzzzzzzzz0123456789" }),
      ["wrong_passphrase"],
      path,
    );
    await expectPlexError(() => wrong.load(), ["wrong_passphrase"], path);
    assert.deepEqual(await readFile(path), before);
    assert.deepEqual(await new Vault<SecureData>(path, PASSPHRASE).load(), DATA);
  });

  it("treats the passphrase as Unicode text: composed and decomposed forms open the same vault", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, "caf\u00e9 cr\u00e8me").save(DATA);
    assert.deepEqual(await new Vault<SecureData>(path, "cafe\u0301 cre\u0300me").load(), DATA);
  });
});

/** A saved vault's bytes, and a vault (same passphrase) at a path in a new folder to write damaged copies to. */
async function savedVaultAndSpareFolder(): Promise<
  { original: Buffer; path: string; vault: Vault<SecureData> }
> {
  const source = freshPath();
  await new Vault<SecureData>(source, PASSPHRASE).save(DATA);
  const path = freshPath();
  await mkdir(join(path, ".."), { recursive: true });
  return { original: await readFile(source), path, vault: new Vault<SecureData>(path, PASSPHRASE) };
}

describe("Vault damaged and foreign files", () => {
  it("reports every flipped byte of a vault as store_corrupt, never a value, and changes nothing", async () => {
    const { original, path, vault } = await savedVaultAndSpareFolder();
    await writeFile(path, original);
    assert.deepEqual(await vault.load(), DATA, "the intact copy opens");
    const problems = new Set<string>();
    for (let i = 0; i < original.length; i++) {
      for (const mask of [0xff, 0x01, 0x80]) {
        const damaged = Buffer.from(original);
        damaged[i] ^= mask;
        await writeFile(path, damaged);
        const err = await expectPlexError(() => vault.load(), ["store_corrupt"], path);
        problems.add(err.message.slice(err.message.indexOf(path) + path.length + 1));
        if (mask === 0xff) await expectPlexError(() => vault.save(DATA), ["store_corrupt"], path);
        assert.deepEqual(await readFile(path), damaged, `byte ${i} ^ ${mask}: the file is untouched`);
      }
    }
    assert.ok(problems.size >= 4, `distinct diagnoses: ${[...problems].join("; ")}`);
  });

  it("reports every truncation as store_corrupt and changes nothing", async () => {
    const { original, path, vault } = await savedVaultAndSpareFolder();
    for (let length = 0; length < original.length; length++) {
      const truncated = original.subarray(0, length);
      await writeFile(path, truncated);
      const err = await expectPlexError(() => vault.load(), ["store_corrupt"], path);
      assert.match(err.message, length === 0 ? /is empty/ : /is truncated/);
      await expectPlexError(() => vault.save(DATA), ["store_corrupt"], path);
      assert.deepEqual(await readFile(path), truncated);
    }
    await writeFile(path, Buffer.concat([original, Buffer.from([0])]));
    await expectPlexError(() => vault.load(), ["store_corrupt"], path);
  });

  it("reports foreign files as store_corrupt and refuses to overwrite them", async () => {
    const path = freshPath();
    await mkdir(join(path, ".."), { recursive: true });
    const vault = new Vault<SecureData>(path, PASSPHRASE);
    const foreign = [
      JSON.stringify(DATA),
      "",
      "PLXVAUL",
      "PLXVAULT",
      "# my shell profile\nexport PATH=$PATH:~/bin\n",
      crypto.getRandomValues(new Uint8Array(300)),
    ];
    for (const content of foreign) {
      await writeFile(path, content);
      const before = await readFile(path);
      const err = await expectPlexError(() => vault.load(), ["store_corrupt"], path);
      assert.ok(!err.message.includes(DATA.token!));
      await expectPlexError(() => vault.save(DATA), ["store_corrupt"], path);
      assert.deepEqual(await readFile(path), before);
    }
  });

  it("reports a file of a newer format version as store_corrupt, suggesting an upgrade", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, PASSPHRASE).save(DATA);
    const bytes = await readFile(path);
    bytes[8] = 2;
    await writeFile(path, bytes);
    const err = await expectPlexError(
      () => new Vault<SecureData>(path, PASSPHRASE).load(),
      ["store_corrupt"],
      path,
    );
    assert.match(err.message, /version 2/);
    assert.match(err.hint ?? "", /Upgrade/);
  });

  it("reports a folder in place of the file as store_error", async () => {
    const path = freshPath();
    await mkdir(path, { recursive: true });
    await expectPlexError(() => new Vault<SecureData>(path, PASSPHRASE).load(), ["store_error"], path);
  });

  it("refuses a path that is a symlink to /dev/zero or a device, at once, without reading it", {
    skip: process.platform === "win32" ? "no /dev/zero on Windows" : false,
  }, async () => {
    for (const target of ["/dev/zero", "/dev/null", "/dev/urandom"]) {
      const path = freshPath();
      await mkdir(join(path, ".."), { recursive: true });
      await symlink(target, path);
      const vault = new Vault<SecureData>(path, PASSPHRASE);
      const err = await expectPlexError(() => vault.load(), ["store_error"], path);
      assert.match(err.message, /not a regular file/);
      await expectPlexError(() => vault.save(DATA), ["store_error"], path);
      assert.ok((await lstat(path)).isSymbolicLink(), `${target}: the link was left alone`);
    }
  });

  it("refuses to save through a symbolic link to a missing file, at once, creating nothing", {
    skip: process.platform === "win32" ? "symbolic links need privileges on Windows" : false,
  }, async () => {
    const path = freshPath();
    const target = join(path, "..", "elsewhere", "target.vault");
    await mkdir(join(path, ".."), { recursive: true });
    await symlink(target, path);
    const vault = new Vault<SecureData>(path, PASSPHRASE);
    assert.equal(await vault.load(), undefined, "it reads as no vault");
    // It spun before: the create-only write met the link (EEXIST) while the read saw no file.
    const err = await expectPlexError(() => vault.save(DATA), ["store_error"], path);
    assert.match(err.message, /is a symbolic link to a file that does not exist/);
    assert.ok((await lstat(path)).isSymbolicLink(), "the link is left alone");
    await assert.rejects(lstat(target), { code: "ENOENT" }, "and nothing is created where it points");
  });

  it("refuses a FIFO at once: no hang waiting for a writer", {
    skip: process.platform === "win32" ? "no mkfifo on Windows" : false,
  }, async () => {
    const path = freshPath();
    await mkdir(join(path, ".."), { recursive: true });
    execFileSync("mkfifo", [path]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<"hung">((resolve) => timer = setTimeout(() => resolve("hung"), 5_000));
    try {
      const outcome = await Promise.race([
        new Vault<SecureData>(path, PASSPHRASE).load().catch((e) => e),
        hung,
      ]);
      assert.ok(isPlexError(outcome, "store_error"), `got ${outcome}`);
      assert.match(outcome.message, /not a regular file/);
    } finally {
      clearTimeout(timer);
    }
  });

  it("refuses a header asking for more than 10,000,000 KDF iterations before stretching anything", async () => {
    const path = freshPath();
    await new Vault<SecureData>(path, PASSPHRASE).save(DATA);
    const bytes = new Uint8Array(await readFile(path));
    const parsed = await parseVault(bytes);
    assert.ok(parsed.ok);
    // Everything but the iterations as written; the header checksum is not secret, so it is recomputed.
    const crafted = await encodeHeader({ ...parsed.header, iterations: 20_000_000 });
    const file = new Uint8Array(crafted.length + parsed.sealed.length);
    file.set(crafted);
    file.set(parsed.sealed, crafted.length);
    await writeFile(path, file);
    const err = await expectPlexError(
      () => new Vault<SecureData>(path, PASSPHRASE).load(),
      ["store_corrupt"],
      path,
    );
    assert.match(err.message, /unsupported key derivation parameters/);
    assert.throws(
      () => new Vault(freshPath(), PASSPHRASE, { iterations: 10_000_001 }),
      (e) => isPlexError(e, "invalid_argument"),
    );
    assert.ok(new Vault(freshPath(), PASSPHRASE, { iterations: 10_000_000 }));
  });
});

describe("Vault under concurrent writers", () => {
  it(
    "8 processes saving 50 times each: every read opens, the end holds a last write",
    { timeout: 120_000 },
    async () => {
      const path = freshPath();
      const writers = 8;
      const saves = 50;
      const script = fileURLToPath(new URL("../_helpers/vault_writer.ts", import.meta.url));
      const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
      const command = deno ? deno.execPath() : process.execPath;
      const runtimeArgs = deno ? ["run", "--allow-read", "--allow-write", "--allow-env", script] : [script];

      let running = writers;
      const exits = Array.from(
        { length: writers },
        (_, writer) =>
          new Promise<{ code: number | null; output: string }>((resolve, reject) => {
            const child = spawn(command, [...runtimeArgs, path, String(writer), String(saves)], {
              stdio: ["pipe", "pipe", "pipe"],
            });
            let output = "";
            child.stdout.on("data", (chunk) => (output += chunk));
            child.stderr.on("data", (chunk) => (output += chunk));
            child.on("error", reject);
            child.on("close", (code) => {
              running--;
              resolve({ code, output });
            });
            child.stdin.end(`${PASSPHRASE}\n`);
          }),
      );

      const reader = new Vault<{ writer: number; n: number; check: string }>(path, PASSPHRASE);
      let reads = 0;
      let seen = 0;
      const writersSeen = new Set<number>();
      while (running > 0) {
        const value = await reader.load();
        reads++;
        if (value !== undefined) {
          seen++;
          writersSeen.add(value.writer);
          assert.ok(Number.isInteger(value.writer) && value.writer >= 0 && value.writer < writers);
          assert.ok(Number.isInteger(value.n) && value.n >= 0 && value.n < saves);
          assert.equal(value.check, `${value.writer}:${value.n}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      for (const { code, output } of await Promise.all(exits)) {
        assert.equal(code, 0, output);
        assert.equal(output.trim(), `saved ${saves}`);
      }
      const last = await new Vault<{ writer: number; n: number; check: string }>(path, PASSPHRASE).load();
      assert.ok(last, "the vault holds a value");
      assert.equal(last.n, saves - 1, "the last rename is some writer's last save");
      assert.equal(last.check, `${last.writer}:${last.n}`);
      assert.deepEqual(await readdir(join(path, "..")), ["device.vault"], "no temporary files left");
      assert.ok(seen > 0, `readers saw values during the storm (${reads} reads, ${seen} with data)`);
      console.log(
        `vault storm: ${writers} writers x ${saves} saves; ${reads} reads during it, ${seen} with data, ` +
          `${writersSeen.size} writers seen`,
      );
    },
  );
});
