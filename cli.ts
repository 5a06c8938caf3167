#!/usr/bin/env bun
/**
 * The `plextv` command-line tool: sign in to plex.tv, keep tokens fresh and
 * inspect the account. Run it with `deno run -A cli.ts`, `bun cli.ts`,
 * `deno run -A jsr:@plexkit/plextv/cli`, `bunx @plexkit/plextv`, or compile
 * it to one binary (`deno task build:bun`: `bun build --compile --splitting`). The
 * `#!/usr/bin/env bun` line is what lets `bunx` (the package's `bin`) run it;
 * Deno and Bun ignore it otherwise.
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
import { main } from "./lib/cli/main.ts";

if (import.meta.main) {
  // main() has flushed what it wrote.
  process.exit(await main(process.argv.slice(2)));
}
