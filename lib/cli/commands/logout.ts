/**
 * `plextv logout`: revokes the stored token at plex.tv and clears the store.
 *
 * @module
 */
import { isPlexError } from "../../errors.ts";
import { type Command, flagOption } from "../command.ts";
import { EXIT } from "../exit.ts";
import { describeStore } from "./_describe.ts";

/**
 * The `logout` command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logout } from "./logout.ts";
 * assert.equal(logout.name, "logout");
 * ```
 */
export const logout: Command = {
  name: "logout",
  summary: "Sign out at plex.tv and clear the store",
  usage: "plextv logout [--force]",
  description: [
    "Revokes the stored token at plex.tv, then deletes what the store holds (token, device key).",
    "A device with a registered key is removed from the account (which revokes its JWTs and key),",
    "so the next login can register this client identifier again.",
    "PLEX_TOKEN is ignored: logout acts on the store. When plex.tv cannot be reached the store",
    "is kept, unless --force.",
  ].join("\n"),
  options: {
    force: { type: "boolean", help: "Clear the store even when plex.tv cannot be reached" },
  },
  async run(ctx, args) {
    const stored = await ctx.stored();
    const store = await ctx.store();
    const where = describeStore(ctx.storeUri);
    if (!stored?.token) {
      if (stored) await store.clear();
      ctx.out.info(`Not signed in; ${where} holds no token`);
      return EXIT.ok;
    }
    try {
      const { client, config } = await ctx.client({ envToken: false });
      const own = stored.keyId
        ? (await client.registeredDevices({ signal: ctx.signal })).find((d) =>
          d.clientIdentifier === config.clientId
        )
        : undefined;
      if (own) await client.removeDevice(own, { signal: ctx.signal });
      else await client.signOut({ signal: ctx.signal });
    } catch (err) {
      if (isPlexError(err, "unauthorized", "expired_token", "invalid_token", "jwk_missing")) {
        ctx.out.warn("plex.tv no longer accepted the token; clearing the store");
      } else if (flagOption(args, "force") && !ctx.signal.aborted) {
        ctx.out.warn(`Signing out at plex.tv failed (${(err as Error).message}); clearing the store anyway`);
      } else {
        throw err;
      }
    }
    await store.clear();
    ctx.out.success(`Signed out; cleared ${where}`);
    return EXIT.ok;
  },
};
