/**
 * The secure-data store interface: where a token source keeps what a restart
 * needs (client id, device key, current token). Stores are plugins: anyone
 * can implement {@linkcode SecureStore}.
 *
 * @module
 */
import type { Jwk } from "../keys.ts";

/**
 * A lock held in a shared store while one replica refreshes the token.
 *
 * @example
 * ```ts
 * import type { StoreLock } from "./store.ts";
 * async function withLock(lock: StoreLock, work: () => Promise<void>) {
 *   try { await work(); } finally { await lock.release(); }
 * }
 * ```
 */
export interface StoreLock {
  /** Releases the lock, only if this holder still owns it. */
  release(): Promise<void>;
}

/**
 * What a store that may decline a save answers: saved, or not and why (e.g. `newer_record`).
 *
 * @example
 * ```ts
 * import type { SaveOutcome } from "./store.ts";
 * const skipped: SaveOutcome = { saved: false, reason: "newer_record" };
 * ```
 */
export interface SaveOutcome {
  /** Whether the data was saved. */
  saved: boolean;
  /** Why it was not, when it was not. */
  reason?: string;
}

/**
 * What a save that did not reach the store was, from what `save` answered: `undefined` when it was saved,
 * or when the store kept a newer record instead (another replica's, which loses nothing). The token
 * sources and the CLI judge a save by it alike.
 *
 * @param outcome What `save` answered.
 * @returns The problem, worded for a message, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { declinedSave } from "./store.ts";
 * assert.equal(declinedSave(undefined), undefined);
 * assert.equal(declinedSave({ saved: false, reason: "newer_record" }), undefined);
 * assert.equal(declinedSave({ saved: false, reason: "read-only" }), "The store did not save the token (read-only)");
 * ```
 */
export function declinedSave(outcome: void | SaveOutcome): string | undefined {
  if (!outcome || outcome.saved || outcome.reason === "newer_record") return undefined;
  return `The store did not save the token (${outcome.reason ?? "no reason given"})`;
}

/**
 * A place to keep secret data. `load` answers `undefined` when nothing is
 * stored; `save` replaces what is stored, atomically; `clear` removes it.
 * A shared store (Redis) may add `lock` so replicas refresh one at a time.
 *
 * @example A store that keeps data in a variable
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SecureStore } from "./store.ts";
 * function variableStore<T>(): SecureStore<T> {
 *   let value: T | undefined;
 *   return {
 *     load: () => Promise.resolve(value),
 *     save: (data) => { value = data; return Promise.resolve(); },
 *     clear: () => { value = undefined; return Promise.resolve(); },
 *   };
 * }
 * const store = variableStore<string>();
 * await store.save("x");
 * assert.equal(await store.load(), "x");
 * const deviceStore: SecureStore = variableStore(); // SecureStore<SecureData>, what token sources keep
 * assert.equal(await deviceStore.load(), undefined);
 * ```
 */
export interface SecureStore<T = SecureData> {
  /** Loads the stored data, or `undefined` when there is none. */
  load(): Promise<T | undefined>;
  /**
   * Saves `data`, replacing what was stored. A shared store that keeps a newer record instead answers
   * a {@linkcode SaveOutcome} with `saved: false`, so a skipped save is never mistaken for a save.
   */
  save(data: T): Promise<void | SaveOutcome>;
  /** Removes the stored data. */
  clear(): Promise<void>;
  /**
   * Optional: takes a lock named `name` for at most `ttlMs` (it expires by
   * itself if the holder dies). Answers `undefined` when another holder has it.
   */
  lock?(name: string, ttlMs: number): Promise<StoreLock | undefined>;
}

/**
 * What plextv keeps in a secure store for one device: enough to restart
 * without asking the user again.
 *
 * @example
 * ```ts
 * import type { SecureData } from "./store.ts";
 * const data: SecureData = { version: 1, clientId: "0d6e...", token: "abcdefghij0123456789" };
 * ```
 */
export interface SecureData {
  /** Format version of this record. */
  version: 1;
  /** The client identifier the key and token belong to. */
  clientId: string;
  /** The registered device key id (JWT flows). */
  keyId?: string;
  /** The device's Ed25519 private key as a JWK (`kty`, `crv`, `x`, `d`). */
  privateKey?: Jwk;
  /** The current token (legacy or JWT). */
  token?: string;
  /** When the current token expires (ISO-8601), for JWTs. */
  tokenExpiresAt?: string;
  /** When this record was saved (ISO-8601); newer records win in shared stores. */
  savedAt?: string;
}
