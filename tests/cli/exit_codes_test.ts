/**
 * Every PlexError code has its exit code in the CLI's map, and only the
 * documented exit codes are used: the codes are read from the closed union in
 * lib/errors.ts, so a new code without an exit code fails here.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { PlexError, type PlexErrorCode } from "../../lib/errors.ts";
import { EXIT, EXIT_CODES, exitCodeOf } from "../../lib/cli/exit.ts";

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
});
