/**
 * The signed-in wiring of the data commands: `PLEX_TOKEN` when set, else the
 * stored token (a JWT with a stored device key refreshes itself), as a token
 * source whose every token is registered as a secret, and a plex.tv client.
 *
 * @module
 */
import type { Client } from "../client.ts";
import type { Config } from "../config.ts";
import type { SecureData, SecureStore } from "../store/store.ts";
import type { Token } from "../token.ts";
import {
  type TokenSourceOption,
  withJwt,
  withLogger,
  withStore,
  withToken,
} from "../token_sources/options.ts";
import type { TokenSource } from "../token_sources/token_source.ts";
import type { ConfigResolver } from "./config_resolver.ts";
import { CliError, EXIT } from "./exit.ts";
import type { Output } from "./output.ts";
import type { StoreSession } from "./store_session.ts";

/**
 * What the signed-in wiring gives a command.
 */
export interface SignedIn {
  /** The configuration, with the client identifier in use. */
  config: Config;
  /** Hands out valid tokens (each registered as a secret). */
  source: TokenSource;
  /** A plex.tv client on that source. */
  client: Client;
  /** Whether the token is `PLEX_TOKEN`. */
  fromEnv: boolean;
  /** The stored data, when the token came from the store. */
  stored?: SecureData;
}

/**
 * Options of {@linkcode signIn}.
 */
export interface SignedInOptions {
  /** `false` ignores `PLEX_TOKEN` and uses the store (`logout`, `keys export`). Default `true`. */
  envToken?: boolean;
  /** Get a new JWT with the stored device key now (nonce + token exchange), whatever the stored one's age. */
  refresh?: boolean;
}

/**
 * What the wiring reads.
 */
export interface SignedInParts {
  /** The environment (`PLEX_TOKEN`). */
  env: Record<string, string | undefined>;
  /** The output: tokens are registered with it. */
  out: Output;
  /** Resolves the configuration. */
  configs: ConfigResolver;
  /** Opens the store session (only when the token comes from the store). */
  session: () => Promise<StoreSession>;
}

/**
 * The error for "nothing is stored": exit 4 with the way to sign in. An
 * `env:` store cannot be signed in to: its hint names its variables instead.
 *
 * @param storeUri The store that holds nothing, when known.
 * @param described The store as it may be printed (a URL's password hidden), to name it.
 * @param envToken Whether `PLEX_TOKEN` would do instead (`keys export` reads the store only).
 * @returns The error, to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notSignedIn } from "./signed_in.ts";
 * assert.equal(notSignedIn().exitCode, 4);
 * assert.match(notSignedIn("env:MY_").message, /MY_TOKEN is not set/);
 * assert.equal(notSignedIn("vault:/x.vault", "vault:/x.vault").message, "Not signed in: vault:/x.vault holds no sign-in");
 * assert.equal(notSignedIn("vault:/x.vault", "vault:/x.vault", false).hint, "Run plextv login");
 * ```
 */
export function notSignedIn(storeUri?: string, described?: string, envToken = true): CliError {
  const env = storeUri?.match(/^env:(.*)$/i);
  if (!env) {
    // The store is named: a sign-in kept in another one (--store, PLEXTV_STORE) is the usual reason.
    return new CliError(described ? `Not signed in: ${described} holds no sign-in` : "Not signed in", {
      exitCode: EXIT.auth,
      hint: envToken ? "Run plextv login, or set PLEX_TOKEN" : "Run plextv login",
    });
  }
  const prefix = (env[1] || "PLEXTV_").replace(/_?$/, "_");
  return new CliError(
    `Not signed in: ${prefix}TOKEN is not set, nor a device key (${prefix}KEY_ID, ${prefix}PRIVATE_KEY)`,
    {
      exitCode: EXIT.auth,
      hint:
        `Set the ${prefix}* variables (plextv keys export --format env prints a signed-in device's), or set PLEX_TOKEN`,
    },
  );
}

