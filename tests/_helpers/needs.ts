/**
 * Suites that need a Debian package (tmux, redis-server, a Secret Service,
 * Chromium). `describe(name, { skip }, body)` hides the whole suite from
 * Bun's summary, so a machine without the package would not see what was
 * left out; {@linkcode describeNeeding} registers one skipped test carrying
 * the reason instead, which both runners count and print.
 *
 * @module
 */
import { describe, it } from "node:test";

/**
 * `describe(name, body)`, or, when `skip` gives a reason, a suite of one skipped test that says it.
 *
 * @param name The suite's name.
 * @param skip Why the suite cannot run here (e.g. `redis-server is not installed`), or `false`.
 * @param body The suite.
 */
export function describeNeeding(name: string, skip: string | false | undefined, body: () => void): void {
  if (!skip) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it(`is skipped: ${skip}`, { skip }, () => {});
  });
}

/** Whether this process is `bun test` (else `deno test`). */
export const BUN_RUNNER = "Bun" in globalThis;

/**
 * Why a test whose work is all done by child processes (plextv, Chromium,
 * npm, another runtime) is skipped under `bun test`: the suite runs every
 * file under `deno test` and then under `bun test`, and such a child does
 * the same whichever runner spawned it, so the Deno pass runs it once.
 */
export const RUN_BY_DENO_PASS: string | false = BUN_RUNNER &&
  "the suite's deno test pass runs it (its child processes do not depend on the runner)";
