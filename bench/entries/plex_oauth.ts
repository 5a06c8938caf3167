/**
 * What a plex-oauth user needs to sign in (PIN + hosted login page, the only
 * flow it has) and read the account: plex-oauth has no account call, so the
 * user writes the `fetch` themselves. Bundled by `bench/weight.ts`; never run.
 *
 * @module
 */
import { PlexOauth } from "plex-oauth";

/** Signs in with a PIN and returns the account's username. */
export async function signInAndUser(
  clientId: string,
  show: (url: string) => void,
): Promise<string> {
  const oauth = new PlexOauth({
    clientIdentifier: clientId,
    product: "bench",
    device: "bench",
    version: "1",
  });
  const [url, pinId] = await oauth.requestHostedLoginURL();
  show(url);
  const token = await oauth.checkForAuthToken(pinId, 1_000, 300);
  if (!token) throw new Error("The PIN was not approved");
  const response = await fetch("https://plex.tv/api/v2/user", {
    headers: {
      Accept: "application/json",
      "X-Plex-Client-Identifier": clientId,
      "X-Plex-Token": token,
    },
  });
  if (!response.ok) throw new Error(`plex.tv answered ${response.status}`);
  return ((await response.json()) as { username: string }).username;
}
