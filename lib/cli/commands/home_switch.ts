/**
 * `plextv home switch USER`: a home user's token, printed on stdout.
 *
 * @module
 */
import { isPlexError } from "../../errors.ts";
import type { HomeUser } from "../../endpoints/home_user.ts";
import type { CommandModule } from "../command_module.ts";
import type { Factory } from "../factory.ts";
import { CliError, EXIT } from "../exit.ts";
import { publicJson } from "../public_json.ts";

function _find(users: HomeUser[], wanted: string): HomeUser {
  const lower = wanted.toLowerCase();
  const match = users.filter((u) =>
    u.uuid === wanted || String(u.id) === wanted || u.title.toLowerCase() === lower ||
    u.username?.toLowerCase() === lower
  );
  if (match.length === 1) return match[0];
  throw new CliError(match.length ? `Several home users match ${wanted}` : `No home user matches ${wanted}`, {
    exitCode: match.length ? EXIT.usage : EXIT.failure,
    hint: `Home users: ${
      users.map((u) => u.title).join(", ") || "none"
    }; a UUID always matches one (plextv home users)`,
  });
}

async function _pin(f: Factory, user: HomeUser): Promise<string> {
  const pin = f.env.PLEXTV_HOME_PIN ||
    (f.prompter.interactive ? await f.prompter.hidden(`PIN of ${user.title}: `) : await f.prompter.line());
  if (!pin) {
    throw new CliError(`${user.title} is protected by a PIN`, {
      exitCode: EXIT.auth,
      hint: "Type it at the prompt, pipe it on stdin, or set PLEXTV_HOME_PIN (plextv help home switch)",
    });
  }
  f.out.addSecret(pin);
  return pin;
}

/**
 * The `home switch` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [['PLEX_TOKEN="$(plextv home switch Kids)" plextv user', "act as a home user"]],
  description: [
    "USER is a title, username, id or UUID (see plextv home users). A protected user's PIN",
    "comes from a hidden prompt, from stdin when it is not a terminal, or from PLEXTV_HOME_PIN.",
    "The home user's token is printed on stdout (and nothing else), to use as PLEX_TOKEN:",
    '  PLEX_TOKEN="$(plextv home switch Kids)" plextv user',
    "The stored sign-in is not changed.",
  ].join("\n"),
  async run(f, args) {
    const { client } = await f.signedIn();
    const user = _find(await client.homeUsers({ signal: f.signal }), args.positionals[0]);
    let pin = user.protected ? await _pin(f, user) : undefined;
    // A PIN typed at the prompt is asked again when plex.tv refuses it, up to three times in all.
    const retypable = f.prompter.interactive && !f.env.PLEXTV_HOME_PIN;
    let typed = pin === undefined ? 0 : 1;
    let token;
    for (;;) {
      try {
        token = await client.switchHomeUser(user, { pin, signal: f.signal });
        break;
      } catch (err) {
        if (!isPlexError(err, "pin_required")) throw err;
        if (pin !== undefined && !(retypable && typed < 3)) throw err;
        if (pin !== undefined) f.out.warn(`The PIN of ${user.title} is incorrect; try again`);
        pin = await _pin(f, user);
        typed++;
      }
    }
    f.out.addSecret(token.value);
    if (f.out.json) {
      f.out.secret({ user: publicJson(user), token: token.value });
    } else {
      f.out.secret(token.value);
    }
    f.out.success(`Switched to ${user.title}; its token is on stdout`);
    return EXIT.ok;
  },
};

export default command;
