/**
 * Sign in by sending the whole page to the Plex auth app and back through
 * `forwardUrl`: {@linkcode startForwardedSignIn} before leaving,
 * {@linkcode finishForwardedSignIn} on every page load.
 *
 * @module
 */
import { sleep } from "../clock.ts";
import { isPlexError, PlexError } from "../errors.ts";
import { checkForwardUrl, checkPollInterval, pinRequest } from "../flows/pin.ts";
import type { DeviceKey } from "../keys.ts";
import { number, object, optional, parse, string } from "../parse/validate.ts";
import type { Token } from "../token.ts";
import { type BrowserSignInContext, checkPin } from "./context.ts";
import {
  type BrowserStorage,
  getItem,
  removeItem,
  setItem,
  storageKeyOption,
  storageOption,
} from "./storage.ts";

/** The `sessionStorage` key of the pending forwarded sign-in. */
const PENDING_KEY = "plextv:pending-sign-in";

interface PageLocation {
  readonly href: string;
  assign(url: string): void;
}

/**
 * Options of {@linkcode startForwardedSignIn}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { type ForwardedSignInStartOptions, startForwardedSignIn } from "./forwarded.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch)
 *   .withAuthAppUrl(`${emulator.url}/auth`);
 * const items = new Map<string, string>(); // stands in for sessionStorage
 * const storage = {
 *   getItem: (key: string) => items.get(key) ?? null,
 *   setItem: (key: string, value: string) => void items.set(key, value),
 *   removeItem: (key: string) => void items.delete(key),
 * };
 * const visited: string[] = [];
 * const options: ForwardedSignInStartOptions = {
 *   config,
 *   forwardUrl: "https://dashboard.example/", // in a page: location.href
 *   storage,
 *   navigate: (url) => void visited.push(url), // in a page: the default, location.assign(url)
 * };
 * await startForwardedSignIn(options);
 * assert.ok(visited[0]?.startsWith(`${emulator.url}/auth#?`));
 * assert.equal(items.size, 1); // the pending PIN
 * await emulator.close();
 * ```
 */
export interface ForwardedSignInStartOptions {
  /** The configuration (a `Config` with a client id). */
  config: BrowserSignInContext;
  /** Where the auth app sends the browser after approval. Default: the current page (`location.href`). */
  forwardUrl?: string;
  /** Cancels the PIN request. */
  signal?: AbortSignal;
  /** A device key to register with the PIN, for a Plex JWT; pass the same key to {@linkcode finishForwardedSignIn}. */
  key?: DeviceKey;
  /** Where the pending sign-in is kept. Default `sessionStorage`. */
  storage?: BrowserStorage;
  /** The storage key. Default `plextv:pending-sign-in`. */
  storageKey?: string;
  /** Goes to the auth app URL. Default `location.assign(url)`. */
  navigate?: (url: string) => void;
}

/**
 * Starts a sign-in that leaves the page: requests a strong PIN with a
 * `forwardUrl`, keeps the PIN id and code in `sessionStorage`, and navigates
 * the page to the Plex auth app. After the user approves, the auth app sends
 * the browser back to `forwardUrl`, where {@linkcode finishForwardedSignIn}
 * completes it. Use it where popups are unwelcome (mobile, installed web apps).
 *
 * @param options The configuration, the forward URL, a signal, an optional device key, storage and navigation.
 * @returns Once the navigation has started.
 * @throws {PlexError} `invalid_argument`, before anything is sent, for a forward URL that is not an
 *   absolute http(s) URL, a `navigate` that is not a function, an empty `storageKey` or a `storage`
 *   without `getItem`, `setItem` and `removeItem`; `store_unavailable`/`store_error` when the storage
 *   cannot be used, and any request error.
 *
 * @example The round trip against the plex.tv emulator, with an in-memory storage
 * ```ts
 * import assert from "node:assert/strict";
 * import { finishForwardedSignIn, startForwardedSignIn } from "./forwarded.ts";
 * import { defaultConfig } from "../config.ts";
 * import { startEmulator } from "../testing/mod.ts";
 *
 * const emulator = await startEmulator();
 * try {
 *   const config = defaultConfig().withClientId("forward-example").withUrls(emulator.url)
 *     .withAuthAppUrl(`${emulator.url}/auth`);
 *   const items = new Map<string, string>();
 *   const storage = {
 *     getItem: (key: string) => items.get(key) ?? null,
 *     setItem: (key: string, value: string) => void items.set(key, value),
 *     removeItem: (key: string) => void items.delete(key),
 *   };
 *   await startForwardedSignIn({
 *     config,
 *     storage,
 *     forwardUrl: "https://dashboard.example/",
 *     // the page leaves for the auth app, where the user approves the PIN
 *     navigate: (url) => emulator.approvePin(new URLSearchParams(new URL(url).hash.slice(2)).get("code")!),
 *   });
 *   const token = await finishForwardedSignIn({ config, storage }); // back on the page
 *   assert.ok(token?.isLegacy());
 *   assert.equal(await finishForwardedSignIn({ config, storage }), undefined); // nothing pending now
 * } finally {
 *   await emulator.close();
 * }
 * ```
 *
 * @example A "sign in with Plex" link that leaves the page
 * Not run by `deno test --doc`: it needs a page (`document`, `location`); the round trip above runs.
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId, startForwardedSignIn } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * document.querySelector("#sign-in")!.addEventListener("click", () => {
 *   void startForwardedSignIn({ config, forwardUrl: location.href });
 * });
 * ```
 */
