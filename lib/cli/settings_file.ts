/**
 * The CLI's settings file, `config.json` in the config folder. It keeps the
 * client identifier created on first use, so every run is the same device
 * in the user's account. It holds no secret.
 *
 * @module
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isClientId, newClientId } from "../client_id.ts";
import { CliError, EXIT } from "./exit.ts";
import { CLIENT_ID_RULE } from "./globals.ts";
import { storeKey } from "./vault_file.ts";

/**
 * What `config.json` holds.
 */
export interface Settings {
  /** The client identifier of this installation: the default store's device. */
  clientId?: string;
  /** The client identifier of each store named with --store or PLEXTV_STORE, by store (see `storeKey`). */
  storeClientIds?: Record<string, string>;
  /** Other fields, kept as they are. */
  [field: string]: unknown;
}

/**
 * Reads `config.json` from `folder`; an absent file reads as `{}`.
 *
 * @param folder The config folder.
 * @returns The settings.
 * @throws {CliError} when the file exists but is not a JSON object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSettings } from "./settings_file.ts";
 * assert.equal(Object.keys(await readSettings("/nonexistent/plextv")).length, 0);
 * ```
 */
export async function readSettings(folder: string): Promise<Settings> {
  const path = join(folder, "config.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    // No file, or no folder for it (a file where a folder of the path would be).
    const { code } = err as { code?: string };
    if (code === "ENOENT" || code === "ENOTDIR") return {};
    throw new CliError(`Cannot read ${path}`, {
      cause: err,
      hint: "Check the file's permissions, or pass the client identifier with --client-id ID",
    });
  }
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Settings;
  } catch {
    // reported below
  }
  throw new CliError(`${path} is not a JSON object`, {
    hint: "Fix or delete the file, or pass the client identifier with --client-id ID",
  });
}

/**
 * Writes `config.json` in `folder` (created if needed), replacing it atomically.
 *
 * @param folder The config folder.
 * @param settings The settings.
 * @returns Nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSettings, writeSettings } from "./settings_file.ts";
 * const folder = await Deno.makeTempDir();
 * await writeSettings(folder, { clientId: "abc" });
 * assert.equal((await readSettings(folder)).clientId, "abc");
 * ```
 */
