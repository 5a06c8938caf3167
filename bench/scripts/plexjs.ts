/**
 * Start-up as a script: what an @lukehagar/plexjs user's script does before
 * its first account call (import the SDK core and the account function, a
 * core with a token). Run by `bench/startup.ts`.
 *
 * @module
 */
import process from "node:process";
import { PlexAPICore } from "@lukehagar/plexjs/core.js";
import { authenticationGetTokenDetails } from "@lukehagar/plexjs/funcs/authenticationGetTokenDetails.js";

const core = new PlexAPICore({
  accessToken: process.env.PLEX_TOKEN ?? "bench0token0abcdefghi",
});
console.log(typeof authenticationGetTokenDetails, typeof core);
