/**
 * Store schemes in the CLI: its own {@linkcode StoreRegistry} with the
 * built-in plugins (`vault:`, `env:`, `keychain:`, `redis:`, `rediss:`), each
 * imported only when its scheme is used, and third-party plugins named by
 * `--plugin MODULE` / `PLEXTV_PLUGINS`.
 *
 * A plugin module's default export is either a {@linkcode StoreScheme}
 * (`{ schemes, open, passphraseEnv? }`) or a function that receives
 * `{ registerStore, openStore }` and registers its schemes in the CLI's registry.
 *
 * @module
 */
import { type StoreFactory, StoreRegistry, type StoreScheme } from "../store/registry.ts";
import { CliError, EXIT } from "./exit.ts";

/**
 * What a plugin's default export receives, when it is a function.
 *
 * @example A plugin module
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliStores, type PluginApi } from "./stores.ts";
 *
 * // The module's `export default`:
 * function plugin({ registerStore }: PluginApi): void {
 *   const records = new Map();
 *   registerStore("mymap", (name) => ({
 *     load: () => Promise.resolve(records.get(name)),
 *     save: (data) => Promise.resolve(void records.set(name, data)),
 *     clear: () => Promise.resolve(void records.delete(name)),
 *   }), { replace: true });
 * }
 *
 * const registry = cliStores(); // what the CLI does with it
 * plugin({ registerStore: (...a) => registry.register(...a), openStore: (...a) => registry.open(...a) });
 * const store = await registry.open("mymap:work");
 * await store.save({ version: 1, clientId: "abc" });
 * assert.equal((await store.load())?.clientId, "abc");
 * ```
 */
export interface PluginApi {
  /** Registers a store scheme in the CLI's registry. */
  registerStore: StoreRegistry["register"];
  /** Opens a store URI through the CLI's registry (for plugins that wrap another store). */
  openStore: StoreRegistry["open"];
}

const BUILTIN: Record<string, () => Promise<StoreScheme>> = {
  vault: async () => (await import("../../plugins/vault.ts")).vaultScheme,
  env: async () => (await import("../../plugins/env.ts")).envScheme,
  keychain: async () => (await import("../../plugins/keychain.ts")).keychainScheme,
  redis: async () => (await import("../../plugins/redis.ts")).redisScheme,
  rediss: async () => (await import("../../plugins/redis.ts")).redisScheme,
};

/**
 * The CLI's store registry: `memory:` and the built-in schemes, whose plugin
 * modules are imported when a store of theirs is first opened.
 *
 * @returns A new registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliStores } from "./stores.ts";
 * assert.deepEqual(cliStores().schemes(), ["env", "keychain", "memory", "redis", "rediss", "vault"]);
 * ```
 */
export function cliStores(): StoreRegistry {
  const registry = new StoreRegistry();
  for (const [scheme, load] of Object.entries(BUILTIN)) {
    const open: StoreFactory = async (rest, options, name) => (await load()).open(rest, options, name);
    registry.register(scheme, open);
  }
  return registry;
}

/**
 * The plugin of a store URI's scheme, imported when built in and not yet
 * loaded: what the CLI asks for the passphrase variable.
 *
 * @param registry The CLI's registry.
 * @param uri The store URI.
 * @returns The plugin, or `undefined` for `memory:` and plugins registered as bare factories.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliStores, storePlugin } from "./stores.ts";
 * assert.equal((await storePlugin(cliStores(), "vault:/tmp/x.vault"))?.passphraseEnv, "PLEXTV_VAULT_PASSPHRASE");
 * ```
 */
export async function storePlugin(registry: StoreRegistry, uri: string): Promise<StoreScheme | undefined> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) return undefined;
  return registry.pluginFor(scheme) ?? await BUILTIN[scheme]?.();
}

/**
 * Checks that a store URI names a registered scheme.
 *
 * @param registry The CLI's registry.
 * @param uri The store URI.
 * @returns Nothing.
 * @throws {CliError} exit 2 when the URI has no scheme or its scheme is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkStoreUri, cliStores } from "./stores.ts";
 * const registry = cliStores();
 * checkStoreUri(registry, "vault:/tmp/x.vault"); // known: no error
 * assert.throws(() => checkStoreUri(registry, "/tmp/x.vault"), { exitCode: 2 }); // no scheme
 * assert.throws(() => checkStoreUri(registry, "s3:bucket"), /No store is registered for the scheme s3/);
 * ```
 */
export function checkStoreUri(registry: StoreRegistry, uri: string): void {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  const known = () => registry.schemes().map((s) => `${s}:`).join(", ");
  if (!match) {
    throw new CliError("A store URI must start with a scheme, such as vault:PATH or env:", {
      exitCode: EXIT.usage,
      hint: `Pass --store with one of the known schemes: ${known()}`,
    });
  }
  const scheme = match[1].toLowerCase();
  if (!registry.has(scheme)) {
    throw new CliError(`No store is registered for the scheme ${scheme}`, {
      exitCode: EXIT.usage,
      hint: `Known schemes: ${known()}; load a plugin with --plugin MODULE`,
    });
  }
}

