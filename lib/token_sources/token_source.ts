/**
 * The `TokenSource` interface (anything that can hand out a valid token) and
 * the configuration a token source signs in with.
 *
 * @module
 */
import type { JwtContext } from "../flows/jwt.ts";
import type { PinContext } from "../flows/pin.ts";
import type { Token } from "../token.ts";

/**
 * Options of {@linkcode TokenSource.token}.
 *
 * @example
 * ```ts
 * import type { TokenOptions } from "./token_source.ts";
 * const options: TokenOptions = { signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface TokenOptions {
  /** Cancels waiting for the token. */
  signal?: AbortSignal;
}

/**
 * Hands out a valid plex.tv token, signing in, refreshing or loading it as needed.
 *
 * @example A source for a fixed token
 * ```ts
 * import assert from "node:assert/strict";
 * import { Token } from "../token.ts";
 * import type { TokenSource } from "./token_source.ts";
 * const fixed: TokenSource = { token: () => Promise.resolve(new Token("abcdefghij0123456789")) };
 * assert.ok((await fixed.token()).isLegacy());
 * ```
 */
export interface TokenSource {
  /** Returns a valid token. */
  token(options?: TokenOptions): Promise<Token>;
  /**
   * The client identifier the tokens belong to, for sources that may change it
   * (a re-registration after plex.tv forgot the device). A `Client` sends it.
   */
  readonly clientId?: string;
}

/**
 * What a token source signs in with: hosts, client id, device, scopes and
 * HTTP settings, and a copy with another client id (for re-registration).
 * `Config` is one.
 *
 * @example
 * ```ts
 * import type { SourceContext } from "./token_source.ts";
 * function clientIdOf(context: SourceContext): string { return context.clientId; }
 * ```
 */
export interface SourceContext extends PinContext, JwtContext {
  /** A copy with another client identifier. */
  withClientId(clientId: string): SourceContext;
}
