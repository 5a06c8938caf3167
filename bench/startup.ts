/**
 * Start-up: `plextv --version` and `plextv token` (with `PLEX_TOKEN`, or a
 * stored valid JWT, so no request is due) as the Bun-compiled binary next to
 * an empty compiled Bun binary (the goal: at most 1.3× it) and to the `env:`
 * store's work written out alone (`bench/_env_token_floor.ts`), and via `deno run
 * -A cli.ts` next to `deno run` of an empty script; and the start-up of a
 * script that gets ready for an account call with plextv, @ctrl/plex and
 * @lukehagar/plexjs under Bun, next to `bun` of an empty script. Every
 * command runs a few times unmeasured, then `runs` times, round-robin; the
 * table shows the median. `token` runs against the plex.tv emulator
 * (`PLEXTV_URL`), whose request count proves that it made no request; the
 * stored JWT is kept in `env:` variables, or in a vault file
 * (`PLEXTV_VAULT_PASSPHRASE`): that row is reported apart, as it includes the
 * vault's key stretch (see the vault section).
 *
 * The binary is built for the run into `.tmp/bench/` with the flags of `deno
 * task build:bun` (code splitting, bytecode, minified syntax), as the project ships it, and the
 * empty script is compiled the same way; `dist/plextv` is left alone.
 *
 * Run: `deno run -A bench/startup.ts [--runs N]` (`--json` prints the rows as JSON).
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { newClientId, type SecureData } from "../mod.ts";
import { startEmulator } from "../lib/testing/mod.ts";
import { toEnvVariables } from "../plugins/env.ts";
import { Vault } from "../plugins/vault.ts";
import { bunBuildFlags } from "../tests/_helpers/cli.ts";
import { registeredDevice } from "./_device.ts";
import { countFlag } from "./_flags.ts";
import { BUN, DENO, ROOT } from "./_paths.ts";
import { formatMs, formatRatio, median, pairedRatio, ratioVerdict, type Table } from "./_table.ts";

const EMPTY = join(ROOT, "bench/_empty.ts");
const EMPTY_BINARY = join(ROOT, ".tmp/bench/empty");
const FLOOR_BINARY = join(ROOT, ".tmp/bench/env_token_floor");
const WARMUPS = 2;

/** The goal of issue 19: `plextv --version` and `plextv token` at most this many times an empty binary. */
export const GOAL_RATIO = 1.3;

/** One command's timings. */
interface StartupRow {
  /** The runtime group: `bun` or `deno`. */
  runtime: string;
  /** The command as a user types it. */
  command: string;
  /** Whether this is the bare runtime (the baseline of its group). */
  bare: boolean;
  /** Whether the goal applies to it. */
  goal?: boolean;
  /** Every measured run, ms. */
  runsMs: number[];
  /** Requests the emulator received during all runs (`token` only). */
  requests?: number;
}

/** What {@linkcode measureStartup} found out besides the rows. */
interface StartupResult {
  /** The rows. */
  rows: StartupRow[];
  /** The binary used, and how it came to be. */
  binary: string;
  /** `plextv --version` as printed. */
  version: string;
  /** Measured runs per command. */
  runs: number;
}

function _build(outfile: string, entry: string): void {
  const result = spawnSync(BUN, ["build", ...bunBuildFlags(), entry, "--outfile", outfile], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `bun build --compile failed: ${result.stderr || result.stdout}`,
    );
  }
}

/**
 * Builds the binaries of this run from the sources, into `.tmp/bench/`, the way `deno task build:bun`
 * builds `dist/plextv` (which is left alone): plextv's, the empty script's (its baseline), and the
 * env: store's work written out alone (bench/_env_token_floor.ts).
 *
 * @returns The three paths, and a note on how they were built.
 */
function buildBunBinaries(): { path: string; empty: string; floor: string; note: string } {
  const path = join(ROOT, ".tmp/bench/plextv");
  mkdirSync(join(path, ".."), { recursive: true });
  _build(path, "cli.ts");
  _build(EMPTY_BINARY, "bench/_empty.ts");
  _build(FLOOR_BINARY, "bench/_env_token_floor.ts");
  return {
    path,
    empty: EMPTY_BINARY,
    floor: FLOOR_BINARY,
    note: `.tmp/bench/plextv, built for this run (bun build ${
      bunBuildFlags().join(" ")
    } cli.ts, as deno task build:bun)`,
  };
}

interface _Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function _run(argv: string[], env: Record<string, string>): Promise<_Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on(
      "data",
      (chunk: string) => stdout += chunk,
    );
    child.stderr.setEncoding("utf8").on(
      "data",
      (chunk: string) => stderr += chunk,
    );
    child.on("error", reject);
    child.on(
      "close",
      (code) => resolve({ ms: performance.now() - start, code, stdout, stderr }),
    );
  });
}

