import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../lib/testing/mod.ts";
import { countRequests, requestCountsTable, SCENARIOS } from "../bench/requests.ts";
import { formatBytes, formatMs, formatRatio, formatTable, median } from "../bench/_table.ts";

let emulator: Emulator;

before(async () => {
  emulator = await startEmulator({ nonceRateLimit: 1_000 });
});
after(async () => {
  await emulator.close();
});

describe("bench: request counts measured at the emulator", () => {
  it("a restart with a valid JWT makes 0 requests, an expired one 2, 100 concurrent calls 2", async () => {
    const counts = await countRequests(emulator, ["restart-valid", "restart-expired", "concurrent-expired"]);
    assert.deepEqual(counts.map((c) => [c.requests, c.minimum]), [[0, 0], [2, 2], [2, 2]]);
    assert.equal(counts[0].endpoints, "none");
    assert.equal(counts[1].endpoints, "GET /api/v2/auth/nonce ×1, POST /api/v2/auth/token ×1");
    assert.equal(counts[2].endpoints, counts[1].endpoints);
  });

  it("counts what really reached the emulator: a cold credentials → JWT login is 4 requests", async () => {
    const [count] = await countRequests(emulator, ["credentials-jwt"]);
    assert.equal(count.requests, 4);
    assert.equal(count.polls, 0);
    assert.match(count.endpoints, /POST \/api\/v2\/users\/signin ×1/);
    assert.match(count.endpoints, /POST \/api\/v2\/auth\/jwk ×1/);
  });

  it("counts PIN polls apart from the PIN creation", async () => {
    const [count] = await countRequests(emulator, ["pin-at-once"]);
    assert.deepEqual([count.requests, count.polls, count.minimum], [2, 1, 2]);
    assert.equal(count.endpoints, "POST /api/v2/pins ×1, GET /api/v2/pins/{id} ×1");
  });

  it("rejects an unknown scenario before running anything", async () => {
    emulator.resetRequests();
    await assert.rejects(countRequests(emulator, ["restart-valid", "no-such-scenario"]), /Unknown scenario/);
    assert.equal(emulator.requests.length, 0);
  });

  it("lists every scenario once", () => {
    assert.equal(new Set(SCENARIOS).size, SCENARIOS.length);
    assert.ok(SCENARIOS.includes("user-x100"));
  });
});

describe("bench: table printer", () => {
  it("prints the title, the header, a rule with alignment, every cell and the notes", () => {
    const text = formatTable({
      title: "Start-up",
      columns: [{ header: "command" }, { header: "median", align: "right" }],
      rows: [["plextv --version", "41.5 ms"], ["a|b", 7]],
      notes: ["15 runs"],
    });
    assert.deepEqual(text.split("\n"), [
      "### Start-up",
      "",
      "| command          |  median |",
      "|------------------|--------:|",
      "| plextv --version | 41.5 ms |",
      "| a\\|b             |       7 |",
      "",
      "- 15 runs",
      "",
    ]);
  });

  it("prints the request counts it is given", () => {
    const table = requestCountsTable([
      { operation: "restart", requests: 3, polls: 1, minimum: 2, endpoints: "GET /x ×3" },
    ]);
    const text = formatTable(table);
    assert.match(text, /\| restart +\| +3 \| +1 \| +2 \| +1 \| GET \/x ×3 +\|/);
  });

  it("refuses a row with a missing cell", () => {
    assert.throws(
      () => formatTable({ title: "T", columns: [{ header: "a" }, { header: "b" }], rows: [["only one"]] }),
      /Row 1 of the table T has 1 cells for 2 columns/,
    );
  });

  it("formats figures", () => {
    assert.equal(formatMs(0.4219), "0.42 ms");
    assert.equal(formatMs(1234.4), "1,234 ms");
    assert.equal(formatBytes(100), "100 B");
    assert.equal(formatBytes(15_360), "15.0 KiB");
    assert.equal(formatRatio(30 / 20), "1.50×");
    assert.equal(formatRatio(1 / 0), "n/a");
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