export async function startForwardedSignIn(options: ForwardedSignInStartOptions): Promise<void> {
  const { config, key, signal } = options;
  const location = pageLocation();
  const forwardUrl = checkForwardUrl(options.forwardUrl === undefined ? location?.href : options.forwardUrl);
  if (forwardUrl === undefined) {
    throw new PlexError("invalid_argument", "There is no page to come back to here: pass forwardUrl");
  }
  if (options.navigate !== undefined && typeof options.navigate !== "function") {
    throw new PlexError("invalid_argument", "navigate must be a function that goes to the URL it is given");
  }
  const navigate = options.navigate ?? (location ? (target: string) => location.assign(target) : undefined);
  if (!navigate) throw new PlexError("invalid_argument", "There is no page to navigate here: pass navigate");
  const storageKey = storageKeyOption(options.storageKey, PENDING_KEY);
  const storage = storageOption(options.storage, "sessionStorage");
  const { pin, url } = await pinRequest(config, { strong: true, forwardUrl, jwk: key?.publicJwk, signal });
  const pending: PendingSignIn = {
    id: pin.id,
    code: pin.code,
    clientId: config.clientId,
    // On this browser's clock, which reads it back: plex.tv's expiresAt is on plex.tv's.
    expiresAt: new Date(Date.now() + pin.expiresIn * 1000).toISOString(),
    keyId: key?.keyId,
  };
  setItem(storage, storageKey, JSON.stringify(pending));
  navigate(url);
}

/**
 * Options of {@linkcode finishForwardedSignIn}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { finishForwardedSignIn, type ForwardedSignInFinishOptions, startForwardedSignIn } from "./forwarded.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch)
 *   .withAuthAppUrl(`${emulator.url}/auth`);
 * const items = new Map<string, string>(); // stands in for sessionStorage
 * const storage = {
 *   getItem: (key: string) => items.get(key) ?? null,
 *   setItem: (key: string, value: string) => void items.set(key, value),
 *   removeItem: (key: string) => void items.delete(key),
 * };
 * await startForwardedSignIn({ config, storage, forwardUrl: "https://dashboard.example/", navigate: () => {} });
 * const options: ForwardedSignInFinishOptions = { config, storage, waitMs: 300, pollInterval: 100 };
 * await assert.rejects(finishForwardedSignIn(options), { code: "pin_not_approved" }); // came back without approving
 * assert.equal(await finishForwardedSignIn(options), undefined); // nothing pending any more
 * await emulator.close();
 * ```
 */
export interface ForwardedSignInFinishOptions {
  /** The configuration: the same client id as when the sign-in started. */
  config: BrowserSignInContext;
  /** Cancels the checks (the pending sign-in is kept). */
  signal?: AbortSignal;
  /** The device key given to {@linkcode startForwardedSignIn}, if any. */
  key?: DeviceKey;
  /** Where the pending sign-in was kept. Default `sessionStorage`. */
  storage?: BrowserStorage;
  /** The storage key. Default `plextv:pending-sign-in`. */
  storageKey?: string;
  /** How long to keep checking a PIN that is not approved yet (`Infinity`: while it lives). Default 5 000 ms. */
  waitMs?: number;
  /** Milliseconds between checks. Default 1 000. */
  pollInterval?: number;
}

