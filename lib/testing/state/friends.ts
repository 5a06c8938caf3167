/**
 * The friends of each account (other Plex accounts it shares its server
 * with): listed by `GET /api/v2/friends` and the XML share listings, removed
 * by `DELETE /api/v2/sharings/{id}`.
 *
 * @module
 */
import { randomString, TOKEN_ALPHABET } from "./random.ts";

/**
 * A friend of an account. Plain data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Friends } from "./friends.ts";
 * const friends = new Friends();
 * friends.add(1, { username: "moviebuddy", friendlyName: "Movie Buddy" });
 * const [first] = friends.of(1);
 * assert.deepEqual([first?.username, first?.friendlyName, first?.restricted], ["moviebuddy", "Movie Buddy", false]);
 * ```
 */
export interface FriendRecord {
  /** The friend's account id. */
  readonly id: number;
  /** The friend's account UUID. */
  readonly uuid: string;
  /** The friend's username. */
  readonly username: string;
  /** The friend's email. */
  readonly email: string;
  /** The friend's full name, if set. */
  readonly friendlyName: string | null;
  /** Whether the friend is a managed user. */
  readonly restricted: boolean;
  /** The library section keys of the owner's server shared with the friend. */
  readonly sectionKeys: readonly number[];
  /** The friend's token on the owner's server (what `shared_servers` lists). */
  readonly serverToken: string;
  /** When the invitation was accepted, unix seconds. */
  readonly acceptedAt: number;
}

/** A new friend's fields. */
export interface AddFriendOptions {
  /** The username. */
  username: string;
  /** The full name. */
  friendlyName?: string | null;
  /** The library section keys shared (default: all). */
  sectionKeys?: number[];
}

/**
 * The friend lists of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Friends } from "./friends.ts";
 * const friends = new Friends();
 * const added = friends.add(1, { username: "alice" });
 * assert.ok(friends.remove(1, added.id));
 * assert.deepEqual(friends.of(1), []);
 * ```
 */
export class Friends {
  readonly #byOwner = new Map<number, FriendRecord[]>();
  #nextId = 51_000_001;

  /**
   * The friends of an account.
   *
   * @param ownerId The account id.
   * @returns The friends, oldest first.
   */
  of(ownerId: number): FriendRecord[] {
    return [...this.#byOwner.get(ownerId) ?? []];
  }

  /**
   * Adds a friend to an account.
   *
   * @param ownerId The account id.
   * @param options The friend's fields.
   * @returns The friend.
   */
  add(ownerId: number, options: AddFriendOptions): FriendRecord {
    const id = this.#nextId++;
    const friend: FriendRecord = Object.freeze({
      id,
      uuid: (id * 2246822519 % 2 ** 32).toString(16).padStart(8, "0") + id.toString(16).padStart(8, "0"),
      username: options.username,
      email: `${options.username.toLowerCase()}@example.com`,
      friendlyName: options.friendlyName === undefined ? options.username : options.friendlyName,
      restricted: false,
      sectionKeys: Object.freeze([...options.sectionKeys ?? [1, 2, 3]]),
      serverToken: randomString(20, TOKEN_ALPHABET),
      acceptedAt: 1_650_000_000 + (id % 1_000) * 86_400,
    });
    this.#byOwner.set(ownerId, [...this.of(ownerId), friend]);
    return friend;
  }

  /**
   * Removes a friend of an account.
   *
   * @param ownerId The account id.
   * @param friendId The friend's account id.
   * @returns `true` when it was a friend.
   */
  remove(ownerId: number, friendId: number): boolean {
    const list = this.of(ownerId);
    const kept = list.filter((f) => f.id !== friendId);
    this.#byOwner.set(ownerId, kept);
    return kept.length !== list.length;
  }
}
