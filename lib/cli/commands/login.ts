/**
 * `plextv login`: sign in with a PIN (the default), a strong PIN,
 * credentials (with 2FA), the PIN + device key flow, or an existing token
 * read from stdin; optionally register an Ed25519 device key; keep the
 * result in the store. It asks before replacing a stored sign-in, and it
 * reports no success unless the store kept the result.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { isPlexError } from "../../errors.ts";
import type { SecureData, SecureStore } from "../../store/store.ts";
import { Token } from "../../token.ts";
import {
  type TokenSourceOption,
  withCredentials,
  withJwt,
  withLogger,
  withPin,
  withPinJwt,
  withStore,
  withToken,
} from "../../token_sources/options.ts";
import { flagOption, type ParsedArgs, stringOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import type { ConfigResolver } from "../config_resolver.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import type { Factory } from "../factory.ts";
import { PinScreen } from "../pin_screen.ts";
import { cancelled } from "../prompt.ts";
import { publicJson } from "../public_json.ts";
import { watched } from "../signed_in.ts";
import type { StoreSession } from "../store_session.ts";
import { removeByHand } from "./_device.ts";
import { replaceStoredSignIn } from "./_login_existing.ts";
import { LoginStore, undoSignIn } from "./_login_save.ts";

type _Method = "pin" | "credentials" | "pin-jwt" | "token";

const _HELP = "Run plextv help login";

function _method(args: ParsedArgs): _Method {
  const credentials = flagOption(args, "credentials") || stringOption(args, "username") !== undefined;
  const chosen: [_Method, boolean][] = [
    ["pin", flagOption(args, "pin")],
    ["credentials", credentials],
    ["pin-jwt", flagOption(args, "pin-jwt")],
    ["token", flagOption(args, "with-token")],
  ];
  const picked = chosen.filter(([, on]) => on).map(([method]) => method);
  if (picked.length > 1) {
    throw usageError("Choose one of --pin, --credentials, --pin-jwt and --with-token", _HELP);
  }
  const method = picked[0] ?? "pin";
  if (flagOption(args, "strong") && method !== "pin") {
    throw usageError("--strong goes with --pin only (--pin-jwt always uses a strong PIN)", _HELP);
  }
  if (stringOption(args, "code") !== undefined && method !== "credentials") {
    throw usageError("--code goes with --credentials only", _HELP);
  }
  return method;
}

/** A secret from the environment, a hidden prompt on a terminal, or the first line of stdin. */
async function _secret(f: Factory, prompt: string, variable?: string): Promise<string | undefined> {
  const value = (variable ? f.env[variable] : undefined) ||
    (f.prompter.interactive ? await f.prompter.hidden(prompt) : await f.prompter.line());
  f.out.addSecret(value);
  return value || undefined;
}

async function _password(f: Factory): Promise<string> {
  const password = await _secret(f, "Password: ", "PLEX_PASSWORD");
  if (!password) {
    throw new CliError("No password was given", {
      exitCode: EXIT.usage,
      hint: "Type it at the prompt, pipe it on stdin, or set PLEX_PASSWORD (plextv help login)",
    });
  }
  return password;
}

async function _username(f: Factory, args: ParsedArgs): Promise<string> {
  const username = stringOption(args, "username") ??
    (f.prompter.interactive ? await f.prompter.visible("Username or email: ") : undefined);
  if (!username) throw usageError("--credentials needs --username NAME", _HELP);
  return username;
}

/** `--with-token`: a token from stdin (or a hidden prompt), never from the command line. */
async function _givenToken(f: Factory): Promise<Token> {
  const text = (await _secret(f, "Paste the token: "))?.trim();
  if (!text) {
    throw new CliError("No token was given on stdin", {
      exitCode: EXIT.usage,
      hint: 'Pipe it in: printf "%s\\n" "$TOKEN" | plextv login --with-token',
    });
  }
  try {
    return Token.from(text);
  } catch (cause) {
    throw new CliError("That is not a Plex token", { exitCode: EXIT.usage, cause, hint: _HELP });
  }
}

/** Thrown when plex.tv refuses a password or PIN sign-in because the client identifier has a key. */
function _boundClient(err: unknown): boolean {
  return isPlexError(err, "bad_request") && /device key/i.test(err.message);
}

interface _Attempt {
  config: Config;
  guarded: LoginStore;
  screen: PinScreen;
}

