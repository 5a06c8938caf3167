/**
 * A Plex Home as plex.tv describes it: its id, name, guest user and
 * members, derived from the accounts (an account's home is its admin's id).
 *
 * @module
 */
import type { Accounts, EmulatorUser } from "./accounts.ts";

/**
 * The home of an account.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "./accounts.ts";
 * import { homeOf } from "./home.ts";
 * const accounts = new Accounts();
 * const home = homeOf(accounts, accounts.users.default);
 * assert.deepEqual(home.members.map((user) => user.username), ["plexuser", "kid", "partner"]);
 * assert.equal(homeOf(accounts, accounts.users.twoFactor).members.length, 1); // in no home
 * ```
 */
export interface HomeRecord {
  /** The home id (its admin's account id). */
  id: number;
  /** The home's name. */
  name: string;
  /** The guest user's id. */
  guestUserID: number;
  /** The guest user's UUID. */
  guestUserUUID: string;
  /** Whether the guest user is enabled. */
  guestEnabled: boolean;
  /** Whether the home has a Plex Pass (the emulator's accounts all do). */
  subscription: boolean;
  /** The members, admin first (the account alone when it has no home). */
  members: EmulatorUser[];
}

/**
 * The home of an account (a one-member home when it belongs to none).
 *
 * @param accounts The accounts.
 * @param user The account.
 * @returns The home.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "./accounts.ts";
 * import { homeOf } from "./home.ts";
 * const accounts = new Accounts();
 * const home = homeOf(accounts, accounts.users.default);
 * assert.ok(home.members.length === 3 && home.members[0]!.homeAdmin);
 * ```
 */
export function homeOf(accounts: Accounts, user: EmulatorUser): HomeRecord {
  const members = user.homeId === undefined ? [user] : accounts.home(user.homeId);
  const admin = members.find((m) => m.homeAdmin) ?? user;
  const id = user.homeId ?? user.id;
  return {
    id,
    name: `${admin.friendlyName}'s Home`,
    guestUserID: id + 90_000_000,
    guestUserUUID: (id * 40503 % 2 ** 32).toString(16).padStart(8, "0") + "0000beef",
    guestEnabled: false,
    subscription: true,
    members,
  };
}
