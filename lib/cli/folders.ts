/**
 * Where the CLI keeps its files: the config folder (the client identifier)
 * and the data folder (the default vault), per platform.
 *
 * @module
 */
import { homedir } from "node:os";
import { join, win32 } from "node:path";

/**
 * The CLI's two folders.
 */
export interface Folders {
  /** Settings: `config.json` with the client identifier. */
  config: string;
  /** Secrets: the default vault `plextv.vault`. */
  data: string;
}

/**
 * The folders for a platform and environment. `$XDG_CONFIG_HOME` and
 * `$XDG_DATA_HOME` win on every platform when set; otherwise Linux uses
 * `~/.config/plextv` and `~/.local/share/plextv`, macOS
 * `~/Library/Application Support/plextv`, Windows `%APPDATA%\plextv`.
 *
 * @param env The environment.
 * @param platform `process.platform`.
 * @param home The home folder.
 * @returns The config and data folders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliFolders } from "./folders.ts";
 * const folders = cliFolders({ XDG_DATA_HOME: "/tmp/data" }, "linux", "/home/me");
 * assert.ok(folders.config === "/home/me/.config/plextv" && folders.data === "/tmp/data/plextv");
 * ```
 */
export function cliFolders(
  env: Record<string, string | undefined>,
  platform: string = process.platform,
  home: string = homedir(),
): Folders {
  const xdgConfig = env.XDG_CONFIG_HOME || undefined;
  const xdgData = env.XDG_DATA_HOME || undefined;
  if (platform === "win32") {
    const appData = env.APPDATA || win32.join(home, "AppData", "Roaming");
    return {
      config: xdgConfig ? win32.join(xdgConfig, "plextv") : win32.join(appData, "plextv"),
      data: xdgData ? win32.join(xdgData, "plextv") : win32.join(appData, "plextv"),
    };
  }
  if (platform === "darwin") {
    const support = join(home, "Library", "Application Support", "plextv");
    return {
      config: xdgConfig ? join(xdgConfig, "plextv") : support,
      data: xdgData ? join(xdgData, "plextv") : support,
    };
  }
  return {
    config: join(xdgConfig ?? join(home, ".config"), "plextv"),
    data: join(xdgData ?? join(home, ".local", "share"), "plextv"),
  };
}
