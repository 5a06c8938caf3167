import process from "node:process";
import { StoreRegistry } from "@plexkit/plextv";
import { envScheme } from "@plexkit/plextv/plugins/env";
import { keychainScheme } from "@plexkit/plextv/plugins/keychain";
import { vaultScheme } from "@plexkit/plextv/plugins/vault";

// The schemes this program accepts, besides memory: (importing a plugin registers nothing).
const stores = new StoreRegistry(vaultScheme, keychainScheme, envScheme);
// The URI comes from the user's settings: vault:PATH, keychain:SERVICE, env:PREFIX_, memory:
const store = await stores.open(process.env.MY_APP_STORE ?? "keychain:my-app", {
  passphrase: process.env.MY_APP_VAULT_PASSPHRASE, // a vault's; the others need none
});
const data = await store.load();
console.log(
  `${store}: ${data ? `client id ${data.clientId}, key ${data.keyId ?? "none"}` : "nothing stored yet"}`,
);
