/**
 * `plextv token`: prints a valid token on stdout and nothing else, refreshing
 * the JWT when it is due (or now, with `--refresh`). `PLEX_TOKEN` wins over
 * the stored token.
 *
 * @module
 */
import { Token } from "../../token.ts";
import { flagOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import type { Factory } from "../factory.ts";
import { EXIT, withOwnHint } from "../exit.ts";
import { checkNamedClientId, namedClientId } from "../globals.ts";
import { checkUrlVariables } from "../url_variables.ts";

/**
 * The `token` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Prints the token and nothing else on stdout, so it can be captured:",
    '  curl -H "X-Plex-Token: $(plextv token)" https://plex.tv/api/v2/user',
    "A stored JWT is refreshed when it is close to expiry; otherwise no request is made.",
    "With --refresh, a new JWT is fetched now with the stored device key (one nonce and one",
    "token request) and saved, whatever the age of the stored one.",
    'With --json: {"token", "type", "expiresAt"}.',
  ].join("\n"),
  examples: [
    ['export X_PLEX_TOKEN="$(plextv token)"', "use the token in a script"],
    ["plextv token --refresh > /dev/null", "refresh the stored JWT now"],
  ],
  async run(f, args) {
    const refresh = flagOption(args, "refresh");
    // Printing a token may make no request: a plex.tv URL that could not be used is refused all the same.
    try {
      checkUrlVariables(f.env);
    } catch (err) {
      throw withOwnHint(err);
    }
    const fromEnv = f.env.PLEX_TOKEN;
    let token: Token;
    if (fromEnv && !refresh) {
      // PLEX_TOKEN needs no store and no request, and is checked as the signed-in path checks it: the
      // store and plugins the user named, the client identifier the user named, the token's form and a
      // JWT's expiry.
      f.out.addSecret(fromEnv);
      f.useEnvToken();
      await f.checkNamedStores();
      const named = namedClientId(f.globals, f.env);
      if (named) await checkNamedClientId(named);
      token = Token.from(fromEnv);
      token.validate();
    } else {
      // A fresh stored token is printed without building the token source that would refresh it.
      const fresh = refresh ? undefined : await storedFreshToken(f);
      token = fresh ?? await (await f.signedIn({ refresh })).source.token({ signal: f.signal });
      await f.throwIfSaveLost();
      if (refresh) {
        f.out.success(`Refreshed the JWT; it expires ${token.expiresAt?.toISOString() ?? "when revoked"}`);
      }
    }
    f.out.secret(
      f.out.json
        ? {
          token: token.value,
          type: token.isJwt() ? "jwt" : "legacy",
          expiresAt: token.expiresAt?.toISOString() ?? null,
        }
        : token.value,
    );
    return EXIT.ok;
  },
};

/** The stored token when it can be printed as it is (see fresh_token.ts). */
async function storedFreshToken(f: Factory): Promise<Token | undefined> {
  const stored = await (await f.session()).stored();
  const fresh = await (await import("../fresh_token.ts")).freshToken(
    stored,
    namedClientId(f.globals, f.env)?.clientId,
  );
  if (fresh) f.out.logger.debug("The stored token is fresh: no refresh and no request");
  return fresh;
}

export default command;
