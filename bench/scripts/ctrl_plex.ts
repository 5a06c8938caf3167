/**
 * Start-up as a script: what an @ctrl/plex user's script does before its first
 * account call (import, an account object with a token). Run by `bench/startup.ts`.
 *
 * @module
 */
import process from "node:process";
import { MyPlexAccount } from "@ctrl/plex";

const account = new MyPlexAccount(
  null,
  undefined,
  undefined,
  process.env.PLEX_TOKEN ?? "bench0token0abcdefghi",
);
console.log(typeof account.connect);
