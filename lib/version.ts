/**
 * The plextv version, sent as `X-Plex-Version` by the default device.
 *
 * @module
 */

/**
 * The version of this plextv release.
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.assert(/^\d+\.\d+\.\d+/.test(VERSION));
 * ```
 */
export const VERSION = "0.1.0";
