// Runs a code-split bundle's entry under Node and prints, as JSON, the files of the bundle that loaded
// (a module loader hook records them) and what the entry's `signInAndUser(...args)` returned. The calls go
// to the plex.tv emulator: `fetch` to plex.tv's hosts is sent to EMULATOR_URL instead. Used by weight.ts.
//
// Usage: node bench/_chunks_loaded.mjs ENTRY.js EMULATOR_URL ARGS_JSON (an array; `null` is a no-op callback)
// JavaScript, not TypeScript: Node 20 runs it without a build step.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
import { pathToFileURL } from "node:url";

const [entry, emulatorUrl, argsJson] = process.argv.slice(2);
const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => loaded.add(url));
const hook = `let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url, {
  data: { port: port2 },
  transferList: [port2],
});

const realFetch = globalThis.fetch;
const plexHosts = new Set(["https://plex.tv", "https://clients.plex.tv"]);
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!plexHosts.has(url.origin)) {
    throw new TypeError(`The bench does not fetch ${url.origin}`);
  }
  const target = new URL(url.pathname + url.search, emulatorUrl);
  return realFetch(
    input instanceof Request ? new Request(target, input) : target,
    init,
  );
};

const entryUrl = pathToFileURL(entry).href;
const { signInAndUser } = await import(entryUrl);
// A `null` argument stands for a callback that does nothing (the emulator approves PINs by itself).
const args = JSON.parse(argsJson).map((arg) => (arg === null ? () => {} : arg));
const result = await signInAndUser(...args);
await new Promise((resolve) => setTimeout(resolve, 50)); // the hook's last messages
port1.close();
const folder = entryUrl.slice(0, entryUrl.lastIndexOf("/") + 1);
const files = [...loaded].filter((url) => url.startsWith(folder)).map((url) => url.slice(folder.length));
console.log(JSON.stringify({ result, files }));
