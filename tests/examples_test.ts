import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.PLEXTV_URL;
    delete env.PLEX_TOKEN;
    delete env.PLEXTV_V2_URL;
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("examples", () => {
  it("the Deno service signs in once, registers a key and reuses the JWT", async () => {
    const { code, stdout, stderr } = await run(`${root}node_modules/.bin/deno`, [
      "run",
      "-A",
      "examples/deno_service.ts",
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.match(/signed in as plexuser; Token\(jwt, \*\*\*, expires /g)?.length, 3);
    assert.match(stdout, /1 sign-in, 1 key upload, 1 nonce, 1 token exchange, 3 user calls/);
  });

  it("the Bun script lists the servers with their connections ranked", async () => {
    const { code, stdout, stderr } = await run(`${root}node_modules/.bin/bun`, ["examples/bun_servers.ts"]);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split("\n");
    assert.match(lines[0]!, /^\d+ server\(s\)$/);
    const kinds = lines.filter((l) => l.startsWith("    ")).map((l) => l.trim().split(" ")[0]);
    assert.ok(kinds.length > 0);
    const order = kinds.map((k) => ["local", "remote", "relay"].indexOf(k!));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  });
});
