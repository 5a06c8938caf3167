/**
 * How the keychain store runs the operating system's tools: the injectable
 * {@linkcode Spawner}, its default built on `node:child_process` (works in
 * Deno, Bun, Node and their compiled binaries), and {@linkcode runTool}, which
 * adds the timeout and turns spawn failures into typed errors.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { PlexError } from "../lib/errors.ts";
import { keychainError, type KeychainHints } from "./_keychain_errors.ts";

/**
 * One run of a tool, as the keychain store asks a {@linkcode Spawner} for it.
 * Secrets travel in `stdin` only, never in `args`.
 *
 * @example
 * ```ts
 * import type { SpawnRequest } from "./_keychain_spawn.ts";
 * const request: SpawnRequest = {
 *   command: "secret-tool",
 *   args: ["lookup", "service", "plextv", "account", "default"],
 *   stdin: "",
 *   signal: new AbortController().signal,
 * };
 * ```
 */
export interface SpawnRequest {
  /** The program: an absolute path, or a name looked up in `PATH`. */
  command: string;
  /** Its arguments; never a secret. */
  args: readonly string[];
  /** Written to the program's standard input, which is then closed. Secrets travel here. */
  stdin: string;
  /**
   * The child's complete environment (the keychain store always sets one, reduced to what the tools
   * need), or `undefined` to inherit this process's.
   */
  env?: Record<string, string>;
  /** Aborted when the call times out: the spawner stops the child. */
  signal: AbortSignal;
}

/**
 * How a tool ended: its exit code (or the signal that stopped it) and what it printed.
 *
 * @example
 * ```ts
 * import type { SpawnResult } from "./_keychain_spawn.ts";
 * const notFound: SpawnResult = { exitCode: 1, signal: null, stdout: "", stderr: "" };
 * ```
 */
export interface SpawnResult {
  /** The exit code, or `null` when a signal stopped the program. */
  exitCode: number | null;
  /** The signal that stopped the program, or `null`. */
  signal: string | null;
  /** Standard output, decoded as UTF-8. */
  stdout: string;
  /** Standard error, decoded as UTF-8. */
  stderr: string;
}

/**
 * Runs one program and reports how it ended. It rejects only when the
 * program could not be started (an error with `code: "ENOENT"` when it is
 * not installed). Inject one to record or fake the keychain tools in tests.
 *
 * @example A spawner that answers like `secret-tool lookup` finding nothing
 * ```ts
 * import type { Spawner } from "./_keychain_spawn.ts";
 * const nothingStored: Spawner = () => Promise.resolve({ exitCode: 1, signal: null, stdout: "", stderr: "" });
 * ```
 */
export type Spawner = (request: SpawnRequest) => Promise<SpawnResult>;

/**
 * Options of {@linkcode nodeSpawner}.
 *
 * @example
 * ```ts
 * import type { NodeSpawnerOptions } from "./_keychain_spawn.ts";
 * const options: NodeSpawnerOptions = { onSpawn: (pid) => console.log("started", pid) };
 * ```
 */
export interface NodeSpawnerOptions {
  /**
   * Called with the child's process id once it runs, before its standard
   * input is written (the child is waiting for it), for monitoring. The
   * input is written when the returned promise settles.
   */
  onSpawn?: (pid: number, command: string, args: readonly string[]) => void | Promise<void>;
}

const _MAX_OUTPUT = 1024 * 1024;

/**
 * The default {@linkcode Spawner}: `node:child_process` `spawn` with pipes,
 * no shell and a hidden window. It records nothing; it kills the child
 * (`SIGKILL`) when the request's signal aborts, and keeps at most 1 MiB of
 * each output stream.
 *
 * @param options An optional hook called once each child runs.
 * @returns The spawner.
 *
 * @example Running a program
 * ```ts
 * import assert from "node:assert/strict";
 * import process from "node:process";
 * import { nodeSpawner } from "./_keychain_spawn.ts";
 *
 * const run = nodeSpawner();
 * const result = await run({
 *   command: process.execPath,
 *   args: process.versions.bun || !("Deno" in globalThis) ? ["-e", "1"] : ["eval", "1"],
 *   stdin: "",
 *   signal: new AbortController().signal,
 * });
 * assert.equal(result.exitCode, 0);
 * ```
 */
export function nodeSpawner(options: NodeSpawnerOptions = {}): Spawner {
  return (request) =>
    new Promise<SpawnResult>((resolve, reject) => {
      if (request.signal.aborted) {
        reject(request.signal.reason);
        return;
      }
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(request.command, [...request.args], {
          env: request.env,
          stdio: ["pipe", "pipe", "pipe"],
          windowsHide: true,
        });
      } catch (err) {
        reject(err);
        return;
      }
      const stdout: Uint8Array[] = [];
      const stderr: Uint8Array[] = [];
      const collect = (chunks: Uint8Array[]) => {
        let size = 0;
        return (chunk: Uint8Array) => {
          if (size >= _MAX_OUTPUT) return;
          chunks.push(chunk.subarray(0, _MAX_OUTPUT - size));
          size += chunk.length;
        };
      };
      child.stdout?.on("data", collect(stdout));
      child.stderr?.on("data", collect(stderr));
      // A child that exits without reading its input makes the write fail (EPIPE); its exit tells what happened.
      child.stdin?.on("error", () => {});
      const kill = () => child.kill("SIGKILL");
      request.signal.addEventListener("abort", kill, { once: true });
      let failed = false;
      child.on("error", (err) => {
        failed = true;
        request.signal.removeEventListener("abort", kill);
        reject(err);
      });
      child.on("close", (code, signal) => {
        request.signal.removeEventListener("abort", kill);
        if (failed) return;
        const decoder = new TextDecoder();
        resolve({
          exitCode: code,
          signal: signal ?? null,
          stdout: decoder.decode(Buffer.concat(stdout)),
          stderr: decoder.decode(Buffer.concat(stderr)),
        });
      });
      const write = () => child.stdin?.end(request.stdin);
      if (options.onSpawn && child.pid !== undefined) {
        Promise.resolve()
          .then(() => options.onSpawn!(child.pid!, request.command, request.args))
          .then(write, (err) => {
            kill();
            failed = true;
            reject(err);
          });
      } else {
        write();
      }
    });
}

