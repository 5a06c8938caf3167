/**
 * Where the benches find the checkout and its tools.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout's root folder. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));
/** The Bun installed by `npm install`. */
export const BUN: string = join(ROOT, "node_modules/.bin/bun");
/** The Deno installed by `npm install`. */
export const DENO: string = join(ROOT, "node_modules/.bin/deno");
/** The esbuild installed by `npm install`. */
export const ESBUILD: string = join(ROOT, "node_modules/.bin/esbuild");
