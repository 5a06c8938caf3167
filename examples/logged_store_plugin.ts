/**
 * A third-party store plugin, as an example of the plugin hook: the
 * `logged:` scheme wraps any other store URI and logs each operation (never
 * the data). It reads a field of its own from the open options, `logLabel`.
 * It registers nothing when imported: an app adds it to its own registry
 * with `stores.use(loggedScheme(stores))`, and the CLI loads it with
 * `--plugin ./examples/logged_store_plugin.ts` (the default export).
 *
 * Run it: `deno run examples/logged_store_plugin.ts` or `bun examples/logged_store_plugin.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../mod.ts";
 * import { loggedScheme } from "./logged_store_plugin.ts";
 *
 * const stores = new StoreRegistry();
 * stores.use(loggedScheme(stores));
 * const store = await stores.open("logged:memory:", { logLabel: "device" });
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * assert.equal((await store.load())?.clientId, "0d6e7f2a");
 * ```
 *
 * @module
 */
import { StoreRegistry } from "../mod.ts";
import type { Logger, OpenStoreOptions, SecureData, SecureStore, StoreScheme } from "../mod.ts";

/**
 * Wraps a store so each operation is logged at info level.
 *
 * @param inner The store that keeps the data.
 * @param logger Where to log.
 * @param label Names the store in log lines.
 * @returns The logging store.
 *
 * @example
 * ```ts
 * import { memoryStore } from "../mod.ts";
 * import { loggedStore } from "./logged_store_plugin.ts";
 * const store = loggedStore(memoryStore(), console, "demo");
 * await store.clear();
 * ```
 */
export function loggedStore(
  inner: SecureStore<SecureData>,
  logger: Logger,
  label: string,
): SecureStore<SecureData> {
  return {
    async load() {
      const data = await inner.load();
      logger.info(`${label}: loaded ${data ? `data for client ${data.clientId}` : "nothing"}`);
      return data;
    },
    async save(data) {
      await inner.save(data);
      logger.info(`${label}: saved data for client ${data.clientId}`);
    },
    async clear() {
      await inner.clear();
      logger.info(`${label}: cleared`);
    },
  };
}

/**
 * The `logged:URI` scheme: opens `URI` through `inner` and logs what the store does.
 *
 * @param inner The registry that opens the wrapped URI (usually the one `logged:` is added to).
 * @returns The scheme.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../mod.ts";
 * import { loggedScheme } from "./logged_store_plugin.ts";
 * assert.deepEqual(loggedScheme(new StoreRegistry()).schemes, ["logged"]);
 * ```
 */
export function loggedScheme(inner: Pick<StoreRegistry, "open">): StoreScheme {
  return {
    schemes: ["logged"],
    open: async (rest: string, options: OpenStoreOptions) => {
      const label = typeof options.logLabel === "string" ? options.logLabel : "store";
      return loggedStore(await inner.open(rest, options), options.logger ?? console, label);
    },
  };
}

/**
 * The CLI's hook (`plextv --plugin ./examples/logged_store_plugin.ts`): registers `logged:`.
 *
 * @param api The CLI's registry functions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../mod.ts";
 * import plugin from "./logged_store_plugin.ts";
 * const stores = new StoreRegistry();
 * plugin({ registerStore: stores.register.bind(stores), openStore: stores.open.bind(stores) });
 * assert.ok(stores.schemes().includes("logged"));
 * ```
 */
export default function plugin(
  api: { registerStore: StoreRegistry["register"]; openStore: StoreRegistry["open"] },
): void {
  const scheme = loggedScheme({ open: api.openStore });
  api.registerStore("logged", scheme.open, { replace: true });
}

if ((import.meta as { main?: boolean }).main) {
  const stores = new StoreRegistry();
  stores.use(loggedScheme(stores));
  const store = await stores.open("logged:memory:", { logLabel: "example" });
  await store.save({ version: 1, clientId: "0d6e7f2a-example" });
  await store.load();
  await store.clear();
}
