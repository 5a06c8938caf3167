/**
 * `plextv token`: prints a valid token on stdout and nothing else, refreshing
 * the JWT when it is due. `PLEX_TOKEN` wins over the stored token.
 *
 * @module
 */
import type { Command } from "../command_module.ts";
import { EXIT } from "../exit.ts";

/**
 * The `token` command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { token } from "./token.ts";
 * assert.equal(token.name, "token");
 * ```
 */
export const token: Command = {
  name: "token",
  summary: "Print a valid token on stdout (refreshed as needed), for scripts",
  usage: "plextv token [--json]",
  description: [
    "Prints the token and nothing else on stdout, so it can be captured:",
    '  curl -H "X-Plex-Token: $(plextv token)" https://plex.tv/api/v2/user',
    "A stored JWT is refreshed when it is close to expiry; otherwise no request is made.",
    'With --json: {"token", "type", "expiresAt"}.',
  ].join("\n"),
  options: {},
  examples: [['export X_PLEX_TOKEN="$(plextv token)"', "use the token in a script"]],
  async run(f) {
    const { source } = await f.signedIn();
    const value = await source.token({ signal: f.signal });
    if (f.out.json) {
      f.out.secret(JSON.stringify({
        token: value.value,
        type: value.isJwt() ? "jwt" : "legacy",
        expiresAt: value.expiresAt?.toISOString() ?? null,
      }));
    } else {
      f.out.secret(value.value);
    }
    return EXIT.ok;
  },
};
