/**
 * The global options every command accepts, and their environment variables.
 *
 * @module
 */
import type { OptionSpec } from "./command.ts";
import { CliError, EXIT } from "./exit.ts";

/**
 * The global options.
 */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  store: {
    type: "string",
    value: "URI",
    help:
      "Where the device key and token are kept (env PLEXTV_STORE; default: the data folder's vault if it exists, else the OS keychain when usable, else a new vault)",
  },
  "client-id": {
    type: "string",
    value: "ID",
    help: "The client identifier (env PLEXTV_CLIENT_ID; default: created once, kept in the config folder)",
  },
  plugin: {
    type: "string",
    multiple: true,
    value: "MODULE",
    help: "Import a store plugin module; repeatable (env PLEXTV_PLUGINS, comma-separated)",
  },
  json: { type: "boolean", help: "Print data as JSON (indented on a terminal, one line when piped)" },
  quiet: { type: "boolean", short: "q", help: "Print no progress messages" },
  verbose: {
    type: "boolean",
    short: "v",
    help: "Log requests (without secrets) and error details on stderr",
  },
  help: { type: "boolean", short: "h", help: "Show help" },
  version: { type: "boolean", short: "V", help: "Print the version" },
};

/**
 * The environment variables the CLI reads, for the help text.
 */
export const ENVIRONMENT: readonly [string, string][] = [
  ["PLEX_TOKEN", "A token to use instead of the stored one"],
  ["PLEX_PASSWORD", "The password for login --credentials (otherwise a prompt, or stdin)"],
  ["PLEXTV_HOME_PIN", "The PIN of a protected home user, for home switch (otherwise a prompt, or stdin)"],
  ["PLEXTV_STORE", "Like --store"],
  ["PLEXTV_CLIENT_ID", "Like --client-id"],
  ["PLEXTV_PLUGINS", "Like --plugin, comma-separated"],
  ["PLEXTV_VAULT_PASSPHRASE", "The vault passphrase (otherwise a prompt on a terminal)"],
  ["PLEXTV_REDIS_PASSPHRASE", "The passphrase of a redis:// store, the same in every replica (or a prompt)"],
  ["PLEXTV_URL", "Another plex.tv, e.g. the emulator (http only for loopback hosts)"],
  ["PLEXTV_V2_URL", "Another clients.plex.tv (default: PLEXTV_URL)"],
  ["PLEXTV_DISCOVER_URL", "Another discover.provider.plex.tv, for the watchlist (default: PLEXTV_URL)"],
  ["NO_COLOR", "No colours"],
  ["XDG_CONFIG_HOME, XDG_DATA_HOME", "Where the config and data folders are"],
];

/**
 * What a client identifier is, in the words of the CLI's errors: what
 * `isClientId` accepts (characters 0x21 to 0x7e), a space being ASCII but not one of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLIENT_ID_RULE } from "./globals.ts";
 * assert.match(CLIENT_ID_RULE, /no spaces/);
 * ```
 */
export const CLIENT_ID_RULE =
  "a client identifier is 1 to 255 visible ASCII characters (letters, digits and punctuation, no spaces)";

/**
 * The client identifier the user named, and where: `--client-id`, else
 * `PLEXTV_CLIENT_ID` (an empty value counts as unset).
 *
 * @param globals The global options.
 * @param env The environment.
 * @returns The identifier and its origin, or `undefined` when the user named none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedClientId } from "./globals.ts";
 * assert.deepEqual(namedClientId({}, { PLEXTV_CLIENT_ID: "abc" }), { clientId: "abc", origin: "PLEXTV_CLIENT_ID" });
 * assert.equal(namedClientId({ "client-id": "" }, {}), undefined);
 * ```
 */
export function namedClientId(
  globals: Record<string, unknown>,
  env: Record<string, string | undefined>,
): { clientId: string; origin: "--client-id" | "PLEXTV_CLIENT_ID" } | undefined {
  const flag = globals["client-id"];
  if (typeof flag === "string" && flag) return { clientId: flag, origin: "--client-id" };
  return env.PLEXTV_CLIENT_ID ? { clientId: env.PLEXTV_CLIENT_ID, origin: "PLEXTV_CLIENT_ID" } : undefined;
}

/**
 * Checks the client identifier the user named, so that a bad one is refused
 * with where it came from and what a client identifier is.
 *
 * @param named What {@linkcode namedClientId} found.
 * @returns The identifier, unchanged.
 * @throws {CliError} exit 2 when it is not a client identifier.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNamedClientId } from "./globals.ts";
 * assert.equal(await checkNamedClientId({ clientId: "abc", origin: "--client-id" }), "abc");
 * await assert.rejects(checkNamedClientId({ clientId: "a b", origin: "PLEXTV_CLIENT_ID" }), /PLEXTV_CLIENT_ID/);
 * ```
 */
export async function checkNamedClientId(
  named: { clientId: string; origin: "--client-id" | "PLEXTV_CLIENT_ID" },
): Promise<string> {
  const { isClientId } = await import("../client_id.ts");
  if (isClientId(named.clientId)) return named.clientId;
  const fromFlag = named.origin === "--client-id";
  throw new CliError(
    `The client identifier ${
      fromFlag ? "given with --client-id" : "in PLEXTV_CLIENT_ID"
    } is not usable: ${CLIENT_ID_RULE}`,
    {
      exitCode: EXIT.usage,
      hint: fromFlag
        ? "Pass another with --client-id ID, or leave it out to use the stored one"
        : "Fix or unset PLEXTV_CLIENT_ID",
    },
  );
}