export async function writeSettings(folder: string, settings: Settings): Promise<void> {
  const path = join(folder, "config.json");
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(temp, JSON.stringify(settings, null, 2) + "\n", { mode: 0o600 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    // A read-only home (a container): the identifier can still be given, and nothing is written then.
    throw new CliError(`Cannot write ${path}`, {
      cause: err,
      hint:
        "Check that its folder can be written (XDG_CONFIG_HOME moves it), or pass the client identifier with --client-id ID or PLEXTV_CLIENT_ID",
    });
  }
}

/**
 * The installation's client identifier: read from `config.json`, or created
 * once and saved there when the file has none.
 *
 * @param folder The config folder.
 * @returns The client identifier.
 * @throws {CliError} exit 2 when `clientId` is there but is not a client identifier (it is not replaced).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installationClientId } from "./settings_file.ts";
 * const folder = await Deno.makeTempDir();
 * assert.equal(await installationClientId(folder), await installationClientId(folder));
 * ```
 */
export async function installationClientId(folder: string): Promise<string> {
  const settings = await readSettings(folder);
  _checkClientId(folder, settings);
  if (settings.clientId !== undefined) return settings.clientId;
  const clientId = newClientId();
  await writeSettings(folder, { ...settings, clientId });
  return clientId;
}

/**
 * Saves a new client identifier (after plex.tv forgot the device key and the
 * token source registered again).
 *
 * @param folder The config folder.
 * @param clientId The new identifier.
 * @returns Nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installationClientId, saveClientId } from "./settings_file.ts";
 * const folder = await Deno.makeTempDir();
 * await saveClientId(folder, "new-id");
 * assert.equal(await installationClientId(folder), "new-id");
 * ```
 */
export async function saveClientId(folder: string, clientId: string): Promise<void> {
  await writeSettings(folder, { ...await readSettings(folder), clientId });
}

/**
 * The client identifier of a store named with `--store` or `PLEXTV_STORE`,
 * for a new sign-in into it: each such store is a device of its own at
 * plex.tv, as plex.tv keeps one token per account and client identifier (a
 * second sign-in with the default store's identifier would end the first
 * one's token). Created once per store and kept in `config.json` (a vault
 * by its file's absolute path, any other store by its URI: `storeKey`), so
 * signing in to the same store again is the same device.
 *
 * @param folder The config folder.
 * @param storeUri The store's URI.
 * @returns The store's client identifier.
 * @throws {CliError} exit 2 when `config.json`'s `storeClientIds` is not an object of usable identifiers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installationClientId, storeClientId } from "./settings_file.ts";
 * const folder = await Deno.makeTempDir();
 * const a = await storeClientId(folder, "vault:/tmp/a.vault");
 * assert.equal(await storeClientId(folder, "vault:/tmp/a.vault"), a);
 * assert.notEqual(await storeClientId(folder, "vault:/tmp/b.vault"), a);
 * assert.notEqual(await installationClientId(folder), a);
 * ```
 */
export async function storeClientId(folder: string, storeUri: string): Promise<string> {
  const settings = await readSettings(folder);
  const { ids, renamed } = _storeClientIds(folder, settings);
  const kept = ids[storeKey(storeUri)];
  if (kept !== undefined) {
    // A file written when store names kept their passwords is written again without them.
    if (renamed) await writeSettings(folder, { ...settings, storeClientIds: ids });
    return kept;
  }
  const clientId = newClientId();
  await saveStoreClientId(folder, storeUri, clientId);
  return clientId;
}

/**
 * Saves the client identifier of a store named with `--store` or
 * `PLEXTV_STORE` (a new one, after plex.tv forgot the device key).
 *
 * @param folder The config folder.
 * @param storeUri The store's URI.
 * @param clientId The identifier.
 * @returns Nothing.
 * @throws {CliError} exit 2 when `config.json`'s `storeClientIds` is not an object of usable identifiers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saveStoreClientId, storeClientId } from "./settings_file.ts";
 * const folder = await Deno.makeTempDir();
 * await saveStoreClientId(folder, "vault:/tmp/a.vault", "new-id");
 * assert.equal(await storeClientId(folder, "vault:/tmp/a.vault"), "new-id");
 * ```
 */
export async function saveStoreClientId(folder: string, storeUri: string, clientId: string): Promise<void> {
  const settings = await readSettings(folder);
  const { ids } = _storeClientIds(folder, settings);
  await writeSettings(folder, { ...settings, storeClientIds: { ...ids, [storeKey(storeUri)]: clientId } });
}

/**
 * Refuses a damaged `clientId`: replacing it would make this installation a new device at plex.tv
 * (and orphan a device key registered for the old one). Only an absent one is created.
 */
function _checkClientId(folder: string, settings: Settings): void {
  if (settings.clientId === undefined || isClientId(settings.clientId)) return;
  throw new CliError(`The clientId in ${join(folder, "config.json")} is not usable: ${CLIENT_ID_RULE}`, {
    exitCode: EXIT.usage,
    hint:
      "Fix clientId in that file, or pass a client identifier with --client-id ID (deleting the file makes a new one, a new device at plex.tv)",
  });
}

/**
 * The stores' client identifiers, each by its `storeKey`; `renamed` when a name in the file was not its
 * key (a URI with its password, as files were written before): the file should be written again.
 */
function _storeClientIds(
  folder: string,
  settings: Settings,
): { ids: Record<string, string>; renamed: boolean } {
  // The file is checked whole: a damaged installation identifier is refused whichever store is used.
  _checkClientId(folder, settings);
  const ids: unknown = settings.storeClientIds;
  if (ids === undefined) return { ids: {}, renamed: false };
  if (
    ids !== null && typeof ids === "object" && !Array.isArray(ids) &&
    Object.values(ids).every((id) => isClientId(id))
  ) {
    const entries = Object.entries(ids as Record<string, string>);
    const named = Object.fromEntries(entries.filter(([name]) => storeKey(name) === name));
    // A name that was its key wins over one that becomes it.
    for (const [name, id] of entries) named[storeKey(name)] ??= id;
    return { ids: named, renamed: entries.some(([name]) => storeKey(name) !== name) };
  }
  throw new CliError(
    `The storeClientIds in ${join(folder, "config.json")} is not an object of usable client identifiers`,
    {
      exitCode: EXIT.usage,
      hint: "Fix storeClientIds in that file, or pass a client identifier with --client-id ID",
    },
  );
}
