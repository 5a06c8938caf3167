/**
 * What an @lukehagar/plexjs user needs to sign in with a password and read
 * the account, with the SDK's tree-shakable standalone functions.
 * Bundled by `bench/weight.ts`; never run.
 *
 * @module
 */
import { PlexAPICore } from "@lukehagar/plexjs/core.js";
import { authenticationGetTokenDetails } from "@lukehagar/plexjs/funcs/authenticationGetTokenDetails.js";
import { authenticationPostUsersSignInData } from "@lukehagar/plexjs/funcs/authenticationPostUsersSignInData.js";

/** Signs in and returns the account's username. */
export async function signInAndUser(
  clientId: string,
  username: string,
  password: string,
): Promise<string> {
  const signIn = await authenticationPostUsersSignInData(new PlexAPICore(), {
    clientID: clientId,
    requestBody: { login: username, password },
  });
  if (!signIn.ok) throw signIn.error;
  const token = signIn.value.userPlexAccount?.authToken;
  const user = await authenticationGetTokenDetails(
    new PlexAPICore({ accessToken: token }),
  );
  if (!user.ok) throw user.error;
  return user.value.userPlexAccount?.username ?? "";
}
