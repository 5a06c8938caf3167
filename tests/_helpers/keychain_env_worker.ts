/**
 * Child process of `keychain_env.ts`: runs keychain stores with this
 * process's environment (which holds secrets) and prints, as JSON, the
 * environment each keychain tool got.
 *
 * - `fake`: the macOS, Secret Service and Windows backends with a recording spawner;
 * - `real`: the Secret Service backend with the real secret-tool, its environment read
 *   from /proc/PID/environ while it waits for its input; the save, load and clear must work.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { keychainStore, nodeSpawner, type Spawner } from "../../plugins/keychain.ts";
import type { ToolRun } from "./keychain_env.ts";

const runs: ToolRun[] = [];
const mode = process.argv.at(-1);

if (mode === "fake") {
  for (const platform of ["linux", "darwin", "win32"]) {
    const recording: Spawner = (request) => {
      runs.push({ platform, command: request.command, env: request.env! });
      return Promise.resolve({ exitCode: 1, signal: null, stdout: "", stderr: "" });
    };
    const store = keychainStore({ service: "plextv-env-test", platform, spawn: recording });
    for (
      const call of [() => store.load(), () => store.save({ version: 1, clientId: "c" }), () => store.clear()]
    ) {
      await call().catch(() => {});
    }
  }
} else if (mode === "real") {
  const watching = nodeSpawner({
    onSpawn: async (pid, command) => {
      // Until the exec, the child is a copy of this process, with its environment: wait for secret-tool.
      const until = Date.now() + 2000;
      while (!readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("secret-tool") && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\u0000").filter((e) => e !== "");
      const env = Object.fromEntries(environ.map((entry) => {
        const at = entry.indexOf("=");
        return [entry.slice(0, at), entry.slice(at + 1)];
      }));
      runs.push({ platform: "linux", command, env });
    },
  });
  const store = keychainStore({
    service: "plextv-env-test",
    platform: "linux",
    spawn: watching,
    timeoutMs: 10_000,
  });
  await store.save({ version: 1, clientId: "client-env" });
  assert.equal(
    (await store.load())?.clientId,
    "client-env",
    "the real secret-tool works with the reduced environment",
  );
  await store.clear();
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log(JSON.stringify(runs));
