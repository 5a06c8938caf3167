/**
 * `plextv logout`: revokes the stored token at plex.tv and clears the store.
 *
 * @module
 */
import { isPlexError } from "../../errors.ts";
import { flagOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";

/**
 * The `logout` command's help and what it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import command from "./logout.ts";
 * assert.equal(typeof command.run, "function");
 * ```
 */
const command: CommandModule = {
  examples: [["plextv logout", "sign out at plex.tv and clear the store"], [
    "plextv logout --force",
    "clear the store whatever happens",
  ]],
  description: [
    "Revokes the stored token at plex.tv, then deletes what the store holds (token, device key).",
    "A device with a registered key is removed from the account (which revokes its JWTs and key),",
    "so the next login can register this client identifier again.",
    "PLEX_TOKEN is ignored: logout acts on the store. When plex.tv cannot be reached the store",
    "is kept, unless --force.",
  ].join("\n"),
  async run(f, args) {
    const session = await f.session();
    const stored = await session.stored();
    const store = await session.store();
    const where = session.described;
    if (!stored?.token) {
      if (stored) await store.clear();
      f.out.info(`Not signed in; ${where} holds no token`);
      return EXIT.ok;
    }
    try {
      const { client, config } = await f.signedIn({ envToken: false });
      const own = stored.keyId
        ? (await client.registeredDevices({ signal: f.signal })).find((d) =>
          d.clientIdentifier === config.clientId
        )
        : undefined;
      if (own) await client.removeDevice(own, { signal: f.signal });
      else await client.signOut({ signal: f.signal });
    } catch (err) {
      if (isPlexError(err, "unauthorized", "expired_token", "invalid_token", "jwk_missing")) {
        f.out.warn("plex.tv no longer accepted the token; clearing the store");
      } else if (flagOption(args, "force") && !f.signal.aborted) {
        f.out.warn(`Signing out at plex.tv failed (${(err as Error).message}); clearing the store anyway`);
      } else {
        throw err;
      }
    }
    await store.clear();
    f.out.success(`Signed out; cleared ${where}`);
    return EXIT.ok;
  },
};

export default command;
