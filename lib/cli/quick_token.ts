/**
 * `plextv token` answered before the command line loads, in the two forms
 * scripts and containers run most often: `PLEX_TOKEN` set, or a fresh JWT in
 * an `env:` store (`PLEXTV_STORE=env:`). Such a script may run `plextv token`
 * once a request, so what the command costs at start-up counts; this module
 * loads what those two answers need and nothing else (no argument parser, no
 * command table, no store registry or session; the env store's code only
 * for the env store).
 *
 * It answers only where the whole command would print the same token: the
 * command line is `token` alone, no plugin is named, the plex.tv URL
 * variables are usable, and the token passes the checks `plextv token`
 * makes (`Token.validate` and a usable `PLEXTV_CLIENT_ID` for `PLEX_TOKEN`;
 * the env store's reading and `freshToken` (fresh_token.ts) for the stored one). In
 * every other case, and on any error, it does not answer, and the command
 * runs as usual: so it is the command that reports a problem, in its words
 * and with its exit code.
 *
 * @module
 */
import { isClientId } from "../client_id.ts";
import { Token } from "../token.ts";
import { processSink, writeFailureLine } from "./output.ts";
import { checkUrlVariables } from "./url_variables.ts";

/**
 * The token `plextv token` would print, when it can be told without the
 * rest of the CLI.
 *
 * @param argv The arguments, without the program name.
 * @param env The environment.
 * @returns The token, or `undefined` when the command must run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quickToken } from "./quick_token.ts";
 * const env = { PLEXTV_STORE: "env:", PLEXTV_CLIENT_ID: "my-client", PLEXTV_TOKEN: "abcdefghij0123456789" };
 * assert.equal(await quickToken(["token"], env), "abcdefghij0123456789");
 * assert.equal(await quickToken(["token", "--json"], env), undefined); // the command answers
 * assert.equal(await quickToken(["token"], { ...env, PLEXTV_URL: "http://example.com" }), undefined);
 * ```
 */
export async function quickToken(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  if (argv.length !== 1 || argv[0] !== "token" || !_mayReadEnv()) return undefined;
  try {
    if (env.PLEXTV_PLUGINS) return undefined;
    checkUrlVariables(env);
    // With `token` alone on the command line, the client identifier the user names is PLEXTV_CLIENT_ID.
    const named = env.PLEXTV_CLIENT_ID || undefined;
    if (env.PLEX_TOKEN) {
      // A named store is checked by the command (its scheme, its plugin), so it answers then.
      if (env.PLEXTV_STORE || (named !== undefined && !isClientId(named))) return undefined;
      const token = Token.from(env.PLEX_TOKEN);
      token.validate();
      return token.value;
    }
    if (env.PLEXTV_STORE !== "env:") return undefined;
    const [{ fromEnvVariables }, { freshToken }] = await Promise.all([
      import("../../plugins/_env_variables.ts"),
      import("./fresh_token.ts"),
    ]);
    return (await freshToken(await fromEnvVariables(env), named))?.value;
  } catch {
    return undefined;
  }
}

/**
 * Whether the environment can be read without asking: under Deno, only with `--allow-env` (or `-A`). Else
 * the command answers, so that Deno asks for what it needs once, in the command's order, and a refusal is
 * reported by the command.
 */
function _mayReadEnv(): boolean {
  const deno =
    (globalThis as { Deno?: { permissions: { querySync(d: { name: "env" }): { state: string } } } })
      .Deno;
  return !deno || deno.permissions.querySync({ name: "env" }).state === "granted";
}

/**
 * Prints the token of {@linkcode quickToken} on stdout, as `plextv token` does, when there is one.
 *
 * @param argv The arguments, without the program name.
 * @param env The environment.
 * @returns The exit code when it answered (0 once the token has left the process, 1 when it could
 *   not be written), `undefined` when the command is to run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printQuickToken } from "./quick_token.ts";
 * assert.equal(await printQuickToken(["help"], {}), undefined); // only `token` is answered here
 * ```
 */
export async function printQuickToken(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number | undefined> {
  const token = await quickToken(argv, env);
  if (token === undefined) return undefined;
  const stdout = processSink(1);
  stdout.write(`${token}\n`);
  try {
    await stdout.flush?.();
    return 0;
  } catch (err) {
    // As the whole command reports it (exit 1): the token did not reach its reader.
    const stderr = processSink(2);
    stderr.write(writeFailureLine(err));
    await stderr.flush?.().catch(() => {});
    return 1;
  }
}
