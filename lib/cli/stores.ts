/**
 * Store schemes in the CLI: the built-in plugins (`vault:`, `env:`,
 * `keychain:`, `redis:`, `rediss:`) are imported when their scheme is used, and
 * `--plugin MODULE` / `PLEXTV_PLUGINS` import third-party ones.
 *
 * A plugin module either exports a default function that receives
 * `{ registerStore }` (works everywhere, the Bun binary included), or calls
 * `registerStore` from `@plexkit/plextv` when imported (works when the plugin
 * and the CLI load the same copy of the library: `deno run`, `bun`).
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PlexError } from "../errors.ts";
import { registerStore, storeSchemes } from "../store/registry.ts";
import { CliError, EXIT } from "./exit.ts";

/**
 * What a plugin's default export receives.
 *
 * @example A plugin module
 * ```ts
 * import type { PluginApi } from "./stores.ts";
 * export default function plugin({ registerStore }: PluginApi): void {
 *   const records = new Map();
 *   registerStore("mymap", (name) => ({
 *     load: () => Promise.resolve(records.get(name)),
 *     save: (data) => Promise.resolve(void records.set(name, data)),
 *     clear: () => Promise.resolve(void records.delete(name)),
 *   }), { replace: true });
 * }
 * ```
 */
export interface PluginApi {
  /** Registers a store scheme in the CLI's registry. */
  registerStore: typeof registerStore;
}

const _BUILTIN: Record<string, () => Promise<unknown>> = {
  vault: () => import("../../plugins/vault.ts"),
  env: () => import("../../plugins/env.ts"),
  keychain: () => import("../../plugins/keychain.ts"),
  redis: () => import("../../plugins/redis.ts"),
  rediss: () => import("../../plugins/redis.ts"),
};

/**
 * The schemes the CLI knows without plugins.
 *
 * @returns The scheme names.
 *
 * @example
 * ```ts
 * import { builtinSchemes } from "./stores.ts";
 * console.assert(builtinSchemes().includes("vault"));
 * ```
 */
export function builtinSchemes(): string[] {
  return [...new Set(["memory", ...Object.keys(_BUILTIN)])].sort();
}

/**
 * Imports the built-in plugin of a store URI's scheme, and checks that the
 * scheme is registered.
 *
 * @param uri The store URI.
 * @returns Nothing.
 * @throws {CliError} exit 2 when the URI has no scheme or its scheme is unknown.
 *
 * @example
 * ```ts
 * import { loadStorePlugin } from "./stores.ts";
 * await loadStorePlugin("vault:/tmp/x.vault");
 * ```
 */
export async function loadStorePlugin(uri: string): Promise<void> {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (!match) {
    throw new CliError("A store URI must start with a scheme, such as vault:PATH or env:", {
      exitCode: EXIT.usage,
      hint: `Known schemes: ${_known()}`,
    });
  }
  const scheme = match[1].toLowerCase();
  if (!storeSchemes().includes(scheme)) await _BUILTIN[scheme]?.();
  if (!storeSchemes().includes(scheme)) {
    throw new CliError(`No store is registered for the scheme ${scheme}`, {
      exitCode: EXIT.usage,
      hint: `Known schemes: ${_known()}; load a plugin with --plugin MODULE`,
    });
  }
}

function _known(): string {
  return [...new Set([...builtinSchemes(), ...storeSchemes()])].sort().map((s) => `${s}:`).join(", ");
}

/**
 * Imports plugin modules. A path (`./x.ts`, `/abs/x.ts`) is resolved against
 * the working folder; anything else (`npm:pkg`, `jsr:@scope/pkg`, a package
 * name) is imported as it is.
 *
 * @param modules The module specifiers.
 * @param cwd The working folder.
 * @returns Nothing.
 * @throws {CliError} exit 2 when a module cannot be imported or its registration fails.
 *
 * @example
 * ```ts
 * import { loadPlugins } from "./stores.ts";
 * await loadPlugins([]);
 * ```
 */
export async function loadPlugins(modules: string[], cwd: string = process.cwd()): Promise<void> {
  for (const module of modules) {
    const specifier = /^\.{1,2}[\\/]/.test(module) || isAbsolute(module)
      ? pathToFileURL(resolve(cwd, module)).href
      : module;
    let loaded: { default?: unknown };
    try {
      loaded = await import(specifier);
    } catch (cause) {
      throw new CliError(`Cannot load the plugin ${module}`, {
        exitCode: EXIT.usage,
        cause,
        hint: "Check the path; a path must start with ./, ../ or / (run with --verbose for the reason)",
      });
    }
    if (typeof loaded.default === "function") {
      try {
        await loaded.default({ registerStore } satisfies PluginApi);
      } catch (cause) {
        throw new CliError(`The plugin ${module} failed to register its store`, {
          exitCode: EXIT.usage,
          cause,
          hint: cause instanceof PlexError ? cause.hint : undefined,
        });
      }
    }
  }
}

/**
 * The plugin modules named by `--plugin` and `PLEXTV_PLUGINS`.
 *
 * @param flags The `--plugin` values.
 * @param env The environment.
 * @returns The module specifiers, in order.
 *
 * @example
 * ```ts
 * import { pluginModules } from "./stores.ts";
 * console.assert(pluginModules(["./a.ts"], { PLEXTV_PLUGINS: "./b.ts, ./c.ts" }).join() === "./b.ts,./c.ts,./a.ts");
 * ```
 */
export function pluginModules(
  flags: string[] | undefined,
  env: Record<string, string | undefined>,
): string[] {
  const fromEnv = (env.PLEXTV_PLUGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return [...fromEnv, ...(flags ?? [])];
}