/** One sign-in through a token source that persists into the guarded store. */
async function _signIn(
  f: Factory,
  configs: ConfigResolver,
  attempt: _Attempt,
  registrar: TokenSourceOption,
  jwt: boolean,
) {
  const { config, guarded, screen } = attempt;
  const persist = jwt
    ? withJwt(guarded.view, { onReregister: (id) => configs.onReregister(id) })
    : withStore(guarded.view);
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

interface _Credentials {
  username: string;
  password: string;
  code?: string;
}

async function _withCredentials(
  f: Factory,
  configs: ConfigResolver,
  attempt: _Attempt,
  credentials: _Credentials,
  jwt: boolean,
): Promise<Token> {
  const retypable = f.prompter.interactive && !f.env.PLEX_PASSWORD;
  let codesTyped = 0;
  for (let tries = 1;; tries++) {
    const { username, password, code } = credentials;
    // A 2FA code lives half a minute, but is not shown meanwhile (an answer may repeat it).
    if (code !== undefined) f.out.addSecret(code);
    try {
      return await _signIn(
        f,
        configs,
        attempt,
        withCredentials(username, password, { verificationCode: code }),
        jwt,
      );
    } catch (err) {
      if (attempt.guarded.failure) throw err;
      if (isPlexError(err, "verification_code_required") && code === undefined) {
        if (!f.prompter.interactive) {
          throw new CliError("This account uses two-factor authentication", {
            exitCode: EXIT.auth,
            hint: "Pass the current code with --code CODE",
            cause: err,
          });
        }
        credentials.code = await f.prompter.visible("Two-factor code: ");
        codesTyped = 1;
      } else if (isPlexError(err, "invalid_verification_code") && codesTyped > 0 && codesTyped < 3) {
        // A mistyped code typed at the prompt is asked again, as a password is (codes from --code are not).
        f.out.warn("The two-factor code is incorrect or expired; try again");
        credentials.code = await f.prompter.visible("Two-factor code: ");
        codesTyped++;
      } else if (isPlexError(err, "unauthorized") && retypable && tries < 3) {
        f.out.warn("The username or password is incorrect; try again");
        credentials.password = await _password(f);
      } else if (isPlexError(err, "unauthorized")) {
        throw new CliError("The username or password is incorrect", {
          exitCode: EXIT.auth,
          hint: "Check them and run plextv login again, or sign in without a password: plextv login --pin",
          cause: err,
        });
      } else {
        throw err;
      }
    }
  }
}

/**
 * After a sign-in that failed once it had saved: the token it saved is revoked at plex.tv, and the store
 * holds again what it held before (or nothing), so a failed login leaves the store as it was.
 */
async function _undoPartial(
  f: Factory,
  store: SecureStore<SecureData>,
  before: SecureData | undefined,
  attempt: _Attempt,
): Promise<void> {
  const data = attempt.guarded.saved!;
  attempt.guarded.saved = undefined;
  await undoSignIn(attempt.config, data, f.signal).catch((err) =>
    f.out.warn(
      `The token saved before the failure could not be revoked at plex.tv: ${(err as Error).message}`,
    )
  );
  await (before ? store.save(before) : store.clear()).catch((err) =>
    f.out.warn(`The store could not be put back as it was: ${(err as Error).message}`)
  );
}

/** The error after a lost save: what was undone at plex.tv, or how to undo it by hand. */
async function _lostSave(f: Factory, session: StoreSession, attempt: _Attempt): Promise<unknown> {
  const { error, data } = attempt.guarded.failure!;
  let undone: string | undefined;
  let undoError: unknown;
  try {
    undone = await undoSignIn(attempt.config, data, f.signal);
  } catch (err) {
    undoError = err;
  }
  if (attempt.guarded.saved) await (await session.store()).clear().catch(() => {});
  if (error instanceof CliError) return error;
  const reason = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, "");
  const left = undoError && data.keyId
    ? `Nothing was kept, but the device key registered just now stays registered: ${
      removeByHand(data.clientId)
    }, then fix the store and run plextv login again`
    : `Nothing was kept${undone ? ` and ${undone}` : ""}; fix the store and run plextv login again`;
  return new CliError(`The sign-in could not be saved in ${session.described}: ${reason}`, {
    exitCode: EXIT.failure,
    hint: left,
    cause: error,
  });
}

/**
 * The `login` command's help and what it runs.
 */
