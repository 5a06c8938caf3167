/**
 * A plex.tv emulator for testing tools that talk to plex.tv: every
 * authentication flow (credentials with 2FA, PIN, Ed25519 JWT), the account
 * endpoints, strict validation, and fault injection — on 127.0.0.1, in process.
 *
 * @example Test a sign-in against the emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "./mod.ts";
 * import { defaultConfig } from "../config.ts";
 *
 * const emulator = await startEmulator();
 * try {
 *   const config = defaultConfig().withClientId("my-tool-test").withUrls(emulator.url)
 *     .withAuthAppUrl(`${emulator.url}/auth`);
 *   const token = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 50 });
 *   assert.ok(token.isLegacy());
 * } finally {
 *   await emulator.close();
 * }
 * ```
 *
 * @module
 */
export { startEmulator } from "./emulator.ts";
export type { Emulator, EmulatorOptions, IssueJwtOptions } from "./emulator.ts";
export type { AddUserOptions, EmulatorUser, EmulatorUsers } from "./accounts.ts";
export type { Fault, FaultAction, FaultHandle, FaultRequest, RequestMatch } from "./faults.ts";
export type { RequestRecord } from "./request_log.ts";
export { PAYLOAD_FILES } from "./payloads.ts";
export { registerDevice } from "./register_device.ts";
export type { RegisterDeviceOptions, RegisteredDevice } from "./register_device.ts";
export type { PublicJwk } from "../keys.ts";