/**
 * Imports plugin modules. A path (`./x.ts`, `/abs/x.ts`) is resolved against
 * the working folder; anything else (`npm:pkg`, `jsr:@scope/pkg`, a package
 * name) is imported as it is.
 *
 * @param modules The module specifiers.
 * @param cwd The working folder.
 * @returns Nothing.
 * @throws {CliError} exit 2 when a module cannot be imported, has no default export, or its registration fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { cliStores, loadPlugins } from "./stores.ts";
 * const folder = await mkdtemp(join(tmpdir(), "plugin-"));
 * await writeFile(join(folder, "plugin.mjs"), 'export default ({ registerStore }) => registerStore("mymap", () => ({}));');
 * const registry = cliStores();
 * await loadPlugins(registry, ["./plugin.mjs"], folder); // a path: resolved against the working folder
 * assert.ok(registry.schemes().includes("mymap"));
 * await assert.rejects(loadPlugins(registry, ["./missing.mjs"], folder), { exitCode: 2 });
 * ```
 */
export async function loadPlugins(
  registry: StoreRegistry,
  modules: string[],
  cwd: string = process.cwd(),
): Promise<void> {
  if (modules.length === 0) return;
  const [{ isAbsolute, resolve }, { pathToFileURL }] = await Promise.all([
    import("node:path"),
    import("node:url"),
  ]);
  for (const module of modules) {
    const path = /^\.{1,2}[\\/]/.test(module) || isAbsolute(module) ? resolve(cwd, module) : undefined;
    const specifier = path === undefined ? module : pathToFileURL(path).href;
    let loaded: { default?: unknown };
    try {
      loaded = await import(specifier);
    } catch (cause) {
      // Node (before type stripping) refuses a .ts file with this code; Deno and Bun import it.
      if ((cause as { code?: unknown })?.code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.[mc]?ts$/.test(module)) {
        throw new CliError(`Cannot load the plugin ${module}: this Node does not run TypeScript`, {
          exitCode: EXIT.usage,
          cause,
          hint:
            "Compile the plugin to JavaScript (.js or .mjs) and pass that to --plugin, or run plextv under Deno or Bun",
        });
      }
      if (
        !_notFound(cause, path === undefined ? [module] : [module, specifier, path])
      ) {
        // The module was found and failed as it ran (or does not parse): its own error says why.
        const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
        throw new CliError(`The plugin ${module} failed as it loaded: ${reason}`, {
          cause,
          hint: "Fix the plugin, or leave it out (run with --verbose for its stack)",
        });
      }
      throw new CliError(`Cannot load the plugin ${module}`, {
        exitCode: EXIT.usage,
        cause,
        hint: "Check the path; a path must start with ./, ../ or / (run with --verbose for the reason)",
      });
    }
    const plugin = loaded.default as StoreScheme | ((api: PluginApi) => unknown) | undefined;
    // A module without a default export adds no scheme: refused, so a wrong file is not taken for a plugin.
    if (plugin === undefined) {
      throw new CliError(`The plugin ${module} exports no store scheme`, {
        exitCode: EXIT.usage,
        hint:
          "Check the plugin: its default export is a store scheme, or a function that registers one (export default { schemes, open })",
      });
    }
    try {
      if (typeof plugin === "function") {
        await plugin(
          {
            registerStore: (...args) => registry.register(...args),
            openStore: (...args) => registry.open(...args),
          } satisfies PluginApi,
        );
      } else registry.use(plugin, { replace: true });
    } catch (cause) {
      throw new CliError(`The plugin ${module} failed to register its store`, {
        exitCode: EXIT.usage,
        cause,
        hint:
          "Check the plugin: its default export is a store scheme, or a function that registers one (plextv --verbose shows why)",
      });
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
 * import assert from "node:assert/strict";
 * import { pluginModules } from "./stores.ts";
 * assert.equal(pluginModules(["./a.ts"], { PLEXTV_PLUGINS: "./b.ts, ./c.ts" }).join(), "./b.ts,./c.ts,./a.ts");
 * ```
 */
export function pluginModules(
  flags: string[] | undefined,
  env: Record<string, string | undefined>,
): string[] {
  const fromEnv = (env.PLEXTV_PLUGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return [...fromEnv, ...(flags ?? [])];
}

/**
 * Whether an import failed because the plugin's module itself was not found (each runtime's words), not a
 * module it imports: the runtimes quote the missing module first, which is then one of `names` (the
 * plugin as given, as imported, as a path).
 */
function _notFound(cause: unknown, names: string[]): boolean {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : "";
  const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" ||
    /module not found|cannot find (module|package)|not a dependency|no such file/i.test(text);
  const quoted = /["'`]([^"'`]+)["'`]/.exec(text)?.[1];
  return missing && (quoted === undefined || names.includes(quoted));
}
