/**
 * The Redis store: one Plex identity shared by a fleet (replicas behind a
 * load balancer, workers of a job runner), with a refresh lock so that only
 * one replica asks plex.tv for a new JWT and the others read it from Redis.
 * {@linkcode RedisStore} (or {@linkcode redisStore}) is the store itself;
 * {@linkcode redisScheme} opens `redis://` and `rediss://` (TLS) URIs in a
 * `StoreRegistry`. Importing this module registers nothing. Client: ioredis, an
 * optional peer dependency of the npm package (`npm install ioredis` beside
 * plextv), imported on the first connection.
 *
 * URI: `redis://[user:password@]host:port/db?key=NAME` (default port 6379,
 * database 0, key `plextv`). The password is a secret: it appears in no log,
 * error or printed object (they show `***@`).
 *
 * What is stored, under the key NAME (a hash), is one field, `data`: the
 * {@linkcode SecureData} record in an envelope sealed in the vault format
 * (AES-256-GCM, key stretched from the passphrase with PBKDF2-HMAC-SHA256,
 * 600,000 iterations, the versioned header bound as additional data; see
 * `vault.ts`), base64. Nothing is kept in clear beside it. The key is derived
 * once per store instance (per salt). The envelope holds, authenticated with
 * the record:
 * - the key name NAME, as additional data: a record copied under another key does not open;
 * - a version that every save raises by one, and a lineage (random, new when the key is
 *   created): a store that has read version N refuses an older version of the same
 *   lineage put back (`store_corrupt`), and repairs it on its next save;
 * - `savedAt`, the record's save time (stamped with the Redis server's clock when the
 *   record has none).
 *
 * A save replaces the stored record only when it is not newer (by `savedAt`), so a
 * slow replica cannot roll the fleet back; a stored `savedAt` ahead of the Redis
 * server's clock (by more than a minute: a replica whose clock runs ahead) does not
 * count as newer, so it cannot freeze the record. The write is a compare-and-set on
 * the ciphertext read (a Lua script), repeated when another replica saved in
 * between. `save()` answers whether the record was saved ({@linkcode RedisSaveResult}).
 *
 * The lock `lock(name, ttlMs)` is the key `NAME:lock:<name>`, taken with
 * `SET key token NX PX ttl`, released only by its holder (a compare-and-delete
 * Lua script), and expiring by itself when the holder dies.
 *
 * The passphrase: `passphrase` given as a string, else the environment
 * variable `PLEXTV_REDIS_PASSPHRASE`, else `passphrase` given as a function
 * (the CLI's prompt), called once when first needed.
 *
 * Failures are typed {@linkcode PlexError}s: `store_unavailable` (Redis
 * unreachable or not answering within the connect and command timeouts, 2 s
 * each by default), `access_denied` (wrong Redis password or ACL),
 * `wrong_passphrase`, `store_corrupt` (a record that is not an intact sealed
 * record), `store_error` (anything else, e.g. the key holds other data).
 * A token source whose store is unavailable keeps working: it refreshes
 * without the lock and keeps the token in memory, and logs a warning.
 *
 * @example A fleet replica
 * Not run by `deno test --doc`: it needs a real Redis server.
 * ```ts ignore
 * import { defaultConfig, withJwt, withLogger } from "@plexkit/plextv";
 * import { RedisStore } from "@plexkit/plextv/plugins/redis";
 *
 * // PLEXTV_REDIS_PASSPHRASE is set in every replica's environment.
 * const store = new RedisStore("redis://:s3cret@redis.internal:6379/0?key=my-service");
 * const source = defaultConfig().withClientId(sharedClientId).tokenSource(withJwt(store), withLogger(console));
 * const token = await source.token(); // one replica refreshes, the others read its JWT
 * ```
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import type { ConnectionOptions } from "node:tls";
import { PlexError } from "../lib/errors.ts";
import { timerMs } from "../lib/http/deadline.ts";
import { checkOptionsObject } from "../lib/http/options_object.ts";
import type { Logger } from "../lib/logger.ts";
import type { SecureData, SecureStore, StoreLock } from "../lib/store/store.ts";
import type { OpenStoreOptions, StoreScheme } from "../lib/store/registry.ts";
import { RedisConnection } from "./_redis_connection.ts";
import { parseRedisUri, type RedisAddress } from "./_redis_uri.ts";
import { openVault, sealVault, VaultKeyring } from "./_vault_crypto.ts";
import { MAX_SEALED_LENGTH, MIN_ITERATIONS } from "./_vault_format.ts";
import type { Passphrase } from "./vault.ts";

/** The environment variable the passphrase is read from. */
export const REDIS_PASSPHRASE_ENV = "PLEXTV_REDIS_PASSPHRASE";