const command: CommandModule = {
  description: [
    "Signs in and saves the token in the store (see plextv status for the store in use).",
    "The PIN flow is the default: open the link (or scan the QR code) and enter the code.",
    "With --credentials the password comes from a hidden prompt, from stdin when it is not a",
    "terminal, or from PLEX_PASSWORD; never from the command line. On a terminal, plextv asks",
    "for the two-factor code when the account needs one, and lets you retype a wrong password.",
    "With --with-token, a token you already have is read from stdin, checked with plex.tv and",
    "stored. With --jwt (or --pin-jwt), an Ed25519 device key is registered and plextv keeps a",
    "short-lived JWT that it refreshes by itself: the recommended way to sign in.",
    "When a sign-in is stored, login asks before replacing it (--force replaces it without",
    "asking, and is needed without a terminal); when plex.tv forgot the stored device key, it",
    "offers to register again as a new device. A new vault's passphrase is asked once the",
    "sign-in succeeded. If the store cannot save the result, login fails and takes back at",
    "plex.tv what it registered.",
  ].join("\n"),
  examples: [
    ["plextv login", "a PIN: open the link or scan the QR code"],
    ["plextv login --pin-jwt", "a PIN that registers a device key: JWTs only"],
    ['printf "%s\\n" "$PASSWORD" | plextv login --username me@example.com --jwt', "credentials from stdin"],
    ['printf "%s\\n" "$PLEX_TOKEN" | plextv login --with-token', "store a token you already have"],
  ],
  async run(f, args) {
    const method = _method(args);
    const jwt = flagOption(args, "jwt") || method === "pin-jwt";
    const force = flagOption(args, "force");
    const [configs, session] = await Promise.all([f.configs(), f.session()]);
    configs.base();
    await session.checkPassphrase();
    // A store that keeps nothing (env:) would take a sign-in only to lose it: refused before any request.
    if ((await session.store() as { persistent?: unknown }).persistent === false) {
      throw usageError(
        `The ${session.described} store cannot keep a sign-in: it only reads its variables`,
        "Sign in with a store that keeps it (--store vault:PATH), then plextv keys export --output FILE writes the variables",
      );
    }
    const stored = await session.stored();
    // A new sign-in into a store named with --store or PLEXTV_STORE is a device of its own.
    let config = await configs.config(stored, session);
    let retire: ((token: Token) => Promise<void>) | undefined;
    if (stored?.token || stored?.keyId) {
      ({ config, retire } = await replaceStoredSignIn(f, session, configs, stored, config, force));
    }
    const given = method === "token" ? await _givenToken(f) : undefined;
    const credentials: _Credentials | undefined = method === "credentials"
      ? { username: await _username(f, args), password: await _password(f), code: stringOption(args, "code") }
      : undefined;
    if (given) {
      try {
        await config.client({ token: () => Promise.resolve(given) }).user({ signal: f.signal });
      } catch (err) {
        if (!isPlexError(err, "unauthorized", "expired_token", "invalid_token")) throw err;
        throw new CliError("plex.tv does not accept that token", {
          exitCode: EXIT.auth,
          cause: err,
          hint:
            "Check the token (a JWT is bound to its client identifier: pass --client-id), or run plextv login",
        });
      }
    }
    const screen = new PinScreen(f.out);
    const store = await session.store();
    const onPin = (pin: Parameters<PinScreen["show"]>[0], url: string) => screen.show(pin, url);
    const registrar = (): TokenSourceOption =>
      given
        ? withToken(given)
        : method === "pin-jwt"
        ? withPinJwt(onPin)
        : withPin(onPin, { strong: flagOption(args, "strong") });
    let attempt: _Attempt = { config, guarded: new LoginStore(store, () => screen.stop("approved")), screen };
    let token: Token;
    for (;;) {
      try {
        token = credentials
          ? await _withCredentials(f, configs, attempt, credentials, jwt)
          : await _signIn(f, configs, attempt, registrar(), jwt);
        break;
      } catch (err) {
        if (attempt.guarded.failure) throw await _lostSave(f, session, attempt);
        // A sign-in that failed after it saved (JWT mode keeps the legacy token before it uploads the key).
        if (attempt.guarded.saved) await _undoPartial(f, store, stored, attempt);
        if (!_boundClient(err)) throw err;
        const question = "plex.tv refuses this sign-in: the client identifier has a registered device key";
        if (!force && !f.prompter.interactive) {
          throw new CliError(question, {
            exitCode: EXIT.usage,
            cause: err,
            hint: "Run plextv login --force to register again with a new client identifier",
          });
        }
        if (!force) {
          f.out.warn(question);
          if (!await f.prompter.confirm("Register again with a new client identifier?", true)) {
            throw cancelled();
          }
        }
        attempt = {
          ...attempt,
          config: await configs.freshConfig(),
          guarded: new LoginStore(store, () => screen.stop("approved")),
        };
      }
    }
    config = attempt.config;
    let username: string | undefined;
    let account: unknown;
    try {
      const user = await config.client({ token: () => Promise.resolve(token) }).user({ signal: f.signal });
      username = user.username;
      account = { username: user.username, email: user.email, uuid: user.uuid, id: user.id };
    } catch (err) {
      f.out.warn(`Signed in, but reading the account failed (${(err as Error).message})`);
    }
    const saved = attempt.guarded.saved;
    const summary = {
      signedIn: true,
      account,
      tokenType: token.isJwt() ? "jwt" : "legacy",
      expiresAt: token.expiresAt?.toISOString() ?? null,
      keyId: saved?.keyId ?? null,
      clientId: saved?.clientId ?? config.clientId,
      store: session.described,
    };
    if (f.out.json) f.out.data(publicJson(summary), () => "");
    f.out.success(`Signed in to plex.tv${username ? ` as ${f.out.style.bold(username)}` : ""}`);
    if (saved?.keyId) {
      f.out.info(`  Device key ${saved.keyId} registered; the JWT is refreshed automatically`);
    }
    f.out.info(`  Saved in ${session.described}`);
    await retire?.(token);
    return EXIT.ok;
  },
};

export default command;
