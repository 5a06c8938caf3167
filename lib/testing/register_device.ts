/**
 * A device already registered at the emulator, with the data a secure store
 * would hold for it: for testing how a tool restarts with a stored JWT
 * (fresh or expired) without going through a sign-in each time.
 *
 * @module
 */
import { defaultConfig } from "../config.ts";
import { newClientId } from "../client_id.ts";
import { type DeviceKey, exportPrivateJwk } from "../keys.ts";
import type { SecureData } from "../store/store.ts";
import { Token } from "../token.ts";
import { checkFields, type FieldRule, is } from "./check.ts";
import type { Emulator } from "./emulator.ts";

/**
 * Options of {@linkcode registerDevice}.
 *
 * @example
 * ```ts
 * import type { RegisterDeviceOptions } from "./register_device.ts";
 * const expired: RegisterDeviceOptions = { expiresInSeconds: -60 };
 * ```
 */
export interface RegisterDeviceOptions {
  /** The device's client identifier. Default: a new one. */
  clientId?: string;
  /** The account that signs in. Default: the emulator's default account. */
  username?: string;
  /** Its password. Default: the default account's. */
  password?: string;
  /** Seconds from `issuedAt` until the stored JWT expires; negative for one that already has. Default: the emulator's lifetime. */
  expiresInSeconds?: number;
  /** The JWT's `iat`, unix seconds. Default: now. */
  issuedAt?: number;
}

const OPTION_RULES: { readonly [name in keyof RegisterDeviceOptions]-?: FieldRule } = {
  clientId: { is: is.text, must: "a client identifier" },
  username: { is: is.text, must: "a username" },
  password: { is: is.string, must: "a string" },
  expiresInSeconds: { is: is.finite, must: "a finite number of seconds" },
  issuedAt: { is: is.finite, must: "a finite number of unix seconds" },
};

/**
 * A device registered at the emulator.
 *
 * @example
 * ```ts
 * import type { EmulatorDevice } from "./register_device.ts";
 * function stored(device: EmulatorDevice): string | undefined { return device.data.keyId; }
 * ```
 */
export interface EmulatorDevice {
  /** The client identifier. */
  clientId: string;
  /** The registered Ed25519 key. */
  key: DeviceKey;
  /** The Plex JWT issued for the key. */
  jwt: Token;
  /** What a secure store holds for this device: client id, key id, private key, token and its expiry. */
  data: SecureData;
}

/**
 * Registers a device at the emulator the way a first run does (a sign-in and a
 * key upload: two requests) and mints its JWT with the lifetime you choose.
 * Save `data` in a store and start your tool against the emulator to test a
 * restart: with a fresh JWT it should make no request, with an expired one a
 * nonce and a token request.
 *
 * @param emulator The emulator (in process or served).
 * @param options Client id, account and the JWT's remaining lifetime.
 * @returns The device, its key, its JWT and the store data.
 * @throws {PlexError} `invalid_argument` for an unusable or unknown option.
 *
 * @example A restart with an expired JWT
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEmulator } from "./mod.ts";
 * import { registerDevice } from "./register_device.ts";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { withJwt } from "../token_sources/options.ts";
 *
 * const emulator = await createEmulator();
 * const device = await registerDevice(emulator, { expiresInSeconds: -60 });
 * emulator.resetRequests();
 * const config = defaultConfig().withClientId(device.clientId).withUrls(emulator.url).withFetch(emulator.fetch);
 * await config.tokenSource(withJwt(memoryStore(device.data))).token();
 * assert.equal(emulator.requests.length, 2);
 * await emulator.close();
 * ```
 */
export async function registerDevice(
  emulator: Emulator,
  options: RegisterDeviceOptions = {},
): Promise<EmulatorDevice> {
  checkFields(options, OPTION_RULES, "registerDevice option");
  const clientId = options.clientId ?? newClientId();
  const account = emulator.users.default;
  const config = defaultConfig().withClientId(clientId).withUrls(emulator.url).withFetch(emulator.fetch);
  const legacy = await config.registerWithCredentials(
    options.username ?? account.username,
    options.password ?? account.password!,
  );
  const key = await config.generateAndUploadPublicKey(legacy);
  const jwt = new Token(
    await emulator.issueJwt({
      clientId,
      username: options.username,
      expiresInSeconds: options.expiresInSeconds,
      issuedAt: options.issuedAt,
    }),
  );
  const data: SecureData = {
    version: 1,
    clientId,
    keyId: key.keyId,
    privateKey: await exportPrivateJwk(key.privateKey),
    token: jwt.value,
    tokenExpiresAt: jwt.expiresAt?.toISOString(),
  };
  return { clientId, key, jwt, data };
}
