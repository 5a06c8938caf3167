/**
 * The npm package's JavaScript for tests that run plextv under Node: the
 * `npm run build` (tsc with tsconfig.npm.json) compiled once per state of
 * the sources into a temporary folder keyed by their hash, and shared by
 * every test file and test process of a run.
 *
 * The folder (see shared_build.ts) holds a copy of package.json (`"type": "module"`, the package's
 * name for self-imports) and a link to the checkout's node_modules, so the
 * compiled code resolves jose and uqr as it does in an install. The repo's
 * own esm/ is left alone: `npm pack` (tests/npm_package_test.ts) deletes and
 * rebuilds it.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { REPO, sharedBuild } from "./shared_build.ts";

/** `npm run build`'s tsc step, as package.json says it, with the output sent to `outDir`. */
function tscArgs(outDir: string): string[] {
  const script: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts.build;
  const step = script.split("&&").map((part) => part.trim()).find((part) => part.startsWith("tsc "));
  if (!step) throw new Error(`package.json's build script has no tsc step: ${script}`);
  return [...step.split(/\s+/).slice(1), "--outDir", outDir];
}

/**
 * The folder of the npm build of the current sources (`esm/` inside it),
 * building it first when no test file of this or an earlier run has.
 *
 * @returns The folder.
 */
export function nodeBuild(): Promise<string> {
  return sharedBuild({
    name: "node",
    sources: [
      "mod.ts",
      "protocol.ts",
      "cli.ts",
      "bin",
      "lib",
      "plugins",
      "tsconfig.npm.json",
      "package.json",
    ],
    marker: join("esm", "bin", "plextv.js"),
    build(folder) {
      const result = spawnSync(join(REPO, "node_modules/.bin/tsc"), tscArgs(join(folder, "esm")), {
        cwd: REPO,
        encoding: "utf8",
      });
      if (result.status !== 0) {
        throw new Error(`npm run build (tsc) failed:\n${result.stdout}${result.stderr}`);
      }
      copyFileSync(join(REPO, "package.json"), join(folder, "package.json"));
      symlinkSync(join(REPO, "node_modules"), join(folder, "node_modules"), "dir");
    },
  });
}

/**
 * A TypeScript module (a store plugin) as the JavaScript a Node user would
 * load, type annotations stripped by esbuild, next to the build; compiled
 * again only when the file changes.
 *
 * @param folder The build's folder, from {@linkcode nodeBuild}.
 * @param path The TypeScript file.
 * @returns The path of the `.mjs` file.
 */
export function compiledForNode(folder: string, path: string): string {
  const hash = createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 12);
  const out = join(folder, "compiled", `${basename(path).replace(/\.ts$/, "")}-${hash}.mjs`);
  if (existsSync(out)) return out;
  mkdirSync(join(folder, "compiled"), { recursive: true });
  const partial = `${out}.${process.pid}-${crypto.randomUUID()}`;
  const result = spawnSync(
    join(REPO, "node_modules/.bin/esbuild"),
    [path, "--format=esm", "--platform=node", "--log-level=warning", `--outfile=${partial}`],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`esbuild ${path} failed: ${result.stderr}`);
  renameSync(partial, out);
  return out;
}
