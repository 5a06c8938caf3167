/**
 * `plextv keys export`: the stored client id, device key and token as the
 * environment variables the `env:` store reads, to move a signed-in device
 * into a container or CI secret.
 *
 * @module
 */
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { toEnvVariables } from "../../../plugins/env.ts";
import { flagOption, stringOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { notSignedIn } from "../signed_in.ts";
import { CliError, EXIT, usageError } from "../exit.ts";

/**
 * Writes `text` to `path` readable by its owner only (mode 0600): a new file
 * is created exclusively; with `replace`, a temporary 0600 file takes the old
 * one's place in one rename, so the secrets never sit in a file with wider
 * permissions.
 */
async function _writePrivate(path: string, text: string, replace: boolean): Promise<void> {
  const target = replace ? join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`) : path;
  let file;
  try {
    file = await open(target, "wx", 0o600);
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") {
      throw new CliError(`${path} exists`, {
        exitCode: EXIT.usage,
        hint: "Pass --force to replace it, or choose another file with --output FILE",
      });
    }
    throw new CliError(`Cannot create ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: "Check the folder, or choose another file with --output FILE",
    });
  }
  try {
    await file.chmod(0o600);
    await file.writeFile(text);
    await file.sync();
  } catch (err) {
    // The file was created here (exclusively): a part of it is no export, and would block the next one.
    await file.close().catch(() => {});
    await rm(target, { force: true }).catch(() => {});
    throw new CliError(`Cannot write ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: "Check the disk and the folder, or choose another file with --output FILE",
    });
  }
  await file.close();
  if (replace) {
    try {
      await rename(target, path);
    } catch (err) {
      await rm(target, { force: true });
      throw new CliError(`Cannot replace ${path}: ${(err as Error).message}`, {
        cause: err,
        hint: "Check the file, or choose another with --output FILE",
      });
    }
  }
}

/**
 * The `keys export` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Writes NAME=value lines (PLEXTV_CLIENT_ID, PLEXTV_KEY_ID, PLEXTV_PRIVATE_KEY, PLEXTV_TOKEN,",
    "PLEXTV_TOKEN_EXPIRES_AT) that plextv --store env: (or env:PREFIX_) reads back. The JWT is",
    "refreshed first when it is due. They are secrets: --output FILE writes them to a file only",
    "you can read (mode 0600; an existing file is replaced only with --force); without it they",
    "go to stdout. Hand them to a container as an env file, never on a command line.",
  ].join("\n"),
  examples: [
    ["plextv keys export --output plextv.env", "a file only you can read (mode 0600)"],
    ["docker run --env-file plextv.env IMAGE plextv --store env: token", "read it back in a container"],
  ],
  async run(f, args) {
    const format = stringOption(args, "format") ?? (f.out.json ? "json" : "env");
    const output = stringOption(args, "output");
    if (flagOption(args, "force") && output === undefined) {
      throw usageError("--force goes with --output FILE", "Run plextv help keys export");
    }
    if (output === "") throw usageError("--output needs a file name", "For example --output plextv.env");
    if (format !== "env" && format !== "json") {
      throw usageError(`Unknown format ${format}`, "Use --format env or --format json");
    }
    const session = await f.session();
    const stored = await session.stored();
    // The device key is the store's: PLEX_TOKEN would not do here.
    if (!stored?.token && !stored?.keyId) throw notSignedIn(session.uri, session.described, false);
    const { source } = await f.signedIn({ envToken: false });
    await source.token({ signal: f.signal });
    const data = (await (await session.store()).load()) ?? stored;
    const variables = toEnvVariables(data, stringOption(args, "prefix"));
    const text = format === "json"
      ? f.out.jsonText(variables)
      : Object.entries(variables).map(([name, value]) => `${name}=${value}`).join("\n");
    if (output !== undefined) {
      await _writePrivate(output, text + "\n", flagOption(args, "force"));
      f.out.success(`Wrote the device's secrets to ${output} (mode 0600)`);
      return EXIT.ok;
    }
    if (f.out.stdout.isTTY) {
      f.out.warn("These are secrets: write them to a file only you can read with --output FILE");
    }
    f.out.secret(text);
    return EXIT.ok;
  },
};

export default command;
