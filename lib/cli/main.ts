/**
 * The `plextv` command: parses the command line, loads plugins, runs the
 * command, reports errors, and returns the exit code.
 *
 * @module
 */
import { VERSION } from "../version.ts";
import { parseCommandLine } from "./args.ts";
import { COMMANDS } from "./commands/mod.ts";
import { EXIT, usageError } from "./exit.ts";
import type { Factory } from "./factory.ts";
import { blameEnvToken } from "./hints.ts";
import { Output, type Sink, writeFailureLine } from "./output.ts";
import type { Source } from "./prompt.ts";
import { reportError } from "./report.ts";

/**
 * Where the command runs: arguments aside, its environment and streams.
 */
export interface MainOptions {
  /** The environment. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Data. Default `process.stdout`. */
  stdout?: Sink;
  /** Messages. Default `process.stderr`. */
  stderr?: Sink;
  /** Answers. Default `process.stdin`. */
  stdin?: Source;
}

/**
 * Runs `plextv` with these arguments and returns the exit code: 0 ok,
 * 1 failure, 2 usage error or cancelled, 4 authentication required.
 *
 * @param argv The arguments, without the program name.
 * @param options Environment and streams.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./main.ts";
 * const printed: string[] = [];
 * const code = await main(["--version"], { stdout: { write: (t: string) => printed.push(t) } });
 * assert.ok(code === 0 && printed[0].startsWith("plextv "));
 * ```
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  // Until the environment is read (Deno may refuse it), errors are written without colour.
  let noColor = true;
  let dumb = false;
  let secrets: (string | undefined)[] = [];
  let out = new Output({ stdout: options.stdout, stderr: options.stderr, noColor });
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) controller.abort(new Error("Interrupted"));
    else process.exit(EXIT.usage);
  };
  process.on("SIGINT", onInterrupt);
  let commandName: string | undefined;
  let factory: Factory | undefined;
  const code = await (async () => {
    try {
      noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
      // PLEX_PASSWORD and PLEXTV_HOME_PIN are masked by the commands that read them (login, home switch):
      // masked everywhere, a PIN such as 2026 would hide every year in every command's data.
      secrets = [env.PLEX_TOKEN];
      dumb = env.TERM === "dumb";
      out = new Output({ stdout: options.stdout, stderr: options.stderr, noColor, dumb, secrets });
      const invocation = parseCommandLine(argv, COMMANDS);
      commandName = invocation.command?.name;
      const values = invocation.args.values;
      out = new Output({
        stdout: options.stdout,
        stderr: options.stderr,
        noColor,
        dumb,
        secrets,
        json: values.json === true,
        quiet: values.quiet === true,
        verbose: values.verbose === true,
      });
      const command = invocation.command;
      if (values.version && !command && !invocation.help && !invocation.group) {
        out.data({ version: VERSION }, () => `plextv ${VERSION}`);
        return EXIT.ok;
      }
      if (values.version) throw usageError("--version is used alone", "Run plextv --version");
      if (invocation.help || !command) {
        if (values.json) throw usageError("Help is text only: --json does not apply", "Leave out --json");
        const help = await import("./help.ts");
        const text = command
          ? help.commandHelp({ ...command, ...await command.load() }, out.dataStyle)
          : invocation.group
          ? help.groupHelp(invocation.group, COMMANDS, out.dataStyle)
          : help.overviewHelp(COMMANDS, out.dataStyle);
        out.stdout.write(help.fitToTerminal(text, out.stdout) + "\n");
        return EXIT.ok;
      }
      const [{ Factory, Prompter }, module] = await Promise.all([import("./factory.ts"), command.load()]);
      factory = new Factory({
        out,
        prompter: new Prompter(options.stdin, out.stderr),
        env,
        globals: values,
        signal: controller.signal,
        commands: COMMANDS,
      });
      const exit = await module.run(factory, invocation.args);
      if (exit === EXIT.ok) await factory.throwIfSaveLost();
      return exit;
    } catch (err) {
      // PLEX_TOKEN wins over the store: a token error is then the variable's to fix, not a reason to sign in.
      return reportError(
        factory?.usesEnvToken ? blameEnvToken(err) : err,
        out,
        controller.signal.aborted,
        commandName,
      );
    } finally {
      process.off("SIGINT", onInterrupt);
    }
  })();
  try {
    await out.flush();
    return code;
  } catch (err) {
    // Data that did not reach stdout (a full disk) is a failure, never a success that lost it.
    out.stderr.write(writeFailureLine(err));
    await out.stderr.flush?.().catch(() => {});
    return code === EXIT.ok ? EXIT.failure : code;
  }
}
