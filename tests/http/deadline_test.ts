// The request helper's time limits share one timer: each request still times out at its own limit,
// whatever the others' limits, and a process whose requests are over keeps no timer.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../../lib/config.ts";
import type { PlexError } from "../../lib/errors.ts";
import { send } from "../../lib/http/send.ts";
import { never, recordingFetch } from "../_helpers/account_api.ts";

/** A fetch that never answers: it rejects only when its signal aborts, as a real one does. */
const hanging = recordingFetch(never).fetch;

const config = defaultConfig().withClientId("deadline-test").withUrls("http://127.0.0.1:9")
  .withFetch(hanging).withHttp({ retry: { retries: 0 } });

/** A request with this timeout, recording the order in which the requests ended and how. */
function request(timeoutMs: number, name: string, ended: string[]): Promise<void> {
  return send(config, { method: "GET", host: "url", path: "/api/v2/user" }, { timeoutMs }).then(
    () => void ended.push(`${name}: answered`),
    (err: PlexError) => void ended.push(`${name}: ${err.code}`),
  );
}

describe("the request helper's time limits", () => {
  it("time each request out at its own limit, a short one started after a long one first", async () => {
    const ended: string[] = [];
    // Far apart, so that a loaded machine cannot run the short ones past the long one's limit.
    const long = request(4_000, "long", ended);
    const short = Array.from({ length: 5 }, (_, i) => request(40 + i * 10, `short ${i}`, ended));
    await Promise.all(short);
    assert.deepEqual(ended, [0, 1, 2, 3, 4].map((i) => `short ${i}: timeout`), "the long one still runs");
    await long;
    assert.equal(ended.at(-1), "long: timeout");
  });

  it("start again from nothing after every request ended", async () => {
    const ended: string[] = [];
    await request(30, "first", ended);
    await Promise.all([request(30, "second", ended), request(60, "third", ended)]);
    assert.deepEqual(ended, ["first: timeout", "second: timeout", "third: timeout"]);
  });

  it("leave no timer behind and warn about nothing: a process whose requests ended exits, with a ten-minute timeout", async () => {
    const script = fileURLToPath(new URL("../_helpers/deadline_exit.ts", import.meta.url));
    const args = "Deno" in globalThis ? ["run", "-A", script] : [script];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    // Far below the timeout: a timer left behind would keep the process for ten minutes.
    const kill = setTimeout(() => child.kill(), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(kill);
    assert.equal(stdout.trim(), "answered, then timeout");
    assert.equal(code, 0, "the process exited by itself");
    assert.equal(stderr, "", "nothing was warned about");
  });
});
