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
