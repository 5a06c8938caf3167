/**
 * Sizes of what a browser downloads: the example page's bundle (the popup and
 * forwardUrl sign-ins, the account fetch), the `./browser` entry point alone,
 * and all of `mod.ts`, each minified by `bun build` and gzipped (level 9).
 * The biggest inputs of the page bundle are listed after the table.
 *
 * Run: `deno run -A bench/browser_bundle.ts` or `bun bench/browser_bundle.ts`
 * (`--json` prints the rows as JSON).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BUN = join(ROOT, "node_modules/.bin/bun");

interface _Row {
  bundle: string;
  minifiedBytes: number;
  gzipBytes: number;
}

interface _Metafile {
  outputs: Record<
    string,
    { inputs: Record<string, { bytesInOutput: number }> }
  >;
}

function _bundle(
  name: string,
  entry: string,
  outDir: string,
): { row: _Row; meta: _Metafile } {
  const dir = join(outDir, name.replace(/\W+/g, "_"));
  const metaPath = join(dir, "meta.json");
  const result = spawnSync(
    BUN,
    [
      "build",
      join(ROOT, entry),
      "--outdir",
      dir,
      "--target",
      "browser",
      "--minify",
      `--metafile=${metaPath}`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new Error(
      `bun build ${entry} failed: ${result.stderr || result.stdout}`,
    );
  }
  const meta = JSON.parse(readFileSync(metaPath, "utf8")) as _Metafile;
  const [script] = Object.keys(meta.outputs).filter((path) => path.endsWith(".js"));
  const code = readFileSync(join(dir, script.split("/").pop()!));
  return {
    row: {
      bundle: name,
      minifiedBytes: code.byteLength,
      gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    },
    meta,
  };
}

function _kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function _topInputs(meta: _Metafile, count: number): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match ? `npm:${match[1]}` : path;
      totals.set(key, (totals.get(key) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
}

if (import.meta.main) {
  const outDir = mkdtempSync(join(tmpdir(), "plextv-bundle-"));
  try {
    const page = _bundle(
      "example page (examples/browser/main.ts)",
      "examples/browser/main.ts",
      outDir,
    );
    const rows = [
      page.row,
      _bundle("./browser entry (lib/browser/)", "lib/browser/mod.ts", outDir)
        .row,
      _bundle("everything in mod.ts", "mod.ts", outDir).row,
    ];
    if (process.argv.includes("--json")) {
      console.log(JSON.stringify(rows, null, 2));
    } else {
      console.log("| browser bundle | minified | gzip -9 |");
      console.log("|---|---:|---:|");
      for (const row of rows) {
        console.log(
          `| ${row.bundle} | ${row.minifiedBytes} B (${_kib(row.minifiedBytes)}) | ${row.gzipBytes} B (${
            _kib(row.gzipBytes)
          }) |`,
        );
      }
      console.log(
        "\nLargest inputs of the example page (minified bytes in the bundle):",
      );
      for (const [input, bytes] of _topInputs(page.meta, 8)) {
        console.log(`  ${String(bytes).padStart(7)}  ${input}`);
      }
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
