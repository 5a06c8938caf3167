/**
 * A plex.tv emulator for testing tools that talk to plex.tv: every
 * authentication flow (credentials with 2FA, PIN, Ed25519 JWT), the account
 * API (user, devices, resources, home, friends, webhooks, geoip, watchlist),
 * rules backed by evidence about the real service, and fault injection.
 *
 * `createEmulator()` gives a `fetch` that answers in process (no port):
 * pass `emulator.fetch` to `Config.withFetch()` or to any client that takes a
 * `fetch`. `startEmulator()` serves the same on 127.0.0.1 for what needs a
 * socket (child processes, browsers, connection resets).
 *
 * @example Test a PIN sign-in against the in-process emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEmulator } from "./mod.ts";
 * import { defaultConfig } from "../config.ts";
 *
 * const emulator = await createEmulator();
 * const config = defaultConfig().withClientId("my-tool-test").withUrls(emulator.url)
 *   .withAuthAppUrl(`${emulator.url}/auth`).withFetch(emulator.fetch);
 * const token = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 50 });
 * assert.ok(token.isLegacy());
 * await emulator.close();
 * ```
 *
 * @module
 */
export { createEmulator } from "./emulator.ts";
export { startEmulator } from "./server.ts";
export type { Emulator } from "./emulator.ts";
export type { EmulatorOptions, IssueJwtOptions } from "./options.ts";
export type { AddUserOptions, EmulatorUser, EmulatorUsers } from "./state/accounts.ts";
export type { Fault, FaultAction, FaultHandle, FaultRequest, RequestMatch } from "./faults.ts";
export type { RequestRecord } from "./request_log.ts";
export { PAYLOAD_FILES } from "./payloads/folder.ts";
export { registerDevice } from "./register_device.ts";
export type { EmulatorDevice, RegisterDeviceOptions } from "./register_device.ts";
export type { PublicJwk } from "../keys.ts";
export type { DeviceKey } from "../keys.ts";
export type { PlexJwtClaims, Token } from "../token.ts";
export type { SecureData } from "../store/store.ts";
