// startEmulator on a port that is taken: it rejects with the listen error and
// leaves nothing open behind it (Deno's test sanitizers fail a test that
// leaks a listener, a socket or a timer), and the emulator that holds the
// port keeps answering.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { startEmulator } from "../../lib/testing/mod.ts";

describe("startEmulator on a port in use", () => {
  it("rejects with EADDRINUSE, closes what it built, and the first emulator still answers", async () => {
    const first = await startEmulator();
    try {
      const port = Number(new URL(first.url).port);
      const resources = () => process.getActiveResourcesInfo().filter((kind) => kind !== "TTYWrap").sort();
      const before = resources();
      await assert.rejects(startEmulator({ port }), (err: unknown) => {
        assert.equal((err as { code?: unknown }).code, "EADDRINUSE");
        return true;
      });
      assert.deepEqual(resources(), before, "the failed start left no server, socket or timer open");
      const answer = await fetch(`${first.url}/api/v2/user`, { headers: { Accept: "application/json" } });
      await answer.body?.cancel();
      assert.equal(answer.status, 401);
    } finally {
      await first.close();
    }
  });
});
