/**
 * What a plextv user needs to sign in with a password and call `user()`.
 * Bundled by `bench/weight.ts`; never run.
 *
 * @module
 */
import { defaultConfig, withCredentials } from "../../mod.ts";

/** Signs in and returns the account's username. */
export async function signInAndUser(
  clientId: string,
  username: string,
  password: string,
): Promise<string> {
  const config = defaultConfig().withClientId(clientId).withDevice({
    product: "bench",
  });
  const client = config.client(
    config.tokenSource(withCredentials(username, password)),
  );
  return (await client.user()).username;
}
