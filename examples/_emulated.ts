/**
 * Runs an example against a plex.tv emulator instead of plex.tv, with the
 * example left exactly as the README shows it: preloaded, this module sends
 * every request for `https://plex.tv`, `https://clients.plex.tv` and
 * `https://discover.provider.plex.tv` (the watchlist) to the emulator at
 * `PLEXTV_URL`, and refuses every other host, so nothing leaves
 * this machine (a server's made-up connections fail as unreachable ones do).
 *
 * ```sh
 * npx plextv emulator --port 8080 --auto-approve 1000     # another terminal
 * PLEXTV_URL=http://127.0.0.1:8080 npx deno run -A --preload examples/_emulated.ts examples/sign_in.ts
 * PLEXTV_URL=http://127.0.0.1:8080 npx bun --preload ./examples/_emulated.ts examples/servers.ts
 * ```
 *
 * tests/examples_test.ts runs every example this way.
 *
 * @module
 */
import process from "node:process";

const target = process.env.PLEXTV_URL;
if (!target || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/.test(target)) {
  throw new Error("Set PLEXTV_URL to the emulator's loopback URL, e.g. http://127.0.0.1:8080");
}
const emulator = new URL(target);
const plexTv = new Set(["https://plex.tv", "https://clients.plex.tv", "https://discover.provider.plex.tv"]);
const realFetch = globalThis.fetch;

globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (url.origin === emulator.origin) return realFetch(request);
  if (!plexTv.has(url.origin)) {
    return Promise.reject(new TypeError(`${url.host} is not reachable from the examples (only plex.tv is)`));
  }
  url.protocol = emulator.protocol;
  url.host = emulator.host;
  return realFetch(new Request(url, request));
};
