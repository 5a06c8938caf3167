/**
 * Every PlexError code has its exit code and its hint in the CLI's maps, and
 * only the documented exit codes are used: the codes are read from the closed
 * union in lib/errors.ts, so a new code without an exit code or a hint fails
 * here. Every hint names a plextv command or flag, never a library option.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { PlexError, type PlexErrorCode } from "../../lib/errors.ts";
import { EXIT, EXIT_CODES, exitCodeOf } from "../../lib/cli/exit.ts";
import { CLI_HINTS, hintFor } from "../../lib/cli/hints.ts";
import { Output } from "../../lib/cli/output.ts";
import { reportError } from "../../lib/cli/report.ts";
import { main } from "../../lib/cli/main.ts";

/** The members of `PlexErrorCode`, read from its declaration. */
function plexErrorCodes(): PlexErrorCode[] {
  const source = readFileSync(new URL("../../lib/errors.ts", import.meta.url), "utf8");
  const union = /export type PlexErrorCode =([^;]+);/.exec(source)?.[1] ?? "";
  return [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] as PlexErrorCode);
}

describe("plextv exit codes", () => {
  it("map every PlexError code, and nothing else", () => {
    const codes = plexErrorCodes();
    assert.ok(codes.length >= 30, `read ${codes.length} codes`);
    assert.deepEqual(Object.keys(EXIT_CODES).sort(), [...codes].sort());
  });

  it("use only 1, 2 and 4 for errors, with the documented meanings", () => {
    for (const code of plexErrorCodes()) {
      assert.ok(
        ([EXIT.failure, EXIT.usage, EXIT.auth] as number[]).includes(exitCodeOf(new PlexError(code, "x"))),
        code,
      );
    }
    assert.equal(exitCodeOf(new PlexError("wrong_passphrase", "x")), EXIT.auth);
    assert.equal(exitCodeOf(new PlexError("expired_token", "x")), EXIT.auth);
    assert.equal(exitCodeOf(new PlexError("aborted", "x")), EXIT.usage);
    assert.equal(exitCodeOf(new PlexError("network_error", "x")), EXIT.failure);
    assert.equal(exitCodeOf(new Error("anything else")), EXIT.failure);
  });

  it("give every code a hint that names a plextv command or flag, and no library option", () => {
    assert.deepEqual(Object.keys(CLI_HINTS).sort(), [...plexErrorCodes()].sort());
    for (const [code, hint] of Object.entries(CLI_HINTS)) {
      assert.match(hint, /plextv [a-z]|--[a-z]/, `${code}: ${hint}`);
      assert.doesNotMatch(
        hint,
        /\(\)|\{|verificationCode|onJwkMissing|registry|includeRelay/,
        `${code}: ${hint}`,
      );
    }
  });

  it("name the store at fault for a store_corrupt: a file that is no vault, an env: variable", async () => {
    const { fromEnvVariables } = await import("../../plugins/env.ts");
    const fromEnv = await fromEnvVariables({ PLEXTV_TOKEN: "abcdefghij0123456789" }).catch((err) => err);
    assert.match(hintFor(fromEnv), /^Fix the variable named \(plextv keys export --format env/);
    const notVault = new PlexError("store_corrupt", "The vault file /x/notes.txt is not a plextv vault");
    assert.match(hintFor(notVault), /^Check the store's path \(--store or PLEXTV_STORE\)/);
    assert.equal(
      hintFor(new PlexError("store_corrupt", "The vault file /x has a damaged header")),
      CLI_HINTS.store_corrupt,
    );
    const tooLarge = new PlexError("store_corrupt", "The file /x/big.bin is too large to be a plextv vault");
    assert.match(hintFor(tooLarge), /^Check the store's path/);
    const redis = new PlexError(
      "store_unavailable",
      "Redis at redis://127.0.0.1:6379/99 refused database 99",
      {
        hint: "The server has 16 databases (0 to 15): check the /DB in the store URI.",
      },
    );
    assert.equal(
      hintFor(redis),
      "The server has 16 databases (0 to 15): check the /DB in the store URI; or choose another store with --store vault:PATH",
    );
    assert.equal(hintFor(new PlexError("store_unavailable", "No keychain")), CLI_HINTS.store_unavailable);
    const keychain = new PlexError("store_unavailable", "secret-tool is not installed", {
      hint: "Install libsecret-tools, or use the vault store instead: --store vault:PATH",
    });
    assert.equal(hintFor(keychain), keychain.hint, "a hint that names the vault is not told it twice");
  });

  it("report a PlexError with the CLI's hint, not the library's", () => {
    const lines: string[] = [];
    const out = new Output({ stderr: { write: (t: string) => lines.push(t) }, noColor: true });
    const err = new PlexError("verification_code_required", "Please enter the verification code");
    assert.match(err.hint ?? "", /verificationCode/, "the library's hint speaks to programmers");
    assert.equal(reportError(err, out), EXIT.auth);
    assert.equal(
      lines.join(""),
      "error: Please enter the verification code. Pass the current two-factor code with plextv login --code CODE\n",
    );
  });
});

describe("plextv reports a cancelled prompt as Cancelled", () => {
  it("also when the prompt was asked inside a store and the store's save failed with it", async () => {
    const { CliError } = await import("../../lib/cli/exit.ts");
    const { cancelled } = await import("../../lib/cli/prompt.ts");
    const lines: string[] = [];
    const out = new Output({ stderr: { write: (t: string) => lines.push(t) }, noColor: true });
    // What a Ctrl-C at the new vault's passphrase prompt becomes: the vault wraps the prompt's error,
    // and login reports the failed save with it as the cause.
    const inStore = new PlexError("store_error", "Could not get the passphrase of the vault", {
      cause: cancelled(),
    });
    const lostSave = new CliError("The sign-in could not be saved", {
      cause: inStore,
      hint: "Fix the store",
    });
    assert.equal(reportError(lostSave, out), EXIT.usage);
    assert.deepEqual(lines, ["Cancelled\n"]);
    lines.length = 0;
    assert.equal(
      reportError(new CliError("The sign-in could not be saved", { cause: new Error("disk full") }), out),
      1,
    );
    assert.match(lines[0]!, /^error: The sign-in could not be saved/);
  });
});

describe("plextv hints", () => {
  it("point an invalid value at the help of the command that got it", async () => {
    let stderr = "";
    const code = await main(["watchlist", "--filter", "soon"], {
      env: { NO_COLOR: "1" },
      stdout: { write: () => {} },
      stderr: { write: (text: string) => void (stderr += text) },
    });
    assert.equal(code, EXIT.usage);
    assert.match(
      stderr,
      /^error: A watchlist filter is all, available or released\. .*plextv help watchlist lists/,
    );
    assert.doesNotMatch(stderr, /COMMAND/);
  });

  it("with --verbose, label a server probe's finding as a probe, and plex.tv's words as its own", () => {
    const lines: string[] = [];
    const out = new Output({ stderr: { write: (t: string) => lines.push(t) }, noColor: true, verbose: true });
    const probe = new PlexError("server_unreachable", "None of the 1 connections of Home answered", {
      details: [{ message: "https://10.0.0.2:32400: refused", connection: "https://10.0.0.2:32400" }],
    });
    reportError(probe, out);
    const plex = new PlexError("unauthorized", "plex.tv refused the token", {
      details: [{ code: 1001, message: "User could not be authenticated" }],
    });
    reportError(plex, out);
    const text = lines.join("");
    assert.match(text, /^\s+probe: https:\/\/10\.0\.0\.2:32400: refused$/m);
    assert.match(text, /^\s+plex\.tv said: User could not be authenticated$/m);
    assert.doesNotMatch(text, /plex\.tv said: https/);
  });
});
