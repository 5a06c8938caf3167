// A separate process that saves through the keychain plugin, for the
// concurrent-save test: `worker SERVICE WHO SAVES GO_FILE` waits until GO_FILE
// exists (so two workers start together), then saves WHO's record SAVES times
// to keychain SERVICE/default (the Secret Service of its environment's D-Bus
// session) and prints "saved N".
import { existsSync } from "node:fs";
import process from "node:process";
import { keychainStore } from "../../plugins/keychain.ts";

/**
 * The record worker `who` saves: large enough (about 2 KB encoded) that a torn
 * write would show.
 *
 * @param who The worker's name.
 * @returns The record.
 */
export function workerRecord(who: string): { version: 1; clientId: string; token: string } {
  return { version: 1, clientId: who, token: `${who}:${who.repeat(1500 / who.length)}:${who}` };
}

if (import.meta.main) {
  const [service, who, saves, goFile] = process.argv.slice(2);
  const waitUntil = Date.now() + 10_000;
  while (!existsSync(goFile) && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 2));
  const store = keychainStore({ service, platform: "linux" });
  for (let i = 0; i < Number(saves); i++) await store.save(workerRecord(who));
  console.log(`saved ${saves}`);
}
