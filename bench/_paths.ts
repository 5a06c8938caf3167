/**
 * Where the benches find the checkout and its tools.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root folder (ends with a separator).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ROOT } from "./_paths.ts";
 * assert.ok(ROOT.endsWith("/") || ROOT.endsWith("\\"));
 * ```
 */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));
/**
 * The Bun installed by `npm install`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUN } from "./_paths.ts";
 * assert.ok(BUN.includes("node_modules"));
 * ```
 */
export const BUN: string = join(ROOT, "node_modules/.bin/bun");
/**
 * The Deno installed by `npm install`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DENO } from "./_paths.ts";
 * assert.ok(DENO.includes("node_modules"));
 * ```
 */
export const DENO: string = join(ROOT, "node_modules/.bin/deno");
/**
 * The esbuild installed by `npm install`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ESBUILD } from "./_paths.ts";
 * assert.ok(ESBUILD.includes("node_modules"));
 * ```
 */
export const ESBUILD: string = join(ROOT, "node_modules/.bin/esbuild");
