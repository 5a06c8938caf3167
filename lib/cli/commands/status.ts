/**
 * `plextv status`: who is signed in, with which kind of token, until when,
 * where it is kept, and whether plex.tv still accepts it.
 *
 * @module
 */
import { isPlexError } from "../../errors.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT } from "../exit.ts";
import { relative, shortDate } from "../public_json.ts";
import { fields } from "../table.ts";

/**
 * The `status` command's help and what it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import command from "./status.ts";
 * assert.equal(typeof command.run, "function");
 * ```
 */
const command: CommandModule = {
  examples: [["plextv status", "who is signed in, and where the token is kept"], [
    "plextv status --json",
    "the same as one JSON object (signedIn: false when signed out)",
  ]],
  description: "Checks the token with plex.tv (refreshing a JWT when due). Exit 4 when not signed in.",
  async run(f) {
    const { config, source, fromEnv, stored } = await f.signedIn();
    const token = await source.token({ signal: f.signal });
    let account;
    try {
      account = await config.client(source).user({ signal: f.signal });
    } catch (err) {
      if (!isPlexError(err, "unauthorized", "expired_token", "invalid_token")) throw err;
      throw new CliError(`plex.tv rejects the ${fromEnv ? "PLEX_TOKEN" : "stored"} token`, {
        exitCode: EXIT.auth,
        cause: err,
        hint: fromEnv ? "Unset PLEX_TOKEN or set a valid one" : "Run plextv login",
      });
    }
    const current = fromEnv ? undefined : stored;
    const expiresAt = token.expiresAt;
    const summary = {
      signedIn: true,
      username: account.username,
      email: account.email,
      uuid: account.uuid,
      tokenSource: fromEnv ? "PLEX_TOKEN" : "store",
      tokenType: token.isJwt() ? "jwt" : "legacy",
      expiresAt: expiresAt?.toISOString() ?? null,
      keyId: fromEnv ? null : current?.keyId ?? null,
      clientId: config.clientId,
      clientIdFrom: (await f.configs()).clientIdOrigin,
      store: fromEnv ? null : (await f.session()).described,
      url: config.url,
      v2Url: config.v2Url,
    };
    const { bold, green, dim } = f.out.dataStyle;
    f.out.data(summary, () =>
      [
        `${green("✓")} Signed in to plex.tv as ${bold(account.username)}${
          account.email ? ` (${account.email})` : ""
        }`,
        fields([
          ["Token", `${token.isJwt() ? "JWT" : "legacy token"}${fromEnv ? ", from PLEX_TOKEN" : ""}`],
          ["Expires", expiresAt ? `${shortDate(expiresAt)} (${relative(expiresAt)})` : "when revoked"],
          ["Device key", summary.keyId ? `${summary.keyId} (refreshes the JWT)` : undefined],
          ["Client id", `${config.clientId} (from ${summary.clientIdFrom})`],
          ["Store", summary.store ?? undefined],
          ["plex.tv", config.url === config.v2Url ? config.url : `${config.url}, ${config.v2Url}`],
        ], dim).split("\n").map((line) => `  ${line}`).join("\n"),
      ].join("\n"));
    return EXIT.ok;
  },
};

export default command;
