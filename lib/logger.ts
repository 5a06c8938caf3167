/**
 * The small logger interface plextv writes to (the seed's `slog.Logger`).
 * `console` satisfies it; nothing is logged unless a logger is given.
 *
 * @module
 */

/**
 * Where plextv writes what it does. Messages never contain secrets.
 *
 * @example Logging to the console
 * ```ts
 * import type { Logger } from "./logger.ts";
 * const logger: Logger = console;
 * logger.debug("GET https://plex.tv/api/v2/user");
 * ```
 */
export interface Logger {
  /** Requests and responses. */
  debug(message: string, ...data: unknown[]): void;
  /** Notable events (a token refreshed, a device registered). */
  info(message: string, ...data: unknown[]): void;
  /** Degraded operation (an old token used after a failed refresh). */
  warn(message: string, ...data: unknown[]): void;
  /** Failures. */
  error(message: string, ...data: unknown[]): void;
}

/**
 * A logger that drops everything.
 *
 * @example
 * ```ts
 * import { silentLogger } from "./logger.ts";
 * silentLogger.warn("nobody hears this");
 * ```
 */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
