/**
 * The assertion of the parser tests: a call fails with `invalid_response`
 * whose message names the wrong field.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PlexError } from "../../lib/errors.ts";

/**
 * Asserts that `fn` throws a PlexError `invalid_response` whose message contains `pathPart`.
 *
 * @param fn The call.
 * @param pathPart What the message must say, e.g. `[0].id should be an integer`.
 */
export function assertInvalid(fn: () => unknown, pathPart: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PlexError, `expected a PlexError, got ${err}`);
    assert.equal(err.code, "invalid_response");
    assert.ok(err.message.includes(pathPart), `"${err.message}" should name ${pathPart}`);
    return true;
  });
}