/**
 * Options of a {@linkcode RedisStore}.
 *
 * @example
 * ```ts
 * import type { RedisStoreOptions } from "./redis.ts";
 * const options: RedisStoreOptions = { passphrase: "correct horse battery staple", commandTimeoutMs: 1_000 };
 * ```
 */
export interface RedisStoreOptions {
  /**
   * The passphrase that seals the record: a string wins over the environment;
   * a function (asked once) is used only when `PLEXTV_REDIS_PASSPHRASE` is unset.
   */
  passphrase?: Passphrase;
  /** The environment to read `PLEXTV_REDIS_PASSPHRASE` from (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** Where the store reports connection losses and skipped (older) saves. */
  logger?: Logger;
  /** Give up connecting after this long. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Give up on a command after this long. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Extra TLS options for `rediss://` (a private CA, a client certificate). */
  tls?: ConnectionOptions;
}

/** The longest base64 text a sealed record can be. */
const _MAX_STORED_LENGTH = Math.ceil((MAX_SEALED_LENGTH + 1024) / 3) * 4;

/** Reads the record and the Redis server's clock in one step. */
const _READ_WITH_TIME = `return {redis.call('HGET', KEYS[1], 'data'), redis.call('TIME')}`;

/** Writes the record only when it is still the one read (`""`: none). */
const _WRITE_IF_UNCHANGED = `
local stored = redis.call('HGET', KEYS[1], 'data')
if (stored or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2])
return 1`;

/** A stored savedAt this far ahead of the Redis server's clock comes from a clock running ahead. */
const _FUTURE_TOLERANCE_MS = 60_000;
/** Compare-and-set rounds before a save gives up to a stream of other replicas' saves. */
const _MAX_SAVE_ROUNDS = 20;

/**
 * What {@linkcode RedisStore.save} did: saved (with the record's new version), or
 * skipped because the stored record is newer, or because other replicas kept
 * saving in between (after many rounds).
 *
 * @example
 * ```ts
 * import type { RedisSaveResult } from "./redis.ts";
 * function describe(result: RedisSaveResult): string {
 *   return result.saved ? `saved as version ${result.version}` : `skipped (${result.reason})`;
 * }
 * ```
 */
export type RedisSaveResult =
  | { saved: true; version: number }
  | { saved: false; reason: "newer_record"; storedSavedAt: string }
  | { saved: false; reason: "contended" };

/** The sealed envelope around a record. */
interface _Envelope {
  version: number;
  lineage: string;
  savedAt: string;
  record: SecureData;
}

const _RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A {@linkcode SecureStore} of {@linkcode SecureData} in Redis, encrypted,
 * with compare-and-set saves and a lock (see the module documentation).
 * Connects on first use; an idle connection does not keep the process
 * alive; `close()` ends it. `toString()`, `toJSON()` and console output show
 * the URI without credentials.
 *
 * @example Round trip (needs a Redis server)
 * Not run by `deno test --doc`: it needs a real Redis server.
 * ```ts ignore
 * import assert from "node:assert/strict";
 * import { RedisStore } from "./redis.ts";
 * const store = new RedisStore("redis://127.0.0.1:6379/0?key=example", { passphrase: "correct horse battery staple" });
 * await store.save({ version: 1, clientId: "0d6e7f2a", token: "abcdefghij0123456789" });
 * assert.equal((await store.load())?.token, "abcdefghij0123456789");
 * await store.close();
 * ```
 *
 * @example Describing a store prints no password
 * ```ts
 * import assert from "node:assert/strict";
 * import { RedisStore } from "./redis.ts";
 * const store = new RedisStore("redis://app:s3cret@127.0.0.1:6379/0?key=fleet", { passphrase: "pw" });
 * assert.equal(String(store), "RedisStore(redis://***@127.0.0.1:6379/0?key=fleet)");
 * ```
 */
