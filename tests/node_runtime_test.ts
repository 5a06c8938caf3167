import { after, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "./_helpers/needs.ts";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "plextv-node-"));
after(() => rmSync(out, { recursive: true, force: true }));

describeNeeding("the library under Node", RUN_BY_DENO_PASS, () => {
  it("signs in, registers a device key, refreshes a JWT and reads the account", () => {
    const bundle = join(out, "entry.mjs");
    execFileSync(join(root, "node_modules/.bin/esbuild"), [
      join(root, "tests/_helpers/node_entry.ts"),
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--log-level=warning",
      `--outfile=${bundle}`,
    ]);
    const output = execFileSync("node", [bundle], { encoding: "utf8", timeout: 60_000 });
    assert.deepEqual(JSON.parse(output), {
      runtime: "node",
      username: "plexuser",
      jwt: true,
      verifiedFor: "plexuser",
      requests: 6,
    });
  });
});
