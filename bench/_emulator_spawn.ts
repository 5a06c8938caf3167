/**
 * Starts the bench's servers in their own Deno process: the plex.tv emulator
 * (`_emulator_process.ts`: its URL and a legacy token of its default user) and
 * the server that does no work (`_static_server.ts`).
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
 * Starts a bench server script under Deno and waits for the JSON line it prints when it serves.
 *
 * @param script The script, relative to the checkout (it serves until its stdin closes).
 * @param args Its arguments.
 * @returns What its first line says, and `stop()`.
 * @throws {Error} when the process cannot start or exits before it serves.
 *
 * @example
 * ```ts ignore
 * import { spawnServer } from "./_emulator_spawn.ts";
 * const server = await spawnServer<{ url: string }>("bench/_static_server.ts");
 * server.stop();
 * ```
 */
export function spawnServer<T>(
  script: string,
  args: string[] = [],
): Promise<T & { stop(): void }> {
  const child = spawn(DENO, ["run", "-A", join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on(
      "exit",
      (code) => reject(new Error(`${script} exited with ${code}`)),
    );
    createInterface({ input: child.stdout! }).once("line", (line) => {
      resolve({ ...(JSON.parse(line) as T), stop: () => child.stdin!.end() });
    });
  });
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
export function spawnEmulator(
  options: { autoApprovePinsMs?: number } = {},
): Promise<EmulatorProcess> {
  const args = options.autoApprovePinsMs === undefined
    ? []
    : ["--auto-approve-pins", String(options.autoApprovePinsMs)];
  return spawnServer<Omit<EmulatorProcess, "stop">>(
    "bench/_emulator_process.ts",
    args,
  );
}
