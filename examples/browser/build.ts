/**
 * Builds the browser example with `bun build`: `main.ts` (and the library it
 * imports) bundled and minified into `main.js`, beside a copy of `index.html`.
 *
 * Run: `deno task build:browser`, `deno run -A examples/browser/build.ts [OUT_DIR]`
 * or `bun examples/browser/build.ts [OUT_DIR]` (default `dist/browser/`); with
 * `--serve PORT` it then serves the page on 127.0.0.1 until Ctrl-C.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { serveBrowserExample } from "./serve.ts";

const HERE = new URL("./", import.meta.url);
const ROOT = new URL("../../", import.meta.url);

/**
 * What a build wrote.
 *
 * @example
 * ```ts ignore
 * const { script, bytes } = buildBrowserExample("/tmp/page");
 * ```
 */
export interface BrowserBuild {
  /** The directory with index.html and main.js. */
  outDir: string;
  /** The path of the bundled, minified script. */
  script: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Bundles and minifies the example page into `outDir`.
 *
 * @param outDir Where to write `index.html` and `main.js`. Default `dist/browser/` of the repository.
 * @returns What was written.
 * @throws {Error} when `bun build` fails (its output is in the message).
 *
 * @example
 * ```ts ignore
 * const { outDir } = buildBrowserExample();
 * ```
 */
export function buildBrowserExample(
  outDir: string = fileURLToPath(new URL("dist/browser/", ROOT)),
): BrowserBuild {
  mkdirSync(outDir, { recursive: true });
  const bun = fileURLToPath(new URL("node_modules/.bin/bun", ROOT));
  const entry = fileURLToPath(new URL("main.ts", HERE));
  const result = spawnSync(bun, ["build", entry, "--outdir", outDir, "--target", "browser", "--minify"], {
    cwd: fileURLToPath(ROOT),
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `bun build failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
  }
  copyFileSync(fileURLToPath(new URL("index.html", HERE)), `${outDir}/index.html`);
  const script = `${outDir.replace(/\/+$/, "")}/main.js`;
  return { outDir, script, bytes: statSync(script).size };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    options: { serve: { type: "string" } },
    allowPositionals: true,
  });
  const { outDir, script, bytes } = buildBrowserExample(positionals[0]);
  console.log(`${script}: ${bytes} bytes (minified)`);
  if (values.serve !== undefined) {
    const { url } = await serveBrowserExample(outDir, Number(values.serve));
    console.log(
      `Serving ${url} (Ctrl-C to stop); point it at the emulator with ${url}/?plex=http://127.0.0.1:8080`,
    );
  }
}
