/**
 * Throughput: 1,000 `user()` calls, 50 at a time, against a server that does
 * no work (`_static_server.ts`, its own process: every request gets plex.tv's
 * recorded `/api/v2/user` answer), side by side in one run with raw `fetch`
 * of the same request (same URL and headers), read as text and parsed with
 * `JSON.parse` (the goal's baseline) or with `response.json()`, and with the
 * peers' account call (@ctrl/plex, @lukehagar/plexjs). Each client gets an
 * unmeasured warm-up, then `rounds` rounds, the clients taking turns in a
 * rotating order; the median round counts. The client process's CPU time per
 * call is shown too: under load it is steadier than the wall clock.
 * `deno task bench` runs this file in several processes per runtime and
 * shows each process's ratio: a process's ratio moves more between processes
 * than between its own rounds (bench/README.md).
 *
 * Run: `deno run -A bench/throughput.ts` or `bun bench/throughput.ts`
 * (`--json` prints the result as JSON, `--rounds N` sets the rounds,
 * `--warmup N` the unmeasured calls of each client before them, 1,000 by
 * default; the server always runs under Deno). On Bun, plextv's first
 * 10,000 or so calls run slower than the later ones (bench/README.md): a
 * warm-up of 20,000 shows the later ones.
 *
 * @module
 */
import process from "node:process";
import { defaultConfig, withToken } from "../mod.ts";
import { deviceHeaders } from "../lib/device.ts";
import { spawnServer } from "./_emulator_spawn.ts";
import { countFlag } from "./_flags.ts";
import { formatMs, formatRatio, median, pairedRatio, ratioVerdict, type Table } from "./_table.ts";

/** The goal of issue 19: `client.user()` at most this many times raw fetch + `JSON.parse`. */
export const GOAL_RATIO = 1.15;

/** The calls, concurrency and rounds of a throughput run. */
export interface ThroughputOptions {
  /** Calls per round (default 1,000). */
  calls?: number;
  /** Calls in flight at once (default 50). */
  concurrency?: number;
  /** Measured rounds per client (default 21). */
  rounds?: number;
  /** Unmeasured calls of each client before the rounds (default: `calls`). */
  warmup?: number;
}

/** One client's rounds. */
export interface ClientRounds {
  /** What is measured, e.g. `plextv client.user()`. */
  client: string;
  /** Wall-clock round times, ms. */
  wallMs: number[];
  /** The process's CPU time per round, ms. */
  cpuMs: number[];
  /** Why the client was not measured, when it was not. */
  skipped?: string;
}

/** What one runtime measured. */
export interface ThroughputResult {
  /** The runtime of the clients: `deno`, `bun` or `node`. */
  runtime: string;
  /** Calls per round. */
  calls: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Every client, plextv first, the baseline second. */
  clients: ClientRounds[];
}

/** The client the goal compares against. */
export const BASELINE = "raw fetch + JSON.parse(text)";

function _runtime(): string {
  return "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
}

async function _pool(
  calls: number,
  concurrency: number,
  call: () => Promise<void>,
): Promise<[number, number]> {
  let started = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (started < calls) {
        started++;
        await call();
      }
    }),
  );
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
}

/** A legacy token; the server does not check it, the clients send it. */
const TOKEN = "bench0token0abcdefghi";
const CLIENT_ID = "bench-throughput-client";

/** The clients, each a function making one account call (or the reason it cannot). */
async function _clients(
  url: string,
): Promise<[string, (() => Promise<void>) | string][]> {
  const config = defaultConfig().withClientId(CLIENT_ID).withUrls(url);
  const client = config.client(config.tokenSource(withToken(TOKEN)));
  const headers: Record<string, string> = {
    ...deviceHeaders(config.device),
    "X-Plex-Client-Identifier": CLIENT_ID,
    Accept: "application/json",
    "X-Plex-Token": TOKEN,
  };
  const userUrl = `${url}/api/v2/user`;
  const expect = (username: unknown, who: string): void => {
    if (typeof username !== "string" || !username) {
      throw new Error(`${who} returned no username`);
    }
  };
  const clients: [string, (() => Promise<void>) | string][] = [
    [
      "plextv client.user()",
      async () => expect((await client.user()).username, "user()"),
    ],
    [BASELINE, async () => {
      const response = await fetch(userUrl, { headers });
      if (!response.ok) {
        throw new Error(`GET /api/v2/user answered ${response.status}`);
      }
      expect(
        (JSON.parse(await response.text()) as { username?: string }).username,
        "raw fetch",
      );
    }],
    ["raw fetch + response.json()", async () => {
      const response = await fetch(userUrl, { headers });
      if (!response.ok) {
        throw new Error(`GET /api/v2/user answered ${response.status}`);
      }
      expect(
        ((await response.json()) as { username?: string }).username,
        "raw fetch",
      );
    }],
  ];
  clients.push([
    "@ctrl/plex MyPlexAccount.connect() (token)",
    await _ctrlPlex(url, expect),
  ]);
  clients.push([
    "@lukehagar/plexjs authenticationGetTokenDetails()",
    await _plexjs(url, expect),
  ]);
  return clients;
}

