import process from "node:process";
import { createInterface } from "node:readline/promises";
import { defaultConfig, isPlexError, newClientId, type Token } from "@plexkit/plextv";

const config = defaultConfig().withClientId(process.env.PLEXTV_CLIENT_ID ?? newClientId()); // keep your client id
const username = process.env.PLEX_USERNAME!;
const password = process.env.PLEX_PASSWORD!; // from the environment or a prompt, never from argv

let token: Token;
try {
  token = await config.registerWithCredentials(username, password);
} catch (err) {
  if (!isPlexError(err, "verification_code_required")) throw err; // wrong password, ip_blocked, …: err.hint says what to do
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const verificationCode = await prompt.question("Two-factor code: ");
  prompt.close();
  token = await config.registerWithCredentials(username, password, { verificationCode });
}
console.log(`Signed in: ${token}`); // Token(legacy, ***): a token never prints
