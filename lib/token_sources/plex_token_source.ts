/**
 * The token source behind `config.tokenSource(...)`: reuses a valid token,
 * refreshes a JWT ahead of expiry, shares one in-flight refresh between
 * concurrent callers, persists what a restart needs, and recovers from a lost
 * device key explicitly.
 *
 * @module
 */
import { systemClock } from "../clock.ts";
import { isPlexError, PlexError } from "../errors.ts";
import type { DeviceKey } from "../keys.ts";
import type { SecureData } from "../store/store.ts";
import { Token } from "../token.ts";
import type { JwtMode } from "./jwt_mode.ts";
import { defaultTokenSourceSettings, type TokenSourceOption, type TokenSourceSettings } from "./options.ts";
import { SingleFlight } from "./single_flight.ts";
import type { SourceContext, TokenOptions, TokenSource } from "./token_source.ts";

/** After a failed refresh answered with the still-valid old JWT, wait this long before trying again. */
const RETRY_AFTER_FAILED_REFRESH_MS = 30_000;

/**
 * A caching, refreshing, persisting token source. Create it with
 * `config.tokenSource(...options)`.
 *
 * @example A JWT source that survives restarts
 * ```ts ignore
 * import { defaultConfig, withCredentials, withJwt } from "@plexkit/plextv";
 * import { Vault } from "@plexkit/plextv/plugins/vault";
 *
 * const source = config.tokenSource(
 *   withCredentials("me", password), // used once, on the very first run
 *   withJwt(new Vault("plextv.vault", passphrase)),
 * );
 * const token = await source.token(); // later runs: 0 requests while the JWT is fresh
 * ```
 */
export class PlexTokenSource implements TokenSource {
  #config: SourceContext;
  readonly #settings: TokenSourceSettings;
  readonly #flight = new SingleFlight<Token>("Waiting for the token was aborted");
  #current?: Token;
  #key?: DeviceKey;
  /** A stored device key a source without JWTs does not use, saved back as it was. */
  #keptKey?: Pick<SecureData, "keyId" | "privateKey">;
  #loaded = false;
  #retryRefreshAt = 0;

  /**
   * Creates the source; prefer `config.tokenSource(...)`.
   *
   * @param config The configuration (client id, hosts): a `Config`.
   * @param options The options (registrar, store, JWT, logger).
   */
  constructor(config: SourceContext, options: TokenSourceOption[]) {
    this.#config = config;
    this.#settings = defaultTokenSourceSettings();
    for (const option of options) option(this.#settings);
  }

  /** The client identifier in use (it changes after a re-registration). */
  get clientId(): string {
    return this.#config.clientId;
  }

  /**
   * Returns a valid token: the cached one while fresh, else loaded, refreshed
   * or signed in — once, however many callers wait.
   *
   * @param options `signal` stops this caller waiting.
   * @returns The token.
   */
  token(options: TokenOptions = {}): Promise<Token> {
    const cached = this.#current;
    if (cached && this.#fresh(cached)) return Promise.resolve(cached);
    return this.#flight.run((signal) => this.#obtain(signal), options.signal);
  }

  /** A description without secrets. */
  toString(): string {
    return `PlexTokenSource(${this.#settings.jwt ? "jwt" : "legacy"}, ${this.#current ?? "no token yet"})`;
  }

  /** The JWT operations; only called in JWT mode. */
  get #jwt(): JwtMode {
    return this.#settings.jwt!;
  }

  /**
   * plex.tv's time: this machine's clock (`withClock`, else the HTTP clock the estimate is made
   * against) corrected by the configuration's estimate of plex.tv's clock, so tokens are judged (and
   * records stamped) on the clock that issued them.
   */
  #plexNow(): Date {
    const { clock, plexClock } = this.#config.http;
    const local = this.#settings.now?.().getTime() ?? (clock ?? systemClock).now();
    return new Date(plexClock?.now(local) ?? local);
  }

  #fresh(token: Token): boolean {
    if (token.isLegacy()) return !this.#settings.jwt;
    const expiresAt = token.expiresAt?.getTime();
    if (expiresAt === undefined) return false;
    const now = this.#plexNow().getTime();
    // The margin never takes more than half a token's lifetime: a short-lived JWT is still reused.
    const issuedAt = token.claims?.iat;
    const lifetime = typeof issuedAt === "number" ? expiresAt - issuedAt * 1000 : Infinity;
    const margin = Math.min(this.#settings.refreshMarginMs, Math.max(0, lifetime / 2));
    if (expiresAt - margin > now) return true;
    return expiresAt > now && now < this.#retryRefreshAt;
  }

