/**
 * Helpers for the CLI tests: run `plextv` under Deno (`deno run -A cli.ts`),
 * as the Bun-compiled binary, or under Node as an npm user runs it (`node
 * esm/bin/plextv.js` from `npm run build`), in its own temporary folders, and collect
 * its exit code, stdout and stderr. Spawning is asynchronous, so an
 * emulator started in the test process keeps answering.
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import jsqr from "jsqr";
import { after, before } from "node:test";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { compiledForNode, nodeBuild } from "./node_build.ts";
import { BUN_RUNNER } from "./needs.ts";
import { sharedBuild } from "./shared_build.ts";

/** The repository root. */
export const REPO: string = fileURLToPath(new URL("../../", import.meta.url));

/** How a CLI process ended. */
export interface Run {
  /** The exit code. */
  code: number;
  /** Everything on stdout. */
  stdout: string;
  /** Everything on stderr. */
  stderr: string;
}

/** One way to start the CLI: a program and the arguments before the CLI's own. */
export interface Runtime {
  /** `deno`, `bun`, `bun binary` or `node`. */
  name: string;
  /** The program. */
  command: string;
  /** Arguments before the CLI's arguments. */
  prefix: string[];
  /** The module to pass to `--plugin` for a TypeScript plugin file (Node: the file compiled to JavaScript). */
  plugin?: (path: string) => string;
}

/**
 * The module a runtime loads for a TypeScript store plugin: the file itself
 * under Deno and Bun, its JavaScript under Node (which runs no TypeScript).
 *
 * @param runtime The runtime.
 * @param path The plugin's TypeScript file.
 * @returns What to pass to `--plugin` or `PLEXTV_PLUGINS`.
 */
export function pluginFor(runtime: Runtime, path: string): string {
  return runtime.plugin?.(path) ?? path;
}

/** The CLI under Deno. */
export const DENO: Runtime = {
  name: "deno",
  command: join(REPO, "node_modules/.bin/deno"),
  prefix: ["run", "-A", join(REPO, "cli.ts")],
};

/** The CLI under Bun, from source (`bun cli.ts`). */
export const BUN: Runtime = {
  name: "bun",
  command: join(REPO, "node_modules/.bin/bun"),
  prefix: [join(REPO, "cli.ts")],
};

/**
 * The flags of `deno task build:bun` (deno.json), the build the project
 * ships: between `build` and the entry `cli.ts` (`--compile --splitting
 * --bytecode --minify-syntax --minify-whitespace --format esm`).
 *
 * @returns The flags.
 */
export function bunBuildFlags(): string[] {
  const tasks = (JSON.parse(readFileSync(join(REPO, "deno.json"), "utf8")) as {
    tasks: Record<string, string>;
  }).tasks;
  const words = tasks["build:bun"]!.split(/\s+/);
  return words.slice(words.indexOf("build") + 1, words.indexOf("cli.ts"));
}

/**
 * The CLI compiled as `deno task build:bun` compiles it ({@linkcode
 * bunBuildFlags}: each command and plugin in its own chunk, loaded only when
 * it runs), once per state of the sources, deno.json and Bun's version,
 * shared by every test file of a run (see shared_build.ts).
 *
 * @returns The runtime of the binary.
 */
