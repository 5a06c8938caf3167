// `plextv demo` tells the truth: each step does what it says, counted at its
// emulator. Run in process through the CLI's `main`, as a user's terminal would.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { main } from "../../lib/cli/main.ts";

async function demo(): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["demo", "--approve-after", "100"], {
    env: { NO_COLOR: "1" },
    stdout: { write: (text: string) => void (stdout += text) },
    stderr: { write: (text: string) => void (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe("plextv demo", () => {
  it("reuses a fresh JWT, then really refreshes an aged one with a nonce and a token request", async () => {
    const { code, stdout, stderr } = await demo();
    assert.equal(code, 0, stderr);
    const step4 = stdout.slice(stdout.indexOf("4. "), stdout.indexOf("5. "));
    assert.match(step4, /3 calls to token\(\): 0 requests \(the stored JWT is fresh\)/);
    const refreshed = step4.match(
      /12 hours left \(until (.+) UTC, as 6½ days on\): refreshed with (\d+) requests: a new 7-day JWT, until (.+) UTC/,
    );
    assert.ok(refreshed, step4);
    assert.equal(refreshed[2], "2");
    const until = Date.parse(`${refreshed[3].replace(" ", "T")}Z`);
    assert.ok(until > Date.now() + 6.9 * 24 * 3600_000, `the new JWT runs until ${refreshed[3]}`);
    const aged = Date.parse(`${refreshed[1].replace(" ", "T")}Z`);
    assert.ok(aged < Date.now() + 13 * 3600_000, `the aged JWT had 12 hours left: ${refreshed[1]}`);
    assert.match(step4, /one day before expiry \(refreshMarginMs\), a margin capped at half its lifetime/);
  });
});
