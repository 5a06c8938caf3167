#!/usr/bin/env node
/**
 * The npm package's `plextv` command (`npx @plexkit/plextv`, `bunx @plexkit/plextv`): compiled
 * to JavaScript, so Node ≥ 20 runs it with nothing else installed, and Bun
 * and Deno run it as well. Deno and Bun users from a checkout or JSR run
 * `cli.ts` instead.
 *
 * @module
 */
import { runCli } from "../cli.ts";

await runCli();
