/**
 * The `TokenSource` interface: anything that can hand out a valid token.
 *
 * @module
 */
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
 * import { Token } from "../token.ts";
 * import type { TokenSource } from "./token_source.ts";
 * const fixed: TokenSource = { token: () => Promise.resolve(new Token("abcdefghij0123456789")) };
 * console.assert((await fixed.token()).isLegacy());
 * ```
 */
export interface TokenSource {
  /** Returns a valid token. */
  token(options?: TokenOptions): Promise<Token>;
}
