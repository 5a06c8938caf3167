// Friend and sharing routes of the emulator: the v2 friend list, removal
// through python-plexapi's sharings route and the friends route other tools
// use, who has which libraries (shared_servers XML), and the v1 user and
// invitation lists.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { raw, signIn, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

type Friend = {
  id: number;
  username: string;
  friendlyName: string | null;
  sharedServers: unknown[];
  status: string;
};
const SERVER = "5f0e3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";

describe("friends", () => {
  it("lists the seeded friends (Friend of plex-api-spec, sharedServers empty) with a token only", async () => {
    const token = await signIn(emulator);
    const res = await raw(emulator, "/api/v2/friends", { token, clientId: null });
    assert.equal(res.status, 200);
    const friends = await res.json() as Friend[];
    assert.deepEqual(friends.map((f) => f.username), ["moviebuddy", "farcousin"]);
    assert.ok(friends.every((f) => f.status === "accepted" && f.sharedServers.length === 0));
    assert.equal(friends[1]!.friendlyName, null);
    const other = await signIn(emulator, undefined, "twofactor", "twofactorpass123456");
    assert.deepEqual(await (await raw(emulator, "/api/v2/friends", { token: other })).json(), []);
  });

  it("shows who has which libraries in shared_servers and /api/users, and removes friends", async () => {
    const owner = emulator.addUser({ username: "sharer", password: "pw" });
    const token = await signIn(emulator, undefined, owner.username, "pw");
    assert.deepEqual(
      await (await raw(emulator, "/api/v2/friends", { token })).json(),
      [],
      "a new account has none",
    );
    const token2 = await signIn(emulator);
    const [first, second] = await (await raw(emulator, "/api/v2/friends", { token: token2 }))
      .json() as Friend[];
    const shared = parseXml(
      await (await raw(emulator, `/api/servers/${SERVER}/shared_servers`, { token: token2 })).text(),
    );
    const byUser = new Map(shared.children.SharedServer!.map((s) => [Number(s.attributes.userID), s]));
    assert.match(byUser.get(first!.id)!.attributes.accessToken!, /^[\w-]{20}$/);
    const sections = byUser.get(second!.id)!.children.Section!.filter((s) => s.attributes.shared === "1");
    assert.deepEqual(sections.map((s) => s.attributes.title), ["TV Shows"]);
    const users = parseXml(await (await raw(emulator, "/api/users", { token: token2, accept: null })).text());
    assert.deepEqual(users.children.User!.map((u) => Number(u.attributes.id)), [first!.id, second!.id]);
    assert.equal(users.children.User![0]!.children.Server![0]!.attributes.machineIdentifier, SERVER);
    assert.equal(
      (await raw(emulator, `/api/v2/sharings/${first!.id}`, { method: "DELETE", token: token2 })).status,
      204,
    );
    assert.equal(
      (await raw(emulator, `/api/v2/friends/${second!.id}`, { method: "DELETE", token: token2 })).status,
      204,
    );
    assert.deepEqual(await (await raw(emulator, "/api/v2/friends", { token: token2 })).json(), []);
    assert.equal(
      (await raw(emulator, `/api/v2/sharings/${first!.id}`, { method: "DELETE", token: token2 })).status,
      404,
    );
    assert.equal((await raw(emulator, "/api/servers/unknown/shared_servers", { token: token2 })).status, 404);
  });

  it("serves the invitation lists (empty without a payload folder)", async () => {
    const token = await signIn(emulator);
    for (const path of ["/api/invites/requested", "/api/invites/requests"]) {
      const root = parseXml(await (await raw(emulator, path, { token, accept: "application/json" })).text());
      assert.equal(root.name, "MediaContainer", path);
    }
  });
});
