/**
 * Payload files the emulator serves instead of its built-in bodies
 * (`createEmulator({ payloads: dir })`): read once at start, never copied.
 *
 * Files used when present:
 * - `user.json`, `user.xml`: `GET /api/v2/user` (JSON / XML); `authToken` is replaced by the caller's token
 * - `signin.json`: `POST /api/v2/users/signin`; `authToken` is replaced by the issued token
 * - `devices.xml`: `GET /devices.xml`; the devices signed in to the emulator are added to it
 * - `resources.json`: `GET /api/v2/resources`, its connections filtered by `includeHttps`/`includeRelay`/`includeIPv6`
 * - `pin_create.json`: only its `location` is copied into PINs (and served by `/api/v2/geoip`)
 * - `invites.xml`: `GET /api/invites/requested` and `/api/invites/requests`
 * - `resources_v1.xml`: `GET /api/resources`; `users_v1.xml`: `GET /api/users`
 * - `openid_configuration.json`: `GET /.well-known/openid-configuration`
 *
 * `jwks.json` is never used: the emulator signs with its own keys and serves
 * those at `/api/v2/auth/keys` (plex.tv's private key is not public).
 *
 * `node:fs` is loaded only when a folder is given, so the handler itself runs
 * where there is no file system (a browser, a worker).
 *
 * @module
 */
import { PlexError } from "../../errors.ts";
/** The payload file names the emulator reads from a folder. */
export const PAYLOAD_FILES: readonly string[] = [
  "user.json",
  "user.xml",
  "signin.json",
  "devices.xml",
  "resources.json",
  "pin_create.json",
  "invites.xml",
  "resources_v1.xml",
  "users_v1.xml",
  "openid_configuration.json",
];

/**
 * The payload files found in a folder, by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { loadPayloads } from "./folder.ts";
 * const folder = await mkdtemp(join(tmpdir(), "payloads-")); // e.g. recorded plex.tv answers
 * await writeFile(join(folder, "user.json"), '{"username":"recorded"}');
 * const payloads = await loadPayloads(folder);
 * assert.equal(payloads.get("user.json"), '{"username":"recorded"}');
 * assert.equal(payloads.get("devices.xml"), undefined); // not in the folder: built in
 * ```
 */
export interface Payloads {
  /** The folder, when one was given. */
  readonly folder?: string;
  /**
   * A file's text.
   *
   * @param name A name from {@linkcode PAYLOAD_FILES}.
   * @returns The text, or `undefined` when built-in payloads are used.
   */
  get(name: string): string | undefined;
}

/**
 * Reads the known payload files of a folder (missing files fall back to the built-in payloads).
 *
 * @param folder The folder, or `undefined` for built-in payloads only.
 * @returns The payloads.
 * @throws {PlexError} `invalid_argument` when the folder holds none of the files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPayloads } from "./folder.ts";
 * const builtIn = await loadPayloads(undefined);
 * assert.equal(builtIn.get("user.json"), undefined);
 * ```
 */
export async function loadPayloads(folder: string | undefined): Promise<Payloads> {
  const files = new Map<string, string>();
  if (folder !== undefined) {
    const { readFile } = await import("node:fs/promises");
    for (const name of PAYLOAD_FILES) {
      try {
        files.set(name, await readFile(`${folder.replace(/[\\/]+$/, "")}/${name}`, "utf8"));
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") throw err;
      }
    }
    if (files.size === 0) {
      throw new PlexError(
        "invalid_argument",
        `The payload folder ${folder} has none of ${PAYLOAD_FILES.join(", ")}`,
      );
    }
  }
  return { folder, get: (name) => files.get(name) };
}
