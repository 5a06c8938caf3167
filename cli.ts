#!/usr/bin/env bun
/**
 * The `plextv` command-line tool: sign in to plex.tv, keep tokens fresh and
 * inspect the account. Run it with `deno run -A cli.ts`, `bun cli.ts`,
 * `deno run -A jsr:@plexkit/plextv/cli`, `npx @plexkit/plextv` or `bunx @plexkit/plextv` (the
 * npm package's `bin`, compiled JavaScript), or compile it to one binary
 * (`deno task build:bun`: `bun build --compile --splitting`, each command a chunk loaded when it runs).
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
/**
 * Runs `plextv` with `argv` and ends the process with the command's exit
 * code (0 ok, 1 failure, 2 usage or cancelled, 4 authentication required),
 * once what it wrote has left the process. This module calls it when it is
 * the main module; the npm package's `bin` calls it on Node, which has no
 * `import.meta.main` before version 24. `plextv token` with `PLEX_TOKEN` or
 * a fresh `env:` store is answered before the CLI loads
 * (lib/cli/quick_token.ts); everything else loads it.
 *
 * @param argv The arguments, without the program name. Default: the process's.
 * @returns Never: the process exits.
 *
 * @example Run the command from a script of your own
 * Not run by `deno test --doc`: `runCli` ends the process with the command's exit code.
 * ```ts ignore
 * import { runCli } from "@plexkit/plextv/cli";
 * await runCli(["token"]); // prints a valid token and exits
 * ```
 */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<never> {
  const quick = argv.length === 1 && argv[0] === "token";
  const answered = quick
    ? await (await import("./lib/cli/quick_token.ts")).printQuickToken(argv, process.env)
    : undefined;
  if (answered !== undefined) process.exit(answered);
  // main() has flushed what it wrote (lib/cli/output.ts).
  process.exit(await (await import("./lib/cli/main.ts")).main(argv));
}

// Not awaited: a module without top-level await is one that CommonJS can require (runCli ends the process).
if (import.meta.main) void runCli();
