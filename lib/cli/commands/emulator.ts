/**
 * `plextv emulator`: runs the plex.tv emulator for local development until
 * Ctrl-C, and says how to point plextv (or any Plex client) at it.
 *
 * @module
 */
import { integerOption, stringOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT } from "../exit.ts";
import { fields } from "../table.ts";

/** A `--payloads` folder that is not there, or is not a folder, is a usage error (exit 2). */
async function _checkPayloadFolder(folder: string): Promise<void> {
  const { stat } = await import("node:fs/promises");
  const found = await stat(folder).catch((err: { code?: unknown }) => {
    if (err?.code === "ENOENT" || err?.code === "ENOTDIR") return undefined;
    throw new CliError(`Cannot read the payload folder ${folder}`, {
      exitCode: EXIT.usage,
      cause: err,
      hint: "Check its permissions, or pass another folder with --payloads DIR",
    });
  });
  if (!found?.isDirectory()) {
    throw new CliError(`The payload folder ${folder} ${found ? "is not a folder" : "does not exist"}`, {
      exitCode: EXIT.usage,
      hint: "Pass a folder of recorded plex.tv payloads with --payloads DIR",
    });
  }
}

/**
 * What a failed start means for the user: a port in use or not allowed (each runtime words it its own
 * way), a payload folder.
 */
function _startFailure(err: unknown, port: number, payloads: string | undefined): unknown {
  if ((err as { code?: unknown })?.code === "EADDRINUSE") {
    return new CliError(`Port ${port} is in use`, {
      exitCode: EXIT.failure,
      cause: err,
      hint: "Choose another with --port N (--port 0 takes a free one)",
    });
  }
  if ((err as { code?: unknown })?.code === "EACCES") {
    return new CliError(`Port ${port} may not be used by this user`, {
      exitCode: EXIT.failure,
      cause: err,
      hint:
        "Ports below 1024 need privileges: choose one from 1024 up with --port N (--port 0 takes a free one)",
    });
  }
  if (payloads !== undefined && err instanceof Error && err.message.startsWith("The payload folder ")) {
    return new CliError(err.message, {
      exitCode: EXIT.usage,
      cause: err,
      hint: "Pass a folder of recorded plex.tv payloads with --payloads DIR",
    });
  }
  return err;
}

/**
 * The `emulator` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Serves plex.tv's and clients.plex.tv's endpoints on 127.0.0.1 (sign-in, PINs, JWT keys,",
    "account, resources, home), with seeded demo accounts. Point plextv at it with PLEXTV_URL.",
    "Approve PINs in the browser at its /link page, or automatically with --auto-approve.",
    "It answers only requests naming 127.0.0.1/localhost with its port (or a --host name), and",
    "browsers only from loopback origins (or a --cors-origin); see docs/emulator.md.",
  ].join("\n"),
  examples: [
    ["plextv emulator --port 8080", "then, in another terminal:"],
    [
      "PLEXTV_URL=http://127.0.0.1:8080 PLEXTV_STORE=vault:/tmp/dev.vault plextv login -u plexuser",
      "sign in",
    ],
  ],
  async run(f, args) {
    const port = integerOption(args, "port", 0, 65535) ?? 0;
    const autoApprove = integerOption(args, "auto-approve", 0, 3_600_000);
    const offset = integerOption(args, "clock-offset", -31_536_000, 31_536_000);
    const logSize = integerOption(args, "log-size", 0, 1_000_000);
    const list = (name: string) => {
      const value = args.values[name];
      return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
    };
    const payloads = stringOption(args, "payloads");
    if (payloads !== undefined) await _checkPayloadFolder(payloads);
    const { startEmulator } = await import("../../testing/mod.ts");
    let server;
    try {
      server = await startEmulator({
        port,
        payloads,
        autoApprovePins: autoApprove ?? false,
        hosts: list("host"),
        corsOrigins: list("cors-origin"),
        clockOffsetMs: (offset ?? 0) * 1000,
        requestLogSize: logSize,
      });
    } catch (err) {
      throw _startFailure(err, port, payloads);
    }
    const users = server.users;
    const { bold, cyan, dim } = f.out.dataStyle;
    f.out.data({
      url: server.url,
      account: { username: users.default.username, password: users.default.password },
      twoFactorAccount: {
        username: users.twoFactor.username,
        password: users.twoFactor.password,
        verificationCode: users.twoFactor.verificationCode,
      },
    }, () =>
      [
        `${bold("plex.tv emulator")} listening on ${cyan(server.url)} ${dim("(Ctrl-C to stop)")}`,
        "",
        fields([
          ["Account", `${users.default.username} / ${users.default.password}`],
          [
            "2FA account",
            `${users.twoFactor.username} / ${users.twoFactor.password}, code ${users.twoFactor.verificationCode}`,
          ],
          [
            "Approve PINs",
            autoApprove !== undefined ? `automatically after ${autoApprove} ms` : `${server.url}/link`,
          ],
        ], dim).split("\n").map((line) => `  ${line}`).join("\n"),
        "",
        "Try:",
        `  export PLEXTV_URL=${server.url} PLEXTV_STORE=vault:/tmp/plextv-emulator.vault`,
        `  plextv login --credentials --username ${users.default.username} --jwt`,
      ].join("\n"));
    await new Promise<void>((resolve) => {
      if (f.signal.aborted) resolve();
      f.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await server.close();
    f.out.info("Emulator stopped");
    return EXIT.ok;
  },
};

export default command;
