/**
 * A network failure as the `plextv` user reads it: one line naming the host
 * and the cause, then what to do, exit 1, and the same words under Deno, as
 * the Bun binary and under Node (the npm build), for a refused connection, a
 * host that does not resolve, a reset, an answer that is not HTTP and a
 * self-signed certificate (all on loopback but the `.invalid` host).
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import { type FailingServers, opensslSkipReason, startFailingServers } from "../_helpers/failing_servers.ts";
import { bunBinary, DENO, type Home, makeHome, nodeRuntime, runCli, type Runtime } from "../_helpers/cli.ts";

const NEXT_STEP =
  "Check the network connection (and PLEXTV_URL, if set), then try again; plextv --verbose shows each request";
const noOpenssl = opensslSkipReason();
let servers: FailingServers;
let bun: Runtime;
let runtimes: Runtime[];
let home: Home;

/** Runs `plextv user` against `url` on every runtime and checks they all print `cause` in the same line. */
async function sameLineEverywhere(url: string, cause: string): Promise<void> {
  const host = new URL(url).host;
  for (const rt of runtimes) {
    const run = await runCli(rt, ["user"], home, { env: { PLEXTV_URL: url } });
    assert.equal(run.code, 1, `${rt.name}: ${run.stderr}`);
    assert.equal(run.stdout, "", rt.name);
    assert.equal(run.stderr, `error: Cannot reach ${host}: ${cause}. ${NEXT_STEP}\n`, rt.name);
  }
}

describeNeeding(
  "plextv network failures, under Deno, as the Bun binary and under Node",
  RUN_BY_DENO_PASS,
  () => {
    before(async () => {
      servers = await startFailingServers(!noOpenssl);
      bun = await bunBinary();
      runtimes = [DENO, bun, await nodeRuntime()];
      // A token of its own: `user` goes straight to plex.tv, with no store to open.
      home = makeHome({ PLEX_TOKEN: "abcdefghij0123456789" });
    });

    after(async () => {
      home?.cleanup();
      await servers?.close();
    });

    it("a refused connection", async () => {
      await sameLineEverywhere(servers.refused, "the connection was refused");
    });

    it("a host name that does not resolve", async () => {
      await sameLineEverywhere("https://plex.invalid", "the host name could not be resolved");
    });

    it("a connection reset by the server", async () => {
      await sameLineEverywhere(servers.reset, "the connection was closed unexpectedly");
    });

    it("an answer that is not HTTP", async () => {
      await sameLineEverywhere(servers.notHttp, "the server's answer is not HTTP");
    });

    it("a self-signed certificate", { skip: noOpenssl }, async () => {
      await sameLineEverywhere(servers.selfSigned!, "its TLS certificate is not trusted");
    });
  },
);
