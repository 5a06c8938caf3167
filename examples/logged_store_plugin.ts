/**
 * A third-party store plugin, as an example of the plugin hook: importing
 * this module registers the `logged:` scheme, which wraps any other store
 * URI and logs each operation (never the data). It reads a field of its own
 * from the open options, `logLabel`.
 *
 * Run it: `deno run examples/logged_store_plugin.ts` or `bun examples/logged_store_plugin.ts`.
 *
 * @example
 * ```ts
 * import { openStore } from "../mod.ts";
 * import "./logged_store_plugin.ts";
 *
 * const store = await openStore("logged:memory:", { logger: console, logLabel: "device" });
 * await store.save({ version: 1, clientId: "0d6e7f2a" });
 * ```
 *
 * @module
 */
import { openStore, registerStore } from "../mod.ts";
import type { Logger, OpenStoreOptions, SecureData, SecureStore } from "../mod.ts";

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

registerStore("logged", async (rest: string, options: OpenStoreOptions) => {
  const label = typeof options.logLabel === "string" ? options.logLabel : "store";
  return loggedStore(await openStore(rest, options), options.logger ?? console, label);
});

if ((import.meta as { main?: boolean }).main) {
  const store = await openStore("logged:memory:", { logLabel: "example" });
  await store.save({ version: 1, clientId: "0d6e7f2a-example" });
  await store.load();
  await store.clear();
}
