/**
 * A server that does no work, for the throughput bench: every request gets the
 * same bytes (plex.tv's recorded `/api/v2/user` answer, from
 * tests/fixtures/plex.tv/user.json), so a client's own cost is what the
 * bench sees. Prints one JSON line `{url}` on stdout, then serves on 127.0.0.1
 * until its stdin closes.
 *
 * Run: `deno run -A bench/_static_server.ts`
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";

const body = readFileSync(
  new URL("../tests/fixtures/plex.tv/user.json", import.meta.url),
);
const headers = { "content-type": "application/json; charset=utf-8" };
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => new Response(body, { headers }),
);
process.stdin.on(
  "end",
  () => void server.shutdown().then(() => process.exit(0)),
);
process.stdin.resume();
process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${server.addr.port}` })}\n`,
);
