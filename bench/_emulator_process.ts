/**
 * The plex.tv emulator in its own process, for the benches that run a client
 * in another process or runtime (so the client measured does not share its
 * thread with the server). Prints one JSON line `{url, clientId, token}` (a
 * legacy token of the default user) on stdout, then serves until its stdin
 * closes or it gets SIGTERM.
 *
 * Run: `deno run -A bench/_emulator_process.ts [--auto-approve-pins MS]`
 * (`--auto-approve-pins` approves every new PIN for the default user after MS).
 *
 * @module
 */
import process from "node:process";
import { newClientId } from "../mod.ts";
import { startEmulator } from "../lib/testing/mod.ts";

const approveAt = process.argv.indexOf("--auto-approve-pins");
const emulator = await startEmulator({
  autoApprovePins: approveAt > 0 ? Number(process.argv[approveAt + 1]) : false,
});
const clientId = newClientId();
const token = emulator.issueLegacyToken({ clientId });
let closing = false;
const close = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await emulator.close();
  process.exit(0);
};
process.on("SIGTERM", () => void close());
process.stdin.on("end", () => void close());
process.stdin.resume();
process.stdout.write(
  `${JSON.stringify({ url: emulator.url, clientId, token })}\n`,
);
