// Plex Home routes of the emulator: the home (plex-api-spec home.yaml, no
// nulls), its users, switching with the home PIN (1041 without), python-
// plexapi's v1 forms, and accounts added at start or later.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, signIn, uniqueClient, useEmulator, withEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("GET /api/v2/home and /api/v2/home/users", () => {
  it("describe the home with numbers and strings, never null (plexjs rejects null)", async () => {
    const token = await signIn(emulator);
    const home = await (await raw(emulator, "/api/v2/home", { token, clientId: null })).json() as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(home).sort(), [
      "guestEnabled",
      "guestUserID",
      "guestUserUUID",
      "id",
      "name",
      "subscription",
    ]);
    assert.ok(Object.values(home).every((v) => v !== null));
    assert.ok(typeof home.guestUserID === "number" && typeof home.guestUserUUID === "string");
    const users = await (await raw(emulator, "/api/v2/home/users", { token })).json() as
      & Record<string, unknown>
      & {
        users: { admin: boolean; protected: boolean; username: string | null }[];
      };
    assert.equal(users.guestUserUUID, home.guestUserUUID);
    assert.equal(users.users.length, 3);
    assert.ok(users.users[0]!.admin);
    assert.equal(users.users.find((u) => u.protected)?.username, null, "a managed member has no username");
  });

  it("serve the v1 XML list python-plexapi reads", async () => {
    const token = await signIn(emulator);
    const root = parseXml(await (await raw(emulator, "/api/home/users", { token, accept: null })).text());
    assert.equal(root.children.User?.length, 3);
  });
});

describe("POST /api/v2/home/users/{uuid}/switch", () => {
  it("switches, with 1041 for a protected user without its PIN or with a wrong one", async () => {
    const clientId = uniqueClient();
    const token = await signIn(emulator, clientId);
    const partner = emulator.users.protectedHomeMember;
    const kid = emulator.users.homeMember;
    const path = `/api/v2/home/users/${partner.uuid}/switch`;
    const noPin = await raw(emulator, path, { method: "POST", clientId, token });
    assert.equal(noPin.status, 403);
    assert.equal((await plexErrorOf(noPin)).code, 1041);
    const wrongPin = await raw(emulator, path, { method: "POST", clientId, token, form: { pin: "0000" } });
    assert.equal((await plexErrorOf(wrongPin)).code, 1041);
    const withPin = await raw(emulator, `${path}?pin=${partner.pin}`, { method: "POST", clientId, token });
    assert.equal(withPin.status, 201);
    const switched = await withPin.json() as { authToken: string; uuid: string };
    assert.equal(switched.uuid, partner.uuid);
    const me = await (await raw(emulator, "/api/v2/user", { token: switched.authToken })).json() as {
      username: string;
    };
    assert.equal(me.username, "partner");
    assert.equal(
      (await raw(emulator, `/api/v2/home/users/${kid.uuid}/switch`, { method: "POST", clientId, token }))
        .status,
      201,
    );
    const outsider = await signIn(emulator, uniqueClient(), "twofactor", "twofactorpass123456");
    assert.equal(
      (await raw(emulator, `/api/v2/home/users/${kid.uuid}/switch`, { method: "POST", token: outsider }))
        .status,
      404,
    );
  });

  it("switches through python-plexapi's v1 POST /api/home/users/{id}/switch, answering XML", async () => {
    const token = await signIn(emulator);
    const partner = emulator.users.protectedHomeMember;
    const res = await raw(emulator, `/api/home/users/${partner.id}/switch?pin=${partner.pin}`, {
      method: "POST",
      token,
      accept: null,
    });
    assert.equal(res.status, 201);
    const user = parseXml(await res.text());
    assert.match(user.attributes.authenticationToken!, /^[\w-]{20}$/);
  });
});

describe("accounts", () => {
  it("adds users with 2FA and home membership, at start or later", async () => {
    await withEmulator(
      { users: [{ username: "alice", password: "wonderland", verificationCode: "424242" }] },
      async (custom) => {
        const alice = custom.users.get("ALICE@example.com")!;
        assert.equal(alice.verificationCode, "424242");
        const bob = custom.addUser({ username: "bob", homeOf: "alice", pin: "1111" });
        assert.equal(bob.homeId, custom.users.get("alice")!.homeId);
        assert.ok(custom.users.get("alice")!.homeAdmin);
        assert.throws(() => custom.addUser({ username: "bob" }), /taken/);
        const signin = await raw(custom, "/api/v2/users/signin", {
          method: "POST",
          form: { login: "alice", password: "wonderland", verificationCode: "424242" },
        });
        const token = (await signin.json() as { authToken: string }).authToken;
        const home = await (await raw(custom, "/api/v2/home/users", { token })).json() as {
          users: { uuid: string }[];
        };
        assert.deepEqual(home.users.map((u) => u.uuid), [alice.uuid, bob.uuid]);
        assert.equal(custom.users.list().length, 6);
        const legacy = custom.issueLegacyToken({ clientId: "direct", username: "bob" });
        const me = await (await raw(custom, "/api/v2/user", { token: legacy })).json() as {
          username: string;
        };
        assert.equal(me.username, "bob");
      },
    );
  });
});
