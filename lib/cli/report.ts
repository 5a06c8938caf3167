/**
 * How the CLI reports a failure: one line on stderr, "error: " + one
 * sentence + the hint (the CLI's own for a PlexError, see `hints.ts`), and
 * the exit code. With `--verbose`, the details
 * follow: the error code, HTTP status, plex.tv's messages and the cause
 * chain. Never a stack trace by default, never a secret.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { CliError, EXIT, exitCodeOf } from "./exit.ts";
import { COMMAND_HELP, hintFor } from "./hints.ts";
import type { Output } from "./output.ts";

function _oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * An error and its causes, outermost first (at most ten).
 *
 * @param err Anything thrown.
 * @returns The chain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { causeChain } from "./report.ts";
 * const inner = new Error("inner");
 * assert.deepEqual(causeChain(new Error("outer", { cause: inner }))[1], inner);
 * ```
 */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && chain.length < 10) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/**
 * The error to report: a {@linkcode CliError} anywhere in the cause chain wins
 * (a cancelled prompt inside a store's passphrase callback), else the error.
 *
 * @param err Anything caught.
 * @returns The error to report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "./exit.ts";
 * import { PlexError } from "../errors.ts";
 * import { primaryError } from "./report.ts";
 * const inner = new CliError("Cancelled", { exitCode: 2 });
 * assert.equal(primaryError(new PlexError("store_error", "No passphrase", { cause: inner })), inner);
 * ```
 */
export function primaryError(err: unknown): unknown {
  return causeChain(err).find((e) => e instanceof CliError) ?? err;
}

/** Commands that name nothing at plex.tv: a 404 there means a wrong base URL, not a wrong name or id. */
const _NAMES_NOTHING: ReadonlySet<string> = new Set([
  "status",
  "user",
  "token",
  "login",
  "logout",
  "keys export",
]);

/** Whether Deno refused a permission (`deno run` without `-A`): the user's to grant, not a failure of plextv's. */
function isDenoRefusal(err: unknown): err is Error {
  return err instanceof Error && (err.name === "NotCapable" || err.name === "PermissionDenied");
}

/**
 * Writes the error on stderr and returns the exit code.
 *
 * @param err Anything caught.
 * @param out The output (with `--verbose`, details are added).
 * @param cancelled Whether the user pressed Ctrl-C.
 * @param command The command that ran, when known: hints that point at its help name it.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * import { PlexError } from "../errors.ts";
 * import { reportError } from "./report.ts";
 * const lines: string[] = [];
 * const out = new Output({ stderr: { write: (t: string) => lines.push(t) }, noColor: true });
 * const code = reportError(new PlexError("network_error", "Cannot reach 127.0.0.1:9: the connection was refused"), out);
 * assert.equal(code, 1);
 * assert.match(lines[0], /^error: Cannot reach 127\.0\.0\.1:9: the connection was refused\. Check the network connection/);
 * ```
 */
export function reportError(err: unknown, out: Output, cancelled = false, command?: string): number {
  const primary = primaryError(err);
  if (
    cancelled || (primary instanceof PlexError && primary.code === "aborted") ||
    // A prompt cancelled inside a store (the vault asks for its passphrase) comes back wrapped in its error.
    causeChain(err).some((e) => e instanceof CliError && e.cancelled)
  ) {
    out.stderr.write(`${out.style.yellow("Cancelled")}\n`);
    return EXIT.usage;
  }
  let message: string;
  let hint: string | undefined;
  if (primary instanceof CliError || primary instanceof PlexError) {
    message = primary.message;
    hint = primary instanceof PlexError
      ? primary.code === "not_found" && _NAMES_NOTHING.has(command ?? "")
        ? "plex.tv has no such address: check PLEXTV_URL (the site's root, such as https://plex.tv), if set"
        : hintFor(primary).replace(COMMAND_HELP, command ? `plextv help ${command}` : "plextv help")
      : primary.hint;
  } else if (isDenoRefusal(primary)) {
    message = `Deno refused a permission plextv needs: ${primary.message}`;
    hint = "Run plextv with deno run -A (it reads its variables and folders, and talks to plex.tv)";
  } else {
    message = `Unexpected failure: ${primary instanceof Error ? primary.message : String(primary)}`;
    hint = out.verbose ? undefined : "Run again with --verbose for details";
  }
  const sentence = _oneLine(message).replace(/[.\s]+$/, "");
  const tail = hint ? `. ${_oneLine(hint).replace(/[.\s]+$/, "")}` : "";
  out.stderr.write(out.redact(`${out.style.red("error:")} ${sentence}${tail}`) + "\n");
  if (out.verbose) {
    const chain = causeChain(err);
    for (const [depth, e] of chain.entries()) {
      const lines: string[] = [];
      if (e instanceof PlexError) {
        const facts = [`code ${e.code}`];
        if (e.status !== undefined) facts.push(`HTTP ${e.status}`);
        if (e.plexCode !== undefined) facts.push(`plex.tv code ${e.plexCode}`);
        if (e.retryAfter !== undefined) facts.push(`retry after ${e.retryAfter} s`);
        lines.push(`${depth ? "caused by: " : ""}${e.message} (${facts.join(", ")})`);
        // A probe of a server's connection is plextv's own finding; other details are plex.tv's words.
        for (const detail of e.details) {
          lines.push(`  ${detail.connection ? "probe" : "plex.tv said"}: ${detail.message}`);
        }
      } else if (e instanceof Error) {
        const code = (e as { code?: unknown }).code;
        lines.push(
          `${depth ? "caused by: " : ""}${e.name}: ${e.message}${
            typeof code === "string" ? ` (${code})` : ""
          }`,
        );
        if (!(e instanceof CliError) && depth === chain.length - 1 && e.stack) {
          lines.push(...e.stack.split("\n").slice(1).map((l) => `  ${l.trim()}`));
        }
      } else if (depth) {
        lines.push(`caused by: ${String(e)}`);
      }
      for (const line of lines) out.stderr.write(out.redact(out.style.dim(`  ${line}`)) + "\n");
    }
  }
  return exitCodeOf(primary);
}
