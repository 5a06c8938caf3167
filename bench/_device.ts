/**
 * A device registered at the plex.tv emulator, as a restarted program would
 * find it in its store: client id, device key and a Plex JWT.
 *
 * @module
 */
import { type Config, defaultConfig, type SecureData, type Token } from "../mod.ts";
import { type Emulator, registerDevice } from "../lib/testing/mod.ts";

/**
 * What {@linkcode registeredDevice} returns.
 *
 * @example
 * ```ts
 * import type { RegisteredDevice } from "./_device.ts";
 * const clientIdOf = (device: RegisteredDevice): string => device.data.clientId;
 * ```
 */
export interface RegisteredDevice {
  /** A Config pointed at the emulator, with the device's client id. */
  config: Config;
  /** What a store holds for the device. */
  data: SecureData;
  /** The stored Plex JWT. */
  jwt: Token;
}

/**
 * Signs in with the emulator's default user, registers a device key, and
 * mints a Plex JWT for it (these requests are the setup, not the measure).
 *
 * @param emulator The emulator.
 * @param expiresInSeconds The JWT's lifetime from now; negative: already expired.
 * @returns The Config, the data to store, and the JWT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { registeredDevice } from "./_device.ts";
 * import { startEmulator } from "../lib/testing/mod.ts";
 * const emulator = await startEmulator();
 * try {
 *   const { data, jwt } = await registeredDevice(emulator, -60);
 *   assert.ok(data.token === jwt.value && !jwt.isValid());
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function registeredDevice(
  emulator: Emulator,
  expiresInSeconds: number,
): Promise<RegisteredDevice> {
  const { clientId, data, jwt } = await registerDevice(emulator, {
    expiresInSeconds,
  });
  const config = defaultConfig().withClientId(clientId).withUrls(emulator.url)
    .withAuthAppUrl(`${emulator.url}/auth`);
  return { config, data, jwt };
}
