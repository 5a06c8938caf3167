/**
 * Starts the plex.tv emulator in its own Deno process (`_emulator_process.ts`)
 * and hands back its URL and a legacy token of its default user.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DENO, ROOT } from "./_paths.ts";

/** An emulator running in another process. */
export interface EmulatorProcess {
  /** Its base URL (`http://127.0.0.1:PORT`). */
  url: string;
  /** A client identifier the token belongs to. */
  clientId: string;
  /** A legacy token of the default user (`plexuser` / `plexpass`). */
  token: string;
  /** Stops the process (it closes the emulator and exits). */
  stop(): void;
}

/**
 * Starts the emulator process and waits for its first line.
 *
 * @param options `autoApprovePinsMs` approves every new PIN after that many ms.
 * @returns The running emulator.
 * @throws {Error} when the process cannot start or exits before it serves.
 *
 * @example
 * ```ts ignore
 * import { spawnEmulator } from "./_emulator_spawn.ts";
 * const emulator = await spawnEmulator();
 * console.log(emulator.url);
 * emulator.stop();
 * ```
 */
export function spawnEmulator(options: { autoApprovePinsMs?: number } = {}): Promise<EmulatorProcess> {
  const args = options.autoApprovePinsMs === undefined
    ? []
    : ["--auto-approve-pins", String(options.autoApprovePinsMs)];
  const child = spawn(DENO, ["run", "-A", join(ROOT, "bench/_emulator_process.ts"), ...args], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`The emulator process exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const { url, clientId, token } = JSON.parse(line) as { url: string; clientId: string; token: string };
      resolve({ url, clientId, token, stop: () => child.stdin!.end() });
    });
  });
}
