/**
 * Output that does not reach stdout is a failure, never a success that lost it: with stdout on a
 * full disk (`/dev/full`), `plextv token` (the quick answer, and the whole command with `--json`),
 * `--version` and `help` exit 1 and say so on stderr, under Deno, as the Bun binary and under Node
 * (the npm build). A reader that stops early (`| head -c 3`) is not a failure: exit 0, nothing on
 * stderr.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { after, before, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import {
  bunBinary,
  CLEARED_VARIABLES,
  DENO,
  type Home,
  makeHome,
  nodeRuntime,
  REPO,
  type Runtime,
} from "../_helpers/cli.ts";

const TOKEN = "abcdefghij0123456789";
let runtimes: Runtime[];
let home: Home;

/** The environment of a run: the test process's, without the user's plextv variables, with a token. */
function environment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !CLEARED_VARIABLES.includes(name)) env[name] = value;
  }
  return { ...env, ...home.env, PLEX_TOKEN: TOKEN, PLEXTV_CLIENT_ID: "stdout-failure-test" };
}

/** Runs the CLI with its stdout on /dev/full. */
function intoFullDisk(runtime: Runtime, args: string[]): { code: number | null; stderr: string } {
  const full = openSync("/dev/full", "w");
  try {
    const run = spawnSync(runtime.command, [...runtime.prefix, ...args], {
      cwd: REPO,
      env: environment(),
      stdio: ["ignore", full, "pipe"],
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: run.status, stderr: run.stderr };
  } finally {
    closeSync(full);
  }
}

/** Runs the CLI, reads `bytes` of its stdout and closes the pipe, as `| head -c` does. */
function readingOnly(
  runtime: Runtime,
  args: string[],
  bytes: number,
): Promise<{ code: number | null; stderr: string; read: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.command, [...runtime.prefix, ...args], { cwd: REPO, env: environment() });
    let read = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      read += chunk;
      if (read.length >= bytes) child.stdout.destroy();
    });
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, read: read.slice(0, bytes) }));
  });
}

describeNeeding(
  "plextv with stdout on a full disk, under Deno, as the Bun binary and under Node",
  RUN_BY_DENO_PASS || (!existsSync("/dev/full") && "this system has no /dev/full"),
  () => {
    before(async () => {
      home = makeHome();
      runtimes = [DENO, await bunBinary(), await nodeRuntime()];
    });

    after(() => home?.cleanup());

    for (const args of [["token"], ["token", "--json"], ["--version"], ["help"]]) {
      it(`plextv ${args.join(" ")} exits 1 and says the output could not be written`, () => {
        for (const runtime of runtimes) {
          const run = intoFullDisk(runtime, args);
          assert.equal(run.code, 1, `${runtime.name}: ${run.stderr}`);
          assert.match(
            run.stderr,
            /^error: The output could not be written to stdout: .*(no space left on device|ENOSPC).*\n$/i,
            runtime.name,
          );
          assert.ok(!run.stderr.includes(TOKEN), runtime.name);
        }
      });
    }

    it("a reader that stops early is not a failure: exit 0, nothing on stderr", async () => {
      for (const runtime of runtimes) {
        for (const args of [["token"], ["help"]]) {
          const run = await readingOnly(runtime, args, 3);
          assert.equal(run.code, 0, `${runtime.name} ${args.join(" ")}: ${run.stderr}`);
          assert.equal(run.stderr, "", runtime.name);
          assert.equal(run.read.length, 3, runtime.name);
        }
      }
    });
  },
);

// The probe itself: /dev/full refuses every write, so a run that exits 0 above lost its output.
it("/dev/full refuses writes on this system (when it has one)", { skip: !existsSync("/dev/full") }, () => {
  const probe = spawnSync("sh", ["-c", "printf x > /dev/full"], { encoding: "utf8" });
  assert.notEqual(probe.status, 0);
});
