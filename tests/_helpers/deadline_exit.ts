// A process that makes requests with a ten-minute timeout, answered at once, then rounds of requests
// that time out a few hundredths of a millisecond apart, then ends its work: it must exit at once too
// (no timer of the request helper may stay behind), and warn about nothing (a timer set for a time
// already past is set to wait 0 ms, not a negative delay, which Deno and Node warn about).
import { defaultConfig } from "../../lib/config.ts";
import { send } from "../../lib/http/send.ts";
import { never, recordingFetch, reply } from "./account_api.ts";

const answer = recordingFetch(() => reply(200, '{"ok":true}')).fetch;
const config = defaultConfig().withClientId("deadline-exit").withUrls("http://127.0.0.1:9")
  .withFetch(answer).withHttp({ timeoutMs: 600_000 });
const request = { method: "GET", host: "url", path: "/api/v2/user" } as const;
await send(config, request);
await Promise.all(Array.from({ length: 20 }, () => send(config, request)));
const timingOut = config.withFetch(recordingFetch(never).fetch).withHttp({ retry: { retries: 0 } });
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
