/**
 * The token source behind `config.tokenSource(...)`: reuses a valid token,
 * refreshes a JWT ahead of expiry, shares one in-flight refresh between
 * concurrent callers, persists what a restart needs, and recovers from a lost
 * device key explicitly. What only JWT mode needs (registering a key,
 * refreshing, re-registering) is in `jwt_source.ts`, loaded only in JWT mode;
 * reading and writing the store is in `stored.ts`, loaded only with a store.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkCallOptions } from "../http/deadline.ts";
import type { Token } from "../token.ts";
import { defaultTokenSourceSettings, type TokenSourceOption } from "./options.ts";
import type { SourceState } from "./settings.ts";
import { SingleFlight } from "./single_flight.ts";
import { isFresh, persist, registrarOf, saveDue } from "./source_state.ts";
import type { SourceContext, TokenOptions, TokenSource } from "./token_source.ts";

/**
 * A caching, refreshing, persisting token source. Create it with
 * `config.tokenSource(...options)`.
 *
 * @example A JWT source that survives restarts
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { defaultConfig, withCredentials, withJwt } from "@plexkit/plextv";
 * import { Vault } from "@plexkit/plextv/plugins/vault";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const file = join(await mkdtemp(join(tmpdir(), "plextv-")), "plextv.vault");
 * const run = () =>
 *   config.tokenSource(
 *     withCredentials("plexuser", "plexpass"), // used once, on the very first run
 *     withJwt(new Vault(file, "correct horse battery staple")),
 *   ).token();
 * assert.ok((await run()).isJwt()); // the first run signs in and registers a device key
 * emulator.resetRequests();
 * await run(); // a later run (a new source, as after a restart)
 * assert.equal(emulator.requests.length, 0); // 0 requests while the JWT is fresh
 * await emulator.close();
 * ```
 */
export class PlexTokenSource implements TokenSource {
  readonly #state: SourceState;
  readonly #flight = new SingleFlight<Token>("Waiting for the token was aborted");
  #loaded = false;

  /**
   * Creates the source; prefer `config.tokenSource(...)`.
   *
   * @param config The configuration (client id, hosts): a `Config`.
   * @param options The options (registrar, store, JWT, logger).
   * @throws {PlexError} `invalid_argument` for an option that is not one (a string, an object), and for
   *   two ways to sign in (`withToken` and `withCredentials`) or two stores (`withJwt` and `withStore`).
   */
  constructor(config: SourceContext, options: TokenSourceOption[]) {
    const settings = defaultTokenSourceSettings();
    for (const option of options) {
      // From JavaScript an option may be anything; each is made by withToken(), withJwt(), ...
      if (typeof option !== "function") {
        throw new PlexError(
          "invalid_argument",
          "A token source option is made by withToken(), withJwt(), ...",
        );
      }
      const { registrar, store } = settings;
      option(settings);
      // A second way to sign in, or a second store, would silently replace the first.
      if ((registrar && settings.registrar !== registrar) || (store && settings.store !== store)) {
        throw new PlexError("invalid_argument", "A token source takes one way to sign in and one store");
      }
    }
    this.#state = { config, settings, retryRefreshAt: 0 };
  }

  /** The client identifier in use (it changes after a re-registration). */
  get clientId(): string {
    return this.#state.config.clientId;
  }

  /**
   * Returns a valid token: the cached one while fresh, else loaded, refreshed
   * or signed in — once, however many callers wait.
   *
   * @param options `signal` stops this caller waiting.
   * @returns The token; rejected with `invalid_argument` for a signal that is not an AbortSignal.
   */
  token(options: TokenOptions = {}): Promise<Token> {
    try {
      checkCallOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    const cached = this.#state.current;
    if (cached && isFresh(this.#state, cached) && !saveDue(this.#state)) return Promise.resolve(cached);
    return this.#flight.run((signal) => this.#obtain(signal), options.signal);
  }

  /** A description without secrets. */
  toString(): string {
    const { settings, current } = this.#state;
    return `PlexTokenSource(${settings.jwt ? "jwt" : "legacy"}, ${current ?? "no token yet"})`;
  }

  async #obtain(signal: AbortSignal): Promise<Token> {
    const state = this.#state;
    if (!this.#loaded) {
      // Saves are stamped and JWTs judged on plex.tv's time: its clock starts before the first request.
      if (state.settings.store || state.settings.jwt) await startPlexClock(state);
      if (state.settings.store) await (await import("./stored.ts")).loadState(state);
      this.#loaded = true;
    }
    const current = state.current;
    if (current && isFresh(state, current)) {
      // In hand but not in the store (its save failed or was declined): saved again now.
      if (saveDue(state)) await persist(state, undefined);
      return current;
    }
    return state.settings.jwt ? state.settings.jwt.obtain(state, signal) : this.#signIn(signal);
  }

  /** Legacy mode: sign in through the registrar once, and persist the token. */
  async #signIn(signal: AbortSignal): Promise<Token> {
    const state = this.#state;
    const registrar = registrarOf(state);
    const { token, key } = await registrar.register(state.config, signal);
    if (token.isJwt()) await (await import("./given_jwt.ts")).checkGivenJwt(state, token, signal);
    if (key) state.key = key;
    state.current = token;
    state.settings.logger?.info(`Signed in with ${registrar.name}`);
    await persist(state, token);
    return token;
  }
}

/** Starts plex.tv's clock of the source's configuration; loaded only by sources that save or hold a JWT. */
async function startPlexClock(state: SourceState): Promise<void> {
  (await import("../http/plex_clock_start.ts")).startPlexClock(state.config.http);
}
