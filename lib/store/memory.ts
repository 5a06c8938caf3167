/**
 * An in-memory {@linkcode SecureStore} for tests and short scripts.
 * Web standards only.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import type { SecureData, SecureStore } from "./store.ts";

/**
 * Creates a store that keeps its data in memory, for tests and short scripts
 * (by default it holds {@linkcode SecureData}, like stores opened by URI).
 * It copies data on save and on load (`structuredClone`), so neither the
 * caller's object nor a loaded result can change what is stored. Nothing
 * survives the process.
 *
 * @param initial Data the store starts with (copied), or nothing.
 * @returns The store.
 * @throws {PlexError} `invalid_argument` when `initial` (or data saved later) cannot be cloned.
 *
 * @example Saving, loading and clearing
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryStore } from "./memory.ts";
 *
 * const store = memoryStore<{ token: string }>();
 * const data = { token: "abcdefghij0123456789" };
 * await store.save(data);
 * data.token = "changed afterwards";
 * assert.equal((await store.load())?.token, "abcdefghij0123456789");
 * await store.clear();
 * assert.equal(await store.load(), undefined);
 * assert.equal(String(store), "MemoryStore"); // never what it holds
 * ```
 */
export function memoryStore<T = SecureData>(initial?: T): SecureStore<T> {
  let stored: T | undefined = initial === undefined ? undefined : _copy(initial);
  const store: SecureStore<T> = {
    load(): Promise<T | undefined> {
      return Promise.resolve(stored === undefined ? undefined : _copy(stored));
    },
    save(data: T): Promise<void> {
      try {
        if (data === undefined) {
          throw new PlexError("invalid_argument", "The memory store cannot save undefined", {
            hint: "Call clear() to remove the stored data",
          });
        }
        stored = _copy(data);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    clear(): Promise<void> {
      stored = undefined;
      return Promise.resolve();
    },
  };
  // What the store is, never what it holds.
  return Object.defineProperty(store, "toString", { value: () => "MemoryStore" });
}

function _copy<T>(data: T): T {
  try {
    return structuredClone(data);
  } catch (cause) {
    throw new PlexError("invalid_argument", "The memory store can only hold cloneable data", {
      cause,
      hint: "Store plain data: objects, arrays, strings, numbers, booleans",
    });
  }
}
