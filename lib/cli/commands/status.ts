/**
 * `plextv status`: who is signed in, with which kind of token, until when,
 * which store keeps it and why that one, and whether plex.tv still accepts
 * it. With `--json` it always prints one object: `signedIn: false` (and the
 * error) when a sign-in is needed, `signedIn: null` when it could not be checked.
 *
 * @module
 */
import { isPlexError, PlexError } from "../../errors.ts";
import { plexTime } from "../../http/shared_state.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT, exitCodeOf } from "../exit.ts";
import type { Factory } from "../factory.ts";
import { ENV_TOKEN_HINT } from "../hints.ts";
import { causeChain, primaryError } from "../report.ts";
import { relative, shortDate } from "../public_json.ts";
import { fields } from "../table.ts";

/** Which store, from where and why; `null`s when the token is PLEX_TOKEN. */
async function _store(f: Factory, fromEnv: boolean) {
  if (fromEnv) return { store: null, storeFrom: null, storeReason: null };
  const session = await f.session();
  return { store: session.described, storeFrom: session.origin, storeReason: session.reason };
}

function _why(origin: unknown, reason: unknown): string {
  return origin === "default" ? `the default: ${reason}` : `from ${origin}`;
}

function _errorCode(err: unknown): string {
  if (err instanceof PlexError) return err.code;
  // A token plex.tv rejects is reported with plex.tv's reason (unauthorized, expired_token, ...).
  if (err instanceof CliError && err.cause instanceof PlexError) return err.cause.code;
  if (err instanceof CliError && err.exitCode === EXIT.auth) return "not_signed_in";
  if (err instanceof CliError && err.exitCode === EXIT.usage) return "usage";
  return "failure";
}

/**
 * The `status` command's help and what it runs.
 */
/** Whether the store failed somewhere in `err`'s causes (a missing or wrong passphrase, a store error). */
function _storeFailed(err: unknown): boolean {
  return causeChain(err).some((e) =>
    isPlexError(e) && (e.code === "wrong_passphrase" || e.code.startsWith("store_"))
  );
}

const command: CommandModule = {
  description: [
    "Checks the token with plex.tv (refreshing a JWT when due), and shows the store in use and",
    "why: --store, PLEXTV_STORE, or the default (the vault in the data folder if it exists, else",
    "the OS keychain when one is usable, else a new passphrase-protected vault there). Exit 4 when",
    "not signed in.",
    'With --json, one object: {"signedIn": true, "username", ..., "store", "storeFrom",',
    '"storeReason"}, or {"signedIn": false, "error": {"code", "message"}, ...} (exit 4 when',
    'not signed in or the token is rejected), or {"signedIn": null, "error": ...} when it could',
    "not be checked (exit 1: plex.tv unreachable, a failing store; exit 4: the store's passphrase",
    'missing or wrong; exit 2: a usage error, code "usage").',
  ].join("\n"),
  examples: [
    ["plextv status", "who is signed in, and where the token is kept"],
    ["plextv status --json", "the same as one JSON object (signedIn: false when signed out)"],
  ],
  async run(f) {
    const fromEnv = !!f.env.PLEX_TOKEN;
    let known: Record<string, unknown> = { signedIn: false, tokenSource: fromEnv ? "PLEX_TOKEN" : "store" };
    try {
      known = { ...known, ...await _store(f, fromEnv) };
      const signedIn = await f.signedIn();
      const { config, stored } = signedIn;
      let { source } = signedIn;
      let token = await source.token({ signal: f.signal });
      let account;
      try {
        account = await config.client(source).user({ signal: f.signal });
      } catch (err) {
        if (!isPlexError(err, "unauthorized", "expired_token", "invalid_token")) throw err;
        // A JWT plex.tv no longer takes, with its device key stored: one refresh with the key, as login
        // does, then the account again.
        const withKey = !fromEnv && stored?.keyId !== undefined && stored.privateKey !== undefined;
        if (withKey) {
          source = (await f.signedIn({ refresh: true })).source;
          account = await config.client(source).user({ signal: f.signal }).catch(() => undefined);
        }
        if (!account) {
          throw new CliError(`plex.tv rejects the ${fromEnv ? "PLEX_TOKEN" : "stored"} token`, {
            exitCode: EXIT.auth,
            cause: err,
            hint: fromEnv
              ? ENV_TOKEN_HINT
              : withKey
              ? "Run plextv login --force to sign in again"
              : "Run plextv login",
          });
        }
      }
      // The token the call used: plex.tv may have called the first one expired (a clock behind its own).
      token = await source.token({ signal: f.signal });
      const expiresAt = token.expiresAt;
      const clientIdFrom = (await f.configs()).clientIdOrigin;
      const summary = {
        ...known,
        signedIn: true,
        username: account.username,
        email: account.email,
        uuid: account.uuid,
        tokenType: token.isJwt() ? "jwt" : "legacy",
        expiresAt: expiresAt?.toISOString() ?? null,
        keyId: fromEnv ? null : stored?.keyId ?? null,
        clientId: config.clientId,
        clientIdFrom,
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
            [
              "Expires",
              expiresAt
                ? `${shortDate(expiresAt)} (${relative(expiresAt, plexTime(config.http))})`
                : "when revoked",
            ],
            ["Device key", summary.keyId ? `${summary.keyId} (refreshes the JWT)` : undefined],
            ["Client id", `${config.clientId} (from ${clientIdFrom})`],
            [
              "Store",
              known.store ? `${known.store} (${_why(known.storeFrom, known.storeReason)})` : undefined,
            ],
            ["plex.tv", config.url === config.v2Url ? config.url : `${config.url}, ${config.v2Url}`],
          ], dim).split("\n").map((line) => `  ${line}`).join("\n"),
        ].join("\n"));
      return EXIT.ok;
    } catch (err) {
      if (f.out.json && !f.signal.aborted) {
        // false when a sign-in is needed (exit 4); null when it could not be checked (plex.tv unreachable,
        // a failing store, a usage error), so a script does not take an outage for a sign-out.
        // A store that needs its passphrase is not a sign-out: the data may be there, unread.
        const primary = primaryError(err);
        const signedIn = exitCodeOf(primary) === EXIT.auth && !_storeFailed(err) ? false : null;
        const error = { code: _errorCode(err), message: (primary as Error).message };
        f.out.data({ ...known, signedIn, error }, () => "");
      }
      throw err;
    }
  },
};

export default command;
