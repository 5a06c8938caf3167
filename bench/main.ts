/**
 * Every plextv benchmark in one run, one markdown table per section:
 * requests per operation, library weight next to the peers, start-up,
 * throughput, vault timings, browser bundle sizes and fleet refresh.
 * Figures only: nothing fails on a time; the exit code is 1 only when a
 * section could not be measured (its error is printed in its place).
 *
 * Run: `deno task bench` (or `npm run bench`); `--only requests,weight` runs
 * some sections; `--runs N` sets the start-up runs (default 21).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { VERSION } from "../mod.ts";
import { countFlag } from "./_flags.ts";
import { BUN, DENO, ROOT } from "./_paths.ts";
import { formatBytes, formatMs, formatTable, type Table } from "./_table.ts";
import { requestsSection } from "./requests.ts";
import { startupSection } from "./startup.ts";
import { type ThroughputResult, throughputTable } from "./throughput.ts";
import { ensurePeers, weightSection } from "./weight.ts";

/** Runs a bench script of another concern and returns its stdout. */
function _script(
  runtime: "deno" | "bun",
  script: string,
  args: string[] = [],
): string {
  const [command, argv] = runtime === "deno"
    ? [DENO, ["run", "-A", script, ...args]]
    : [BUN, [script, ...args]];
  const result = spawnSync(command, argv, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 16 << 20,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (result.status !== 0) {
    const output = `${result.stderr ?? ""}\n${result.stdout ?? ""}`;
    const lines = output.split("\n").map((line) => line.trim()).filter(Boolean);
    const reason = lines.find((l) => /error/i.test(l) && !l.startsWith("at ")) ?? lines.at(-1) ?? "no output";
    throw new Error(
      `${runtime} ${script} exited with ${result.status}: ${reason}`,
    );
  }
  return result.stdout;
}

function _version(binary: string): string {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return (result.stdout ?? "").split("\n")[0].trim();
}

/** Throughput processes per runtime, and the rounds of each (bench/throughput.ts). */
const THROUGHPUT_PROCESSES = 3;
const THROUGHPUT_ROUNDS = 11;

function _throughput(): Table {
  const results: ThroughputResult[] = [];
  // Each in a process of its own, which has run nothing else; the runtimes take turns.
  for (let i = 0; i < THROUGHPUT_PROCESSES; i++) {
    for (const runtime of ["deno", "bun"] as const) {
      const args = ["--json", "--rounds", String(THROUGHPUT_ROUNDS)];
      results.push(JSON.parse(_script(runtime, "bench/throughput.ts", args)) as ThroughputResult);
    }
  }
  return throughputTable(results);
}

interface _VaultRun {
  runtime: string;
  rows: { operation: string; ms: number }[];
}

function _vault(): Table {
  const runs = (["deno", "bun"] as const).map((runtime) =>
    JSON.parse(_script(runtime, "bench/vault.ts", ["--json"])) as _VaultRun
  );
  return {
    title: "Vault: open and save (PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-GCM)",
    columns: [
      { header: "operation" },
      ...runs.map((run) => ({ header: run.runtime, align: "right" as const })),
    ],
    rows: runs[0].rows.map((
      row,
      i,
    ) => [
      row.operation,
      ...runs.map((run) => formatMs(run.rows[i]?.ms ?? NaN)),
    ]),
    notes: [
      "From bench/vault.ts, run under each runtime: the key is stretched once per Vault instance.",
    ],
  };
}

interface _BundleRow {
  bundle: string;
  minifiedBytes: number;
  gzipBytes: number;
}

function _browser(): Table {
  const rows = JSON.parse(
    _script("deno", "bench/browser_bundle.ts", ["--json"]),
  ) as _BundleRow[];
  return {
    title: "Browser bundles (bun build --minify, gzip -9)",
    columns: [{ header: "bundle" }, { header: "minified", align: "right" }, {
      header: "gzip",
      align: "right",
    }],
    rows: rows.map((
      row,
    ) => [
      row.bundle,
      formatBytes(row.minifiedBytes),
      formatBytes(row.gzipBytes),
    ]),
    notes: ["From bench/browser_bundle.ts."],
  };
}

/** The fleet bench (bench/fleet_refresh.ts) prints its own table: it is shown as it is. */
function _fleet(): Table | string {
  const title = "### Fleet refresh (Redis store, refresh lock)";
  const script = "bench/fleet_refresh.ts";
  const skip = (reason: string): Table => ({
    title: title.slice(4),
    columns: [{ header: "skipped" }],
    rows: [[reason]],
  });
  if (!existsSync(join(ROOT, script))) {
    return skip(`${script} is not in this checkout yet`);
  }
  const check = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  if (check.error || check.status !== 0) {
    return skip(
      "redis-server is not installed (apt-get install -y redis-server)",
    );
  }
  const out = _script("deno", script).trim();
  return /^#{1,3} /m.test(out) ? `${out}\n` : `${title}\n\n${out}\n\n- From ${script}.\n`;
}

const SECTIONS: Record<string, () => Table | string | Promise<Table | string>> = {
  requests: requestsSection,
  weight: weightSection,
  startup: () => startupSection(countFlag("--runs", 1) ?? 21),
  throughput: _throughput,
  vault: _vault,
  browser: _browser,
  fleet: _fleet,
};

function _option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

if (import.meta.main) {
  const only = _option("--only")?.split(",").map((s) => s.trim()).filter(Boolean) ?? Object.keys(SECTIONS);
  const unknown = only.filter((name) => !(name in SECTIONS));
  if (unknown.length) {
    console.error(
      `Unknown section ${unknown.join(", ")}; the sections are ${Object.keys(SECTIONS).join(", ")}`,
    );
    process.exit(2);
  }
  const started = performance.now();
  const cpu = cpus();
  console.log(`## plextv ${VERSION} benchmarks\n`);
  console.log(
    `${new Date().toISOString().slice(0, 10)} · ${cpu.length} × ${cpu[0]?.model.trim() ?? "CPU"} · ` +
      `${_version(DENO).replace(/ \(.*/, "")} · bun ${_version(BUN)} · ${process.platform} · ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`,
  );
  let failed = 0;
  if (only.some((name) => ["weight", "startup", "throughput"].includes(name))) {
    try {
      ensurePeers();
    } catch (err) {
      console.error(
        `bench: ${err instanceof Error ? err.message : String(err)}; the peers are left out`,
      );
    }
  }
  for (const name of only) {
    const sectionStart = performance.now();
    try {
      const section = await SECTIONS[name]();
      console.log(typeof section === "string" ? section : formatTable(section));
    } catch (err) {
      failed++;
      console.log(
        `### ${name}\n\nNot measured: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
    console.error(
      `bench: ${name} took ${formatMs(performance.now() - sectionStart)}`,
    );
  }
  console.log(
    `Produced by \`deno task bench\` in ${formatMs(performance.now() - started)}.`,
  );
  process.exit(failed ? 1 : 0);
}