/**
 * Completes a sign-in started by {@linkcode startForwardedSignIn}, after the
 * auth app sent the browser back: reads the pending PIN, checks it (for up to
 * `waitMs` while it is not approved yet), clears it and resolves the token.
 * Call it on every page load: it resolves `undefined` when no sign-in is pending.
 *
 * The pending PIN is cleared once the outcome is final (a token, an expired or
 * unapproved PIN, another client id, unreadable data); it is kept after a
 * network error, a timeout, rate limiting, a server error or an abort, so a
 * later call can still finish.
 *
 * @param options The configuration, a signal, the device key, storage, wait and poll interval.
 * @returns The token, or `undefined` when no sign-in is pending.
 * @throws {PlexError} `pin_expired` when the PIN expired, `pin_not_approved` when the user
 *   came back without approving it, `invalid_client_id` when the sign-in was started with
 *   another client id, `store_corrupt` when the pending data is unreadable, `invalid_argument`
 *   when the sign-in registered a device key and `key` is not that key (and, before storage is read,
 *   for an empty `storageKey`, a `storage` without its three methods, a `waitMs` that is not a
 *   number of milliseconds, 0 or more (Infinity included), or a `pollInterval` that is not a finite one above 0), and any
 *   request error.
 *
 * @example On page load
 * Not run by `deno test --doc`: it needs a page that the auth app sent back (`sessionStorage`).
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId, finishForwardedSignIn } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * const token = await finishForwardedSignIn({ config });
 * if (token) sessionStorage.setItem("plex-token", token.value);
 * ```
 */
export async function finishForwardedSignIn(
  options: ForwardedSignInFinishOptions,
): Promise<Token | undefined> {
  const { config, key } = options;
  const storageKey = storageKeyOption(options.storageKey, PENDING_KEY);
  const storage = storageOption(options.storage, "sessionStorage");
  const waitMs = options.waitMs ?? 5_000;
  // Infinity waits as long as the PIN lives.
  if (typeof waitMs !== "number" || !(waitMs >= 0)) {
    throw new PlexError("invalid_argument", "waitMs must be a number of milliseconds, 0 or more");
  }
  checkPollInterval(options.pollInterval);
  const raw = getItem(storage, storageKey);
  if (raw === null) return undefined;
  let pending: PendingSignIn;
  try {
    pending = parsePending(raw);
  } catch (cause) {
    removeItem(storage, storageKey);
    throw new PlexError("store_corrupt", "The pending sign-in in browser storage is unreadable", {
      cause,
      hint: "Sign in again",
    });
  }
  if (pending.keyId !== undefined && key?.keyId !== pending.keyId) {
    throw new PlexError(
      "invalid_argument",
      "This sign-in registered a device key: pass the same key to finish it",
    );
  }
  try {
    const token = await awaitApproval(config, pending, options);
    removeItem(storage, storageKey);
    return token;
  } catch (err) {
    if (!isPlexError(err, "network_error", "timeout", "aborted", "too_many_requests", "server_error")) {
      removeItem(storage, storageKey);
    }
    throw err;
  }
}

interface PendingSignIn {
  id: number;
  code: string;
  clientId: string;
  expiresAt: string;
  keyId?: string;
}

const pendingValidator = object<PendingSignIn>({
  id: number,
  code: string,
  clientId: string,
  expiresAt: string,
  keyId: optional(string),
});

function parsePending(raw: string): PendingSignIn {
  const pending = parse(pendingValidator, JSON.parse(raw));
  if (!Number.isSafeInteger(pending.id) || Number.isNaN(Date.parse(pending.expiresAt))) {
    throw new PlexError("invalid_response", "The pending sign-in has an invalid PIN id or expiry");
  }
  return pending;
}

async function awaitApproval(
  config: BrowserSignInContext,
  pending: PendingSignIn,
  options: ForwardedSignInFinishOptions,
): Promise<Token> {
  if (pending.clientId !== config.clientId) {
    throw new PlexError(
      "invalid_client_id",
      "The pending sign-in was started with another client identifier",
      {
        hint: "Keep one client id per browser (browserClientId()) and sign in again",
      },
    );
  }
  const expiresAt = Date.parse(pending.expiresAt);
  const deadline = Date.now() + (options.waitMs ?? 5_000);
  const interval = Math.max(50, options.pollInterval ?? 1_000);
  for (;;) {
    if (Date.now() >= expiresAt) {
      throw new PlexError("pin_expired", "The PIN expired before the sign-in finished", {
        hint: "Sign in again",
      });
    }
    const token = await checkPin(config, pending.id, options.key, options.signal);
    if (token) return token;
    if (Date.now() + interval > deadline) {
      throw new PlexError("pin_not_approved", "The sign-in request was not approved", {
        hint: "Sign in again and approve the request in the Plex auth app",
      });
    }
    await sleep(interval, options.signal);
  }
}

function pageLocation(): PageLocation | undefined {
  try {
    return (globalThis as { location?: PageLocation }).location;
  } catch {
    return undefined; // Deno without --location throws on access
  }
}
