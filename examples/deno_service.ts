/**
 * A long-running service's sign-in, the way plextv is meant to be used:
 * the first run signs in once (credentials here) and registers a device key;
 * every later run loads the key from an encrypted vault and only refreshes
 * the 7-day JWT when it nears expiry — no new "device" in the account.
 *
 * Run it against the built-in plex.tv emulator (no account needed):
 *
 *   deno run -A examples/deno_service.ts
 *
 * or against plex.tv with your own account:
 *
 *   PLEXTV_URL=https://plex.tv PLEX_USERNAME=me PLEX_PASSWORD=... PLEXTV_VAULT_PASSPHRASE=... \
 *     deno run -A examples/deno_service.ts
 *
 * @module
 */
import { defaultConfig, newClientId, withCredentials, withJwt, withLogger } from "../mod.ts";
import { Vault } from "../plugins/vault.ts";
import { startEmulator } from "../lib/testing/mod.ts";

const emulator = Deno.env.get("PLEXTV_URL") ? undefined : await startEmulator();
const url = Deno.env.get("PLEXTV_URL") ?? emulator!.url;
const dir = Deno.env.get("EXAMPLE_DIR") ?? await Deno.makeTempDir({ prefix: "plextv-example-" });

// The client id is created once and kept beside the vault: a new id would be a new device.
const idFile = `${dir}/client-id`;
const clientId = await Deno.readTextFile(idFile).catch(async () => {
  const id = newClientId();
  await Deno.writeTextFile(idFile, id);
  return id;
});

const config = defaultConfig()
  .withClientId(clientId)
  .withDevice({ product: "plextv example service", version: "1.0.0" })
  .withUrls(url, Deno.env.get("PLEXTV_V2_URL") ?? url);

const source = config.tokenSource(
  withCredentials(Deno.env.get("PLEX_USERNAME") ?? "plexuser", Deno.env.get("PLEX_PASSWORD") ?? "plexpass"),
  withJwt(new Vault(`${dir}/plextv.vault`, Deno.env.get("PLEXTV_VAULT_PASSPHRASE") ?? "example passphrase")),
  withLogger({ ...console, debug: () => {} }),
);
const client = config.client(source);

try {
  for (let run = 1; run <= 3; run++) {
    const user = await client.user();
    const token = await source.token();
    console.log(`run ${run}: signed in as ${user.username}; ${token}`);
  }
  if (emulator) {
    const count = (m: string) => emulator.count(m);
    console.log(
      `plex.tv saw: ${count("POST /api/v2/users/signin")} sign-in, ${
        count("POST /api/v2/auth/jwk")
      } key upload, ` +
        `${count("GET /api/v2/auth/nonce")} nonce, ${count("POST /api/v2/auth/token")} token exchange, ` +
        `${count("GET /api/v2/user")} user calls`,
    );
  }
} finally {
  await emulator?.close();
}
