/**
 * A store plugin for the `plextv` command: the `jsonfile:PATH` scheme keeps
 * the device's record in a JSON file readable only by its owner (mode 0600).
 * It shows the plugin contract; it does not encrypt, so prefer `vault:` or
 * `keychain:` for real secrets.
 *
 * The module's default export is a `StoreScheme` (`{ schemes, open }`): the
 * CLI adds it to its registry, so the plugin works under `deno run`, `bun`,
 * Node and the compiled binary alike (it imports only types from plextv, and
 * `node:` built-ins):
 *
 * ```sh
 * plextv --plugin ./examples/plugin_store.ts --store jsonfile:/tmp/plextv.json login
 * PLEXTV_PLUGINS=/abs/path/plugin_store.ts PLEXTV_STORE=jsonfile:/tmp/plextv.json ./dist/plextv token
 * ```
 *
 * @example Adding the scheme to a program's registry
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { StoreRegistry } from "../mod.ts";
 * import jsonFileScheme from "./plugin_store.ts";
 *
 * const stores = new StoreRegistry(jsonFileScheme);
 * const store = await stores.open(`jsonfile:${join(await mkdtemp(join(tmpdir(), "plextv-")), "device.json")}`);
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * assert.equal((await store.load())?.clientId, "0d6e7f2a");
 * ```
 *
 * @module
 */
import { chmod, readFile, rename, rm, writeFile } from "node:fs/promises";
import type { SecureData, SecureStore, StoreScheme } from "../mod.ts";

/**
 * A store that keeps one record in a JSON file (mode 0600), replaced atomically.
 *
 * @param path The file.
 * @returns The store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { jsonFileStore } from "./plugin_store.ts";
 * const store = jsonFileStore(join(await mkdtemp(join(tmpdir(), "plextv-")), "device.json"));
 * await store.clear();
 * assert.equal(await store.load(), undefined);
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
 * The `jsonfile:PATH` scheme, the module's default export (what `--plugin` loads).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import jsonFileScheme from "./plugin_store.ts";
 * assert.deepEqual(jsonFileScheme.schemes, ["jsonfile"]);
 * ```
 */
const jsonFileScheme: StoreScheme = {
  schemes: ["jsonfile"],
  open: (path) => {
    if (!path) throw new Error("jsonfile: needs a file path, such as jsonfile:/tmp/plextv.json");
    return jsonFileStore(path);
  },
};

export default jsonFileScheme;
