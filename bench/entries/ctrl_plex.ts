/**
 * What an @ctrl/plex user needs to sign in with a password and load the
 * account (`MyPlexAccount.connect()` signs in, then reads the account).
 * Bundled by `bench/weight.ts`; never run.
 *
 * @module
 */
import { MyPlexAccount } from "@ctrl/plex";

/** Signs in and returns the account's username. */
export async function signInAndUser(
  username: string,
  password: string,
): Promise<string | undefined> {
  const account = await new MyPlexAccount(null, username, password).connect();
  return account.username;
}
