/**
 * Every command of `plextv`, in the order `plextv help` lists them.
 *
 * @module
 */
import type { Command } from "../command_module.ts";
import { connect } from "./connect.ts";
import { demo } from "./demo.ts";
import { devices } from "./devices.ts";
import { emulator } from "./emulator.ts";
import { homeSwitch, homeUsers } from "./home.ts";
import { keysExport } from "./keys.ts";
import { login } from "./login.ts";
import { logout } from "./logout.ts";
import { resources } from "./resources.ts";
import { servers } from "./servers.ts";
import { status } from "./status.ts";
import { token } from "./token.ts";
import { user } from "./user.ts";

const _help: Command = {
  name: "help",
  summary: "Show the commands, or one command's options",
  usage: "plextv help [COMMAND]",
  description: "Also: plextv COMMAND --help.",
  options: {},
  args: { min: 0, max: 2 },
  run: () => Promise.resolve(0),
};

/**
 * The commands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMANDS } from "./mod.ts";
 * assert.ok(COMMANDS.some((c) => c.name === "login"));
 * ```
 */
export const COMMANDS: readonly Command[] = [
  login,
  status,
  token,
  logout,
  user,
  devices,
  servers,
  resources,
  connect,
  homeUsers,
  homeSwitch,
  keysExport,
  emulator,
  demo,
  _help,
];
