/**
 * How a rejected fetch is worded (lib/http/fetch_failure.ts), from real
 * failures on loopback rather than made-up errors: the runtime running the
 * tests (Deno under `deno test`, Bun under `bun test`) and Node (undici, the
 * npm build's JavaScript) give the same clause for a refused connection, a
 * host that does not resolve, a reset, a body cut short, an answer that is
 * not HTTP and a self-signed certificate. Node also gives up on a TLS handshake that never ends after
 * 10 s (UND_ERR_CONNECT_TIMEOUT), before any caller's timeout: that reads as
 * a timed-out connection.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BUN_RUNNER, describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import { describe as describeFailure, networkError } from "../../lib/http/fetch_failure.ts";
import { defaultConfig } from "../../lib/config.ts";
import { send } from "../../lib/http/send.ts";
import { type FailingServers, opensslSkipReason, startFailingServers } from "../_helpers/failing_servers.ts";
import { nodeBuild } from "../_helpers/node_build.ts";
import { REPO } from "../_helpers/cli.ts";

const REFUSED = "the connection was refused";
const CLOSED = "the connection was closed unexpectedly";
const UNTRUSTED = "its TLS certificate is not trusted";
const UNRESOLVED = "the host name could not be resolved";
const NOT_HTTP = "the server's answer is not HTTP";

const noOpenssl = opensslSkipReason();
let servers: FailingServers;

before(async () => {
  servers = await startFailingServers(!noOpenssl);
});

after(async () => {
  await servers?.close();
});

/** The failures every runtime reports the same way, by name: [URL, clause]. */
function sameEverywhere(): Record<string, [string, string]> {
  return {
    refused: [servers.refused, REFUSED],
    unresolvable: ["https://plex.invalid/", UNRESOLVED],
    reset: [servers.reset, CLOSED],
    cutBody: [servers.cutBody, CLOSED],
    notHttp: [servers.notHttp, NOT_HTTP],
    ...(servers.selfSigned ? { selfSigned: [servers.selfSigned, UNTRUSTED] } : {}),
  };
}

async function failureOf(url: string): Promise<unknown> {
  try {
    await (await fetch(url)).text();
  } catch (err) {
    return err;
  }
  throw new Error(`${url} did not fail`);
}

/** Runs tests/_helpers/node_fetch_failures.mjs under Node with the npm build. */
async function underNode(cases: Record<string, string>): Promise<Record<string, string>> {
  const script = join(REPO, "tests", "_helpers", "node_fetch_failures.mjs");
  const args = [script, await nodeBuild(), ...Object.entries(cases).map(([name, url]) => `${name}=${url}`)];
  const child = spawn("node", args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

describe(`fetch failures under ${BUN_RUNNER ? "Bun" : "Deno"} (this process)`, () => {
  it("are worded the same as on every runtime", async () => {
    for (const [name, [url, clause]] of Object.entries(sameEverywhere())) {
      assert.equal(describeFailure(await failureOf(url)), clause, name);
    }
  });

  it("name the host and the cause in one sentence", async () => {
    const err = networkError(servers.refused, await failureOf(servers.refused));
    assert.equal(err.code, "network_error");
    assert.equal(err.message, `Cannot reach ${new URL(servers.refused).host}: ${REFUSED}`);
  });
});

describeNeeding("fetch failures under Node (undici), through the npm build", RUN_BY_DENO_PASS, () => {
  it("are worded as on Deno and Bun, and a handshake that never ends is a timed-out connection", async () => {
    const cases = Object.fromEntries(Object.entries(sameEverywhere()).map(([name, [url]]) => [name, url]));
    const worded = await underNode({ ...cases, silentTls: servers.silentTls });
    const expected = Object.fromEntries(
      Object.entries(sameEverywhere()).map(([name, [, clause]]) => [name, clause]),
    );
    assert.deepEqual(worded, { ...expected, silentTls: "the connection timed out" });
  });
});

describe("fetch failure texts that loopback cannot produce quickly", () => {
  const undici = (code: string, message: string) =>
    new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });

  it("Node's header and body timeouts (300 s by default) say the server did not answer in time", () => {
    assert.equal(
      describeFailure(undici("UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error")),
      "the server did not answer in time",
    );
    assert.equal(
      describeFailure(undici("UND_ERR_BODY_TIMEOUT", "Body Timeout Error")),
      "the server did not answer in time",
    );
  });

  it("an unknown failure keeps its codes and messages, once each", () => {
    assert.equal(
      describeFailure(undici("UND_ERR_SOMETHING_NEW", "Something new")),
      "fetch failed: UND_ERR_SOMETHING_NEW: Something new",
    );
  });

  it("a cause that cannot be read (no toString, a throwing getter) is still a network_error", async () => {
    const throwing = Object.defineProperty({}, "message", {
      get() {
        throw new Error("unreadable");
      },
    });
    for (const cause of [Object.create(null), throwing]) {
      assert.equal(describeFailure(cause), "an error that cannot be read");
      const err = networkError("http://127.0.0.1:9", cause);
      assert.equal(err.code, "network_error");
      assert.equal(err.message, "Cannot reach 127.0.0.1:9: an error that cannot be read");
    }
    const config = defaultConfig().withClientId("fetch-failure-test").withUrls("http://127.0.0.1:9")
      .withFetch(() => Promise.reject(Object.create(null))).withHttp({ retry: { retries: 0 } });
    await assert.rejects(send(config, { method: "GET", host: "url", path: "/api/v2/user" }), {
      code: "network_error",
      message: "Cannot reach 127.0.0.1:9: an error that cannot be read",
    });
  });
});