export async function bunBinary(): Promise<Runtime> {
  const bun = join(REPO, "node_modules/.bin/bun");
  const folder = await sharedBuild({
    name: "bun-binary",
    sources: ["cli.ts", "lib", "plugins", "package.json", "package-lock.json", "deno.json"],
    salt: spawnSync(bun, ["--revision"], { encoding: "utf8" }).stdout,
    marker: "plextv",
    build(folder) {
      const args = ["build", ...bunBuildFlags(), join(REPO, "cli.ts")];
      const result = spawnSync(bun, [...args, "--outfile", join(folder, "plextv")], {
        cwd: REPO,
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`bun build --compile failed: ${result.stderr}`);
    },
  });
  return { name: "bun binary", command: join(folder, "plextv"), prefix: [] };
}

/**
 * The CLI under Node 20+ as an npm user runs it: `node esm/bin/plextv.js`,
 * from an `npm run build` shared by every test file of a run
 * (tests/_helpers/node_build.ts); `node` is the one on PATH.
 *
 * @returns The runtime.
 */
export async function nodeRuntime(): Promise<Runtime> {
  const folder = await nodeBuild();
  const found = spawnSync("node", ["-p", "process.execPath"], { encoding: "utf8" });
  if (found.status !== 0) throw new Error(`node is not on PATH: ${found.error ?? found.stderr}`);
  return {
    name: "node",
    command: found.stdout.trim(),
    prefix: [join(folder, "esm", "bin", "plextv.js")],
    plugin: (path) => compiledForNode(folder, path),
  };
}

/** Per-run options. */
export interface RunOptions {
  /** Extra environment variables (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  stdin?: string;
  /** Called with each stderr chunk as it arrives (e.g. to read a PIN code). */
  onStderr?: (text: string, all: string) => void;
  /** Kill the process after this many ms (default 30 s). */
  timeoutMs?: number;
}

/** A home for one CLI user: its own XDG folders. */
export interface Home {
  /** The root folder. */
  root: string;
  /** The environment that points the CLI at the folders. */
  env: Record<string, string>;
  /** Deletes the folders. */
  cleanup(): void;
}

/**
 * Creates temporary XDG config and data folders.
 *
 * @param env More variables (PLEXTV_URL, passphrase).
 * @returns The home.
 */
export function makeHome(env: Record<string, string> = {}): Home {
  const root = mkdtempSync(join(tmpdir(), "plextv-home-"));
  return {
    root,
    env: {
      XDG_CONFIG_HOME: join(root, "config"),
      XDG_DATA_HOME: join(root, "data"),
      XDG_RUNTIME_DIR: join(root, "run"),
      NO_COLOR: "1",
      ...env,
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The variables a CLI under test never inherits from the test process: the
 * user's own plextv settings and secrets, the session bus and display, and
 * Node's extra CA file.
 */
export const CLEARED_VARIABLES: readonly string[] = [
  "PLEX_TOKEN",
  "PLEX_PASSWORD",
  "PLEXTV_STORE",
  "PLEXTV_CLIENT_ID",
  "PLEXTV_PLUGINS",
  "PLEXTV_VAULT_PASSPHRASE",
  "PLEXTV_REDIS_PASSPHRASE",
  "PLEXTV_URL",
  "PLEXTV_V2_URL",
  "PLEXTV_HOME_PIN",
  // No session bus or display: the default store is then the vault, and no test touches a real keychain.
  "DBUS_SESSION_BUS_ADDRESS",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  // Node reads this file of CA certificates at every start (40 ms here); the CLI under test talks to loopback only.
  "NODE_EXTRA_CA_CERTS",
];

/**
 * Runs the CLI and waits for it to end.
 *
 * @param runtime Deno or the Bun binary.
 * @param args The CLI's arguments.
 * @param home The user's folders and environment.
 * @param options Environment, stdin, stderr watcher, timeout.
 * @returns The exit code and output.
 */
export function runCli(runtime: Runtime, args: string[], home: Home, options: RunOptions = {}): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !CLEARED_VARIABLES.includes(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries({ ...home.env, ...options.env })) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.command, [...runtime.prefix, ...args], { cwd: REPO, env });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk, stderr);
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

/**
 * A stderr watcher that approves the PIN shown on the PIN screen, once,
 * as the user would at plex.tv/link.
 *
 * @param approve Approves a PIN code (e.g. `(code) => emulator.approvePin(code)`).
 * @returns The watcher, for {@linkcode RunOptions.onStderr}.
 */
export function approvePinFromScreen(approve: (code: string) => void): (text: string, all: string) => void {
  let approved = false;
  return (_text, all) => {
    const code = /Code\s+(\S+)/.exec(all)?.[1];
    if (code && !approved && all.includes("Waiting for approval")) {
      approved = true;
      approve(code);
    }
  };
}

/**
 * Asserts that a run exited 0 and returns it.
 *
 * @param run The run.
 * @param what What it was, for the message.
 * @returns The run.
 */
export function ok(run: Run, what: string): Run {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.stderr}`);
  return run;
}

/**
 * The client identifier the CLI keeps in a home's config folder.
 *
 * @param home The home.
 * @returns The client identifier.
 */
export function clientIdOf(home: Home): string {
  return JSON.parse(readFileSync(join(home.env.XDG_CONFIG_HOME, "plextv", "config.json"), "utf8")).clientId;
}

/**
 * The client identifier the config folder keeps for a store named with `--store` or `PLEXTV_STORE`.
 *
 * @param home The home.
 * @param storeUri The store's URI, as named.
 * @returns The identifier, or `undefined` when none was made for that store.
 */
export function storeClientIdOf(home: Home, storeUri: string): string | undefined {
  const settings = JSON.parse(readFileSync(join(home.env.XDG_CONFIG_HOME, "plextv", "config.json"), "utf8"));
  return settings.storeClientIds?.[storeUri];
}

/**
 * The default vault file of a home.
 *
 * @param home The home.
 * @returns Its path.
 */
export function vaultOf(home: Home): string {
  return join(home.env.XDG_DATA_HOME, "plextv", "plextv.vault");
}

/**
 * Reads a QR code back from the half-block lines the PIN screen draws (as
 * printed, or as captured from a terminal): each character is two modules,
 * a block being light, as a scanner sees white on a dark terminal. The
 * modules become an image, with a wide light margin, that jsQR decodes.
 *
 * @param lines The QR code's lines (ANSI colours are ignored).
 * @returns The text the code holds, or `undefined` when it does not decode.
 */
export function decodeTerminalQr(lines: string[]): string | undefined {
  // deno-lint-ignore no-control-regex
  const rows = lines.map((line) => [...line.replace(/\x1b\[[0-9;]*m/g, "")]);
  const light: boolean[][] = [];
  for (const row of rows) {
    light.push(row.map((c) => c === "█" || c === "▀"));
    light.push(row.map((c) => c === "█" || c === "▄"));
  }
  const scale = 4;
  const margin = 8;
  const width = (rows[0].length + 2 * margin) * scale;
  const height = (light.length + 2 * margin) * scale;
  const pixels = new Uint8ClampedArray(width * height * 4).fill(255);
  light.forEach((row, r) =>
    row.forEach((isLight, c) => {
      if (isLight) return;
      for (let y = 0; y < scale; y++) {
        for (let x = 0; x < scale; x++) {
          const at = (((r + margin) * scale + y) * width + (c + margin) * scale + x) * 4;
          pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
        }
      }
    })
  );
  // jsQR is CommonJS: under Deno the default import is its module object, under Bun the function.
  type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
  const module = jsqr as unknown as Decode & { default?: Decode };
  return (module.default ?? module)(pixels, width, height)?.data;
}

/**
 * Deno, the Bun binary and Node (the npm build), by name, for a test file
 * that runs plextv under each: the binary and the build are got in a
 * `before` hook registered here, unless `skip` gives a reason.
 *
 * @param skip Why the file's tests cannot run here, or nothing.
 * @returns Each runtime by name (ready once the hooks ran).
 */
export function everyRuntime(skip?: string | false): Readonly<Record<string, () => Runtime>> {
  let bun: Runtime | undefined;
  let node: Runtime | undefined;
  before(async () => {
    if (skip) return;
    [bun, node] = await Promise.all([bunBinary(), nodeRuntime()]);
  });
  return { deno: () => DENO, "bun binary": () => bun!, node: () => node! };
}

/**
 * The runtimes of `runtimes` this pass runs plextv under: Deno and Node
 * under `deno test`, the Bun binary under `bun test`. A CLI run is a child
 * process that does the same whichever runner spawned it, so each runtime's
 * runs are made once in the suite; the Bun pass still serves them from Bun
 * (the emulator and the other servers run in the runner).
 *
 * @param runtimes Runtimes by name, as {@linkcode everyRuntime} gives them.
 * @returns The name and runtime of each one this pass runs.
 */
export function thisPass<T>(runtimes: Readonly<Record<string, T>>): [string, T][] {
  const names = BUN_RUNNER ? ["bun binary"] : ["deno", "node"];
  return Object.entries(runtimes).filter(([name]) => names.includes(name));
}

/** What {@linkcode useCliWorld} sets up for a test file. */
export interface CliWorld {
  /** The emulator, started in `before`. */
  emulator(): Emulator;
  /** A new home pointed at the emulator, with a vault passphrase; removed in `after`. */
  home(): Home;
  /** The runtimes of this pass ({@linkcode thisPass}; built in `before`), by name. */
  runtimes: readonly { name: string; runtime(): Runtime }[];
  /**
   * The runtimes for scenarios of plextv's own logic (the same JavaScript on
   * every runtime): this pass's, less Node, whose processes, stdin, files,
   * errors and terminal are checked by the end-to-end, lost-save, errors,
   * commands and terminal tests.
   */
  scenarioRuntimes: readonly { name: string; runtime(): Runtime }[];
}

/** What {@linkcode useEmulatorHome} gives a test file. */
export interface EmulatorHome {
  /** The emulator, started in `before`. */
  readonly emulator: Emulator;
  /** One home for the file's tests (no variables beyond {@linkcode makeHome}'s). */
  readonly home: Home;
}

/**
 * Starts an emulator for a test file (in `before`) and makes it one home;
 * closes the emulator and removes the home in `after`. Lighter than
 * {@linkcode useCliWorld}: no binary is built.
 *
 * @returns The emulator (once started) and the home.
 */
export function useEmulatorHome(): EmulatorHome {
  let emulator: Emulator | undefined;
  const home = makeHome();
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.close();
    home.cleanup();
  });
  return {
    get emulator() {
      return emulator!;
    },
    home,
  };
}

/**
 * Starts an emulator and gets the Bun binary and the Node build for a test
 * file (in `before`), and cleans up homes and emulator in `after`.
 *
 * @param passphrase The vault passphrase of every home.
 * @returns Accessors for the tests.
 */
export function useCliWorld(passphrase: string): CliWorld {
  let emulator: Emulator | undefined;
  const homes: Home[] = [];
  const passRuntimes = thisPass(everyRuntime()).map(([name, runtime]) => ({ name, runtime }));
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    for (const h of homes) h.cleanup();
    await emulator?.close();
  });
  return {
    emulator: () => emulator!,
    home: () => {
      const h = makeHome({ PLEXTV_URL: emulator!.url, PLEXTV_VAULT_PASSPHRASE: passphrase });
      homes.push(h);
      return h;
    },
    runtimes: passRuntimes,
    scenarioRuntimes: passRuntimes.filter(({ name }) => name !== "node"),
  };
}