/** The environment of the measured commands: the parent's, minus every plextv and Plex variable. */
function _baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(PLEXTV_|PLEX_TOKEN$|XDG_)/.test(name)) {
      env[name] = value;
    }
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    NO_COLOR: "1",
  };
}

/**
 * Times the commands.
 *
 * @param runs Measured runs per command.
 * @returns The rows and what was measured.
 * @throws {Error} when a command fails, prints something unexpected, or `token` makes a request.
 */
async function measureStartup(runs = 21): Promise<StartupResult> {
  const binary = buildBunBinaries();
  const emulator = await startEmulator();
  const home = mkdtempSync(join(tmpdir(), "plextv-startup-"));
  try {
    const { data, jwt } = await registeredDevice(emulator, 7 * 86_400);
    const vaultPath = join(home, "device.vault");
    const passphrase = `bench-${newClientId()}`;
    await new Vault<SecureData>(vaultPath, passphrase).save(data);

    const base = _baseEnv(home);
    const withVault = {
      ...base,
      PLEXTV_URL: emulator.url,
      PLEXTV_STORE: `vault:${vaultPath}`,
      PLEXTV_VAULT_PASSPHRASE: passphrase,
    };
    const withEnv = {
      ...base,
      PLEXTV_URL: emulator.url,
      PLEXTV_STORE: "env:",
      ...toEnvVariables(data),
    };
    const withToken = {
      ...base,
      PLEXTV_URL: emulator.url,
      PLEX_TOKEN: jwt.value,
    };
    const deno = [DENO, "run", "-A"];
    const script = (name: string) => join(ROOT, "bench/scripts", name);
    const commands: {
      runtime: string;
      command: string;
      argv: string[];
      env: Record<string, string>;
      token?: boolean;
      goal?: boolean;
    }[] = [
      {
        runtime: "bun binary",
        command: "empty Bun binary (bench/_empty.ts, built the same way)",
        argv: [binary.empty],
        env: base,
      },
      {
        runtime: "bun binary",
        command: "plextv --version (Bun binary)",
        argv: [binary.path, "--version"],
        env: base,
        goal: true,
      },
      {
        runtime: "bun binary",
        command: "plextv token, PLEX_TOKEN (Bun binary)",
        argv: [binary.path, "token"],
        env: withToken,
        token: true,
        goal: true,
      },
      {
        runtime: "bun binary",
        command: "plextv token, env: store (Bun binary)",
        argv: [binary.path, "token"],
        env: withEnv,
        token: true,
        goal: true,
      },
      {
        runtime: "bun binary",
        command: "the env: store's work alone, hand-written (bench/_env_token_floor.ts, built the same way)",
        argv: [binary.floor],
        env: withEnv,
        token: true,
      },
      {
        runtime: "bun binary",
        command: "plextv token, vault: store (Bun binary; key stretch included)",
        argv: [binary.path, "token"],
        env: withVault,
        token: true,
      },
      {
        runtime: "deno",
        command: "deno run bench/_empty.ts (bare runtime)",
        argv: [DENO, "run", EMPTY],
        env: base,
      },
      {
        runtime: "deno",
        command: "deno run -A cli.ts --version",
        argv: [...deno, "cli.ts", "--version"],
        env: base,
      },
      {
        runtime: "deno",
        command: "deno run -A cli.ts token, PLEX_TOKEN",
        argv: [...deno, "cli.ts", "token"],
        env: withToken,
        token: true,
      },
      {
        runtime: "deno",
        command: "deno run -A cli.ts token, env: store",
        argv: [...deno, "cli.ts", "token"],
        env: withEnv,
        token: true,
      },
      {
        runtime: "deno",
        command: "deno run -A cli.ts token, vault: store (key stretch included)",
        argv: [...deno, "cli.ts", "token"],
        env: withVault,
        token: true,
      },
      {
        runtime: "bun script",
        command: "bun bench/_empty.ts (bare runtime)",
        argv: [BUN, EMPTY],
        env: base,
      },
      {
        runtime: "bun script",
        command: "plextv: config, token source, client (bench/scripts/plextv.ts)",
        argv: [BUN, script("plextv.ts")],
        env: base,
      },
      {
        runtime: "bun script",
        command: "@ctrl/plex: MyPlexAccount with a token (bench/scripts/ctrl_plex.ts)",
        argv: [BUN, script("ctrl_plex.ts")],
        env: base,
      },
      {
        runtime: "bun script",
        command: "@lukehagar/plexjs: core + account function (bench/scripts/plexjs.ts)",
        argv: [BUN, script("plexjs.ts")],
        env: base,
      },
    ];

    let version = "";
    const rows: StartupRow[] = commands.map((command) => ({
      runtime: command.runtime,
      command: command.command,
      bare: command.command.includes("bare runtime") ||
        command.argv[0] === binary.empty,
      goal: command.goal,
      runsMs: [],
      requests: command.token ? 0 : undefined,
    }));
    // Round-robin, so a load spike on this machine hits every command alike.
    for (let i = 0; i < WARMUPS + runs; i++) {
      for (const [index, command] of commands.entries()) {
        emulator.resetRequests();
        const run = await _run(command.argv, command.env);
        if (run.code !== 0) {
          throw new Error(
            `${command.command} exited with ${run.code}: ${run.stderr.trim().split("\n").pop()}`,
          );
        }
        if (command.token && run.stdout.trim() !== jwt.value) {
          throw new Error(`${command.command} did not print the stored token`);
        }
        if (command.command.includes("--version")) version = run.stdout.trim();
        const row = rows[index];
        if (i >= WARMUPS) row.runsMs.push(run.ms);
        if (command.token) row.requests! += emulator.requests.length;
      }
    }
    for (const row of rows) {
      if (row.requests) {
        throw new Error(
          `${row.command} made ${row.requests} requests with a valid stored JWT`,
        );
      }
    }
    return { rows, binary: binary.note, version, runs };
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The start-up timings as a table.
 *
 * @param result What {@linkcode measureStartup} returned.
 * @returns The table of the section.
 */
function startupTable(result: StartupResult): Table {
  const bare = new Map(result.rows.filter((r) => r.bare).map((r) => [r.runtime, r.runsMs]));
  return {
    title: `Start-up (median of ${result.runs} runs after ${WARMUPS} unmeasured)`,
    columns: [
      { header: "command" },
      { header: "median", align: "right" },
      { header: "fastest", align: "right" },
      { header: "× bare runtime", align: "right" },
      { header: "goal" },
      { header: "requests to plex.tv", align: "right" },
    ],
    rows: result.rows.map((r) => {
      const ratio = pairedRatio(r.runsMs, bare.get(r.runtime) ?? []);
      return [
        r.command,
        formatMs(median(r.runsMs)),
        formatMs(Math.min(...r.runsMs)),
        r.bare ? "1.00×" : formatRatio(ratio),
        r.goal ? ratioVerdict(ratio, GOAL_RATIO) : "",
        r.requests === undefined ? "" : r.requests,
      ];
    }),
    notes: [
      `Binary: ${result.binary}; it prints "${result.version}". Its baseline is an empty script compiled ` +
      "the same way (.tmp/bench/empty).",
      `The goal (issue 19): plextv --version and plextv token (PLEX_TOKEN, env: store) at most ${GOAL_RATIO}× ` +
      "the empty binary, side by side in this run. The vault: rows include its PBKDF2 key stretch (600,000 " +
      "iterations) and are reported apart.",
      "token: a valid JWT minted by the plex.tv emulator (PLEXTV_URL) is given in PLEX_TOKEN or stored; the " +
      "emulator counted the requests of all runs.",
      "The env: store's work alone: the one file that reads the same variables, checks the key pair through " +
      "jose and its id, checks the JWT's expiry and prints it, with nothing else (no store session, option " +
      "checks or typed errors): what the job costs, so the gap to plextv's row is plextv's own start-up.",
      "Scripts (bun script rows): each imports its library and gets ready for an account call, without " +
      "making it; the peers come from bench/node_modules.",
      "Times are wall-clock from spawn to exit, measured by the bench process. × bare runtime: the median of " +
      "the ratios of the runs made in the same round (every command runs once a round, in turn), so a " +
      "change in the machine's load between rounds cancels out.",
    ],
  };
}

/**
 * Measures and tabulates the start-up times (builds the Bun binaries first).
 *
 * @param runs Measured runs per command.
 * @returns The table of the section.
 * @throws {Error} when a command fails, prints something unexpected, or `token` makes a request.
 *
 * @example
 * ```ts ignore
 * import { startupSection } from "./startup.ts";
 * import { formatTable } from "./_table.ts";
 * console.log(formatTable(await startupSection(5)));
 * ```
 */
export async function startupSection(runs = 21): Promise<Table> {
  return startupTable(await measureStartup(runs));
}

if (import.meta.main) {
  const runs = countFlag("--runs", 1) ?? 15;
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(await measureStartup(runs), null, 2));
  } else {console.log(
      (await import("./_table.ts")).formatTable(await startupSection(runs)),
    );}
}