/**
 * What the keychain store needs to run its tools.
 *
 * @example
 * ```ts
 * import { nodeSpawner, type ToolContext } from "./_keychain_spawn.ts";
 * const context: ToolContext = { spawn: nodeSpawner(), timeoutMs: 30_000 };
 * ```
 */
export interface ToolContext {
  /** Runs the tools. */
  spawn: Spawner;
  /** How long one tool may run before it is stopped, in milliseconds. */
  timeoutMs: number;
  /** The tools' complete environment, or `undefined` to inherit this process's. */
  env?: Record<string, string>;
}

/**
 * One tool call of a keychain backend.
 *
 * @example
 * ```ts
 * import type { ToolCall } from "./_keychain_spawn.ts";
 * const call: ToolCall = {
 *   tool: "secret-tool",
 *   command: "secret-tool",
 *   args: ["clear", "service", "plextv", "account", "default"],
 *   hints: { missing: "Install libsecret-tools", timeout: "Unlock the keyring" },
 * };
 * ```
 */
export interface ToolCall {
  /** The tool's name in messages (`secret-tool`, `security`, `PowerShell`). */
  tool: string;
  /** The program to run. */
  command: string;
  /** Its arguments; never a secret. */
  args: readonly string[];
  /** Its standard input (default: empty). */
  stdin?: string;
  /** The secret the call carries, hidden in anything shown. */
  secrets?: readonly string[];
  /** What to tell the user when the tool is missing or times out. */
  hints: KeychainHints;
}

/**
 * Runs one tool call with the context's timeout.
 *
 * @param context The spawner, timeout and environment.
 * @param call The program, its arguments and input.
 * @returns How the tool ended (any exit code; the backend interprets it).
 * @throws {PlexError} `timeout` when the tool did not end in time (it is then stopped);
 * `store_unavailable` when it is not installed; `access_denied` when it may not be run
 * (file permissions, Deno without `--allow-run`); `store_error` when it could not be started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runTool } from "./_keychain_spawn.ts";
 *
 * const result = await runTool(
 *   { spawn: () => Promise.resolve({ exitCode: 0, signal: null, stdout: "ok", stderr: "" }), timeoutMs: 1000 },
 *   { tool: "demo", command: "demo", args: [], hints: { missing: "Install demo", timeout: "Retry" } },
 * );
 * assert.equal(result.stdout, "ok");
 * ```
 */
export async function runTool(context: ToolContext, call: ToolCall): Promise<SpawnResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = keychainError(
        "timeout",
        `${call.tool} did not answer within ${context.timeoutMs} ms`,
        call.hints.timeout,
      );
      controller.abort(err);
      reject(err);
    }, context.timeoutMs);
  });
  try {
    const running = Promise.resolve().then(() =>
      context.spawn({
        command: call.command,
        args: call.args,
        stdin: call.stdin ?? "",
        env: context.env,
        signal: controller.signal,
      })
    );
    return await Promise.race([running, timedOut]);
  } catch (err) {
    if (err instanceof PlexError) throw err;
    throw _spawnFailure(call, err);
  } finally {
    clearTimeout(timer);
  }
}

function _spawnFailure(call: ToolCall, err: unknown): PlexError {
  const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown };
  const cause = err instanceof Error ? new Error(err.message) : undefined;
  if (name === "NotCapable" || name === "PermissionDenied") {
    return keychainError(
      "access_denied",
      `Deno denied running ${call.tool}`,
      `Run Deno with --allow-run=${call.command}`,
      { cause },
    );
  }
  if (code === "ENOENT") {
    return keychainError("store_unavailable", `${call.tool} is not installed`, call.hints.missing, { cause });
  }
  if (code === "EACCES" || code === "EPERM") {
    return keychainError(
      "access_denied",
      `${call.tool} may not be run (permission denied)`,
      `Check the permissions of ${call.command}`,
      { cause },
    );
  }
  return keychainError(
    "store_error",
    `${call.tool} could not be started${typeof code === "string" ? ` (${code})` : ""}`,
    "Check that it runs from a terminal",
    { cause },
  );
}

/**
 * How a tool ended, for messages.
 *
 * @param result The tool's result.
 * @returns `exit N` or `signal NAME`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeEnd } from "./_keychain_spawn.ts";
 * assert.equal(describeEnd({ exitCode: 3, signal: null, stdout: "", stderr: "" }), "exit 3");
 * ```
 */
export function describeEnd(result: SpawnResult): string {
  return result.exitCode === null ? `signal ${result.signal ?? "unknown"}` : `exit ${result.exitCode}`;
}
