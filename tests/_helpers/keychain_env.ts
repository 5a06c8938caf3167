/**
 * Runs `keychain_env_worker.ts` in a child process whose environment holds
 * secrets (and a session bus, XDG and Windows variables), and answers the
 * environment each keychain tool got there. A child process, so the secrets
 * set in its environment cannot reach other tests running in parallel.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Secrets a process may well have in its environment. */
export const SECRETS_ENV: Record<string, string> = {
  PLEX_PASSWORD: "MARKER-password",
  PLEX_TOKEN: "MARKER-token-0123456789",
  PLEXTV_VAULT_PASSPHRASE: "MARKER-vault-passphrase",
  PLEXTV_REDIS_PASSPHRASE: "MARKER-redis-passphrase",
  AWS_SECRET_ACCESS_KEY: "MARKER-aws",
  GITHUB_TOKEN: "MARKER-github",
  DATABASE_URL: "postgres://app:MARKER-db@db/app",
};

/** What the worker saw of one tool run. */
export interface ToolRun {
  /** The platform whose backend ran (`linux`, `darwin`, `win32`). */
  platform: string;
  /** The program. */
  command: string;
  /** Its environment (the fake spawner's request, or the real process's /proc/PID/environ). */
  env: Record<string, string>;
}

/**
 * Runs the worker: `fake` runs the three backends with a recording spawner; `real` runs the
 * Secret Service backend with the real secret-tool (its session variables in `session`).
 */
export function runEnvironmentWorker(
  mode: "fake" | "real",
  session: Record<string, string> = {
    DBUS_SESSION_BUS_ADDRESS: "unix:path=/tmp/plextv-test-bus",
    XDG_RUNTIME_DIR: "/tmp/plextv-test-run",
    SystemRoot: "C:\\Windows",
  },
): Promise<ToolRun[]> {
  const worker = fileURLToPath(new URL("./keychain_env_worker.ts", import.meta.url));
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [command, prefix] = deno ? [deno.execPath(), ["run", "-A", "--quiet"]] : [process.execPath, []];
  const env = { ...process.env, ...session, ...SECRETS_ENV };
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, worker, mode], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`the worker exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}
