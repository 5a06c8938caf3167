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
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * assert.ok(/^\d+\.\d+\.\d+/.test(VERSION));
 * ```
 */
export const VERSION = "0.1.0";
