/**
 * `plextv login`: sign in with a PIN (the default on a terminal), a strong
 * PIN, credentials (with 2FA), or the PIN + device key flow, optionally
 * register an Ed25519 device key, and keep the result in the store.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { isPlexError } from "../../errors.ts";
import type { SecureData, SecureStore } from "../../store/store.ts";
import type { Token } from "../../token.ts";
import {
  type TokenSourceOption,
  withCredentials,
  withJwt,
  withLogger,
  withPin,
  withPinJwt,
  withStore,
} from "../../token_sources/options.ts";
import { flagOption, type ParsedArgs, stringOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import type { Factory } from "../factory.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import { PinScreen } from "../pin_screen.ts";
import { publicJson } from "../public_json.ts";
import { watched } from "../signed_in.ts";

type _Method = "pin" | "credentials" | "pin-jwt";

function _method(args: ParsedArgs): _Method {
  const pin = flagOption(args, "pin");
  const credentials = flagOption(args, "credentials") || stringOption(args, "username") !== undefined;
  const pinJwt = flagOption(args, "pin-jwt");
  if ([pin, credentials, pinJwt].filter(Boolean).length > 1) {
    throw usageError("Choose one of --pin, --credentials and --pin-jwt", "Run plextv help login");
  }
  if (flagOption(args, "strong") && (credentials || pinJwt)) {
    throw usageError(
      "--strong goes with --pin only (--pin-jwt always uses a strong PIN)",
      "Run plextv help login",
    );
  }
  if (stringOption(args, "code") !== undefined && !credentials) {
    throw usageError("--code goes with --credentials only", "Run plextv help login");
  }
  return credentials ? "credentials" : pinJwt ? "pin-jwt" : "pin";
}

/** A view of the store that reads as empty: login signs in afresh, and replaces what was stored only on success. */
function _fresh(store: SecureStore<SecureData>): SecureStore<SecureData> {
  return {
    load: () => Promise.resolve(undefined),
    save: (data) => store.save(data),
    clear: () => store.clear(),
  };
}

async function _password(f: Factory): Promise<string> {
  const fromEnv = f.env.PLEX_PASSWORD;
  let password: string | undefined = fromEnv;
  if (!password) {
    password = f.prompter.interactive ? await f.prompter.hidden("Password: ") : await f.prompter.line();
  }
  if (!password) {
    throw new CliError("No password was given", {
      exitCode: EXIT.usage,
      hint: "Type it at the prompt, pipe it on stdin, or set PLEX_PASSWORD",
    });
  }
  f.out.addSecret(password);
  return password;
}

async function _username(f: Factory, args: ParsedArgs): Promise<string> {
  const username = stringOption(args, "username") ??
    (f.prompter.interactive ? await f.prompter.visible("Username or email: ") : undefined);
  if (!username) {
    throw usageError("--credentials needs --username NAME", "Run plextv help login");
  }
  return username;
}

async function _signIn(
  f: Factory,
  config: Config,
  registrar: TokenSourceOption,
  persist: TokenSourceOption,
  screen: PinScreen,
): Promise<Token> {
  const source = watched(config.tokenSource(registrar, persist, withLogger(f.out.logger)), f.out);
  try {
    const token = await source.token({ signal: f.signal });
    screen.stop("approved");
    return token;
  } catch (err) {
    screen.stop(f.signal.aborted ? "cancelled" : "failed");
    throw err;
  }
}

/**
 * The `login` command's help and what it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import command from "./login.ts";
 * assert.equal(typeof command.run, "function");
 * ```
 */
const command: CommandModule = {
  description: [
    "Signs in and saves the token in the store (--store, default: the vault in the data folder).",
    "The PIN flow is the default: open the link (or scan the QR code) and enter the code.",
    "With --credentials the password comes from a hidden prompt, from stdin when it is not a",
    "terminal, or from PLEX_PASSWORD; never from the command line. On a terminal, plextv asks",
    "for the two-factor code when the account needs one.",
    "With --jwt (or --pin-jwt), an Ed25519 device key is registered and plextv keeps a",
    "short-lived JWT that it refreshes by itself: the recommended way to sign in.",
  ].join("\n"),
  examples: [
    ["plextv login", "a PIN: open the link or scan the QR code"],
    ["plextv login --pin-jwt", "a PIN that registers a device key: JWTs only"],
    ['printf "%s\\n" "$PASSWORD" | plextv login --username me@example.com --jwt', "credentials from stdin"],
  ],
  async run(f, args) {
    const method = _method(args);
    const jwt = flagOption(args, "jwt") || method === "pin-jwt";
    const configs = await f.configs();
    configs.base();
    const session = await f.session();
    const store = await session.store();
    const stored = await session.stored();
    if (/^(vault|rediss?):/i.test(session.uri)) await session.passphrase();
    const config = await configs.config(stored);
    if (stored?.keyId && stored.clientId === config.clientId && method !== "pin-jwt") {
      throw new CliError("This device is already signed in with a registered device key", {
        hint:
          "plex.tv accepts no password or PIN sign-in for it: run plextv logout first, or plextv login --pin-jwt",
      });
    }
    const screen = new PinScreen(f.out);
    const onPin = (pin: Parameters<PinScreen["show"]>[0], url: string) => screen.show(pin, url);
    const persist = jwt
      ? withJwt(_fresh(store), { onReregister: (id) => configs.onReregister(id) })
      : withStore(_fresh(store));
    let token: Token;
    if (method === "credentials") {
      const username = await _username(f, args);
      const password = await _password(f);
      let code = stringOption(args, "code");
      for (;;) {
        try {
          const registrar = withCredentials(username, password, { verificationCode: code });
          token = await _signIn(f, config, registrar, persist, screen);
          break;
        } catch (err) {
          if (!isPlexError(err, "verification_code_required") || code !== undefined) throw err;
          if (!f.prompter.interactive) {
            throw new CliError("This account uses two-factor authentication", {
              exitCode: EXIT.auth,
              hint: "Pass the current code with --code CODE",
              cause: err,
            });
          }
          code = await f.prompter.visible("Two-factor code: ");
        }
      }
    } else {
      const registrar = method === "pin-jwt"
        ? withPinJwt(onPin)
        : withPin(onPin, { strong: flagOption(args, "strong") });
      token = await _signIn(f, config, registrar, persist, screen);
    }
    const fixed = { token: () => Promise.resolve(token) };
    let username: string | undefined;
    let account: unknown;
    try {
      const user = await config.client(fixed).user({ signal: f.signal });
      username = user.username;
      account = { username: user.username, email: user.email, uuid: user.uuid, id: user.id };
    } catch (err) {
      f.out.warn(`Signed in, but reading the account failed (${(err as Error).message})`);
    }
    const saved = await store.load();
    const summary = {
      signedIn: true,
      account,
      tokenType: token.isJwt() ? "jwt" : "legacy",
      expiresAt: token.expiresAt?.toISOString(),
      keyId: saved?.keyId,
      clientId: saved?.clientId ?? config.clientId,
      store: session.described,
    };
    if (f.out.json) f.out.data(publicJson(summary), () => "");
    f.out.success(`Signed in to plex.tv${username ? ` as ${f.out.style.bold(username)}` : ""}`);
    if (saved?.keyId) {
      f.out.info(`  Device key ${saved.keyId} registered; the JWT is refreshed automatically`);
    }
    f.out.info(`  Saved in ${session.described}`);
    return EXIT.ok;
  },
};

export default command;