export class RedisStore implements SecureStore<SecureData> {
  readonly #address: RedisAddress;
  readonly #connection: RedisConnection;
  readonly #keyring: VaultKeyring;
  readonly #logger?: Logger;
  /** The newest version read or written, per lineage: an older one put back is a rollback. */
  #seen?: { lineage: string; version: number };

  /**
   * Prepares the store; nothing is connected or derived until the first call.
   *
   * @param uri `redis://[user:password@]host:port/db?key=NAME` or `rediss://...`.
   * @param options Passphrase, environment, logger, timeouts, TLS.
   * @throws {PlexError} `invalid_argument` for options that are not an object or name one it does not have, a malformed URI, a timeout that is not a whole number of
   * milliseconds from 1 to 2^31 − 1, or when no passphrase is given or set.
   */
  constructor(uri: string, options?: RedisStoreOptions) {
    options = checkOptionsObject(
      options,
      ["passphrase", "env", "logger", "connectTimeoutMs", "commandTimeoutMs", "tls"],
      "The Redis store",
    );
    for (const name of ["connectTimeoutMs", "commandTimeoutMs"] as const) {
      if (options[name] !== undefined) timerMs(options[name], name);
    }
    this.#address = parseRedisUri(uri);
    this.#logger = options.logger;
    this.#connection = new RedisConnection(this.#address, {
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      tls: options.tls,
      logger: options.logger,
    });
    this.#keyring = new VaultKeyring(
      this.#passphrase(options),
      `the Redis store ${this.#connection.description}`,
    );
  }

  /**
   * Loads and decrypts the record.
   *
   * @returns The record, or `undefined` when the key does not exist.
   * @throws {PlexError} `store_unavailable`, `access_denied`, `wrong_passphrase`, `store_corrupt` (also
   * for an older version of the record put back after this store read a newer one), `store_error`.
   */
  async load(): Promise<SecureData | undefined> {
    const text = await this.#connection.run(
      "load the record",
      (redis) => redis.hget(this.#address.key, "data"),
    );
    if (text === null) return undefined;
    const envelope = await this.#open(text, "load");
    if (this.#rolledBack(envelope)) {
      throw new PlexError(
        "store_corrupt",
        `The record in ${this.#where} is older than one this store read before: an old copy was put back`,
        { hint: "Someone with write access to Redis replaced the record; the next save replaces it again" },
      );
    }
    this.#observe(envelope);
    return envelope.record;
  }

  /**
   * Encrypts and saves `data`, unless the stored record is newer (its
   * `savedAt` is later, and not ahead of the Redis server's clock). A record
   * without `savedAt` is stamped with the Redis server's time. A stored record
   * that this passphrase does not open is never replaced.
   *
   * @param data The record.
   * @returns Whether it was saved, or why not.
   * @throws {PlexError} `wrong_passphrase` or `store_corrupt` (the stored record is left untouched),
   * `store_unavailable`, `access_denied`, `store_error`, `invalid_argument` for data that is not a record.
   */
  async save(data: SecureData): Promise<RedisSaveResult> {
    if (typeof data !== "object" || data === null) {
      throw new PlexError("invalid_argument", "The Redis store saves plextv records (objects) only", {
        hint: "Call clear() to remove the stored record",
      });
    }
    for (let round = 0; round < _MAX_SAVE_ROUNDS; round++) {
      const [text, redisNow] = await this.#readWithTime();
      const stored = text === null ? undefined : await this.#open(text, "save");
      const savedAt = _isoTime(data.savedAt) ?? new Date(redisNow).toISOString();
      const rolledBack = stored !== undefined && this.#rolledBack(stored);
      if (rolledBack) {
        this.#logger?.warn(`The record in ${this.#where} was an old copy put back; replacing it`);
      } else if (stored && _isNewer(stored.savedAt, savedAt, redisNow)) {
        this.#logger?.info(
          `Kept the newer record in ${this.#where} (saved ${stored.savedAt}) instead of one saved ${savedAt}`,
        );
        return { saved: false, reason: "newer_record", storedSavedAt: stored.savedAt };
      }
      const envelope: _Envelope = {
        version: Math.max(stored?.version ?? 0, rolledBack ? this.#seen!.version : 0) + 1,
        lineage: stored?.lineage ?? _randomHex(),
        savedAt,
        record: { ...data, savedAt },
      };
      const sealed = await this.#seal(envelope);
      const written = await this.#connection.run(
        "save the record",
        (redis) => redis.eval(_WRITE_IF_UNCHANGED, 1, this.#address.key, text ?? "", sealed),
      );
      if (written === 1) {
        this.#observe(envelope);
        return { saved: true, version: envelope.version };
      }
    }
    this.#logger?.warn(`Gave up saving to ${this.#where}: other replicas kept saving in between`);
    return { saved: false, reason: "contended" };
  }

  /**
   * Deletes the record (no passphrase needed). Locks are left to expire.
   *
   * @throws {PlexError} `store_unavailable`, `access_denied`, `store_error`.
   */
  async clear(): Promise<void> {
    await this.#connection.run("clear the record", (redis) => redis.del(this.#address.key));
    this.#seen = undefined;
  }

  /**
   * Takes the lock `name` for at most `ttlMs` (`SET NX PX`); it expires by
   * itself if this process dies. Only this holder can release it.
   *
   * @param name The lock's name (`refresh` for token refreshes).
   * @param ttlMs Its time to live, in milliseconds.
   * @returns The lock, or `undefined` when another holder has it.
   * @throws {PlexError} `invalid_argument` for an empty name or a TTL that is not a positive integer;
   * `store_unavailable`, `access_denied`, `store_error`.
   */
  async lock(name: string, ttlMs: number): Promise<StoreLock | undefined> {
    if (typeof name !== "string" || name === "") {
      throw new PlexError("invalid_argument", "A Redis lock needs a name");
    }
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
      throw new PlexError(
        "invalid_argument",
        "A Redis lock's time to live must be a positive whole number of ms",
      );
    }
    const key = `${this.#address.key}:lock:${name}`;
    const owner = Array.from(
      crypto.getRandomValues(new Uint8Array(16)),
      (b) => b.toString(16).padStart(2, "0"),
    )
      .join("");
    const taken = await this.#connection.run(
      `take the lock ${name}`,
      (redis) => redis.set(key, owner, "PX", ttlMs, "NX"),
    );
    if (taken !== "OK") return undefined;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        const deleted = await this.#connection.run(
          `release the lock ${name}`,
          (redis) => redis.eval(_RELEASE_IF_OWNER, 1, key, owner),
        );
        if (deleted === 0) {
          this.#logger?.warn(`The lock ${name} in ${this.#where} had expired before its release`);
        }
      },
    };
  }

  /**
   * Closes the connection to Redis (the store reconnects if used again).
   *
   * @returns When closed.
   */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /**
   * Describes the store without credentials.
   *
   * @returns `RedisStore(redis://host:port/db?key=NAME)`.
   */
  toString(): string {
    return `RedisStore(${this.#connection.description})`;
  }

  /**
   * The JSON form, without credentials.
   *
   * @returns `{ store: "redis", uri }`.
   */
  toJSON(): { store: "redis"; uri: string } {
    return { store: "redis", uri: this.#connection.description };
  }

  get #where(): string {
    return this.#connection.description;
  }

  #passphrase(options: RedisStoreOptions): Passphrase {
    if (typeof options.passphrase === "string" && options.passphrase !== "") return options.passphrase;
    const fromEnv = (options.env ?? process.env)[REDIS_PASSPHRASE_ENV];
    if (fromEnv) return fromEnv;
    if (typeof options.passphrase === "function") return options.passphrase;
    throw new PlexError(
      "invalid_argument",
      `The Redis store ${this.#connection.description} needs a passphrase`,
      {
        hint: `Set ${REDIS_PASSPHRASE_ENV} (the same in every replica), or pass { passphrase }`,
      },
    );
  }

  /** The stored ciphertext (or `null`) and the Redis server's time in ms, read together. */
  async #readWithTime(): Promise<[string | null, number]> {
    const [text, [seconds, micros]] = await this.#connection.run(
      "read the record before saving",
      (redis) =>
        redis.eval(_READ_WITH_TIME, 1, this.#address.key) as Promise<[string | null, [string, string]]>,
    );
    return [text ?? null, Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)];
  }

  /** The additional data every record of this key is sealed with: its key name. */
  get #context(): Uint8Array {
    return new TextEncoder().encode(`plextv-redis/1\u0000${this.#address.key}`);
  }

  async #seal(envelope: _Envelope): Promise<string> {
    const plain = new TextEncoder().encode(JSON.stringify(envelope));
    const salt = this.#keyring.writeSalt();
    const keys = await this.#keyring.keysFor(salt, MIN_ITERATIONS);
    const sealed = Buffer.from(await sealVault(plain, keys, salt, MIN_ITERATIONS, this.#context)).toString(
      "base64",
    );
    // Refused before it is written: a record over the cap could never be read back.
    if (sealed.length > _MAX_STORED_LENGTH) {
      throw new PlexError(
        "invalid_argument",
        `The data is too large for the Redis store: ${sealed.length} bytes sealed, at most ${_MAX_STORED_LENGTH}`,
      );
    }
    return sealed;
  }

  /** Decodes and opens a stored record; for a save, errors say the record was left untouched. */
  async #open(text: string, purpose: "load" | "save"): Promise<_Envelope> {
    const untouched = purpose === "save" ? "; it was left untouched" : "";
    const corrupt = (problem: string) =>
      new PlexError("store_corrupt", `The record in ${this.#where} ${problem}${untouched}`, {
        hint: "Clear the store (plextv logout, or store.clear()) and sign in again",
      });
    if (text.length > _MAX_STORED_LENGTH || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      throw corrupt("is not a sealed plextv record");
    }
    const bytes = new Uint8Array(Buffer.from(text, "base64"));
    const opened = await openVault(bytes, this.#keyring, this.#context);
    if (!opened.ok) {
      if (opened.failure === "passphrase") {
        throw new PlexError(
          "wrong_passphrase",
          `The passphrase does not open the record in ${this.#where}${untouched}`,
          {
            hint: purpose === "load"
              ? `Use the fleet's passphrase (${REDIS_PASSPHRASE_ENV}); a forgotten one cannot be recovered`
              : `Use the passphrase the record was saved with (${REDIS_PASSPHRASE_ENV}), or clear the store first`,
          },
        );
      }
      throw corrupt(
        opened.failure === "format"
          ? opened.problem
          : "failed its integrity check (changed, stored under another key, or written by an older plextv)",
      );
    }
    if (opened.header.iterations === MIN_ITERATIONS) this.#keyring.useSalt(opened.header.salt);
    const envelope = _envelope(opened.plain);
    if (!envelope) throw corrupt("is not a plextv record");
    return envelope;
  }

  #rolledBack(envelope: _Envelope): boolean {
    return this.#seen !== undefined && envelope.lineage === this.#seen.lineage &&
      envelope.version < this.#seen.version;
  }

  #observe(envelope: _Envelope): void {
    if (!this.#seen || envelope.lineage !== this.#seen.lineage || envelope.version > this.#seen.version) {
      this.#seen = { lineage: envelope.lineage, version: envelope.version };
    }
  }
}

