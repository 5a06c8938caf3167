/**
 * Library weight: the code a user needs to sign in and read the account
 * (`bench/entries/*.ts`, one per library), bundled and minified by esbuild
 * and gzipped (level 9), for browsers and for Node; and the npm packages each
 * library installs (transitively) next to those that end up in the bundle.
 *
 * The peers (@ctrl/plex, @lukehagar/plexjs, plex-oauth) are the bench's own
 * dev dependencies (`bench/package.json`), installed into `bench/node_modules`
 * on the first run so the library's own install stays lean.
 *
 * Run: `deno run -A bench/weight.ts` (`--json` prints the rows as JSON).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { gzipSync } from "node:zlib";
import { ESBUILD, ROOT } from "./_paths.ts";
import { formatBytes, formatTable, type Table } from "./_table.ts";
import { loadedWeightTable, measureLoadedWeights } from "./loaded_weight.ts";

const BENCH = join(ROOT, "bench");

/** One library measured. */
interface Weight {
  /** The npm name. */
  library: string;
  /** Its installed version. */
  version: string;
  /** The sign-in the entry file uses. */
  signIn: string;
  /** The browser bundle, or `undefined` when the library cannot be bundled for browsers. */
  browser?: { minified: number; gzip: number; error?: string };
  /** The Node bundle. */
  node: { minified: number; gzip: number };
  /** npm packages installed with the library, transitively (the library itself not counted). */
  installed: number;
  /** Of the library's npm dependencies, those the Node bundle contains. */
  bundled: string[];
}

interface _Library {
  library: string;
  entry: string;
  signIn: string;
  /** The folder of the library's package.json. */
  packageDir: string;
}

const LIBRARIES: _Library[] = [
  {
    library: "plextv",
    entry: "plextv.ts",
    signIn: "password → legacy token, user()",
    packageDir: ROOT,
  },
  {
    library: "plextv",
    entry: "plextv_pin_jwt.ts",
    signIn: "PIN + device key → JWT kept in a store, user()",
    packageDir: ROOT,
  },
  {
    library: "@ctrl/plex",
    entry: "ctrl_plex.ts",
    signIn: "password (MyPlexAccount.connect)",
    packageDir: join(BENCH, "node_modules/@ctrl/plex"),
  },
  {
    library: "@lukehagar/plexjs",
    entry: "plexjs.ts",
    signIn: "password, token details (standalone functions)",
    packageDir: join(BENCH, "node_modules/@lukehagar/plexjs"),
  },
  {
    library: "plex-oauth",
    entry: "plex_oauth.ts",
    signIn: "PIN (hosted login) + a hand-written fetch of /api/v2/user",
    packageDir: join(BENCH, "node_modules/plex-oauth"),
  },
];

interface _PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function _readPackage(dir: string): _PackageJson {
  return JSON.parse(
    readFileSync(join(dir, "package.json"), "utf8"),
  ) as _PackageJson;
}

/**
 * Installs the bench's dev dependencies (the peers, rolldown) into `bench/node_modules` when one is missing.
 * The weight, start-up and throughput sections need them.
 *
 * @returns Whether an install ran.
 * @throws {Error} when `npm install` fails.
 *
 * @example
 * ```ts ignore
 * import { ensurePeers } from "./weight.ts";
 * ensurePeers();
 * ```
 */
export function ensurePeers(): boolean {
  const wanted = Object.keys(_readPackage(BENCH).devDependencies ?? {});
  if (
    wanted.every((name) => existsSync(join(BENCH, "node_modules", name, "package.json")))
  ) return false;
  console.error(
    "bench: installing the peer libraries into bench/node_modules (npm install --prefix bench)",
  );
  const result = spawnSync("npm", [
    "install",
    "--prefix",
    BENCH,
    "--no-audit",
    "--no-fund",
  ], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", 2, 2], // npm's messages go to stderr: stdout is the tables
  });
  if (result.status !== 0) {
    throw new Error(
      `npm install --prefix bench failed with exit code ${result.status}`,
    );
  }
  return true;
}

/** Finds `name` from `fromDir` the way Node resolves packages: the nearest `node_modules/name`. */
function _resolvePackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir;; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The npm packages a package needs at run time, transitively, as installed:
 * its dependencies, peer and optional dependencies, and theirs.
 *
 * @param packageDir The package's folder.
 * @returns The installed folders of the packages, the package itself not included.
 */
function installedDependencies(packageDir: string): Set<string> {
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    const pkg = _readPackage(dir);
    const names = Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
      ...pkg.optionalDependencies,
    });
    for (const name of names) {
      const found = _resolvePackage(name, dir);
      if (found === undefined || seen.has(found)) continue;
      seen.add(found);
      visit(found);
    }
  };
  visit(packageDir);
  return seen;
}

interface _Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

