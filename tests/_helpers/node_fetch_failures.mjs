// Run under Node by tests/http/fetch_failure_test.ts: `node node_fetch_failures.mjs BUILD NAME=URL...`
// fetches each URL with Node's own fetch (undici) and prints one JSON object: for each name, what
// lib/http/fetch_failure.ts, as the npm build compiled it (BUILD/esm), says about the failure, or
// "no failure". A body is read to its end, so a body cut short fails too.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [build, ...cases] = process.argv.slice(2);
const { describe } = await import(pathToFileURL(join(build, "esm", "lib", "http", "fetch_failure.js")).href);
const entries = await Promise.all(cases.map(async (entry) => {
  const [name, url] = entry.split(/=(.*)/s);
  try {
    await (await fetch(url)).text();
    return [name, "no failure"];
  } catch (err) {
    return [name, describe(err)];
  }
}));
console.log(JSON.stringify(Object.fromEntries(entries)));