function _envelope(plain: ArrayBuffer): _Envelope | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
  } catch {
    return undefined;
  }
  const { version, lineage, savedAt, record } = (doc ?? {}) as Partial<_Envelope>;
  const isObject = typeof record === "object" && record !== null && !Array.isArray(record);
  if (!Number.isSafeInteger(version) || version! < 1 || typeof lineage !== "string" || !isObject) {
    return undefined;
  }
  if (_isoTime(savedAt) === undefined) return undefined;
  return { version: version!, lineage, savedAt: savedAt!, record: record as SecureData };
}

/** `value` when it is a time `Date` can read, else `undefined`. */
function _isoTime(value: unknown): string | undefined {
  return typeof value === "string" && Number.isFinite(Date.parse(value)) ? value : undefined;
}

/** Whether the stored record is newer than the one being saved, on a clock not ahead of Redis's. */
function _isNewer(storedAt: string, savedAt: string, redisNow: number): boolean {
  const stored = Date.parse(storedAt);
  return stored > Date.parse(savedAt) && stored <= redisNow + _FUTURE_TOLERANCE_MS;
}

function _randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

for (const symbol of [Symbol.for("nodejs.util.inspect.custom"), Symbol.for("Deno.customInspect")]) {
  Object.defineProperty(RedisStore.prototype, symbol, {
    value(this: RedisStore): string {
      return this.toString();
    },
  });
}

