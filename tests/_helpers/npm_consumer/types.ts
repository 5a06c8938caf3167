// Type-checked by tsc in the consumer project of .ci/package.sh, without
// skipLibCheck: every entry point's declarations resolve and mean something.
import { type Account, type Config, defaultConfig, PlexError, type TokenSource } from "@plexkit/plextv";
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

// @ts-expect-error the declarations are real types, not `any`: a client id is a string
export const wrong: number = config.clientId;
