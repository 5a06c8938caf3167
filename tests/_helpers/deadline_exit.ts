// A process that makes requests with a ten-minute timeout, answered at once, then rounds of requests
// that time out a few hundredths of a millisecond apart, then ends its work: it must exit at once too
// (no timer of the request helper may stay behind), and warn about nothing (a timer set for a time
// already past is set to wait 0 ms, not a negative delay, which Deno and Node warn about).
import { defaultConfig } from "../../lib/config.ts";
import { send } from "../../lib/http/send.ts";

const answer = () =>
  Promise.resolve(new Response('{"ok":true}', { headers: { "Content-Type": "application/json" } }));
const config = defaultConfig().withClientId("deadline-exit").withUrls("http://127.0.0.1:9")
  .withFetch(answer).withHttp({ timeoutMs: 600_000 });
const request = { method: "GET", host: "url", path: "/api/v2/user" } as const;
await send(config, request);
await Promise.all(Array.from({ length: 20 }, () => send(config, request)));
const hanging = ((_url: unknown, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
  })) as typeof fetch;
const timingOut = config.withFetch(hanging).withHttp({ retry: { retries: 0 } });
const codes = new Set<string>();
for (let round = 0; round < 10; round++) {
  await Promise.all(
    Array.from(
      { length: 200 },
      (_, i) =>
        send(timingOut, request, { timeoutMs: 20 + (i % 7) * 0.05 }).catch((err) => codes.add(err.code)),
    ),
  );
}
console.log(`answered, then ${[...codes].join(" ")}`);
