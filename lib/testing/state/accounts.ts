/**
 * The plex.tv emulator's accounts: the seeded users (a plain account, a 2FA
 * account, two home members, one PIN-protected) and users added by tests.
 *
 * @module
 */
import { checkFields, type FieldRule, invalid, is } from "../check.ts";

/**
 * An account of the emulator. Plain data: read it, do not change it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { username, password } = emulator.users.default;
 * const token = await config.registerWithCredentials(username, password!);
 * assert.equal(username, "plexuser");
 * assert.ok(token.isLegacy());
 * await emulator.close();
 * ```
 */
export interface EmulatorUser {
  /** Numeric account id. */
  readonly id: number;
  /** Account UUID (hex). */
  readonly uuid: string;
  /** The username (sign in with it or with the email). */
  readonly username: string;
  /** The email (also accepted as login). */
  readonly email: string;
  /** The password; `undefined` for home members who cannot sign in by themselves. */
  readonly password?: string;
  /** The display name. */
  readonly friendlyName: string;
  /** The 2FA code this account requires, fixed (2FA is off when `undefined`). */
  readonly verificationCode?: string;
  /** The home this account belongs to (the admin's id), if any. */
  readonly homeId?: number;
  /** Whether the account administers its home. */
  readonly homeAdmin: boolean;
  /** The home PIN that protects switching to this user, if any. */
  readonly pin?: string;
  /** Whether the account is a restricted (managed) user. */
  readonly restricted: boolean;
  /** When the account was created, unix seconds. */
  readonly joinedAt: number;
}

/**
 * Fields of a new account; the rest are derived.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const user = emulator.addUser({ username: "alice", password: "wonderland", verificationCode: "424242" });
 * assert.equal(user.email, "alice@example.com"); // derived
 * const token = await config.registerWithCredentials("alice", "wonderland", { verificationCode: "424242" });
 * assert.ok(token.isLegacy());
 * await emulator.close();
 * ```
 */
export interface AddUserOptions {
  /** The username; unique. */
  username: string;
  /** The password; leave out for a home member who cannot sign in by itself. */
  password?: string;
  /** The email; default `<username>@example.com`. */
  email?: string;
  /** The display name; default the username. */
  friendlyName?: string;
  /** Turns 2FA on with this fixed code. */
  verificationCode?: string;
  /** Makes the account a member of this admin's home (a username). */
  homeOf?: string;
  /** A home PIN protecting the switch to this user. */
  pin?: string;
  /** A restricted (managed) user. */
  restricted?: boolean;
}

const text: FieldRule = { is: is.text, must: "a non-empty string" };
const USER_RULES: { readonly [name in keyof AddUserOptions]-?: FieldRule } = {
  username: { ...text, required: true },
  password: { is: is.string, must: "a string" },
  email: text,
  friendlyName: { is: is.string, must: "a string" },
  verificationCode: text,
  homeOf: { is: is.text, must: "a username" },
  pin: text,
  restricted: { is: is.boolean, must: "true or false" },
};

/**
 * The seeded accounts, plus lookups over all accounts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { username, password, verificationCode } = emulator.users.twoFactor;
 * assert.equal(verificationCode, "123456");
 * await config.registerWithCredentials(username, password!, { verificationCode }); // signs in
 * assert.equal(emulator.users.get("PLEXUSER@example.com")?.username, "plexuser");
 * await emulator.close();
 * ```
 */
export interface EmulatorUsers {
  /** `plexuser` / `plexpass`: the default account, admin of a home. */
  readonly default: EmulatorUser;
  /** `twofactor` / `twofactorpass` with 2FA on; its code is `verificationCode` (`123456`). */
  readonly twoFactor: EmulatorUser;
  /** `kid`: a restricted home member of `plexuser` without a PIN. */
  readonly homeMember: EmulatorUser;
  /** `partner`: a home member of `plexuser` protected by the PIN `4321`. */
  readonly protectedHomeMember: EmulatorUser;
  /**
   * Every account.
   *
   * @returns The accounts, in creation order.
   */
  list(): EmulatorUser[];
  /**
   * An account by username or email (case-insensitive).
   *
   * @param login The username or email.
   * @returns The account, or `undefined`.
   */
  get(login: string): EmulatorUser | undefined;
}

