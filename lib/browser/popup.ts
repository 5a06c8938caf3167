/**
 * Sign in through the Plex auth app in a popup window.
 *
 * @module
 */
import { isPlexError, PlexError } from "../errors.ts";
import { signDeviceJwt } from "../flows/jwt.ts";
import { type Pin, registerWithPin } from "../flows/pin.ts";
import type { DeviceKey } from "../keys.ts";
import type { Token } from "../token.ts";
import { type BrowserSignInContext, checkPin } from "./context.ts";

/** How often the popup is checked for being closed, in milliseconds. */
const POPUP_CHECK_MS = 200;

/**
 * The part of a popup `Window` the popup sign-in uses; the `Window` that
 * `window.open()` returns satisfies it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { type SignInPopup, signInWithPopup } from "./popup.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch)
 *   .withAuthAppUrl(`${emulator.url}/auth`);
 * // In a page: const popup = window.open("", "plex-auth", "width=600,height=700");
 * const popup: SignInPopup = { closed: false, close() {}, location: { href: "" } };
 * const pending = signInWithPopup({ config, popup, pollInterval: 50 });
 * (popup as { closed: boolean }).closed = true; // the user closes it without approving
 * await assert.rejects(pending, { code: "popup_closed" });
 * await assert.rejects(signInWithPopup({ config, popup: null }), { code: "popup_blocked" });
 * await emulator.close();
 * ```
 */
export interface SignInPopup {
  /** Whether the window was closed. */
  readonly closed: boolean;
  /** Closes the window. */
  close(): void;
  /** Its location: setting `href` navigates it. */
  location: { href: string };
  /** Its document, readable while it is still the blank page of `window.open("")`. */
  readonly document?: { title: string; body: { textContent: string | null } | null };
}

/**
 * Options of {@linkcode signInWithPopup}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { type PopupSignInOptions, signInWithPopup } from "./popup.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch)
 *   .withAuthAppUrl(`${emulator.url}/auth`);
 * const popup = { closed: false, close: () => void (popup.closed = true), location: { href: "" } };
 * const controller = new AbortController(); // in a page, e.g. AbortSignal.timeout(600_000)
 * const options: PopupSignInOptions = { config, popup, signal: controller.signal, pollInterval: 50 };
 * const pending = signInWithPopup(options);
 * controller.abort();
 * await assert.rejects(pending, { code: "aborted" });
 * assert.ok(popup.closed); // the popup is closed on abort
 * await emulator.close();
 * ```
 */
export interface PopupSignInOptions {
  /** The configuration (a `Config` with a client id). */
  config: BrowserSignInContext;
  /**
   * The popup, opened by the caller with `window.open("", name, features)`
   * synchronously in the click handler (before any `await`), so popup blockers
   * allow it. `null` (what `window.open` returns when blocked) rejects with `popup_blocked`.
   */
  popup: SignInPopup | null;
  /** Cancels the sign-in (the popup is closed). */
  signal?: AbortSignal;
  /** Milliseconds between PIN checks. Default 1 000. */
  pollInterval?: number;
  /**
   * A device key to register with the PIN: the token is then a Plex JWT, and
   * the key (kept by the caller) refreshes it later. Without it, a legacy token.
   */
  key?: DeviceKey;
}

