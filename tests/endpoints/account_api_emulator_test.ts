// The account API against the plex.tv emulator: PIN link between two
// clients, friends, shares, webhooks, geoip and the watchlist, with 401, 404
// and malformed bodies as typed errors.
import assert from "node:assert/strict";
import { after, afterEach, describe, it } from "node:test";
import type { Client } from "../../lib/client.ts";
import { type Config, defaultConfig } from "../../lib/config.ts";
import { PlexError } from "../../lib/errors.ts";
import { startEmulator } from "../../lib/testing/mod.ts";
import { Token } from "../../lib/token.ts";

const emulator = await startEmulator();
after(() => emulator.close());
afterEach(() => emulator.clearFaults());

let n = 0;
function configFor(): Config {
  return defaultConfig().withClientId(`account-api-${++n}`).withUrls(emulator.url).withDiscoverUrl(
    emulator.url,
  )
    .withHttp({ retry: { retries: 0 } });
}

/** A client signed in as `username` (password sign-in), and its config. */
async function signedIn(
  username = "plexuser",
  password = "plexpass",
): Promise<{ client: Client; config: Config }> {
  const config = configFor();
  const token = await config.registerWithCredentials(username, password);
  return { client: config.client({ token: () => Promise.resolve(token) }), config };
}

/** A client whose token plex.tv does not know. */
function stranger(): Client {
  return configFor().client({ token: () => Promise.resolve(new Token("unknowntoken01234567")) });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<PlexError> {
  const err = await promise.then(() => undefined, (e) => e);
  assert.ok(err instanceof PlexError, `expected a PlexError ${code}, got ${err}`);
  assert.equal(err.code, code, err.message);
  return err;
}

describe("linkPin against the emulator", () => {
  it("a PIN shown by one client, approved by another account, signs the first client in to that account", async () => {
    const approver = emulator.addUser({ username: "approver", password: "approverpass" });
    const { client: laptop } = await signedIn("approver", "approverpass");
    const headless = configFor();
    const { pin } = await headless.pinRequest();
    assert.equal((await headless.validatePin(pin.id)).token, undefined, "not approved yet");
    await laptop.linkPin(pin.code);
    const { token } = await headless.validatePin(pin.id);
    assert.ok(token, "the headless client's next poll gets its token");
    const account = await headless.client({ token: () => Promise.resolve(token) }).user();
    assert.equal(account.username, approver.username);
    const link = emulator.requests.filter((r) => r.path === "/api/v2/pins/link").at(-1);
    assert.equal(link?.method, "PUT");
  });

  it("an unknown code is pin_expired; a bad token is unauthorized", async () => {
    const { client } = await signedIn();
    await rejectsWith(client.linkPin("ZZZZ"), "pin_expired");
    const { pin } = await configFor().pinRequest();
    await rejectsWith(stranger().linkPin(pin.code), "unauthorized");
  });
});

describe(
  "friends and removeFriend against the emulator",
  () => {
    it("lists typed friends; a removed friend is gone; removing a stranger is not_found", async () => {
      const { client } = await signedIn();
      const friends = await client.friends();
      assert.ok(friends.length > 0, "the emulator's default account has friends");
      for (const friend of friends) {
        assert.ok(
          Number.isSafeInteger(friend.id) && typeof friend.uuid === "string",
        );
      }
      await client.removeFriend(friends[0]!);
      assert.ok(!(await client.friends()).some((f) => f.id === friends[0]!.id));
      await rejectsWith(client.removeFriend(friends[0]!), "not_found");
    });

    it("401, 404 and a malformed body are typed errors", async () => {
      const { client } = await signedIn();
      await rejectsWith(stranger().friends(), "unauthorized");
      emulator.inject({ match: "GET /api/v2/friends", kind: "status", status: 404 });
      await rejectsWith(client.friends(), "not_found");
      emulator.inject({ match: "GET /api/v2/friends", kind: "malformed", body: "truncated_json" });
      await rejectsWith(client.friends(), "invalid_response");
    });
  },
);

describe("sharedServers against the emulator", () => {
  it("lists the shares of an owned server; an unknown server is not_found", async () => {
    const { client } = await signedIn();
    const owned = (await client.servers()).filter((s) => s.owned);
    assert.ok(owned.length > 0, "the default account owns a server");
    const shares = await client.sharedServers(owned[0]!.clientIdentifier);
    assert.ok(shares.length > 0, "the default account shares its server with a friend");
    for (const share of shares) {
      assert.ok(share.sections.every((s) => typeof s.key === "string" && typeof s.shared === "boolean"));
      assert.ok(Number.isSafeInteger(share.userID));
      assert.ok(!JSON.stringify(share).includes(share.accessToken?.value ?? "\u0000"));
    }
    await rejectsWith(client.sharedServers("not-a-server-of-this-account"), "not_found");
  });

  it("401 and a malformed body are typed errors", async () => {
    const { client } = await signedIn();
    const [server] = (await client.servers()).filter((s) => s.owned);
    await rejectsWith(stranger().sharedServers(server!.clientIdentifier), "unauthorized");
    emulator.inject({
      match: "GET /api/servers/*/shared_servers",
      kind: "malformed",
      body: "html",
      status: 200,
    });
    await rejectsWith(client.sharedServers(server!.clientIdentifier), "invalid_response");
  });
});

describe("webhooks against the emulator", () => {
  it("add, list, add again, remove, remove again", async () => {
    const { client } = await signedIn();
    const before = await client.webhooks();
    const url = "https://hooks.example.com/plextv-test";
    assert.deepEqual(await client.addWebhook(url), [...before, url]);
    assert.deepEqual(await client.webhooks(), [...before, url], "plex.tv keeps the list");
    const posts = emulator.count("POST /api/v2/user/webhooks");
    assert.deepEqual(await client.addWebhook(url), [...before, url]);
    assert.equal(emulator.count("POST /api/v2/user/webhooks"), posts, "adding it again writes nothing");
    assert.deepEqual(await client.removeWebhook(url), before);
    assert.deepEqual(await client.webhooks(), before);
    await rejectsWith(client.removeWebhook(url), "not_found");
  });

  it("the list is the account's own", async () => {
    const { client: one } = await signedIn();
    emulator.addUser({ username: "hookless", password: "hooklesspass" });
    const { client: other } = await signedIn("hookless", "hooklesspass");
    await one.addWebhook("https://hooks.example.com/only-mine");
    assert.ok(!(await other.webhooks()).includes("https://hooks.example.com/only-mine"));
    await one.removeWebhook("https://hooks.example.com/only-mine");
  });

  it("401, 404 and a malformed body are typed errors", async () => {
    const { client } = await signedIn();
    const posts = emulator.count("POST /api/v2/user/webhooks");
    await rejectsWith(stranger().webhooks(), "unauthorized");
    emulator.inject({ match: "GET /api/v2/user/webhooks", kind: "status", status: 404 });
    await rejectsWith(client.webhooks(), "not_found");
    emulator.inject({ match: "GET /api/v2/user/webhooks", kind: "malformed", body: "html", status: 200 });
    await rejectsWith(client.addWebhook("https://hooks.example.com/x"), "invalid_response");
    assert.equal(emulator.count("POST /api/v2/user/webhooks"), posts, "a list it cannot read is not written");
  });
});

describe("geoip against the emulator", () => {
  it("places an address, and the caller without one", async () => {
    const { client } = await signedIn();
    const where = await client.geoip("203.0.113.7");
    assert.equal(typeof where.country, "string");
    assert.match(String(where.code), /^[A-Z]{2}$/);
    assert.equal(emulator.requests.at(-1)?.query.ip_address, "203.0.113.7");
    assert.equal(typeof (await client.geoip()).country, "string");
  });

  it("a malformed body and an error status are typed errors", async () => {
    const { client } = await signedIn();
    emulator.inject({ match: "GET /api/v2/geoip", kind: "malformed", body: "truncated_json" });
    await rejectsWith(client.geoip("203.0.113.7"), "invalid_response");
    emulator.inject({ match: "GET /api/v2/geoip", kind: "status", status: 404 });
    await rejectsWith(client.geoip("203.0.113.7"), "not_found");
  });
});

describe("watchlist against the emulator", () => {
  it("reads the watchlist from the discover host", async () => {
    const { client } = await signedIn();
    const items = await client.watchlist();
    assert.ok(items.length > 0, "the default account has a watchlist");
    for (const item of items) assert.ok(typeof item.ratingKey === "string" && typeof item.title === "string");
    const request = emulator.requests.filter((r) => r.path === "/library/sections/watchlist/all").at(-1);
    assert.equal(request?.withToken, true);
  });

  it("401 and a malformed body are typed errors", async () => {
    const { client } = await signedIn();
    await rejectsWith(stranger().watchlist(), "unauthorized");
    emulator.inject({
      match: "GET /library/sections/watchlist/all",
      kind: "malformed",
      body: "truncated_json",
    });
    await rejectsWith(client.watchlist(), "invalid_response");
  });
});