/**
 * The `redis://` and `rediss://` store factory: a {@linkcode RedisStore}
 * with the open options' `passphrase`, `env` and `logger` (and, when given,
 * `connectTimeoutMs`, `commandTimeoutMs`, `tls`); {@linkcode redisScheme} opens URIs with it.
 *
 * @param uri The whole URI.
 * @param options The open options.
 * @returns The store.
 * @throws {PlexError} `invalid_argument` for a malformed URI or a missing passphrase.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisStoreFactory } from "./redis.ts";
 * const store = redisStoreFactory("redis://127.0.0.1:6379/0?key=example", { passphrase: "pw" });
 * assert.equal(String(store), "RedisStore(redis://127.0.0.1:6379/0?key=example)");
 * ```
 */
export function redisStoreFactory(uri: string, options: OpenStoreOptions): RedisStore {
  return new RedisStore(uri, {
    passphrase: options.passphrase,
    env: options.env,
    logger: options.logger,
    // Checked by the RedisStore: a value that is not a usable timer is refused, not replaced by the default.
    connectTimeoutMs: options.connectTimeoutMs as number | undefined,
    commandTimeoutMs: options.commandTimeoutMs as number | undefined,
    tls: typeof options.tls === "object" && options.tls !== null
      ? options.tls as ConnectionOptions
      : undefined,
  });
}

