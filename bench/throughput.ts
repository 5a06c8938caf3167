/**
 * Throughput: 1,000 `user()` calls, 50 at a time, against the plex.tv
 * emulator running in its own process, next to raw `fetch` sending the same
 * requests (same URL and headers, JSON parsed): the library's overhead ratio.
 * Each client gets an unmeasured warm-up, then `rounds` alternating rounds;
 * the median round counts.
 *
 * Run: `deno run -A bench/throughput.ts` or `bun bench/throughput.ts`
 * (`--json` prints the result as JSON; the emulator always runs under Deno).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { defaultConfig, withToken } from "../mod.ts";
import { deviceHeaders } from "../lib/device.ts";
import { DENO, ROOT } from "./_paths.ts";
import { formatMs, formatRatio, median, type Table } from "./_table.ts";

/** The calls, concurrency and rounds of a throughput run. */
export interface ThroughputOptions {
  /** Calls per round (default 1,000). */
  calls?: number;
  /** Calls in flight at once (default 50). */
  concurrency?: number;
  /** Measured rounds per client (default 5). */
  rounds?: number;
}

/** What one runtime measured. */
export interface ThroughputResult {
  /** The runtime of the client: `deno`, `bun` or `node`. */
  runtime: string;
  /** Calls per round. */
  calls: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** `user()` round times, ms. */
  libraryMs: number[];
  /** Raw `fetch` round times, ms. */
  fetchMs: number[];
}

function _runtime(): string {
  return "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
}

async function _pool(
  calls: number,
  concurrency: number,
  call: () => Promise<void>,
): Promise<number> {
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (started < calls) {
        started++;
        await call();
      }
    }),
  );
  return performance.now() - start;
}

interface _Emulator {
  url: string;
  clientId: string;
  token: string;
  stop(): void;
}

function _startEmulatorProcess(): Promise<_Emulator> {
  const child = spawn(DENO, [
    "run",
    "-A",
    join(ROOT, "bench/_emulator_process.ts"),
  ], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on(
      "exit",
      (code) => reject(new Error(`The emulator process exited with ${code}`)),
    );
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const { url, clientId, token } = JSON.parse(line) as {
        url: string;
        clientId: string;
        token: string;
      };
      resolve({ url, clientId, token, stop: () => child.stdin!.end() });
    });
  });
}

/**
 * Runs the comparison in this runtime against an emulator process it starts.
 *
 * @param options Calls, concurrency and rounds.
 * @returns The round times of both clients.
 * @throws {Error} when a call fails.
 *
 * @example
 * ```ts ignore
 * import { measureThroughput } from "./throughput.ts";
 * const { libraryMs, fetchMs } = await measureThroughput({ calls: 100, rounds: 1 });
 * console.log(libraryMs[0] / fetchMs[0]);
 * ```
 */
export async function measureThroughput(
  options: ThroughputOptions = {},
): Promise<ThroughputResult> {
  const calls = options.calls ?? 1_000;
  const concurrency = options.concurrency ?? 50;
  const rounds = options.rounds ?? 5;
  const emulator = await _startEmulatorProcess();
  try {
    const config = defaultConfig().withClientId(emulator.clientId).withUrls(
      emulator.url,
    );
    const client = config.client(config.tokenSource(withToken(emulator.token)));
    const headers: Record<string, string> = {
      ...deviceHeaders(config.device),
      "X-Plex-Client-Identifier": emulator.clientId,
      Accept: "application/json",
      "X-Plex-Token": emulator.token,
    };
    const userUrl = `${emulator.url}/api/v2/user`;
    const viaLibrary = async (): Promise<void> => {
      if (!(await client.user()).username) {
        throw new Error("user() returned no username");
      }
    };
    const viaFetch = async (): Promise<void> => {
      const response = await fetch(userUrl, { headers });
      if (!response.ok) {
        throw new Error(`GET /api/v2/user answered ${response.status}`);
      }
      if (!((await response.json()) as { username?: string }).username) {
        throw new Error("No username");
      }
    };
    await _pool(Math.min(200, calls), concurrency, viaLibrary);
    await _pool(Math.min(200, calls), concurrency, viaFetch);
    const libraryMs: number[] = [];
    const fetchMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      libraryMs.push(await _pool(calls, concurrency, viaLibrary));
      fetchMs.push(await _pool(calls, concurrency, viaFetch));
    }
    return { runtime: _runtime(), calls, concurrency, libraryMs, fetchMs };
  } finally {
    emulator.stop();
  }
}

/**
 * The throughput results as a table.
 *
 * @param results One result per runtime.
 * @returns The table of the section.
 *
 * @example
 * ```ts
 * import { throughputTable } from "./throughput.ts";
 * const table = throughputTable([{ runtime: "deno", calls: 1000, concurrency: 50, libraryMs: [300], fetchMs: [200] }]);
 * console.assert(table.rows[0][5] === "1.50×");
 * ```
 */
export function throughputTable(results: readonly ThroughputResult[]): Table {
  const first = results[0];
  const rows = results.flatMap((r) => {
    const [library, raw] = [median(r.libraryMs), median(r.fetchMs)];
    const [libraryBest, rawBest] = [Math.min(...r.libraryMs), Math.min(...r.fetchMs)];
    const perSecond = (ms: number) => Math.round(r.calls / (ms / 1000));
    return [
      [
        "plextv client.user()",
        r.runtime,
        formatMs(library),
        formatMs(libraryBest),
        perSecond(library),
        formatRatio(library, raw),
        formatRatio(libraryBest, rawBest),
      ],
      [
        "raw fetch + JSON.parse",
        r.runtime,
        formatMs(raw),
        formatMs(rawBest),
        perSecond(raw),
        "1.00×",
        "1.00×",
      ],
    ];
  });
  const rounds = first?.libraryMs.length ?? 0;
  return {
    title: `Throughput: ${first?.calls ?? 0} user() calls, ${first?.concurrency ?? 0} at a time`,
    columns: [
      { header: "client" },
      { header: "runtime" },
      { header: `median of ${rounds} rounds`, align: "right" },
      { header: "fastest round", align: "right" },
      { header: "calls/s (median)", align: "right" },
      { header: "× raw fetch (median)", align: "right" },
      { header: "× raw fetch (fastest)", align: "right" },
    ],
    rows,
    notes: [
      "The plex.tv emulator runs in its own Deno process on 127.0.0.1; both clients send the same URL and headers.",
      "plextv's call includes the token source, the request helper (timeout, retry policy, size cap, " +
      "redirect check), the status check and the validation of the account's fields.",
    ],
  };
}

/**
 * Measures in this runtime and tabulates.
 *
 * @param options Calls, concurrency and rounds.
 * @returns The table of the section.
 */
async function throughputSection(
  options: ThroughputOptions = {},
): Promise<Table> {
  return throughputTable([await measureThroughput(options)]);
}

if (import.meta.main) {
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(await measureThroughput()));
  } else {console.log(
      (await import("./_table.ts")).formatTable(await throughputSection()),
    );}
}
