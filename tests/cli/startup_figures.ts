/**
 * Start-up figures of the Bun binary, side by side in one run: `plextv
 * --version`, `plextv token` with `PLEX_TOKEN`, and `plextv token` with an
 * `env:` store, each next to an empty compiled Bun binary (the floor), as
 * medians of interleaved runs and their ratio to the floor (the goal is at
 * most 1.3×). A script, not a test: it prints figures and fails on nothing.
 *
 *   node_modules/.bin/bun tests/cli/startup_figures.ts [ROUNDS]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunBinary, REPO } from "../_helpers/cli.ts";

const rounds = Number(process.argv[2] ?? 40);
const folder = mkdtempSync(join(tmpdir(), "plextv-figures-"));
const empty = join(folder, "empty");
writeFileSync(join(folder, "empty.ts"), 'console.log("plextv 0.0.0");\n');
const built = spawnSync(join(REPO, "node_modules/.bin/bun"), [
  "build",
  "--compile",
  join(folder, "empty.ts"),
  "--outfile",
  empty,
], { encoding: "utf8" });
if (built.status !== 0) throw new Error(built.stderr);
const plextv = await bunBinary();

const home = {
  XDG_CONFIG_HOME: join(folder, "config"),
  XDG_DATA_HOME: join(folder, "data"),
  PATH: process.env.PATH,
};
const cases: [string, string, string[], Record<string, string | undefined>][] = [
  ["empty binary", empty, [], home],
  ["plextv --version", plextv.command, ["--version"], home],
  ["plextv token (PLEX_TOKEN)", plextv.command, ["token"], {
    ...home,
    PLEX_TOKEN: "abcdefghij0123456789",
  }],
  ["plextv token (env: store)", plextv.command, ["--store", "env:", "token"], {
    ...home,
    PLEXTV_CLIENT_ID: "figures",
    PLEXTV_TOKEN: "abcdefghij0123456789",
  }],
];
const times = cases.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  cases.forEach(([, command, args, env], i) => {
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { env: env as Record<string, string>, encoding: "utf8" });
    times[i].push(Number(process.hrtime.bigint() - start) / 1e6);
    if (run.status !== 0) throw new Error(`${cases[i][0]} failed: ${run.stderr}`);
  });
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const floor = median(times[0]);
const bunVersion = (globalThis as { Bun?: { version: string } }).Bun?.version ?? "?";
console.log(`Bun ${bunVersion}, ${rounds} interleaved rounds, medians:`);
cases.forEach(([label], i) => {
  const ms = median(times[i]);
  console.log(
    `  ${label.padEnd(28)} ${ms.toFixed(1).padStart(6)} ms  ${(ms / floor).toFixed(2)}× the empty binary`,
  );
});
rmSync(folder, { recursive: true, force: true });
