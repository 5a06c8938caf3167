/**
 * `plextv completion bash|zsh|fish` prints scripts that really complete:
 * each is loaded into its shell in a subprocess and asked what follows a
 * partial command line (bash through its completion function with
 * COMP_WORDS, zsh with `compadd` recorded, fish with `complete -C`).
 * zsh and fish come from Debian's packages (CI installs them): without one,
 * its check skips with one line, or fails when `CI` is set.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../../lib/cli/commands/mod.ts";
import { BUN, type Home, makeHome, ok, runCli } from "../_helpers/cli.ts";

let home: Home;
const scripts: Record<string, string> = {};

before(async () => {
  home = makeHome();
  for (const shell of ["bash", "zsh", "fish"]) {
    const path = join(home.root, `plextv.${shell}`);
    writeFileSync(path, ok(await runCli(BUN, ["completion", shell], home), `completion ${shell}`).stdout);
    scripts[shell] = path;
  }
});

after(() => home?.cleanup());

function missing(shell: string): string | false {
  const found = spawnSync(shell, ["-c", "exit 0"], { stdio: "ignore" });
  if (!found.error && found.status === 0) return false;
  if (process.env.CI) {
    throw new Error(`${shell} is not installed (apt-get install -y ${shell}): CI must install it`);
  }
  console.warn(`${shell} is not installed; skipping its completion test`);
  return `${shell} is not installed`;
}

function shell(command: string, args: string[], script: string): string {
  const run = spawnSync(command, [...args, script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

/** Each case: the words typed so far (the last one partial), and what must be offered. */
const CASES: [string[], string[]][] = [
  [["plextv", "sta"], ["status"]],
  [["plextv", "login", "--pi"], ["--pin", "--pin-jwt"]],
  [["plextv", "home", "s"], ["switch"]],
  [["plextv", "--store", "vault:/tmp/x", "tok"], ["token"]],
  [["plextv", "keys", "export", "--format", ""], ["env", "json"]],
  [["plextv", "completion", ""], ["bash", "fish", "zsh"]],
  [["plextv", "webhooks", ""], ["add", "remove"]],
  [["plextv", "watch"], ["watchlist"]],
  [["plextv", "connect", "X", "--show"], ["--show-token"]],
  [["plextv", "--store", "v"], ["vault:"]],
  [["plextv", "--store", "re"], ["redis://", "rediss://"]],
  [["plextv", "watchlist", "--filter", ""], ["all", "available", "released"]],
  // A one-letter alias takes its value as the long option does: the value is no command word.
  [["plextv", "login", "-u", "plexuser", "--pi"], ["--pin", "--pin-jwt"]],
];

describe("plextv completion", () => {
  it("bash completes commands, sub-commands, options and values", () => {
    const calls = CASES.map(([words]) =>
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; ` +
      `_plextv; echo "\${COMPREPLY[*]}"`
    ).join("\n");
    const out = shell("bash", ["-c", `source "$0"\n${calls}`], scripts.bash).trimEnd().split("\n");
    CASES.forEach(([words, expected], i) => {
      assert.deepEqual(out[i].split(" ").filter(Boolean).sort(), expected, words.join(" "));
    });
  });

  it("bash completes file names for --output and its alias -o", () => {
    const dir = mkdtempSync(join(tmpdir(), "plextv-completion-"));
    writeFileSync(join(dir, "exported.env"), "");
    for (const flag of ["--output", "-o"]) {
      const out = shell("bash", [
        "-c",
        `source "$0"; cd ${
          JSON.stringify(dir)
        }; COMP_WORDS=(plextv keys export ${flag} expo); COMP_CWORD=4; ` +
        '_plextv; echo "${COMPREPLY[*]}"',
      ], scripts.bash);
      assert.equal(out.trim(), "exported.env", flag);
    }
  });

  it("bash offers every command at the start", () => {
    const out = shell("bash", [
      "-c",
      'source "$0"; COMP_WORDS=(plextv ""); COMP_CWORD=1; _plextv; echo "${COMPREPLY[*]}"',
    ], scripts.bash);
    const first = [...new Set(COMMANDS.map((c) => c.name.split(" ")[0]))];
    assert.deepEqual(out.trim().split(" ").sort(), first.sort());
  });

  it("zsh completes the same", { skip: missing("zsh") }, () => {
    const calls = CASES.map(([words]) =>
      `words=(${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length}; PREFIX='${words.at(-1)}'; ` +
      `_plextv; echo`
    ).join("\n");
    const stub = 'compdef() { :; }; compadd() { [[ $1 == -- ]] && shift; local w; for w in "$@"; do ' +
      '[[ $w == ${PREFIX}* ]] && print -rn -- "$w "; done; }; _files() { print -rn -- "FILES "; }';
    const out = shell("zsh", ["-c", `${stub}; source "$0"\n${calls}`], scripts.zsh).trimEnd().split("\n");
    CASES.forEach(([words, expected], i) => {
      assert.deepEqual(out[i].split(" ").filter(Boolean).sort(), expected, words.join(" "));
    });
  });

  it("fish completes the same", { skip: missing("fish") }, () => {
    const calls = CASES.map(([words]) => `complete -C${JSON.stringify(words.join(" "))}; echo ---`).join(
      "\n",
    );
    const out = shell("fish", ["-c", `source $argv[1]\n${calls}`, "--"], scripts.fish).split("---\n");
    CASES.forEach(([words, expected], i) => {
      const offered = out[i].trim().split("\n").filter(Boolean).map((line) => line.split("\t")[0]);
      assert.deepEqual(offered.sort(), expected, words.join(" "));
    });
  });

  it("refuses another shell, suggesting the one meant", async () => {
    const run = await runCli(BUN, ["completion", "bsh"], home);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Did you mean plextv completion bash\?/);
  });

  it("is text only: --json is refused, as for help and the demo", async () => {
    for (const args of [["completion", "bash", "--json"], ["--json", "completion", "zsh"]]) {
      const run = await runCli(BUN, args, home);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr,
        /^error: A completion script is text only: --json does not apply\. Leave out --json\n$/,
      );
    }
  });
});
