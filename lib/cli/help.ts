/**
 * Help texts: the command list (`plextv help`), one command
 * (`plextv help login`, `plextv login --help`) and a group (`plextv help home`).
 *
 * @module
 */
import { VERSION } from "../version.ts";
import type { CommandInfo, OptionSpec } from "./command.ts";
import type { CommandModule } from "./command_module.ts";
import { ENVIRONMENT, GLOBAL_OPTIONS } from "./globals.ts";
import type { Sink, Style } from "./output.ts";
import { fitToWidth } from "./wrap.ts";

const _PLAIN: Pick<Style, "bold" | "dim"> = { bold: (t) => t, dim: (t) => t };

function _options(specs: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    return [flag, spec.help];
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}

/**
 * The overview: what plextv is, the commands, the global options and the environment.
 *
 * @param commands Every command.
 * @param style Bold and dim (identity without colours).
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overviewHelp } from "./help.ts";
 * assert.ok(overviewHelp([{ name: "token", summary: "Print a valid token", usage: "plextv token", options: {} }]).includes("token"));
 * ```
 */
export function overviewHelp(
  commands: readonly CommandInfo[],
  style: Pick<Style, "bold" | "dim"> = _PLAIN,
): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `plextv ${VERSION}: sign in to plex.tv, keep tokens fresh, inspect the account`,
    "",
    style.bold("USAGE"),
    "  plextv COMMAND [OPTIONS]",
    "",
    style.bold("COMMANDS"),
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    style.bold("GLOBAL OPTIONS"),
    ..._options(GLOBAL_OPTIONS),
    "",
    style.bold("ENVIRONMENT"),
    ...ENVIRONMENT.map(([name, help]) => `  ${name}: ${help}`),
    "",
    style.bold("EXIT CODES"),
    "  0 ok · 1 failure · 2 usage error or cancelled · 4 authentication required",
    "",
    `Run ${style.bold("plextv help COMMAND")} for a command's options. Start with ${
      style.bold("plextv demo")
    }.`,
  ].join("\n");
}

/**
 * One command's help.
 *
 * @param command The command.
 * @param style Bold and dim (identity without colours).
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandHelp } from "./help.ts";
 * assert.ok(commandHelp({ name: "token", summary: "Print a valid token", usage: "plextv token", options: {} }).startsWith("Print a valid token"));
 * ```
 */
export function commandHelp(
  command: CommandInfo & Partial<CommandModule>,
  style: Pick<Style, "bold" | "dim"> = _PLAIN,
): string {
  const lines = [command.summary, "", style.bold("USAGE"), `  ${command.usage}`];
  if (command.description) lines.push("", ...command.description.split("\n").map((l) => (l ? `  ${l}` : "")));
  if (Object.keys(command.options).length) {
    lines.push("", style.bold("OPTIONS"), ..._options(command.options));
  }
  if (command.examples?.length) {
    lines.push("", style.bold("EXAMPLES"));
    for (const [line, comment] of command.examples) lines.push(`  ${style.dim(`# ${comment}`)}`, `  ${line}`);
  }
  lines.push("", style.bold("GLOBAL OPTIONS"), ..._options(GLOBAL_OPTIONS));
  return lines.join("\n");
}

/**
 * A group's help (`plextv help home`): its commands.
 *
 * @param group The group (`home`, `keys`).
 * @param commands Every command.
 * @param style Bold and dim (identity without colours).
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupHelp } from "./help.ts";
 * assert.ok(groupHelp("home", [{ name: "home users", summary: "List", usage: "plextv home users", options: {} }]).includes("home users"));
 * ```
 */
export function groupHelp(
  group: string,
  commands: readonly CommandInfo[],
  style: Pick<Style, "bold" | "dim"> = _PLAIN,
): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...members.map((c) => c.name.length));
  return [
    style.bold("USAGE"),
    `  plextv ${group} COMMAND`,
    "",
    style.bold("COMMANDS"),
    ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run ${style.bold(`plextv help ${group} COMMAND`)} for a command's options.`,
  ].join("\n");
}

/**
 * Help text as a terminal shows it: fitted to its width (lines broken at
 * spaces), and left as it is when `sink` is not a terminal (a pipe, a file).
 *
 * @param text The help text.
 * @param sink Where it goes.
 * @returns The text to write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitToTerminal } from "./help.ts";
 * const text = "  --store URI  Where the device data is kept: vault:PATH, keychain:SERVICE, env:PREFIX_ or redis://HOST";
 * const terminal = { write: () => true, isTTY: true, columns: 60 };
 * assert.ok(fitToTerminal(text, terminal).split("\n").every((line) => line.length <= 60));
 * assert.equal(fitToTerminal(text, { write: () => true }), text);
 * ```
 */
export function fitToTerminal(text: string, sink: Sink): string {
  return fitToWidth(text, sink.isTTY ? sink.columns : undefined);
}
