/**
 * Start-up as a script: what a plextv user's script does before its first
 * account call (import, configure, a token source and a client). Run by
 * `bench/startup.ts` next to the peers' scripts and the bare runtime.
 *
 * @module
 */
import process from "node:process";
import { defaultConfig, withToken } from "../../mod.ts";

const config = defaultConfig().withClientId("bench-startup").withDevice({
  product: "bench",
});
const client = config.client(
  config.tokenSource(
    withToken(process.env.PLEX_TOKEN ?? "bench0token0abcdefghi"),
  ),
);
console.log(typeof client.user);