/**
 * @ctrl/plex reads the account at the fixed `https://plex.tv/api/v2/user`: its `fetch` (ofetch, on the
 * global one) is sent to the local server instead; that small rewrite counts against it.
 */
async function _ctrlPlex(
  url: string,
  expect: (username: unknown, who: string) => void,
): Promise<(() => Promise<void>) | string> {
  let peer;
  try {
    peer = await import("@ctrl/plex");
  } catch (err) {
    return `not installed (${(err as Error).message.split("\n")[0]})`;
  }
  const original = globalThis.fetch;
  const local = new URL(url);
  const rewritten: typeof fetch = (input, init) => {
    const target = new URL(
      input instanceof Request ? input.url : String(input),
    );
    if (target.origin === "https://plex.tv") {
      target.protocol = local.protocol;
      target.host = local.host;
    }
    return original(
      input instanceof Request ? new Request(target, input) : target,
      init,
    );
  };
  return async () => {
    globalThis.fetch = rewritten;
    try {
      const account = await new peer.MyPlexAccount(
        null,
        undefined,
        undefined,
        TOKEN,
      ).connect();
      expect(account.username, "@ctrl/plex");
    } finally {
      globalThis.fetch = original;
    }
  };
}

async function _plexjs(
  url: string,
  expect: (username: unknown, who: string) => void,
): Promise<(() => Promise<void>) | string> {
  let core, funcs;
  try {
    core = await import("@lukehagar/plexjs/core.js");
    funcs = await import(
      "@lukehagar/plexjs/funcs/authenticationGetTokenDetails.js"
    );
  } catch (err) {
    return `not installed (${(err as Error).message.split("\n")[0]})`;
  }
  const sdk = new core.PlexAPICore({ accessToken: TOKEN });
  return async () => {
    const result = await funcs.authenticationGetTokenDetails(sdk, {
      serverURL: `${url}/api/v2`,
    });
    if (!result.ok) {
      throw new Error(`plexjs failed: ${String(result.error).slice(0, 200)}`);
    }
    expect(result.value.userPlexAccount?.username, "plexjs");
  };
}

/**
 * Runs the comparison in this runtime against a server process it starts.
 *
 * @param options Calls, concurrency and rounds.
 * @returns The round times of every client.
 * @throws {Error} when a call fails.
 *
 * @example
 * ```ts ignore
 * import { measureThroughput } from "./throughput.ts";
 * const result = await measureThroughput({ calls: 100, rounds: 1 });
 * console.log(result.clients.map((c) => c.wallMs));
 * ```
 */
export async function measureThroughput(
  options: ThroughputOptions = {},
): Promise<ThroughputResult> {
  const calls = options.calls ?? 1_000;
  const concurrency = options.concurrency ?? 50;
  const rounds = options.rounds ?? 21;
  const warmup = options.warmup ?? calls;
  const server = await spawnServer<{ url: string }>("bench/_static_server.ts");
  try {
    const clients = await _clients(server.url);
    const measured = clients.filter((
      entry,
    ): entry is [string, () => Promise<void>] => typeof entry[1] !== "string");
    const results = new Map<string, ClientRounds>(
      clients.map(([client, call]) => [
        client,
        {
          client,
          wallMs: [],
          cpuMs: [],
          skipped: typeof call === "string" ? call : undefined,
        },
      ]),
    );
    for (const [, call] of measured) {
      await _pool(warmup, concurrency, call);
    }
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < measured.length; i++) {
        const [client, call] = measured[(round + i) % measured.length]!;
        const [wall, cpu] = await _pool(calls, concurrency, call);
        results.get(client)!.wallMs.push(wall);
        results.get(client)!.cpuMs.push(cpu);
      }
    }
    return {
      runtime: _runtime(),
      calls,
      concurrency,
      clients: [...results.values()],
    };
  } finally {
    server.stop();
  }
}

/**
 * The throughput results as a table, the goal next to plextv's figure. Results of one runtime from
 * several processes are put together: a client's time is the median of all its rounds, its ratio the
 * median of the processes' ratios (each the median of that process's paired rounds), and the last
 * column lists every process's ratio.
 *
 * @param results One result per process, in any order of runtimes.
 * @returns The table of the section.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BASELINE, throughputTable } from "./throughput.ts";
 * const run = (plextv: number) => ({ runtime: "deno", calls: 1000, concurrency: 50, clients: [
 *   { client: "plextv client.user()", wallMs: [plextv], cpuMs: [90] },
 *   { client: BASELINE, wallMs: [100], cpuMs: [60] },
 * ] });
 * const table = throughputTable([run(110), run(125), run(112)]);
 * assert.equal(table.rows[0]?.[5], "1.12×");
 * assert.equal(table.rows[0]?.[6], "≤ 1.15×: met");
 * assert.equal(table.rows[0]?.[8], "1.10×, 1.12×, 1.25×");
 * ```
 */