/**
 * Registers every token a source hands out as a secret.
 *
 * @param source The source.
 * @param out The output.
 * @returns The same source, watched.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * import { watched } from "./signed_in.ts";
 * import { Token } from "../token.ts";
 * const out = new Output();
 * const source = watched({ token: () => Promise.resolve(new Token("abcdefghij0123456789")) }, out);
 * await source.token();
 * assert.equal(out.redact("abcdefghij0123456789"), "***");
 * ```
 */
export function watched(source: TokenSource, out: Output): TokenSource {
  return {
    async token(options) {
      const token: Token = await source.token(options);
      out.addSecret(token.value);
      return token;
    },
    get clientId() {
      return source.clientId;
    },
  };
}

/**
 * Wires the signed-in account: `PLEX_TOKEN` (no store is opened), else the
 * stored token, refreshed with the stored device key when there is one.
 *
 * @param parts Environment, output, configuration and store session.
 * @param options `envToken: false` to use the store only; `refresh` to force a JWT refresh.
 * @returns The configuration, the token source and the client.
 * @throws {CliError} exit 4 when nothing is stored; exit 2 for `refresh` without a stored device key.
 */
export async function signIn(parts: SignedInParts, options: SignedInOptions = {}): Promise<SignedIn> {
  const { env, out, configs } = parts;
  const envToken = options.envToken === false ? undefined : env.PLEX_TOKEN;
  configs.base();
  if (envToken) {
    if (options.refresh) {
      throw new CliError("PLEX_TOKEN cannot be refreshed", {
        exitCode: EXIT.usage,
        hint: "Unset PLEX_TOKEN to refresh the stored JWT with plextv token --refresh",
      });
    }
    out.addSecret(envToken);
    const config = await configs.config();
    const source = watched(config.tokenSource(withToken(envToken)), out);
    return { config, source, client: config.client(source), fromEnv: true };
  }
  const session = await parts.session();
  const stored = await session.stored();
  // A device key without a token is signed in: the JWT source gets a token with it.
  if (!stored?.token && !(stored?.keyId && stored.privateKey)) {
    throw notSignedIn(session.uri, session.described);
  }
  const withKey = !!(stored.keyId && stored.privateKey);
  if (options.refresh && !withKey) {
    throw new CliError("The stored token is a legacy token, which cannot be refreshed", {
      exitCode: EXIT.usage,
      hint: "Sign in with a device key to get refreshing JWTs: plextv login --jwt",
    });
  }
  const config = await configs.config(stored, session);
  const store = _primed(await session.store(), stored, options.refresh === true);
  const sourceOptions: TokenSourceOption[] = [withLogger(out.logger)];
  sourceOptions.push(
    withKey ? withJwt(store, { onReregister: (id) => configs.onReregister(id) }) : withStore(store),
  );
  const source = watched(config.tokenSource(...sourceOptions), out);
  return { config, source, client: config.client(source), fromEnv: false, stored };
}

/**
 * A store whose first load answers what was already loaded (a vault opens
 * once, not twice). With `withoutToken`, loads leave the token out until the
 * next save: the source then refreshes the JWT with the device key.
 */
function _primed(
  store: SecureStore<SecureData>,
  data: SecureData,
  withoutToken: boolean,
): SecureStore<SecureData> {
  let first: SecureData | undefined = structuredClone(data);
  let dropToken = withoutToken;
  const strip = (loaded: SecureData | undefined) => {
    if (!dropToken || !loaded) return loaded;
    const { token: _token, tokenExpiresAt: _expiresAt, ...rest } = loaded;
    return rest as SecureData;
  };
  const primed: SecureStore<SecureData> = {
    load: async () => {
      if (first === undefined) return strip(await store.load());
      const loaded = first;
      first = undefined;
      return strip(loaded);
    },
    save: (saved) => {
      first = undefined;
      dropToken = false;
      return store.save(saved);
    },
    clear: () => {
      first = undefined;
      return store.clear();
    },
  };
  if (store.lock) primed.lock = (name, ttl) => store.lock!(name, ttl);
  return primed;
}
