/**
 * One lazily opened Redis connection (ioredis) with bounded connect and
 * command times, no silent offline queue, and errors translated to typed
 * {@linkcode PlexError}s that never carry the password or command arguments.
 *
 * The URI's database is selected by this module on every (re)connection, not
 * by ioredis's `db` option: ioredis reports a SELECT the server refuses only
 * as an `error` event and goes on in database 0. A refused SELECT fails the
 * operation instead, so nothing is ever read or written in another database.
 *
 * ioredis is an optional peer dependency of the npm package: it is imported
 * on the first connection, so the Redis plugin (and the CLI that offers it)
 * loads without it, and a missing ioredis is a `store_unavailable` error that
 * says what to install.
 *
 * @module
 */
import type { Redis } from "ioredis";
import { PlexError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { redactSecrets } from "../lib/redact/secrets.ts";
import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { redactedRedisUri, type RedisAddress } from "./_redis_uri.ts";

/**
 * How a {@linkcode RedisConnection} connects.
 *
 * @example
 * ```ts
 * import type { RedisConnectionOptions } from "./_redis_connection.ts";
 * const options: RedisConnectionOptions = { connectTimeoutMs: 1_000, commandTimeoutMs: 1_000 };
 * ```
 */
export interface RedisConnectionOptions {
  /** Give up connecting after this long. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Give up on a command after this long. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Extra TLS options for `rediss://` (a private CA, a client certificate). */
  tls?: ConnectionOptions;
  /** Where connection losses are reported. */
  logger?: Logger;
}

/**
 * A Redis connection opened on first use and opened again after a loss.
 * It does not keep the process alive while idle.
 *
 * @example
 * Not run by `deno test --doc`: it needs a real Redis server.
 * ```ts ignore
 * const connection = new RedisConnection(parseRedisUri("redis://127.0.0.1:6379/0"), {});
 * const pong = await connection.run("ping", (redis) => redis.ping());
 * await connection.close();
 * ```
 */
export class RedisConnection {
  readonly #address: RedisAddress;
  readonly #options: RedisConnectionOptions;
  #client?: Redis;
  #connecting?: Promise<Redis>;
  #closes = 0;
  #lastError?: Error;

  /**
   * Prepares the connection; nothing is opened yet.
   *
   * @param address Where Redis is.
   * @param options Timeouts, TLS, logger.
   */
  constructor(address: RedisAddress, options: RedisConnectionOptions) {
    this.#address = address;
    this.#options = options;
  }

  /** The URI without credentials. */
  get description(): string {
    return redactedRedisUri(this.#address);
  }

  /**
   * Runs `command` on a connected client, connecting first when needed.
   *
   * @param what What the command does, for error messages (`load the record`).
   * @param command The work, given the client.
   * @returns What `command` returned.
   * @throws {PlexError} `store_unavailable` (unreachable, timed out), `access_denied` (auth, ACL), `store_error`.
   */
  async run<T>(what: string, command: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = await this.#connect(what);
    try {
      return await command(redis);
    } catch (err) {
      throw this.#translate(err, what);
    }
  }

  /**
   * Closes the connection (pending commands finish first when possible).
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#connecting = undefined;
    this.#closes++;
    if (!client) return;
    try {
      if (client.status === "ready") await client.quit();
    } catch {
      // Closing anyway below.
    }
    client.disconnect();
  }

  #connect(what: string): Promise<Redis> {
    const client = this.#client;
    if (client && client.status === "ready") return Promise.resolve(client);
    if (this.#connecting) return this.#connecting;
    if (client) {
      this.#client = undefined;
      client.disconnect();
    }
    const connecting = this.#open(what).finally(() => {
      if (this.#connecting === connecting) this.#connecting = undefined;
    });
    this.#connecting = connecting;
    return connecting;
  }

  async #open(what: string): Promise<Redis> {
    const address = this.#address;
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? 2_000;
    const Redis = await loadRedisClass();
    const client = new Redis({
      host: address.host,
      port: address.port,
      // Selected below, where a refusal fails the connection (ioredis would go on in database 0).
      db: 0,
      username: address.username,
      password: address.password,
      tls: address.tls
        ? { servername: isIP(address.host) ? undefined : address.host, ...this.#options.tls }
        : undefined,
      lazyConnect: true,
      connectTimeout: connectTimeoutMs,
      commandTimeout: this.#options.commandTimeoutMs ?? 2_000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      // How long ioredis's disconnect waits for the socket to close: its timer is never cleared when the
      // socket closed already (a failed connection), and held the process 2 s (the default) after close().
      disconnectTimeout: 100,
      autoResubscribe: false,
      connectionName: "plextv",
    });
    this.#lastError = undefined;
    const closes = this.#closes;
    client.on("error", (err: Error) => {
      this.#lastError = err;
    });
    client.on("end", () => {
      if (this.#client === client) {
        this.#client = undefined;
        this.#options.logger?.debug(`The connection to ${this.description} closed`);
      }
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("connect ETIMEDOUT")), connectTimeoutMs);
    });
    try {
      await Promise.race([client.connect(), timeout]);
    } catch (err) {
      client.disconnect();
      throw this.#translate(this.#lastError ?? err, what);
    } finally {
      clearTimeout(timer);
    }
    try {
      if (address.db !== 0) await this.#select(client, what);
    } catch (err) {
      client.disconnect();
      throw err;
    }
    if (closes !== this.#closes) {
      // close() was called while this connection was opening.
      client.disconnect();
      throw this.#translate(new Error("Connection is closed"), what);
    }
    // An idle connection must not keep a CLI or a short script running.
    (client as unknown as { stream?: { unref?: () => void } }).stream?.unref?.();
    this.#client = client;
    return client;
  }

  /**
   * Selects the URI's database on a new client.
   *
   * @throws {PlexError} `store_unavailable` when the server has no such database (or refuses it otherwise),
   * `access_denied` when the user's ACL forbids SELECT, as {@linkcode RedisConnection.run} for the rest.
   */
  async #select(client: Redis, what: string): Promise<void> {
    const db = this.#address.db;
    try {
      await client.select(db);
      return;
    } catch (err) {
      const error = this.#translate(err, `select database ${db} to ${what}`);
      if (error.code !== "store_error") throw error;
      const count = await client.config("GET", "databases").then(
        (reply) => Number((reply as unknown[])[1]),
        () => NaN,
      );
      throw new PlexError(
        "store_unavailable",
        `Could not ${what}: Redis at ${this.description} refused database ${db} (${
          (error.cause as Error).message
        })`,
        {
          cause: error.cause,
          hint: Number.isSafeInteger(count) && count > 0
            ? `The server has ${count} databases (0 to ${count - 1}): check the /DB in the store URI`
            : "Check the /DB in the store URI against the server's databases setting",
        },
      );
    }
  }

  #translate(err: unknown, what: string): PlexError {
    if (err instanceof PlexError) return err;
    const raw = err instanceof Error ? err.message : String(err);
    const message = redactSecrets(raw, [this.#address.password, this.#address.username]).split("\n")[0];
    // A safe cause: the client's own errors may carry the command arguments (AUTH's password).
    const cause = new Error(message);
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string") Object.assign(cause, { code });
    const where = this.description;
    if (/^(WRONGPASS|NOAUTH|NOPERM)\b/.test(raw) || /invalid password|invalid username/i.test(raw)) {
      return new PlexError("access_denied", `Redis at ${where} refused to ${what}: ${message}`, {
        cause,
        hint: "Check the user and password in the store URI and the user's ACL permissions",
      });
    }
    const unreachable = typeof code === "string" && /^E[A-Z]+$/.test(code) ||
      /timed out|ETIMEDOUT|Connection is closed|isn't writeable|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|LOADING|socket|TLS|certificate/i
        .test(raw);
    if (unreachable) {
      return new PlexError(
        "store_unavailable",
        `Could not ${what}: Redis at ${where} is unavailable (${message})`,
        {
          cause,
          hint:
            "Check that Redis runs and is reachable at that host and port (and that rediss:// is used for TLS)",
        },
      );
    }
    return new PlexError("store_error", `Could not ${what} in Redis at ${where}: ${message}`, {
      cause,
      hint: "Check that the key holds a plextv record (another program may use the same key)",
    });
  }
}

/**
 * The ioredis client class, imported when the first connection opens.
 *
 * @returns The class.
 * @throws {PlexError} `store_unavailable` when ioredis is not installed (or cannot be loaded).
 */
async function loadRedisClass(): Promise<typeof Redis> {
  try {
    return (await import("ioredis")).Redis;
  } catch (cause) {
    throw new PlexError(
      "store_unavailable",
      "The Redis store needs the ioredis package, which could not be loaded",
      {
        cause,
        hint: "Install it beside plextv: npm install ioredis (bun add ioredis, deno add npm:ioredis)",
      },
    );
  }
}
