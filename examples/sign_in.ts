import process from "node:process";
import { defaultConfig, newClientId, withJwt, withPinJwt } from "@plexkit/plextv";
import { vaultStore } from "@plexkit/plextv/plugins/vault";

// The device's key and tokens, encrypted (AES-256-GCM); the passphrase comes from the environment.
const store = vaultStore("plextv.vault", process.env.PLEXTV_VAULT_PASSPHRASE!);
// One client id per installation, kept with the tokens: a new id would be a new device in the account.
const clientId = (await store.load())?.clientId ?? newClientId();

const config = defaultConfig()
  .withClientId(clientId)
  .withDevice({ product: "My Dashboard", version: "1.0.0" });
const source = config.tokenSource(
  withPinJwt((pin, url) => console.error(`Open ${url} to sign in (code ${pin.code})`)), // the first run only
  withJwt(store), // then: the stored JWT, refreshed with the device key when due
);
const account = await config.client(source).user();
console.log(`Signed in as ${account.username}`);