/**
 * A Redis store: the same as `new RedisStore(uri, options)`.
 *
 * @param uri `redis://[user:pass@]host:port/db?key=NAME`, or `rediss://` for TLS.
 * @param options Passphrase, environment, logger, timeouts, TLS.
 * @returns The store; it connects on first use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisStore } from "./redis.ts";
 * const store = redisStore("redis://127.0.0.1:6379/0?key=example", { passphrase: "pw" });
 * assert.equal(String(store), "RedisStore(redis://127.0.0.1:6379/0?key=example)");
 * ```
 */
export function redisStore(uri: string, options: RedisStoreOptions = {}): RedisStore {
  return new RedisStore(uri, options);
}

/**
 * The `redis://` and `rediss://` store URIs, for a {@linkcode StoreRegistry}:
 * `new StoreRegistry(redisScheme)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreRegistry } from "../lib/store/registry.ts";
 * import { redisScheme } from "./redis.ts";
 * assert.deepEqual(new StoreRegistry(redisScheme).schemes(), ["memory", "redis", "rediss"]);
 * ```
 */
export const redisScheme: StoreScheme = Object.freeze({
  schemes: Object.freeze(["redis", "rediss"]),
  open: (rest: string, options: OpenStoreOptions, scheme: string) =>
    redisStoreFactory(`${scheme}:${rest}`, options),
  passphraseEnv: REDIS_PASSPHRASE_ENV,
});
