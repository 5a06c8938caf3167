/**
 * plextv's recommended sign-in: a PIN registering an Ed25519 device key, the
 * JWT refreshed from a store; then `user()`. Bundled by `bench/weight.ts`; never run.
 *
 * @module
 */
import { defaultConfig, memoryStore, type OnPin, withJwt, withPinJwt } from "../../mod.ts";

/** Signs in with a PIN + device key and returns the account's username. */
export async function signInAndUser(
  clientId: string,
  onPin: OnPin,
): Promise<string> {
  const config = defaultConfig().withClientId(clientId).withDevice({
    product: "bench",
  });
  const client = config.client(
    config.tokenSource(withPinJwt(onPin), withJwt(memoryStore())),
  );
  return (await client.user()).username;
}
