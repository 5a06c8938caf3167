/**
 * What a plextv sign-in path really loads: `Config` and `Client` load each
 * flow and endpoint with a dynamic `import()`, so the entry file is bundled
 * with code splitting, the bundle runs under Node against the plex.tv emulator
 * (`_chunks_loaded.mjs` records every chunk that loads), and the loaded chunks,
 * concatenated, are minified and gzipped (level 9). Two bundlers: rolldown
 * (splits cleanly) and esbuild (keeps a static import of a chunk that is also
 * the target of a dynamic import, so it may load more).
 *
 * Run: `deno run -A bench/loaded_weight.ts` (`--json` prints the rows as JSON).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import process from "node:process";
import { gzipSync } from "node:zlib";
import { newClientId } from "../mod.ts";
import { spawnEmulator } from "./_emulator_spawn.ts";
import { ESBUILD, ROOT } from "./_paths.ts";
import { formatBytes, type Table } from "./_table.ts";

const BENCH = join(ROOT, "bench");
const ROLLDOWN = join(BENCH, "node_modules/rolldown/bin/cli.mjs");

/** The goal of issue 19 for the credentials + `user()` path, in bytes of gzip. */
export const GOAL_GZIP_BYTES = 12 * 1024;

/** A sign-in path: an entry file and the arguments its `signInAndUser` runs with. */
interface _Path {
  name: string;
  entry: string;
  /** `null` stands for a callback that does nothing. */
  args: (string | null)[];
  goal?: number;
}

const PATHS: _Path[] = [
  {
    name: "password → legacy token, user() (through Config)",
    entry: "plextv.ts",
    args: [newClientId(), "plexuser", "plexpass"],
    goal: GOAL_GZIP_BYTES,
  },
  {
    name: "PIN + device key → JWT kept in a store, user()",
    entry: "plextv_pin_jwt.ts",
    args: [newClientId(), null],
  },
];

/** One path bundled by one bundler, as it loaded. */
export interface LoadedWeight {
  /** The path's description. */
  path: string;
  /** `rolldown` or `esbuild`. */
  bundler: string;
  /** The chunk files that loaded while signing in and calling `user()`. */
  loaded: string[];
  /** The chunk files the bundler wrote. */
  emitted: number;
  /** The loaded chunks' bytes, minified. */
  minified: number;
  /** The loaded chunks, concatenated, gzipped at level 9. */
  gzip: number;
  /** The goal in gzip bytes, when the path has one. */
  goal?: number;
}

function _run(command: string, args: string[]): string {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 16 << 20,
  });
  if (result.status !== 0) {
    const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split(
      "\n",
    ).slice(-3).join(" ");
    throw new Error(
      `${basename(args[0] ?? command)} exited with ${result.status}: ${output}`,
    );
  }
  return result.stdout;
}

/** Bundles `entry` with code splitting into `outDir` and returns the entry chunk's path. */
function _bundle(
  bundler: "rolldown" | "esbuild",
  entry: string,
  outDir: string,
): string {
  const input = join(BENCH, "entries", entry);
  if (bundler === "rolldown") {
    _run("node", [
      ROLLDOWN,
      input,
      "-d",
      outDir,
      "-f",
      "esm",
      "-m",
      "-p",
      "browser",
      "--logLevel",
      "warn",
    ]);
  } else {
    _run(ESBUILD, [
      input,
      "--bundle",
      "--splitting",
      "--minify",
      "--format=esm",
      "--platform=browser",
      "--log-level=error",
      `--outdir=${outDir}`,
    ]);
  }
  return join(outDir, entry.replace(/\.ts$/, ".js"));
}

/**
 * Bundles every path with both bundlers, runs each against one emulator and weighs what loaded.
 *
 * @returns One row per path and bundler.
 * @throws {Error} when a bundle cannot be built or its sign-in fails.
 */
export async function measureLoadedWeights(): Promise<LoadedWeight[]> {
  const emulator = await spawnEmulator({ autoApprovePinsMs: 0 });
  const root = mkdtempSync(join(tmpdir(), "plextv-loaded-"));
  try {
    const rows: LoadedWeight[] = [];
    for (const path of PATHS) {
      for (const bundler of ["rolldown", "esbuild"] as const) {
        const outDir = join(root, `${bundler}-${path.entry}`);
        const entryFile = _bundle(bundler, path.entry, outDir);
        const run = JSON.parse(
          _run("node", [
            join(BENCH, "_chunks_loaded.mjs"),
            entryFile,
            emulator.url,
            JSON.stringify(path.args),
          ]),
        ) as { result: unknown; files: string[] };
        if (run.result !== "plexuser") {
          throw new Error(
            `bench/entries/${path.entry} (${bundler}) returned ${JSON.stringify(run.result)}`,
          );
        }
        const code = Buffer.concat(
          run.files.map((file) => readFileSync(join(outDir, file))),
        );
        rows.push({
          path: path.name,
          bundler,
          loaded: run.files,
          emitted: readdirSync(outDir).filter((file) => file.endsWith(".js")).length,
          minified: code.byteLength,
          gzip: gzipSync(code, { level: 9 }).byteLength,
          goal: path.goal,
        });
      }
    }
    return rows;
  } finally {
    emulator.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The loaded weights as a table, each goal next to its figure.
 *
 * @param rows From {@linkcode measureLoadedWeights}.
 * @returns The table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadedWeightTable } from "./loaded_weight.ts";
 * const table = loadedWeightTable([
 *   { path: "p", bundler: "rolldown", loaded: ["a.js"], emitted: 3, minified: 30_000, gzip: 11_000, goal: 12_288 },
 * ]);
 * assert.equal(table.rows[0]?.[4], "≤ 12.0 KiB: met");
 * ```
 */
export function loadedWeightTable(rows: readonly LoadedWeight[]): Table {
  return {
    title: "Library weight: what a sign-in path loads (code splitting, the chunks that loaded, concatenated)",
    columns: [
      { header: "path" },
      { header: "bundler" },
      { header: "chunks loaded / written", align: "right" },
      { header: "loaded: min / gzip", align: "right" },
      { header: "goal (gzip)" },
    ],
    rows: rows.map((row) => [
      row.path,
      `${row.bundler}, minified`,
      `${row.loaded.length} / ${row.emitted}`,
      `${formatBytes(row.minified)} / ${formatBytes(row.gzip)}`,
      row.goal === undefined ? "" : `≤ ${formatBytes(row.goal)}: ${row.gzip <= row.goal ? "met" : "not met"}`,
    ]),
    notes: [
      "Method: bench/entries/*.ts bundled with code splitting (ESM, browser platform, minified); the bundle " +
      "runs under Node against the plex.tv emulator (a module loader hook records the chunks that load: " +
      "bench/_chunks_loaded.mjs); those chunks are concatenated and gzipped at level 9.",
      "esbuild keeps a static import of a chunk that is also a dynamic-import target, so its split bundle may " +
      "load more; rolldown splits cleanly.",
    ],
  };
}

if (import.meta.main) {
  const rows = await measureLoadedWeights();
  console.log(
    process.argv.includes("--json")
      ? JSON.stringify(rows, null, 2)
      : (await import("./_table.ts")).formatTable(loadedWeightTable(rows)),
  );
}
