#!/usr/bin/env bun
/**
 * The `plextv` command-line tool: sign in to plex.tv, keep tokens fresh and
 * inspect the account. Run it with `deno run -A cli.ts`, `bun cli.ts`,
 * `deno run -A jsr:@plexkit/plextv/cli`, `npx @plexkit/plextv` or `bunx @plexkit/plextv` (the
 * npm package's `bin`, compiled JavaScript), or compile it to one binary
 * (`bun build --compile cli.ts --outfile dist/plextv`).
 * `plextv help` lists the commands; docs/cli.md describes them.
 *
 * @example
 * ```sh
 * deno run -A cli.ts demo            # a tour against an in-process plex.tv emulator
 * deno run -A cli.ts login           # sign in with a PIN
 * deno run -A cli.ts token           # print a valid token, refreshed as needed
 * ```
 *
 * @module
 */
import process from "node:process";
import { main } from "./lib/cli/main.ts";

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

/**
 * Runs `plextv` with `argv`, waits until stdout and stderr are flushed, and
 * ends the process with the command's exit code (0 ok, 1 failure, 2 usage
 * or cancelled, 4 authentication required). This module calls it when it is
 * the main module; the npm package's `bin` calls it on Node, which has no
 * `import.meta.main` before version 24.
 *
 * @param argv The arguments, without the program name. Default: the process's.
 * @returns Never: the process exits.
 *
 * @example Run the command from a script of your own
 * ```ts ignore
 * import { runCli } from "@plexkit/plextv/cli";
 * await runCli(["token"]); // prints a valid token and exits
 * ```
 */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<never> {
  const code = await main(argv);
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

if (import.meta.main) await runCli();
