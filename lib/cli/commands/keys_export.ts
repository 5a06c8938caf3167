/**
 * `plextv keys export`: the stored client id, device key and token as the
 * environment variables the `env:` store reads, to move a signed-in device
 * into a container or CI secret.
 *
 * @module
 */
import { toEnvVariables } from "../../../plugins/env.ts";
import { stringOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { notSignedIn } from "../signed_in.ts";
import { EXIT, usageError } from "../exit.ts";

/**
 * The `keys export` command's help and what it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import command from "./keys_export.ts";
 * assert.equal(typeof command.run, "function");
 * ```
 */
const command: CommandModule = {
  description: [
    "Prints NAME=value lines (PLEXTV_CLIENT_ID, PLEXTV_KEY_ID, PLEXTV_PRIVATE_KEY, PLEXTV_TOKEN,",
    "PLEXTV_TOKEN_EXPIRES_AT) that plextv --store env: (or env:PREFIX_) reads back. The JWT is",
    "refreshed first when it is due. The output holds secrets: write it to a protected file.",
  ].join("\n"),
  examples: [
    ["plextv keys export --format env > plextv.env && chmod 600 plextv.env", "for docker run --env-file"],
    ["env $(cat plextv.env) plextv --store env: token", "read it back"],
  ],
  async run(f, args) {
    const format = stringOption(args, "format") ?? (f.out.json ? "json" : "env");
    if (format !== "env" && format !== "json") {
      throw usageError(`Unknown format ${format}`, "Use --format env or --format json");
    }
    const session = await f.session();
    const stored = await session.stored();
    if (!stored?.token && !stored?.keyId) throw notSignedIn();
    const { source } = await f.signedIn({ envToken: false });
    await source.token({ signal: f.signal });
    const data = (await (await session.store()).load()) ?? stored;
    const variables = toEnvVariables(data, stringOption(args, "prefix"));
    if (f.out.stdout.isTTY) f.out.warn("These are secrets: redirect them to a file only you can read");
    f.out.secret(
      format === "json"
        ? JSON.stringify(variables, null, 2)
        : Object.entries(variables).map(([name, value]) => `${name}=${value}`).join("\n"),
    );
    return EXIT.ok;
  },
};

export default command;
