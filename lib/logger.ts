/**
 * The small logger interface plextv writes to (the seed's `slog.Logger`).
 * `console` satisfies it; nothing is logged unless a logger is given.
 *
 * @module
 */
import { PlexError } from "./errors.ts";

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

/**
 * Checks that `logger` is a {@linkcode Logger}: an object with `debug`, `info`,
 * `warn` and `error` functions (`console` is one).
 *
 * @param logger The logger.
 * @throws {PlexError} `invalid_argument` when it is not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkLogger } from "./logger.ts";
 * checkLogger(console);
 * assert.throws(() => checkLogger({} as Console), { code: "invalid_argument" });
 * ```
 */
export function checkLogger(logger: Logger): void {
  for (const level of ["debug", "info", "warn", "error"] as const) {
    if (typeof logger?.[level] !== "function") {
      throw new PlexError("invalid_argument", "A logger has debug, info, warn and error functions");
    }
  }
}
