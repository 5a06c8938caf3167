/**
 * Removing this device from the account at plex.tv (which revokes its tokens
 * and its registered key, so the client identifier can sign in again), as
 * `logout` and `login` do it, and where to do it by hand when plextv cannot.
 *
 * @module
 */
import type { Client } from "../../client.ts";
import { isPlexError } from "../../errors.ts";
import { cliDevice } from "../config_resolver.ts";

/** Where a user removes a device by hand: the account's Authorized Devices. */
export const DEVICES_PAGE = "https://app.plex.tv/desktop/#!/settings/devices/all";

/**
 * Removes the device of `clientId` from the signed-in account. A device that
 * is not listed (after `home switch` it shows under the home user) is claimed
 * back first with `reclaim` (a fresh JWT from the device key puts it back in
 * the account that registered the key), then looked up again.
 *
 * @param client A client on the account's token.
 * @param clientId The device's client identifier.
 * @param signal Cancels the requests.
 * @param reclaim Gets the device a new token with its key, when there is a way, and answers a client on
 *   it: used when plex.tv does not list the device, or no longer takes the client's token.
 * @returns `removed`, or `not listed` when plex.tv lists no such device.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../../config.ts";
 * import { Token } from "../../token.ts";
 * import { createEmulator } from "../../testing/mod.ts";
 * import { removeDevice } from "./_device.ts";
 *
 * const emulator = await createEmulator();
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const client = config.client({ token: async () => new Token(emulator.issueLegacyToken({ clientId: "cli" })) });
 * const signal = new AbortController().signal;
 * emulator.issueLegacyToken({ clientId: "old-laptop" }); // a device signed in on the account
 * assert.equal(await removeDevice(client, "old-laptop", signal), "removed");
 * assert.equal(await removeDevice(client, "old-laptop", signal), "not listed"); // then: remove it by hand
 * await emulator.close();
 * ```
 */
export async function removeDevice(
  client: Client,
  clientId: string,
  signal: AbortSignal,
  reclaim?: () => Promise<Client>,
): Promise<"removed" | "not listed"> {
  let current = client;
  const find = async () =>
    (await current.registeredDevices({ signal })).find((d) => d.clientIdentifier === clientId);
  let own;
  try {
    own = await find();
  } catch (err) {
    // A JWT plex.tv no longer takes, whose device key still works: the device is removed with a new one.
    if (!reclaim || !isPlexError(err, "unauthorized")) throw err;
    current = await reclaim();
    own = await find();
  }
  if (!own && reclaim && current === client) {
    current = await reclaim();
    own = await find();
  }
  if (!own) return "not listed";
  await current.removeDevice(own, { signal });
  return "removed";
}

/**
 * How to remove a device by hand.
 *
 * @param clientId The device's client identifier, when known.
 * @returns One sentence for a hint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeByHand } from "./_device.ts";
 * assert.match(removeByHand("abc"), /client id abc/);
 * ```
 */
export function removeByHand(clientId?: string): string {
  // plex.tv lists a device by its name (this host's), with the product under it.
  const id = clientId ? `, client id ${clientId}` : "";
  return `remove the device "${cliDevice().deviceName}" (plextv CLI${id}) at ${DEVICES_PAGE}`;
}
