/**
 * The CLI's settings file, `config.json` in the config folder. It keeps the
 * client identifier created on first use, so every run is the same device
 * in the user's account. It holds no secret.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isClientId, newClientId } from "../client_id.ts";
import { CliError, EXIT } from "./exit.ts";
import { CLIENT_ID_RULE } from "./globals.ts";

/**
 * What `config.json` holds.
 */
export interface Settings {
  /** The client identifier of this installation. */
  clientId?: string;
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
    if ((err as { code?: string }).code === "ENOENT") return {};
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
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, "config.json");
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(settings, null, 2) + "\n", { mode: 0o600 });
  await rename(temp, path);
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
  if (isClientId(settings.clientId)) return settings.clientId;
  // Only an absent clientId is created: replacing a damaged one would make this installation a new
  // device at plex.tv (and orphan a device key registered for the old one), so it is refused.
  if (settings.clientId !== undefined) {
    throw new CliError(`The clientId in ${join(folder, "config.json")} is not usable: ${CLIENT_ID_RULE}`, {
      exitCode: EXIT.usage,
      hint:
        "Fix clientId in that file, or pass a client identifier with --client-id ID (deleting the file makes a new one, a new device at plex.tv)",
    });
  }
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