export function throughputTable(results: readonly ThroughputResult[]): Table {
  const first = results[0];
  const runtimes = [...new Set(results.map((r) => r.runtime))];
  const rows = runtimes.flatMap((runtime) => {
    const runs = results.filter((r) => r.runtime === runtime);
    const rounds = (r: ThroughputResult, client: string) => r.clients.find((c) => c.client === client);
    return runs[0]!.clients.map((c) => {
      if (c.skipped) return [c.client, runtime, "", "", "", c.skipped, "", "", ""];
      const all = runs.flatMap((r) => rounds(r, c.client)?.wallMs ?? []);
      // Per process: the median of its rounds' ratios, each round over the baseline's of the same round.
      const perProcess = (field: "wallMs" | "cpuMs") =>
        runs.map((r) => pairedRatio(rounds(r, c.client)?.[field] ?? [], rounds(r, BASELINE)?.[field] ?? []))
          .filter((ratio) => Number.isFinite(ratio));
      const ratios = perProcess("wallMs");
      const ratio = median(ratios);
      const goal = c.client.startsWith("plextv") ? ratioVerdict(ratio, GOAL_RATIO) : "";
      const cpuPerCall = median(runs.flatMap((r) => rounds(r, c.client)?.cpuMs ?? [])) * 1000 /
        runs[0]!.calls;
      const wall = median(all);
      return [
        c.client,
        runtime,
        formatMs(wall),
        formatMs(Math.min(...all)),
        Math.round(runs[0]!.calls / (wall / 1000)),
        formatRatio(ratio),
        goal,
        `${cpuPerCall.toFixed(0)} µs, ${formatRatio(median(perProcess("cpuMs")))}`,
        [...ratios].sort((a, b) => a - b).map(formatRatio).join(", "),
      ];
    });
  });
  const rounds = first?.clients[0]?.wallMs.length ?? 0;
  const processes = runtimes.map((runtime) => results.filter((r) => r.runtime === runtime).length);
  const each = new Set(processes).size === 1 ? `${processes[0]}` : processes.join("/");
  return {
    title: `Throughput: ${first?.calls ?? 0} account calls, ${first?.concurrency ?? 0} at a time, ` +
      "against a server that does no work",
    columns: [
      { header: "client" },
      { header: "runtime" },
      { header: `median of ${each} × ${rounds} rounds`, align: "right" },
      { header: "fastest round", align: "right" },
      { header: "calls/s (median)", align: "right" },
      { header: `× ${BASELINE}`, align: "right" },
      { header: "goal" },
      { header: "client CPU per call, × baseline", align: "right" },
      { header: "× per process", align: "right" },
    ],
    rows,
    notes: [
      "The server (bench/_static_server.ts) runs in its own Deno process on 127.0.0.1 and answers every " +
      "request with plex.tv's recorded /api/v2/user body; every client sends the same URL and headers.",
      `The goal (issue 19): plextv's call at most ${GOAL_RATIO}× the baseline, measured side by side in this ` +
      "run; the baseline reads the body as text and parses it; plextv reads a 2xx body whose declared " +
      "length is within its size cap with response.json() (shown for reference), and any other body " +
      "(errors, no Content-Length, compressed) as text.",
      "plextv's call includes the token source, the request helper (timeout, retry policy, size cap, " +
      "redirect check), the status check and the validation of the account's fields.",
      "@ctrl/plex's hosts are fixed: its fetch is sent to the local server by a small rewrite that counts " +
      "against it.",
      `Each runtime runs the clients in ${each} processes of their own (bench/throughput.ts), ${rounds} rounds ` +
      "each; a round measures every client once, in an order that rotates. A process's ratio is the median " +
      "of its rounds' ratios (a client's round over the baseline's), so a change in the machine's load " +
      "between rounds cancels out; the × columns are the median of the processes' ratios, the last column " +
      "lists them: they differ more between processes than between rounds (what each process's JIT makes of " +
      "the code).",
    ],
  };
}

if (import.meta.main) {
  let options: ThroughputOptions;
  try {
    options = { rounds: countFlag("--rounds", 1), warmup: countFlag("--warmup", 0) };
  } catch (err) {
    console.error(`throughput.ts: ${(err as Error).message}`);
    process.exit(2);
  }
  const result = await measureThroughput(options);
  console.log(
    process.argv.includes("--json")
      ? JSON.stringify(result)
      : (await import("./_table.ts")).formatTable(throughputTable([result])),
  );
}