/**
 * Signs in through the Plex auth app in a popup: requests a strong PIN,
 * navigates the popup to the auth app, polls the PIN until the user approves
 * it, closes the popup and resolves the token.
 *
 * Open the popup yourself, synchronously in the click handler, so the browser
 * does not block it. If the popup closes (the user closed it, or the auth app
 * closed itself) the PIN is checked once more before rejecting.
 *
 * @param options The configuration, the popup, a signal, the poll interval and an optional device key.
 * @returns The token: legacy, or a Plex JWT when `key` is given.
 * @throws {PlexError} `invalid_argument` when `options` is not an object, `popup_blocked`
 *   when `popup` is `null`, `popup_closed` when the
 *   popup closes before approval, `pin_expired` when the PIN expires (the popup is
 *   closed), `aborted` when `signal` fires (the popup is closed), and any request error.
 *
 * @example A sign-in button
 * Not run by `deno test --doc`: it needs a page (`document`, `window.open`); the next example runs.
 * ```ts ignore
 * import { defaultConfig, isPlexError } from "@plexkit/plextv";
 * import { browserClientId, signInWithPopup } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * document.querySelector("#sign-in")!.addEventListener("click", async () => {
 *   const popup = window.open("", "plex-auth", "width=600,height=700"); // before any await
 *   try {
 *     const token = await signInWithPopup({ config, popup });
 *     sessionStorage.setItem("plex-token", token.value);
 *   } catch (err) {
 *     if (isPlexError(err, "popup_closed")) return; // the user changed their mind
 *     throw err;
 *   }
 * });
 * ```
 *
 * @example Against the plex.tv emulator, with a stand-in for the popup
 * ```ts
 * import assert from "node:assert/strict";
 * import { signInWithPopup } from "./popup.ts";
 * import { defaultConfig } from "../config.ts";
 * import { startEmulator } from "../testing/mod.ts";
 *
 * const emulator = await startEmulator();
 * try {
 *   const config = defaultConfig().withClientId("popup-example").withUrls(emulator.url)
 *     .withAuthAppUrl(`${emulator.url}/auth`);
 *   const popup = {
 *     closed: false,
 *     close() {
 *       this.closed = true;
 *     },
 *     location: {
 *       set href(url: string) { // the auth app opens; the user approves the PIN in it
 *         emulator.approvePin(new URLSearchParams(new URL(url).hash.slice(2)).get("code")!);
 *       },
 *     },
 *   };
 *   const token = await signInWithPopup({ config, popup, pollInterval: 50 });
 *   assert.ok(token.isLegacy());
 *   assert.ok(popup.closed);
 * } finally {
 *   await emulator.close();
 * }
 * ```
 *
 * @example A Plex JWT instead of a legacy token
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig, generateDeviceKey } from "@plexkit/plextv";
 * import { signInWithPopup } from "@plexkit/plextv/browser";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch)
 *   .withAuthAppUrl(`${emulator.url}/auth`);
 * const popup = { // in a page: window.open("", "plex-auth", "width=600,height=700"), before any await
 *   closed: false,
 *   close: () => void (popup.closed = true),
 *   location: { set href(url: string) { // the user approves the PIN in the auth app
 *     emulator.approvePin(new URLSearchParams(new URL(url).hash.slice(2)).get("code")!);
 *   } },
 * };
 * const key = await generateDeviceKey(); // keep it (IndexedDB) to refresh the JWT with config.jwtToken()
 * const jwt = await signInWithPopup({ config, popup, key, pollInterval: 50 });
 * assert.equal(jwt.claims?.thumbprint, key.keyId);
 * await emulator.close();
 * ```
 */
export async function signInWithPopup(options: PopupSignInOptions): Promise<Token> {
  if (options === null || typeof options !== "object") {
    throw new PlexError("invalid_argument", "signInWithPopup() takes { config, popup }");
  }
  const { config, popup, signal, key } = options;
  if (!popup) {
    throw new PlexError("popup_blocked", "The browser blocked the sign-in popup", {
      hint: "Call window.open() in the click handler before any await, or use startForwardedSignIn()",
    });
  }
  const closed = new AbortController();
  const watch = () => {
    if (popup.closed) closed.abort();
  };
  watch();
  const watcher = setInterval(watch, POPUP_CHECK_MS);
  let pin: Pin | undefined;
  const onPin = (requested: Pin, url: string) => {
    pin = requested;
    popup.location.href = url;
  };
  showWaiting(popup);
  try {
    return await registerWithPin(config, onPin, {
      strong: true,
      jwk: key?.publicJwk,
      deviceJwt: key ? () => signDeviceJwt(config, key.privateKey, key.keyId) : undefined,
      pollInterval: options.pollInterval,
      signal: signal ? AbortSignal.any([signal, closed.signal]) : closed.signal,
    });
  } catch (err) {
    if (!closed.signal.aborted || signal?.aborted || !isPlexError(err, "aborted")) throw err;
    const approved = pin && await checkPin(config, pin.id, key).catch(() => undefined);
    if (approved) return approved;
    throw new PlexError("popup_closed", "The sign-in popup was closed before the PIN was approved", {
      hint: "Sign in again and approve the request in the popup",
    });
  } finally {
    clearInterval(watcher);
    if (!popup.closed) popup.close();
  }
}

function showWaiting(popup: SignInPopup): void {
  try {
    const document = popup.document;
    if (!document?.body) return;
    document.title = "Plex";
    document.body.textContent = "Connecting to Plex…";
  } catch {
    // Not our document (already navigated elsewhere): nothing to show.
  }
}
