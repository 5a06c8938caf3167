// `plextv emulator` with the emulator's safety and clock options: an extra
// host name, an allowed browser origin, a clock two hours ahead, a small log.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { freePort } from "../_helpers/raw_http_server.ts";
import { BUN, REPO } from "../_helpers/cli.ts";

function statusFor(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("plextv emulator options", () => {
  it("--host, --cors-origin, --clock-offset and --log-size reach the emulator", async () => {
    const port = await freePort();
    const args = [
      "emulator",
      "--port",
      String(port),
      "--host",
      "plex.test",
      "--cors-origin",
      "https://app.example",
    ];
    const child = spawn(BUN.command, [...BUN.prefix, ...args, "--clock-offset", "7200", "--log-size", "5"], {
      cwd: REPO,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes(`http://127.0.0.1:${port}`)) {
        assert.ok(Date.now() < deadline, `no URL printed:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = `http://127.0.0.1:${port}/api/v2/auth/keys`;
      const keys = await fetch(url, { headers: { Origin: "https://app.example" } });
      assert.equal(keys.headers.get("access-control-allow-origin"), "https://app.example");
      const skew = Date.parse(keys.headers.get("date")!) - Date.now();
      assert.ok(Math.abs(skew - 7_200_000) < 10_000, `the clock runs two hours ahead (${skew} ms)`);
      await keys.body?.cancel();
      const foreign = await fetch(url, { headers: { Origin: "https://other.example" } });
      assert.equal(foreign.status, 403);
      await foreign.body?.cancel();
      assert.equal(await statusFor(url, "plex.test"), 200);
      assert.equal(await statusFor(url, "rebound.example"), 421);
    } finally {
      child.kill("SIGINT");
    }
    await exited;
  });

  it("refuses an unusable option with a usage error", async () => {
    const child = spawn(BUN.command, [...BUN.prefix, "emulator", "--clock-offset", "soon"], { cwd: REPO });
    let output = "";
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    assert.equal(code, 2);
    assert.match(output, /--clock-offset/);
  });
});
