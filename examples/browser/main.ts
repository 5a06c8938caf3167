/// <reference lib="dom" />
/**
 * The browser example: "Sign in with Plex" in a popup or through this tab,
 * then the account name. `?plex=URL` points it at another plex.tv (the
 * emulator); without it, it talks to plex.tv.
 *
 * Build: `deno task build:browser` (writes dist/browser/).
 *
 * @module
 */
import { type Config, defaultConfig, isPlexError, type Token, VERSION } from "../../mod.ts";
import {
  browserClientId,
  finishForwardedSignIn,
  signInWithPopup,
  startForwardedSignIn,
} from "../../lib/browser/mod.ts";

const plexUrl = new URLSearchParams(location.search).get("plex");
let config: Config = defaultConfig()
  .withClientId(browserClientId())
  .withDevice({
    product: "plextv browser example",
    version: VERSION,
    platform: "Web",
    provides: "controller",
  });
/** Why `?plex=` cannot be used, when it cannot (not a URL, http to a host that is not loopback, ...). */
let unusable: unknown;
try {
  if (plexUrl) config = config.withUrls(plexUrl).withAuthAppUrl(`${plexUrl.replace(/\/+$/, "")}/auth`);
} catch (err) {
  unusable = err;
}

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const signInButton = element<HTMLButtonElement>("sign-in");
const forwardButton = element<HTMLButtonElement>("sign-in-forward");
const status = element("status");
const errorLine = element("error");
element("plex-url").textContent = config.url;
element("client-id").textContent = config.clientId;
// What the sign-in says while it waits (plex.tv cannot be reached, polling goes on) is shown, not only logged.
config = config.withLogger({
  debug() {},
  info() {},
  warn: (message) => void (errorLine.textContent = `warning: ${message}`),
  error: (message) => void (errorLine.textContent = `warning: ${message}`),
});

/** Fetches the account behind the token (`GET /api/v2/user`) and names it. */
async function accountName(token: Token): Promise<string> {
  const account = await config.client({ token: () => Promise.resolve(token) }).user();
  return account.title || account.username;
}

function busy(text: string): void {
  element("signed-in").hidden = true;
  status.textContent = text;
  errorLine.textContent = "";
  errorLine.dataset.code = "";
  signInButton.disabled = forwardButton.disabled = true;
}

async function signedIn(token: Token): Promise<void> {
  status.textContent = "Loading the account…";
  element("account").textContent = await accountName(token);
  element("token-kind").textContent = token.isJwt() ? "Plex JWT" : "legacy";
  element("signed-in").hidden = false;
  status.textContent = "Signed in";
}

function failed(err: unknown): void {
  const code = isPlexError(err) ? err.code : "unexpected";
  status.textContent = "Signed out";
  errorLine.dataset.code = code;
  errorLine.textContent = `${code}: ${err instanceof Error ? err.message : String(err)}`;
}

async function run(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    failed(err);
  } finally {
    signInButton.disabled = forwardButton.disabled = false;
  }
}

signInButton.addEventListener("click", () => {
  // Open the popup now, in the click handler, before any await: popup blockers allow it.
  // deno-lint-ignore no-window -- a browser page
  const popup = window.open("", "plex-auth", "width=600,height=700");
  busy("Waiting for approval in the popup…");
  void run(async () => signedIn(await signInWithPopup({ config, popup })));
});

forwardButton.addEventListener("click", () => {
  busy("Going to Plex…");
  void run(() => startForwardedSignIn({ config, forwardUrl: location.href }));
});

if (unusable) {
  // Nothing can be signed in to: said on the page, and the buttons stay off.
  failed(unusable);
  signInButton.disabled = forwardButton.disabled = true;
} else {
  // Back from the auth app? Finish the forwarded sign-in.
  void run(async () => {
    busy("Checking for a sign-in in progress…");
    const token = await finishForwardedSignIn({ config });
    if (token) await signedIn(token);
    else status.textContent = "Signed out";
  });
}
