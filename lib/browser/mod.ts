/**
 * Sign in to plex.tv from a web page, with the PIN flow the Plex auth app
 * (`app.plex.tv/auth`) drives: in a popup ({@linkcode signInWithPopup}), or by
 * sending the whole page there and back through `forwardUrl`
 * ({@linkcode startForwardedSignIn} / {@linkcode finishForwardedSignIn}).
 * {@linkcode browserClientId} keeps one client identifier per browser.
 *
 * Web only: it uses `window`, `sessionStorage` and `localStorage`. It is a
 * separate entry point (`@plexkit/plextv/browser`), not part of `mod.ts`.
 *
 * @example A sign-in button
 * Not run by `deno test --doc`: it needs a page (a button, `window.open`); `signInWithPopup`'s examples
 * run with a stand-in popup.
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId, signInWithPopup } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * button.onclick = async () => {
 *   const popup = window.open("", "plex-auth", "width=600,height=700"); // before any await
 *   const token = await signInWithPopup({ config, popup });
 * };
 * ```
 *
 * @module
 */
export { signInWithPopup } from "./popup.ts";
export type { PopupSignInOptions, SignInPopup } from "./popup.ts";
export { finishForwardedSignIn, startForwardedSignIn } from "./forwarded.ts";
export type { ForwardedSignInFinishOptions, ForwardedSignInStartOptions } from "./forwarded.ts";
export { browserClientId } from "./client_id.ts";
export type { BrowserStorage } from "./storage.ts";
export type { BrowserSignInContext } from "./context.ts";
