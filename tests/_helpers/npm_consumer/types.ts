// Type-checked by tsc in the consumer project of .ci/package.sh, without
// skipLibCheck: every entry point's declarations resolve and mean something,
// with the DOM library (tsconfig.json) and without it, as a Node server
// project has them (tsconfig.node.json: ES2023 and @types/node only).
import {
  type Account,
  type Config,
  defaultConfig,
  type DeviceKey,
  exportPrivateJwk,
  generateDeviceKey,
  importPrivateJwk,
  type Jwk,
  PlexError,
  type SecureData,
  type TokenSource,
} from "@plexkit/plextv";
import { type PlexResponse, processUserResponse } from "@plexkit/plextv/protocol";
import { type Emulator, startEmulator } from "@plexkit/plextv/testing";
import { type PopupSignInOptions, signInWithPopup } from "@plexkit/plextv/browser";
import { runCli } from "@plexkit/plextv/cli";
import { vaultScheme, vaultStore } from "@plexkit/plextv/plugins/vault";
import { keychainStore } from "@plexkit/plextv/plugins/keychain";
import { envStore } from "@plexkit/plextv/plugins/env";
import { type RedisStore, redisStore } from "@plexkit/plextv/plugins/redis";

const config: Config = defaultConfig().withClientId("consumer");
const emulator: Promise<Emulator> = startEmulator();
const account = (source: TokenSource): Promise<Account> => config.client(source).user();
const response: PlexResponse = { status: 200, headers: new Headers(), url: "https://plex.tv", body: "{}" };
const redis: RedisStore = redisStore("redis://127.0.0.1:6379/0", { passphrase: "p" });
const popup: PopupSignInOptions = { config, popup: null };
const cli: (argv?: string[]) => Promise<never> = runCli;
void [emulator, account, response, processUserResponse, redis, popup, cli, signInWithPopup];
void [vaultScheme, vaultStore, keychainStore, envStore, PlexError];

// Keys and JWKs pass to and from the runtime's own Web Crypto, whichever library types it.
const webCrypto = async (key: DeviceKey): Promise<DeviceKey["privateKey"]> => {
  const signature: ArrayBuffer = await crypto.subtle.sign("Ed25519", key.privateKey, new Uint8Array(1));
  const exported = await crypto.subtle.exportKey("jwk", key.privateKey);
  const record: SecureData = { version: 1, clientId: "consumer", privateKey: exported };
  const jwk: Jwk = await exportPrivateJwk(key.privateKey);
  void [signature, record.privateKey?.d];
  await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, true, ["sign"]);
  return importPrivateJwk(exported);
};
void generateDeviceKey().then(webCrypto);

// @ts-expect-error the declarations are real types, not `any`: a client id is a string
export const wrong: number = config.clientId;