  async #obtain(signal: AbortSignal): Promise<Token> {
    if (!this.#loaded) {
      await this.#loadStored();
      this.#loaded = true;
      if (this.#current && this.#fresh(this.#current)) return this.#current;
    }
    if (!this.#settings.jwt) return this.#signIn(signal);
    if (this.#key) return this.#refresh(signal);
    return this.#registerKey(signal);
  }

  async #loadStored(): Promise<void> {
    const data = await this.#settings.store?.load();
    if (!data) return;
    if (data.clientId !== this.#config.clientId) {
      throw new PlexError(
        "invalid_client_id",
        "The stored device data belongs to another client identifier",
        {
          hint: "Use the client identifier the data was saved with, or clear the store and sign in again",
        },
      );
    }
    this.#current = data.token ? new Token(data.token) : undefined;
    if (data.privateKey && data.keyId && !this.#settings.jwt) {
      this.#keptKey = { keyId: data.keyId, privateKey: data.privateKey };
    } else if (data.privateKey && data.keyId) {
      const key = await this.#jwt.readKey(data.privateKey);
      if (key.keyId !== data.keyId) {
        throw new PlexError("store_corrupt", "The stored key id does not match the stored private key", {
          hint: "Clear the store and sign in again",
        });
      }
      this.#key = key;
    }
    this.#settings.logger?.debug(`Loaded the stored ${this.#key ? "device key and " : ""}token`);
  }

  #registrar() {
    const registrar = this.#settings.registrar;
    if (!registrar) {
      throw new PlexError("no_token_source", "No way to sign in was given and nothing usable is stored", {
        hint: "Add withCredentials(), withPin(), withPinJwt() or withToken() to the token source",
      });
    }
    return registrar;
  }

