/**
 * Where the `plextv` command keeps its files on each platform, and the
 * client identifier it creates once and then reuses.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cliFolders } from "../../lib/cli/folders.ts";
import { installationClientId, readSettings, storeClientId } from "../../lib/cli/settings_file.ts";

describe("plextv folders", () => {
  it("uses ~/.config and ~/.local/share on Linux, and XDG variables when set", () => {
    assert.deepEqual(cliFolders({}, "linux", "/home/ann"), {
      config: "/home/ann/.config/plextv",
      data: "/home/ann/.local/share/plextv",
    });
    assert.deepEqual(cliFolders({ XDG_CONFIG_HOME: "/x/c", XDG_DATA_HOME: "/x/d" }, "linux", "/home/ann"), {
      config: "/x/c/plextv",
      data: "/x/d/plextv",
    });
    assert.equal(
      cliFolders({ XDG_CONFIG_HOME: "" }, "linux", "/home/ann").config,
      "/home/ann/.config/plextv",
    );
  });

  it("uses Application Support on macOS and %APPDATA% on Windows", () => {
    const mac = cliFolders({}, "darwin", "/Users/ann");
    assert.equal(mac.config, "/Users/ann/Library/Application Support/plextv");
    assert.equal(mac.data, mac.config);
    const windows = cliFolders({ APPDATA: "C:\\Users\\ann\\AppData\\Roaming" }, "win32", "C:\\Users\\ann");
    assert.deepEqual(windows, {
      config: "C:\\Users\\ann\\AppData\\Roaming\\plextv",
      data: "C:\\Users\\ann\\AppData\\Roaming\\plextv",
    });
  });
});

describe("plextv client identifier", () => {
  it("is created once, kept in config.json (0600), and reused", async () => {
    const folder = join(mkdtempSync(join(tmpdir(), "plextv-settings-")), "plextv");
    try {
      const first = await installationClientId(folder);
      assert.match(first, /^[0-9a-f-]{36}$/);
      assert.equal(await installationClientId(folder), first);
      assert.equal(JSON.parse(readFileSync(join(folder, "config.json"), "utf8")).clientId, first);
      assert.equal(statSync(join(folder, "config.json")).mode & 0o777, 0o600);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("of a store named with a password is kept under the URI without it, and an old file is rewritten so", async () => {
    const folder = join(mkdtempSync(join(tmpdir(), "plextv-settings-")), "plextv");
    try {
      const uri = "redis://app:s3cret-pw@127.0.0.1:6379/0?key=fleet";
      const id = await storeClientId(folder, uri);
      const file = () => readFileSync(join(folder, "config.json"), "utf8");
      assert.ok(!file().includes("s3cret-pw"), file());
      assert.deepEqual(JSON.parse(file()).storeClientIds, { "redis://app@127.0.0.1:6379/0?key=fleet": id });
      assert.equal(await storeClientId(folder, "redis://app:another-pw@127.0.0.1:6379/0?key=fleet"), id);
      // A file that kept the password (as files were written before) gives the same identifier, and loses it.
      const legacy = "redis://:old-pw@127.0.0.1:6380/0";
      writeFileSync(
        join(folder, "config.json"),
        JSON.stringify({ storeClientIds: { [legacy]: "kept-id-1" } }),
      );
      assert.equal(await storeClientId(folder, legacy), "kept-id-1");
      assert.deepEqual(JSON.parse(file()).storeClientIds, { "redis://127.0.0.1:6380/0": "kept-id-1" });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("that cannot be saved (a read-only home) is a CliError naming the file and --client-id", async () => {
    const root = mkdtempSync(join(tmpdir(), "plextv-settings-"));
    try {
      // A file where the folder would be: mkdir fails even for root, as a read-only home does for a user.
      writeFileSync(join(root, "home"), "");
      const folder = join(root, "home", ".config", "plextv");
      await assert.rejects(
        installationClientId(folder),
        (err: Error & { hint?: string; exitCode?: number }) => {
          assert.equal(err.message, `Cannot write ${join(folder, "config.json")}`);
          assert.match(err.hint ?? "", /--client-id ID or PLEXTV_CLIENT_ID/);
          assert.equal(err.exitCode, 1);
          return true;
        },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses a config.json that is not a JSON object, without changing it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "plextv-settings-"));
    try {
      writeFileSync(join(folder, "config.json"), "[1, 2");
      await assert.rejects(readSettings(folder), /config\.json is not a JSON object/);
      await assert.rejects(installationClientId(folder), /not a JSON object/);
      assert.equal(readFileSync(join(folder, "config.json"), "utf8"), "[1, 2");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