function _bundle(entry: string, platform: "browser" | "node", outDir: string) {
  const out = join(outDir, `${entry}.${platform}.js`);
  const meta = `${out}.meta.json`;
  const result = spawnSync(ESBUILD, [
    join(BENCH, "entries", entry),
    "--bundle",
    "--minify",
    "--format=esm",
    `--platform=${platform}`,
    "--log-level=error",
    `--outfile=${out}`,
    `--metafile=${meta}`,
  ], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    return { error: result.stderr || `esbuild exited with ${result.status}` };
  }
  const code = readFileSync(out);
  const inputs = Object.keys(
    Object.values(
      (JSON.parse(readFileSync(meta, "utf8")) as _Metafile).outputs,
    )[0].inputs,
  );
  const packages = new Set<string>();
  for (const input of inputs) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  return {
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    packages,
  };
}

/**
 * Bundles every library's entry file and counts its dependencies.
 *
 * @returns One row per entry file.
 * @throws {Error} when a library cannot be bundled for Node.
 */
function measureWeights(): Weight[] {
  ensurePeers();
  const outDir = mkdtempSync(join(tmpdir(), "plextv-weight-"));
  try {
    return LIBRARIES.map((lib) => {
      const node = _bundle(lib.entry, "node", outDir);
      if ("error" in node) {
        throw new Error(
          `Bundling bench/entries/${lib.entry} failed: ${node.error}`,
        );
      }
      const browser = _bundle(lib.entry, "browser", outDir);
      const pkg = _readPackage(lib.packageDir);
      return {
        library: lib.library,
        version: pkg.version ?? "?",
        signIn: lib.signIn,
        browser: "error" in browser
          ? {
            minified: 0,
            gzip: 0,
            error: /node:[a-z_]+/.exec(browser.error ?? "")?.[0] ??
              "build failed",
          }
          : { minified: browser.minified, gzip: browser.gzip },
        node: { minified: node.minified, gzip: node.gzip },
        installed: installedDependencies(lib.packageDir).size,
        bundled: [...node.packages].filter((name) => name !== lib.library)
          .sort(),
      };
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The weights as a table.
 *
 * @param weights The rows.
 * @returns The table of the section.
 */
function weightTable(weights: readonly Weight[]): Table {
  const size = (s: { minified: number; gzip: number }) =>
    `${formatBytes(s.minified)} / ${formatBytes(s.gzip)}`;
  return {
    title:
      "Library weight: sign in + read the account, bundled into one file and minified (esbuild), gzip -9",
    columns: [
      { header: "library" },
      { header: "what the entry does" },
      { header: "browser: min / gzip", align: "right" },
      { header: "node: min / gzip", align: "right" },
      { header: "npm packages installed", align: "right" },
      { header: "of them bundled", align: "right" },
    ],
    rows: weights.map((w) => [
      `${w.library} ${w.version}`,
      w.signIn,
      w.browser?.error ? `cannot bundle (imports ${w.browser.error})` : size(w.browser!),
      size(w.node),
      w.installed,
      w.bundled.length,
    ]),
    notes: [
      "Entry files: bench/entries/*.ts, each importing only what that sign-in and the account call need. " +
      "One file: esbuild inlines every dynamic import, so plextv's rows carry every flow and endpoint that " +
      "Config and Client can load (the table above shows what a path loads).",
      "npm packages installed: the library's dependencies (peer and optional included), transitively, as npm " +
      "installed them (plextv's: jose, and uqr for the CLI's QR code; ioredis, the Redis plugin's optional peer, is counted when installed).",
      "@lukehagar/plexjs 0.39.0 is its last release with plex.tv sign-in; zod 3 is its peer dependency; " +
      "its npm build is CommonJS, which esbuild cannot tree-shake.",
      "@ctrl/plex imports node:os, node:url and node:timers/promises, so it does not run in browsers (the first one esbuild meets is named in the table).",
      ...weights.filter((w) => w.library === "plextv").slice(0, 1).map((w) =>
        `plextv's bundled packages: ${w.bundled.join(", ") || "none"}.`
      ),
    ],
  };
}

/**
 * Measures and tabulates the library weights (installs the peers first when
 * needed): what plextv's sign-in paths load with code splitting
 * (`loaded_weight.ts`), then every library bundled into one file.
 *
 * @returns The two tables of the section, formatted.
 * @throws {Error} when the peers cannot be installed or a library cannot be bundled for Node.
 *
 * @example
 * ```ts ignore
 * import { weightSection } from "./weight.ts";
 * console.log(await weightSection());
 * ```
 */
export async function weightSection(): Promise<string> {
  const weights = measureWeights();
  return `${formatTable(loadedWeightTable(await measureLoadedWeights()))}\n${
    formatTable(weightTable(weights))
  }`;
}

if (import.meta.main) {
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(measureWeights(), null, 2));
  } else {
    console.log(await weightSection());
  }
}
