/**
 * A store plugin for the `plextv` command: the `jsonfile:PATH` scheme keeps
 * the device's record in a JSON file readable only by its owner (mode 0600).
 * It shows the plugin contract; it does not encrypt, so prefer `vault:` or
 * `keychain:` for real secrets.
 *
 * The module's default export receives `{ registerStore }` from the CLI, so
 * the plugin works under `deno run`, `bun`, and the compiled binary alike
 * (it imports only types from plextv, and `node:` built-ins):
 *
 * ```sh
 * plextv --plugin ./examples/plugin_store.ts --store jsonfile:/tmp/plextv.json login
 * PLEXTV_PLUGINS=/abs/path/plugin_store.ts PLEXTV_STORE=jsonfile:/tmp/plextv.json ./dist/plextv token
 * ```
 *
 * @example Registering the scheme in a program
 * ```ts
 * import { openStore, registerStore } from "../mod.ts";
 * import plugin from "./plugin_store.ts";
 *
 * plugin({ registerStore });
 * const store = await openStore(`jsonfile:${await Deno.makeTempFile()}`);
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * console.assert((await store.load())?.clientId === "0d6e7f2a");
 * ```
 *
 * @module
 */
import { chmod, readFile, rename, rm, writeFile } from "node:fs/promises";
import type { SecureData, SecureStore } from "../mod.ts";
import type { PluginApi } from "../lib/cli/stores.ts";

/**
 * A store that keeps one record in a JSON file (mode 0600), replaced atomically.
 *
 * @param path The file.
 * @returns The store.
 *
 * @example
 * ```ts
 * import { jsonFileStore } from "./plugin_store.ts";
 * const store = jsonFileStore(await Deno.makeTempFile());
 * await store.clear();
 * console.assert(await store.load() === undefined);
 * ```
 */
export function jsonFileStore(path: string): SecureStore<SecureData> {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") return undefined;
        throw err;
      }
      return text.trim() === "" ? undefined : JSON.parse(text) as SecureData;
    },
    async save(data) {
      const temp = `${path}.${crypto.randomUUID()}.tmp`;
      await writeFile(temp, JSON.stringify(data, null, 2), { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, path);
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}

/**
 * Registers `jsonfile:PATH`. The CLI calls it with its own `registerStore`.
 *
 * @param api What the CLI hands to plugins.
 *
 * @example
 * ```ts
 * import { registerStore } from "../mod.ts";
 * import plugin from "./plugin_store.ts";
 * plugin({ registerStore });
 * ```
 */
export default function plugin({ registerStore }: PluginApi): void {
  registerStore("jsonfile", (path) => {
    if (!path) throw new Error("jsonfile: needs a file path, such as jsonfile:/tmp/plextv.json");
    return jsonFileStore(path);
  }, { replace: true });
}