  /** Legacy mode: sign in through the registrar once, and persist the token. */
  async #signIn(signal: AbortSignal): Promise<Token> {
    const registrar = this.#registrar();
    const { token, key } = await registrar.register(this.#config, signal);
    if (token.isJwt()) token.validate(this.#plexNow());
    if (key) this.#key = key;
    this.#current = token;
    this.#settings.logger?.info(`Signed in with ${registrar.name}`);
    await this.#persist(token);
    return token;
  }

  /** JWT mode without a key: sign in (or reuse a stored legacy token), register a key, get a JWT. */
  async #registerKey(signal: AbortSignal): Promise<Token> {
    let legacy = this.#current;
    if (!legacy) {
      const registrar = this.#registrar();
      const result = await registrar.register(this.#config, signal);
      this.#settings.logger?.info(`Signed in with ${registrar.name}`);
      if (result.key) {
        this.#key = result.key;
        this.#current = result.token;
        await this.#persist(result.token);
        return result.token;
      }
      legacy = result.token;
      this.#current = legacy;
      await this.#persist(legacy);
    }
    this.#key = await this.#jwt.register(this.#config, legacy, signal);
    this.#settings.logger?.info("Registered a device key with plex.tv");
    await this.#persist(undefined);
    const token = await this.#jwt.exchange(this.#config, this.#key, signal);
    this.#current = token;
    await this.#persist(token);
    return token;
  }

  /** JWT mode with a key: nonce + token exchange, under the store's lock when it has one. */
  async #refresh(signal: AbortSignal): Promise<Token> {
    const key = this.#key!;
    const old = this.#current;
    const store = this.#settings.store;
    const refresh = async () => {
      const token = await this.#jwt.exchange(this.#config, key, signal);
      this.#settings.logger?.info(`Refreshed the JWT (expires ${token.expiresAt?.toISOString()})`);
      await this.#persist(token);
      return token;
    };
    try {
      const token = store
        ? await this.#jwt.underLock(store, {
          refresh,
          reload: () => this.#reloadFresh(),
          ttlMs: this.#settings.lockTtlMs,
          logger: this.#settings.logger,
          signal,
          clock: this.#config.http.clock,
        })
        : await refresh();
      this.#current = token;
      this.#retryRefreshAt = 0;
      return token;
    } catch (err) {
      if (isPlexError(err, "jwk_missing")) return this.#onJwkMissing(err, signal);
      const now = this.#plexNow();
      if (
        old?.isJwt() && old.isValid(now) &&
        isPlexError(err, "network_error", "timeout", "server_error", "too_many_requests")
      ) {
        this.#settings.logger?.warn(
          `Refreshing the JWT failed (${err.message}); using the current one until ${old.expiresAt?.toISOString()}`,
        );
        this.#retryRefreshAt = now.getTime() + RETRY_AFTER_FAILED_REFRESH_MS;
        return old;
      }
      throw err;
    }
  }

  async #reloadFresh(): Promise<Token | undefined> {
    const data = await this.#settings.store?.load();
    if (!data?.token || data.clientId !== this.#config.clientId || data.keyId !== this.#key?.keyId) {
      return undefined;
    }
    const token = new Token(data.token);
    return token.isJwt() && this.#fresh(token) ? token : undefined;
  }

  async #onJwkMissing(err: PlexError, signal: AbortSignal): Promise<Token> {
    if (this.#settings.onJwkMissing !== "reregister" || !this.#settings.registrar) {
      throw new PlexError("jwk_missing", "plex.tv no longer knows this device's key", {
        status: err.status,
        details: [...err.details],
        cause: err,
        hint: this.#settings.registrar
          ? 'The device was probably removed from the account: clear the store and sign in again with a new client identifier, or use onJwkMissing: "reregister"'
          : "The device was probably removed from the account: clear the store and sign in again with a new client identifier",
      });
    }
    const store = this.#settings.store;
    const forgotten = this.#config.clientId;
    const reregister = async (): Promise<Token> => {
      const clientId = this.#jwt.newClientId();
      this.#settings.logger?.warn(
        "plex.tv no longer knows this device's key; registering again with a new client id",
      );
      // Told first: the old id's data is dead, and the app must not keep it once the store holds the new one.
      await this.#settings.onReregister?.(clientId);
      this.#config = this.#config.withClientId(clientId);
      this.#key = undefined;
      this.#current = undefined;
      return await this.#registerKey(signal);
    };
    if (!store) return await reregister();
    // Under the lock, so that of many replicas one registers and the others adopt its new device.
    return await this.#jwt.underLock(store, {
      refresh: reregister,
      reload: () => this.#adoptRegistration(forgotten),
      ttlMs: this.#settings.lockTtlMs,
      logger: this.#settings.logger,
      signal,
      clock: this.#config.http.clock,
    });
  }

  /** Adopts a device another replica registered after `forgotten` lost its key, when the store holds one. */
  async #adoptRegistration(forgotten: string): Promise<Token | undefined> {
    const data = await this.#settings.store?.load();
    if (!data?.token || !data.privateKey || !data.keyId || data.clientId === forgotten) return undefined;
    const token = new Token(data.token);
    if (!token.isJwt() || !this.#fresh(token)) return undefined;
    const key = await this.#jwt.readKey(data.privateKey);
    if (key.keyId !== data.keyId) return undefined;
    await this.#settings.onReregister?.(data.clientId);
    this.#config = this.#config.withClientId(data.clientId);
    this.#key = key;
    this.#current = token;
    this.#settings.logger?.info("Another process registered this device again; using its new client id");
    return token;
  }

  /** Saves, keeping a token in hand when the store is unreachable (it is saved again next time). */
  async #persist(token: Token | undefined): Promise<void> {
    try {
      await this.#save(token);
    } catch (err) {
      if (!isPlexError(err, "store_unavailable", "store_error")) throw err;
      this.#settings.logger?.warn(
        `Could not save the token to the store (${err.message}); keeping it in memory`,
      );
    }
  }

  async #save(token: Token | undefined): Promise<void> {
    const store = this.#settings.store;
    if (!store) return;
    const current = token ?? this.#current;
    const data: SecureData = {
      version: 1,
      clientId: this.#config.clientId,
      savedAt: this.#plexNow().toISOString(),
    };
    if (this.#key && this.#settings.jwt) {
      data.keyId = this.#key.keyId;
      data.privateKey = await this.#jwt.writeKey(this.#key);
    } else if (this.#keptKey) {
      Object.assign(data, this.#keptKey);
    }
    if (current) {
      data.token = current.value;
      const expiresAt = current.expiresAt;
      if (expiresAt) data.tokenExpiresAt = expiresAt.toISOString();
    }
    await store.save(data);
  }
}
