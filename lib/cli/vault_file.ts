/**
 * The vault file behind a `vault:PATH` store URI, as the CLI needs it: the
 * default vault's URI, the path (with `~` expanded), whether it exists, and
 * its folder created with mode 0700. Imported only when a vault is in play.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Folders } from "./folders.ts";

/**
 * The default vault: `plextv.vault` in the data folder.
 *
 * @param folders The CLI's folders.
 * @returns The store URI.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultVaultUri } from "./vault_file.ts";
 * assert.equal(defaultVaultUri({ config: "/c", data: "/d" }), "vault:/d/plextv.vault");
 * ```
 */
export function defaultVaultUri(folders: Folders): string {
  return `vault:${join(folders.data, "plextv.vault")}`;
}

/**
 * The file of a `vault:` URI, `~` standing for the home folder.
 *
 * @param uri The store URI.
 * @returns The path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vaultPath } from "./vault_file.ts";
 * assert.equal(vaultPath("vault:/tmp/x.vault"), "/tmp/x.vault");
 * ```
 */
export function vaultPath(uri: string): string {
  const rest = uri.slice(uri.indexOf(":") + 1);
  return rest === "~" || rest.startsWith("~/") ? join(homedir(), rest.slice(1)) : rest;
}

/**
 * Whether the file of a `vault:` URI exists.
 *
 * @param uri The store URI.
 * @returns `true` when it does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vaultExists } from "./vault_file.ts";
 * assert.equal(vaultExists("vault:/nonexistent/plextv.vault"), false);
 * ```
 */
export function vaultExists(uri: string): boolean {
  return existsSync(vaultPath(uri));
}

/**
 * Creates the folder of the default vault (mode 0700) before its first save.
 *
 * @param uri The store URI.
 * @param folders The CLI's folders.
 * @returns Nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, stat } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { defaultVaultUri, prepareVaultFolder } from "./vault_file.ts";
 *
 * const home = await mkdtemp(join(tmpdir(), "plextv-"));
 * const folders = { config: join(home, "config"), data: join(home, "data") };
 * await prepareVaultFolder(defaultVaultUri(folders), folders);
 * if (process.platform !== "win32") assert.equal((await stat(folders.data)).mode & 0o777, 0o700);
 * await prepareVaultFolder(`vault:${join(home, "elsewhere", "my.vault")}`, folders); // not the default: untouched
 * await assert.rejects(stat(join(home, "elsewhere")), { code: "ENOENT" });
 * ```
 */
export async function prepareVaultFolder(uri: string, folders: Folders): Promise<void> {
  if (uri === defaultVaultUri(folders)) {
    await mkdir(dirname(vaultPath(uri)), { recursive: true, mode: 0o700 });
  }
}
