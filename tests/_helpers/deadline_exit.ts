// A process that makes requests with a ten-minute timeout, answered at once, then ends its work:
// it must exit at once too (no timer of the request helper may stay behind).
import { defaultConfig } from "../../lib/config.ts";
import { send } from "../../lib/http/send.ts";

const answer = () =>
  Promise.resolve(new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } }));
const config = defaultConfig().withClientId("deadline-exit").withUrls("http://127.0.0.1:9")
  .withFetch(answer).withHttp({ timeoutMs: 600_000 });
const request = { method: "GET", host: "url", path: "/api/v2/user" } as const;
await send(config, request);
await Promise.all(Array.from({ length: 20 }, () => send(config, request)));
console.log("answered");
