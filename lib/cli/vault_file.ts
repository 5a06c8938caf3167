/**
 * The vault file behind a `vault:PATH` store URI, as the CLI needs it: the
 * default vault's URI, the path (with `~` expanded), whether it exists, and
 * the key a vault's client identifier is kept under. Imported only when a
 * vault is in play (its folder is made by its first save).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
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
 * The name a store goes by in `config.json`: a vault by its file's absolute
 * path, so `vault:~/a.vault`, `vault:a.vault` run in the home folder and
 * `vault:/home/me/a.vault` are one vault (and `vault:a.vault` run in two
 * folders two vaults); every other store by its URI as written, less the
 * password it may hold (`redis://:pw@host/0` is `redis://host/0`): the file
 * holds no secret.
 *
 * @param uri The store URI.
 * @returns The name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { homedir } from "node:os";
 * import { storeKey } from "./vault_file.ts";
 * assert.equal(storeKey("vault:~/a.vault"), storeKey(`VAULT:${homedir()}/x/../a.vault`));
 * assert.equal(storeKey("env:MYAPP_"), "env:MYAPP_");
 * assert.equal(storeKey("redis://app:s3cret@127.0.0.1:6379/0"), "redis://app@127.0.0.1:6379/0");
 * ```
 */
export function storeKey(uri: string): string {
  if (/^vault:/i.test(uri)) return `vault:${resolve(vaultPath(uri))}`;
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (!url?.password) return uri;
  url.password = "";
  return url.href;
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
