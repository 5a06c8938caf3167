/**
 * `plextv demo`: a guided tour against a plex.tv emulator started in this
 * process: credentials → device key → JWT → refresh → PIN → account.
 * Nothing leaves the machine; no secret is printed.
 *
 * @module
 */
import { newClientId } from "../../client_id.ts";
import type { Config } from "../../config.ts";
import { defaultConfig } from "../../config.ts";
import { exportPrivateJwk } from "../../keys.ts";
import { memoryStore } from "../../store/memory.ts";
import { Token } from "../../token.ts";
import { withJwt } from "../../token_sources/options.ts";
import { VERSION } from "../../version.ts";
import { integerOption } from "../command.ts";
import type { CommandModule } from "../command_module.ts";
import { cliDevice } from "../config_resolver.ts";
import { EXIT, usageError } from "../exit.ts";
import { PinScreen } from "../pin_screen.ts";
import { relative, shortDate } from "../public_json.ts";
import { fields } from "../table.ts";

/**
 * The `demo` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [["plextv demo", "every sign-in flow against an emulator in this process; nothing is stored"]],
  description: [
    "Starts a plex.tv emulator on 127.0.0.1 and walks through: sign-in with a password, registering",
    "an Ed25519 device key, getting and refreshing a JWT, signing in with a PIN (approved",
    "automatically), and reading the account. Nothing is stored and no secret is printed.",
  ].join("\n"),
  async run(f, args) {
    if (f.out.json) throw usageError("The demo is a tour in text: --json does not apply", "Leave out --json");
    const approveAfter = integerOption(args, "approve-after", 0, 3_600_000) ?? 2500;
    const out = f.out;
    const { bold, cyan, dim, green } = out.dataStyle;
    const say = (text = "") => void out.stdout.write(out.redact(text) + "\n");
    const step = (n: number, title: string) => say(`\n${bold(cyan(`${n}.`))} ${bold(title)}`);
    const done = (text: string) => say(`   ${green("✓")} ${text}`);
    const note = (text: string) => say(dim(`     ${text}`));

    const { startEmulator } = await import("../../testing/mod.ts");
    const emulator = await startEmulator({
      autoApprovePins: approveAfter,
    });
    try {
      const { username, password } = emulator.users.default;
      out.addSecret(password);
      const base = (): Config =>
        defaultConfig().withDevice(cliDevice()).withUrls(emulator.url).withAuthAppUrl(`${emulator.url}/auth`)
          .withClientId(newClientId());
      const requests = () => emulator.requests.length;
      say(`${bold(`plextv ${VERSION}`)} demo: every plex.tv sign-in flow, against a local emulator`);
      note(`plex.tv emulator at ${emulator.url} (nothing leaves this machine)`);

      step(1, "Sign in with a username and password");
      const config = base();
      const legacy = await config.registerWithCredentials(username, password!, { signal: f.signal });
      out.addSecret(legacy.value);
      done(`Signed in as ${bold(username)}: a ${legacy.value.length}-character legacy token`);
      note(`POST /api/v2/users/signin with client id ${config.clientId}`);

      step(2, "Register an Ed25519 device key");
      const key = await config.generateAndUploadPublicKey(legacy, { signal: f.signal });
      done(`Key ${key.keyId} registered`);
      note("POST /api/v2/auth/jwk; the key id is the key's RFC 7638 thumbprint");
      note("the private key never leaves the device (keep it in a vault, keychain or env store)");

      step(3, "Get a Plex JWT with the key");
      const jwt = await config.jwtToken(key.privateKey, key.keyId, { signal: f.signal });
      out.addSecret(jwt.value);
      const claims = await config.verifyPlexToken(jwt, { thumbprint: key.keyId, signal: f.signal });
      done(
        `JWT for ${claims.user?.username ?? username}, expires ${shortDate(jwt.expiresAt)} (${
          relative(jwt.expiresAt!)
        })`,
      );
      note("GET /api/v2/auth/nonce → sign a device JWT → POST /api/v2/auth/token");
      note(
        "signature checked against the published signing keys (GET /api/v2/auth/keys); thumbprint = key id",
      );

      step(4, "Keep it fresh: a token source that caches, persists and refreshes");
      const store = memoryStore();
      const privateKey = await exportPrivateJwk(key.privateKey);
      const keep = (token: Token) =>
        store.save({
          version: 1,
          clientId: config.clientId,
          keyId: key.keyId,
          privateKey,
          token: token.value,
          tokenExpiresAt: token.expiresAt?.toISOString(),
        });
      await keep(jwt);
      let before = requests();
      const source = config.tokenSource(withJwt(store));
      for (let i = 0; i < 3; i++) out.addSecret((await source.token({ signal: f.signal })).value);
      done(`3 calls to token(): ${requests() - before} requests (the stored JWT is fresh)`);
      // Six and a half days on, as a service that kept running would be: the same key, a JWT with
      // half a day left, inside the refresh margin (one day by default, at most half the JWT's life).
      const day = 24 * 3600;
      const aged = new Token(
        await emulator.issueJwt({
          clientId: config.clientId,
          issuedAt: Math.floor(Date.now() / 1000) - 6.5 * day,
          expiresInSeconds: 7 * day,
        }),
      );
      out.addSecret(aged.value);
      await keep(aged);
      before = requests();
      const refreshed = await config.tokenSource(withJwt(store)).token({ signal: f.signal });
      out.addSecret(refreshed.value);
      const spent = requests() - before;
      if (
        refreshed.value === aged.value || (refreshed.expiresAt?.getTime() ?? 0) <= aged.expiresAt!.getTime()
      ) {
        throw new Error("The demo's token source did not refresh the aged JWT");
      }
      done(
        `A JWT with 12 hours left (until ${
          shortDate(aged.expiresAt)
        }, as 6½ days on): refreshed with ${spent} ` +
          `requests: a new 7-day JWT, until ${shortDate(refreshed.expiresAt)}`,
      );
      note("GET /api/v2/auth/nonce → POST /api/v2/auth/token, signed with the device key alone");
      note("a JWT is due one day before expiry (refreshMarginMs), a margin capped at half its lifetime");
      note("no password and no user needed again: only the device key");

      step(5, "Sign in with a PIN (the emulator approves it in a moment)");
      const pinConfig = base();
      const screen = new PinScreen(out);
      let pinToken;
      try {
        pinToken = await pinConfig.registerWithPin((pin, url) => screen.show(pin, url), {
          signal: f.signal,
        });
        screen.stop("approved");
      } catch (err) {
        screen.stop(f.signal.aborted ? "cancelled" : "failed");
        throw err;
      }
      out.addSecret(pinToken.value);
      done("PIN approved: a legacy token for a second device");
      note("POST /api/v2/pins, then GET /api/v2/pins/{id} once a second until approved");

      step(6, "Read the account with the JWT");
      const account = await config.client(source).user({ signal: f.signal });
      done(`${bold(account.username)} <${account.email ?? "no email"}>`);
      say(
        fields([
          ["UUID", account.uuid],
          ["Joined", shortDate(account.joinedAt)],
          ["Home", account.home ? `${account.homeSize} users${account.homeAdmin ? ", admin" : ""}` : "no"],
          ["Requests", `${requests()} in all, served by the emulator`],
        ], dim).split("\n").map((line) => `     ${line}`).join("\n"),
      );

      say(`\n${bold("Next")}`);
      say(`   ${cyan("plextv login")}             sign in to the real plex.tv (PIN, QR code)`);
      say(`   ${cyan("plextv login --pin-jwt")}   …with a device key and refreshing JWTs`);
      say(`   ${cyan("plextv token")}             print a valid token for scripts`);
      say(`   ${cyan("plextv emulator")}          run this emulator for your own development`);
      return EXIT.ok;
    } finally {
      await emulator.close();
    }
  },
};

export default command;