/**
 * The account registry of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "./accounts.ts";
 * const accounts = new Accounts();
 * assert.equal(accounts.users.default.username, "plexuser");
 * ```
 */
export class Accounts {
  readonly #byId = new Map<number, EmulatorUser>();
  #nextId = 41_000_001;
  /** The seeded accounts and lookups. */
  readonly users: EmulatorUsers;

  /** Creates the registry with the seeded accounts. */
  constructor() {
    const main = this.add({ username: "plexuser", password: "plexpass", friendlyName: "Plex User" });
    const twoFactor = this.add({
      username: "twofactor",
      password: "twofactorpass",
      friendlyName: "Two Factor",
      verificationCode: "123456",
    });
    const kid = this.add({ username: "kid", homeOf: "plexuser", restricted: true, friendlyName: "Kid" });
    const partner = this.add({
      username: "partner",
      homeOf: "plexuser",
      pin: "4321",
      friendlyName: "Partner",
    });
    const byId = (id: number): EmulatorUser => this.#byId.get(id)!;
    this.users = {
      get default() {
        return byId(main.id);
      },
      get twoFactor() {
        return byId(twoFactor.id);
      },
      get homeMember() {
        return byId(kid.id);
      },
      get protectedHomeMember() {
        return byId(partner.id);
      },
      list: () => [...this.#byId.values()],
      get: (login) => this.find(login),
    };
  }

  /**
   * Adds an account.
   *
   * @param options Its fields.
   * @returns The account.
   * @throws {PlexError} `invalid_argument` for an unusable or unknown field, a taken username or an unknown `homeOf`.
   */
  add(options: AddUserOptions): EmulatorUser {
    checkFields(options, USER_RULES, "user field");
    if (this.find(options.username)) {
      throw invalid(`The username ${JSON.stringify(options.username)} is taken`);
    }
    const id = this.#nextId++;
    let homeId: number | undefined;
    if (options.homeOf !== undefined) {
      const admin = this.find(options.homeOf);
      if (!admin) throw invalid(`No account ${JSON.stringify(options.homeOf)} to join`);
      homeId = admin.id;
      if (admin.homeId === undefined) {
        this.#byId.set(admin.id, Object.freeze({ ...admin, homeId: admin.id, homeAdmin: true }));
      }
    }
    const user: EmulatorUser = Object.freeze({
      id,
      uuid: (id * 2654435761 % 2 ** 32).toString(16).padStart(8, "0") + id.toString(16).padStart(8, "0"),
      username: options.username,
      email: options.email ?? `${options.username.toLowerCase()}@example.com`,
      password: options.password,
      friendlyName: options.friendlyName ?? options.username,
      verificationCode: options.verificationCode,
      homeId,
      homeAdmin: false,
      pin: options.pin,
      restricted: options.restricted ?? false,
      joinedAt: 1_600_000_000 + (id % 10_000) * 3_600,
    });
    this.#byId.set(id, user);
    // the default account administers a home from the start
    if (options.username === "plexuser") {
      this.#byId.set(id, Object.freeze({ ...user, homeId: id, homeAdmin: true }));
    }
    return this.#byId.get(id)!;
  }

  /**
   * An account by id.
   *
   * @param id The account id.
   * @returns The account, or `undefined`.
   */
  byId(id: number): EmulatorUser | undefined {
    return this.#byId.get(id);
  }

  /**
   * An account by username or email, case-insensitive.
   *
   * @param login The username or email.
   * @returns The account, or `undefined`.
   */
  find(login: string): EmulatorUser | undefined {
    const wanted = login.toLowerCase();
    for (const user of this.#byId.values()) {
      if (user.username.toLowerCase() === wanted || user.email.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  /**
   * The members of a home, admin first.
   *
   * @param homeId The home id (its admin's account id).
   * @returns The members.
   */
  home(homeId: number): EmulatorUser[] {
    return [...this.#byId.values()].filter((u) => u.homeId === homeId).sort((a, b) =>
      Number(b.homeAdmin) - Number(a.homeAdmin)
    );
  }
}
