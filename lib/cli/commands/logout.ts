/**
 * `plextv logout`: revokes the stored token at plex.tv (a device with a key
 * is removed from the account, which revokes its JWTs and key) and clears the
 * store. With `--force` the store is cleared whatever happens (it cannot be
 * opened, plex.tv cannot be reached), and what could not be done at plex.tv
 * is said.
 *
 * @module
 */
import { isPlexError } from "../../errors.ts";
import { flagOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { CliError, EXIT, exitCodeOf } from "../exit.ts";
import { removeByHand, removeDevice } from "./_device.ts";

const _REJECTED = ["unauthorized", "expired_token", "invalid_token", "jwk_missing"] as const;

/**
 * The `logout` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Revokes the stored token at plex.tv, then deletes what the store holds (token, device key).",
    "A device with a registered key is removed from the account (which revokes its JWTs and key),",
    "so the next login can register this client identifier again; after plextv home switch it is",
    "claimed back with the key first. PLEX_TOKEN is ignored: logout acts on the store.",
    "When plex.tv cannot be reached, or the store cannot be opened (a forgotten passphrase), the",
    "store is kept, unless --force: then it is cleared anyway (exit 0) and a warning says what",
    "could not be done at plex.tv and how to do it by hand.",
  ].join("\n"),
  examples: [
    ["plextv logout", "sign out at plex.tv and clear the store"],
    ["plextv logout --force", "clear the store whatever happens"],
  ],
  async run(f, args) {
    const force = flagOption(args, "force");
    const session = await f.session();
    const where = session.described;
    let stored;
    try {
      stored = await session.stored();
    } catch (err) {
      if (!force || f.signal.aborted || isPlexError(err, "aborted")) throw err;
      await (await session.store()).clear();
      f.out.warn(
        `Could not open ${where} (${(err as Error).message}), so nothing was revoked at plex.tv: ` +
          removeByHand(),
      );
      f.out.success(`Cleared ${where}`);
      return EXIT.ok;
    }
    const store = await session.store();
    if (!stored?.token) {
      if (stored) await store.clear();
      f.out.info(`Not signed in; ${where} holds no token`);
      return EXIT.ok;
    }
    let undone: string | undefined;
    try {
      const { client, config } = await f.signedIn({ envToken: false });
      if (stored.keyId) {
        const reclaim = async () => {
          const again = await f.signedIn({ envToken: false, refresh: true });
          await again.source.token({ signal: f.signal });
          return again.client;
        };
        if (await removeDevice(client, config.clientId, f.signal, reclaim) === "not listed") {
          undone = `plex.tv does not list this device, so its key may stay registered: ${
            removeByHand(config.clientId)
          }`;
        }
      } else {
        await client.signOut({ signal: f.signal });
      }
    } catch (err) {
      if (isPlexError(err, ..._REJECTED)) {
        f.out.warn("plex.tv no longer accepted the token; clearing the store");
      } else if (force && !f.signal.aborted && !isPlexError(err, "aborted")) {
        undone = `Could not sign out at plex.tv (${(err as Error).message}), so the ${
          stored.keyId ? "device key stays registered" : "token stays valid"
        }: ${removeByHand(stored.clientId)}`;
      } else {
        if (f.signal.aborted || isPlexError(err, "aborted") || err instanceof CliError) throw err;
        throw new CliError(`Could not sign out at plex.tv: ${(err as Error).message}`, {
          exitCode: exitCodeOf(err),
          cause: err,
          hint: `${where} was kept; plextv logout --force clears it anyway`,
        });
      }
    }
    await store.clear();
    session.forget();
    if (undone) {
      f.out.warn(undone);
      f.out.success(`Cleared ${where}`);
    } else {
      f.out.success(`Signed out; cleared ${where}`);
    }
    return EXIT.ok;
  },
};

export default command;
