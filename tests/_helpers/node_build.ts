/**
 * The npm package's JavaScript for tests that run plextv under Node: the
 * `npm run build` (tsc with tsconfig.npm.json) compiled once per state of
 * the sources into a temporary folder keyed by their hash, and shared by
 * every test file and test process of a run.
 *
 * The build goes to a folder of its own and is renamed into place when
 * complete, so no one ever sees half of one; a lock file keeps parallel test
 * files from building the same thing at once (a waiter polls for the folder),
 * and a lock older than a few minutes is taken for one left by a killed run.
 * The folder holds a copy of package.json (`"type": "module"`, the package's
 * name for self-imports) and a link to the checkout's node_modules, so the
 * compiled code resolves jose and uqr as it does in an install. The repo's
 * own esm/ is left alone: `npm pack` (tests/npm_package_test.ts) deletes and
 * rebuilds it.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** What the build reads: the package's sources and its build settings. */
const SOURCES = [
  "mod.ts",
  "protocol.ts",
  "cli.ts",
  "bin",
  "lib",
  "plugins",
  "tsconfig.npm.json",
  "package.json",
];

/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 3 * 60_000;

/** Builds of this checkout unused for this long are removed when a new one is made. */
const UNUSED_BUILD_MS = 60 * 60_000;

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const source of SOURCES) {
    for (const file of files(join(REPO, source))) {
      hash.update(`${relative(REPO, file)}\0`).update(readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/** `npm run build`'s tsc step, as package.json says it, with the output sent to `outDir`. */
function tscArgs(outDir: string): string[] {
  const script: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts.build;
  const step = script.split("&&").map((part) => part.trim()).find((part) => part.startsWith("tsc "));
  if (!step) throw new Error(`package.json's build script has no tsc step: ${script}`);
  return [...step.split(/\s+/).slice(1), "--outDir", outDir];
}

function build(folder: string): void {
  const partial = `${folder}.partial-${process.pid}-${crypto.randomUUID()}`;
  mkdirSync(partial);
  try {
    const result = spawnSync(join(REPO, "node_modules/.bin/tsc"), tscArgs(join(partial, "esm")), {
      cwd: REPO,
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`npm run build (tsc) failed:\n${result.stdout}${result.stderr}`);
    copyFileSync(join(REPO, "package.json"), join(partial, "package.json"));
    symlinkSync(join(REPO, "node_modules"), join(partial, "node_modules"), "dir");
    renameSync(partial, folder);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    // Another process finished the same build first: its folder is as good.
    if (!existsSync(join(folder, "esm", "bin", "plextv.js"))) throw err;
  }
}

/** Removes this checkout's builds (and partial ones) that no run used for an hour. */
function pruneOld(prefix: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(prefix) || path === keep || name.endsWith(".lock")) continue;
    try {
      if (now - statSync(path).mtimeMs > UNUSED_BUILD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}

function takeLock(lock: string): boolean {
  try {
    const fd = openSync(lock, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // released meanwhile
    }
    return false;
  }
}

/**
 * The folder of the npm build of the current sources (`esm/` inside it),
 * building it first when no test file of this or an earlier run has.
 *
 * @returns The folder.
 */
export async function nodeBuild(): Promise<string> {
  const prefix = `plextv-node-${createHash("sha256").update(REPO).digest("hex").slice(0, 8)}-`;
  const folder = join(tmpdir(), prefix + sourceHash());
  const lock = `${folder}.lock`;
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  while (!existsSync(join(folder, "esm", "bin", "plextv.js"))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the Node build in ${folder}`);
    if (!takeLock(lock)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!existsSync(folder)) {
        build(folder);
        pruneOld(prefix, folder);
      }
    } finally {
      rmSync(lock, { force: true });
    }
  }
  const now = new Date();
  utimesSync(folder, now, now);
  return folder;
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
