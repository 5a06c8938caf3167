/**
 * The command table: every command of `plextv` in the order `plextv help`
 * lists them, with what parsing, help and completion need (name, summary,
 * synopsis, options, argument count). Each command's module (its longer help
 * and what it runs) is imported only when that command runs or shows its
 * help, so start-up loads this table and nothing else.
 *
 * @module
 */
import type { OptionSpec } from "../command.ts";
import type { CommandSpec } from "../command_module.ts";

const _RESOURCE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  "no-https": { type: "boolean", help: "Do not ask for https connections" },
  "no-relay": { type: "boolean", help: "Do not ask for relay connections" },
  "no-ipv6": { type: "boolean", help: "Do not ask for IPv6 connections" },
};

/**
 * The commands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMANDS } from "./mod.ts";
 * const names = COMMANDS.map((c) => c.name);
 * assert.equal(new Set(names).size, names.length); // each name once
 * for (const spec of COMMANDS) {
 *   const { examples } = await spec.load(); // each module loads, and its help shows an example
 *   assert.ok(examples.some(([line]) => line.includes(`plextv ${spec.name}`)), spec.name);
 * }
 * ```
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "login",
    summary: "Sign in to plex.tv and keep the token (and device key) in the store",
    usage:
      "plextv login [--pin [--strong] | --credentials --username NAME [--code CODE] | --pin-jwt | --with-token] [--jwt] [--force]",
    options: {
      pin: { type: "boolean", help: "Sign in with a PIN at plex.tv/link (the default)" },
      strong: { type: "boolean", help: "Use a strong PIN, approved in the Plex web app" },
      credentials: { type: "boolean", help: "Sign in with a username and password" },
      username: {
        type: "string",
        short: "u",
        value: "NAME",
        help: "The Plex username or email (implies --credentials)",
      },
      code: { type: "string", value: "CODE", help: "The current two-factor code" },
      jwt: { type: "boolean", help: "Register a device key after signing in, and use refreshing JWTs" },
      "pin-jwt": {
        type: "boolean",
        help: "Sign in with a strong PIN that registers a device key (no legacy token)",
      },
      "with-token": { type: "boolean", help: "Store a token read from stdin, once plex.tv accepts it" },
      force: {
        type: "boolean",
        help: "Replace a stored sign-in without asking; register afresh when plex.tv forgot the key",
      },
    },
    load: async () => (await import("./login.ts")).default,
  },
  {
    name: "status",
    summary: "Show who is signed in, the token's kind and expiry, and where it is kept",
    usage: "plextv status [--json]",
    options: {},
    load: async () => (await import("./status.ts")).default,
  },
  {
    name: "token",
    summary: "Print a valid token on stdout (refreshed as needed), for scripts",
    usage: "plextv token [--refresh] [--json]",
    options: {
      refresh: { type: "boolean", help: "Get a new JWT now with the stored device key, and save it" },
    },
    load: async () => (await import("./token.ts")).default,
  },
  {
    name: "logout",
    summary: "Sign out at plex.tv and clear the store",
    usage: "plextv logout [--force]",
    options: {
      force: {
        type: "boolean",
        help: "Clear the store even when plex.tv cannot be reached or the store cannot be opened",
      },
    },
    load: async () => (await import("./logout.ts")).default,
  },
  {
    name: "user",
    summary: "Show the signed-in account",
    usage: "plextv user [--json]",
    options: {},
    load: async () => (await import("./user.ts")).default,
  },
  {
    name: "devices",
    summary: "List the devices registered to the account",
    usage: "plextv devices [--json]",
    options: {},
    load: async () => (await import("./devices.ts")).default,
  },
  {
    name: "servers",
    summary: "List the Plex Media Servers of the account (owned and shared)",
    usage: "plextv servers [--json] [--no-https] [--no-relay] [--no-ipv6]",
    options: _RESOURCE_OPTIONS,
    load: async () => (await import("./servers.ts")).default,
  },
  {
    name: "resources",
    summary: "List the account's resources (servers, players) and their connections",
    usage: "plextv resources [--json] [--no-https] [--no-relay] [--no-ipv6]",
    options: _RESOURCE_OPTIONS,
    load: async () => (await import("./resources.ts")).default,
  },
  {
    name: "connect",
    summary: "Find a working connection to a server and print its URL",
    usage: "plextv connect SERVER [--timeout MS] [--show-token] [--json] [--verbose]",
    options: {
      timeout: { type: "string", value: "MS", help: "How long each probe may take (default 10000)" },
      "show-token": {
        type: "boolean",
        help: "Also print the server's access token (a second line, or accessToken)",
      },
      ..._RESOURCE_OPTIONS,
    },
    args: { min: 1, max: 1 },
    load: async () => (await import("./connect.ts")).default,
  },
  {
    name: "home users",
    summary: "List the members of the Plex Home",
    usage: "plextv home users [--json]",
    options: {},
    load: async () => (await import("./home_users.ts")).default,
  },
  {
    name: "home switch",
    summary: "Switch to a home user and print that user's token on stdout",
    usage: "plextv home switch USER [--json]",
    options: {},
    args: { min: 1, max: 1 },
    load: async () => (await import("./home_switch.ts")).default,
  },
  {
    name: "link",
    summary: "Approve a PIN that another device shows, as the signed-in account",
    usage: "plextv link CODE",
    options: {},
    args: { min: 1, max: 1 },
    load: async () => (await import("./link.ts")).default,
  },
  {
    name: "friends",
    summary: "List the account's friends",
    usage: "plextv friends [--json]",
    options: {},
    load: async () => (await import("./friends.ts")).default,
  },
  {
    name: "shares",
    summary: "Show who has which libraries of one of the account's servers",
    usage: "plextv shares SERVER [--json]",
    options: {},
    args: { min: 1, max: 1 },
    load: async () => (await import("./shares.ts")).default,
  },
  {
    name: "webhooks",
    summary: "List, add or remove the account's webhooks",
    usage: "plextv webhooks [add URL | remove URL] [--json]",
    options: {},
    args: { min: 0, max: 2 },
    words: ["add", "remove"],
    load: async () => (await import("./webhooks.ts")).default,
  },
  {
    name: "watchlist",
    summary: "List the account's watchlist",
    usage: "plextv watchlist [--filter all|available|released] [--sort FIELD[:asc|desc]] [--json]",
    options: {
      filter: {
        type: "string",
        value: "WHICH",
        help: "all (the default), available (streamable) or released",
      },
      sort: {
        type: "string",
        value: "FIELD[:asc|desc]",
        help: "The order, e.g. watchlistedAt:desc or titleSort",
      },
    },
    load: async () => (await import("./watchlist.ts")).default,
  },
  {
    name: "keys export",
    summary: "Export the stored device key and token as environment variables (for the env: store)",
    usage: "plextv keys export [--output FILE [--force]] [--format env|json] [--prefix PREFIX_]",
    options: {
      output: {
        type: "string",
        short: "o",
        value: "FILE",
        help: "Write to FILE, readable by you only (mode 0600)",
      },
      force: { type: "boolean", help: "Replace FILE when it exists" },
      format: { type: "string", value: "FORMAT", help: "env (NAME=value lines, the default) or json" },
      prefix: { type: "string", value: "PREFIX_", help: "The variables' prefix (default PLEXTV_)" },
    },
    load: async () => (await import("./keys_export.ts")).default,
  },
  {
    name: "emulator",
    summary: "Run a local plex.tv emulator for development, until Ctrl-C",
    usage:
      "plextv emulator [--port N] [--payloads DIR] [--auto-approve MS] [--host NAME]... [--cors-origin ORIGIN]... [--clock-offset SECONDS] [--log-size N]",
    options: {
      port: { type: "string", value: "N", help: "The port on 127.0.0.1 (default: any free port)" },
      payloads: {
        type: "string",
        value: "DIR",
        help: "A folder of plex.tv payloads to serve (e.g. recorded fixtures)",
      },
      "auto-approve": { type: "string", value: "MS", help: "Approve every new PIN after MS milliseconds" },
      host: {
        type: "string",
        multiple: true,
        value: "NAME",
        help: "Also answer requests for this host name",
      },
      "cors-origin": {
        type: "string",
        multiple: true,
        value: "ORIGIN",
        help: "Also allow this browser origin (loopback origins always are)",
      },
      "clock-offset": {
        type: "string",
        value: "SECONDS",
        help: "Run the emulator's clock ahead (or behind, negative) by SECONDS",
      },
      "log-size": { type: "string", value: "N", help: "Requests kept in the emulator's log (default 1000)" },
    },
    load: async () => (await import("./emulator.ts")).default,
  },
  {
    name: "demo",
    summary: "A guided tour of every sign-in flow against an in-process plex.tv emulator",
    usage: "plextv demo",
    options: {
      "approve-after": {
        type: "string",
        value: "MS",
        help: "When the emulator approves the PIN (default 2500)",
      },
    },
    load: async () => (await import("./demo.ts")).default,
  },
  {
    name: "completion",
    summary: "Print a shell completion script (bash, zsh or fish)",
    usage: "plextv completion bash|zsh|fish",
    options: {},
    args: { min: 1, max: 1 },
    load: async () => (await import("./completion.ts")).default,
  },
  {
    name: "version",
    summary: "Print the version (also plextv --version)",
    usage: "plextv version [--json]",
    options: {},
    load: async () => (await import("./version.ts")).default,
  },
  {
    name: "help",
    summary: "Show the commands, or one command's options",
    usage: "plextv help [COMMAND]",
    options: {},
    args: { min: 0, max: 2 },
    load: async () => (await import("./help.ts")).default,
  },
];
