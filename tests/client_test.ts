// The plex.tv client, end to end against the emulator serving the recorded
// payloads of tests/fixtures/plex.tv/: every call, its request, and the
// typed errors for 401, 404, 429, 5xx and malformed bodies.
import { fixture as readFixture, FIXTURES_DIR } from "./_helpers/fixtures.ts";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "../lib/client.ts";
import { type Config, defaultConfig } from "../lib/config.ts";
import { PlexError, type PlexErrorCode } from "../lib/errors.ts";
import { type Emulator, startEmulator } from "../lib/testing/mod.ts";
import type { Fault, FaultAction } from "../lib/testing/mod.ts";
import { Token } from "../lib/token.ts";
import type { TokenOptions, TokenSource } from "../lib/token_sources/token_source.ts";
import type {
  CallOptions,
  InvitesOptions,
  ResourcesOptions,
  SwitchHomeUserOptions,
  WatchlistOptions,
} from "../mod.ts";

const CLIENT_ID = "client-test-3f9a2c";

/** A token source that counts its calls and remembers the signals it was given. */
function countingSource(
  value: () => string,
): TokenSource & { calls: number; signals: (AbortSignal | undefined)[] } {
  const source = {
    calls: 0,
    signals: [] as (AbortSignal | undefined)[],
    token(options?: TokenOptions): Promise<Token> {
      source.calls++;
      source.signals.push(options?.signal);
      return Promise.resolve(new Token(value()));
    },
  };
  return source;
}

async function assertPlexError(
  promise: Promise<unknown>,
  code: PlexErrorCode,
  check?: (err: PlexError) => void,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PlexError, `expected a PlexError ${code}, got ${err}`);
    assert.equal(err.code, code, `${err.code}: ${err.message}`);
    check?.(err);
    return true;
  });
}

describe("Client against the plex.tv emulator", () => {
  let emulator: Emulator;
  let config: Config;
  let token: string;
  let source: ReturnType<typeof countingSource>;
  let client: Client;

  before(async () => {
    emulator = await startEmulator({ payloads: FIXTURES_DIR });
    config = defaultConfig()
      .withClientId(CLIENT_ID)
      .withDevice({ product: "plextv client tests", version: "1.0.0" })
      .withUrls(emulator.url)
      .withHttp({ retry: { retries: 0 } });
    token = (await config.registerWithCredentials("plexuser", "plexpass")).value;
    source = countingSource(() => token);
    client = config.client(source);
  });

  after(async () => {
    await emulator.close();
  });

  it("user() returns the typed account of user.json", async () => {
    const fixture = JSON.parse(await readFixture("user.json"));
    const calls = source.calls;
    const signal = new AbortController().signal;
    const account = await client.user({ signal });
    assert.equal(account.id, fixture.id);
    assert.equal(account.username, fixture.username);
    assert.deepEqual(account.joinedAt, new Date(fixture.joinedAt * 1000));
    assert.deepEqual(account.rememberExpiresAt, new Date(fixture.rememberExpiresAt * 1000));
    assert.deepEqual(account.subscription.subscribedAt, new Date(fixture.subscription.subscribedAt));
    assert.equal(account.services.length, fixture.services.length);
    assert.equal(account.authToken.value, token);
    assert.ok(!JSON.stringify(account).includes(token));
    // one token per call, and the call's signal reaches the token source
    assert.equal(source.calls, calls + 1);
    assert.equal(source.signals.at(-1), signal);
    const [request] = emulator.requests.slice(-1);
    assert.equal(request?.path, "/api/v2/user");
    assert.equal(request?.clientId, CLIENT_ID);
    assert.equal(request?.withToken, true);
  });

  it("registeredDevices() parses devices.xml, and mediaServers() keeps the servers", async () => {
    const devices = await client.registeredDevices();
    assert.ok(devices.length >= 7);
    const [iphone] = devices;
    assert.equal(iphone?.name, "iPhone");
    assert.deepEqual(iphone?.createdAt, new Date(1633194400 * 1000));
    assert.deepEqual(iphone?.syncList, { itemsCompleteCount: 0, totalSize: 0, version: 2 });
    // this client shows up among the devices, with its token hidden
    const self = devices.find((d) => d.clientIdentifier === CLIENT_ID);
    assert.equal(self?.product, "plextv client tests");
    assert.equal(self?.token?.value, token);
    assert.ok(!JSON.stringify(devices).includes(token));
    const servers = await client.mediaServers();
    assert.deepEqual(servers.map((d) => d.name), ["MY PLEX SERVER"]);
    assert.equal(emulator.count("GET /devices.xml"), 2);
  });

  it("resources() sends its query and returns resources.json", async () => {
    const all = await client.resources();
    assert.equal(all.length, 7);
    assert.deepEqual(emulator.requests.at(-1)?.query, {
      includeHttps: "1",
      includeRelay: "1",
      includeIPv6: "1",
    });
    assert.equal(all[0]?.connections.length, 4);
    assert.equal(all[0]?.accessToken?.value, "Hg7FGK9xVGdWZRa_sj76");

    const direct = await client.resources({ includeRelay: false, includeIPv6: false });
    assert.deepEqual(emulator.requests.at(-1)?.query, {
      includeHttps: "1",
      includeRelay: "0",
      includeIPv6: "0",
    });
    assert.ok(direct.every((r) => r.connections.every((c) => !c.relay && !c.IPv6)));
    assert.equal(direct[0]?.connections.length, 3);

    const servers = await client.servers({ includeHttps: false });
    assert.deepEqual(emulator.requests.at(-1)?.query, {
      includeHttps: "0",
      includeRelay: "1",
      includeIPv6: "1",
    });
    assert.equal(servers.length, 7);
    assert.ok(servers.every((r) => r.connections.every((c) => c.protocol === "http")));
  });

  it("devices() returns the v2 device list", async () => {
    const devices = await client.devices();
    assert.ok(devices.length >= 3);
    assert.ok(devices.every((d) => d.createdAt instanceof Date && Number.isInteger(d.id)));
    const self = devices.find((d) => d.clientIdentifier === CLIENT_ID);
    assert.equal(self?.token?.value, token);
    assert.equal(emulator.requests.at(-1)?.path, "/api/v2/devices");
  });

  it("ping() and claimToken() succeed with a valid token", async () => {
    await client.ping();
    assert.equal(emulator.requests.at(-1)?.path, "/api/v2/ping");
    const claim = await client.claimToken();
    assert.match(claim, /^claim-[A-Za-z0-9_-]{20}$/);
  });

  it("homeUsers() lists the home and switchHomeUser() returns the member's token", async () => {
    const users = await client.homeUsers();
    const kid = users.find((u) => u.title === "Kid");
    const partner = users.find((u) => u.title === "Partner");
    assert.equal(users.length, 3);
    assert.equal(kid?.restricted, true);
    assert.equal(kid?.protected, false);
    assert.equal(partner?.protected, true);
    assert.deepEqual(kid?.updatedAt, new Date(1_700_000_000 * 1000));
    const home = await client.home();
    assert.equal(home.subscription, true);

    const kidToken = await client.switchHomeUser(kid!);
    assert.ok(kidToken instanceof Token);
    assert.notEqual(kidToken.value, token);
    await config.client({ token: () => Promise.resolve(kidToken) }).ping();

    await assertPlexError(client.switchHomeUser(partner!), "pin_required", (err) => {
      assert.equal(err.plexCode, 1041);
      assert.equal(err.status, 403);
    });
    await assertPlexError(client.switchHomeUser(partner!.uuid, { pin: "0000" }), "pin_required");
    const partnerToken = await client.switchHomeUser(partner!.uuid, { pin: "4321" });
    assert.ok(partnerToken.isLegacy());
    // the PIN travels in the body, not in the URL
    assert.deepEqual(emulator.requests.at(-1)?.query, {});
    await assertPlexError(client.switchHomeUser("no-such-uuid"), "not_found");
    await assertPlexError(client.switchHomeUser(""), "invalid_argument");
  });

  it("refuses bad input before anything is sent: not even the token is asked for", async () => {
    const calls = source.calls;
    emulator.resetRequests();
    await assertPlexError(client.removeDevice("abc"), "invalid_argument");
    await assertPlexError(client.switchHomeUser(""), "invalid_argument");
    await assertPlexError(
      client.switchHomeUser("some-uuid", { pin: 1234 as unknown as string }),
      "invalid_argument",
    );
    await assertPlexError(client.switchHomeUser("some-uuid", { pin: "12 34" }), "invalid_argument");
    await assertPlexError(client.removeWebhook(42 as unknown as string), "invalid_argument");
    assert.equal(source.calls, calls, "no token was asked for");
    assert.deepEqual(emulator.requests, [], "nothing was sent");
  });

  it("refuses a token source that is not one when made, and one that gives no token before sending", async () => {
    for (const source of [undefined, null, "abcdefghij0123456789", {}, { token: "abc" }]) {
      assert.throws(() => config.client(source as never), {
        code: "invalid_argument",
        message: "A client takes a token source, such as config.tokenSource(...)",
      });
    }
    emulator.resetRequests();
    for (const given of [undefined, null, "abcdefghij0123456789", {}]) {
      const empty = config.client({ token: () => Promise.resolve(given as never) });
      await assertPlexError(empty.user(), "invalid_argument", (err) => {
        assert.equal(err.message, "The token source gave no Token");
        assert.equal(err.hint, "Its token() resolves to a Token, such as new Token(value)");
      });
    }
    assert.deepEqual(emulator.requests, [], "nothing was sent without a token");
  });

  it("hides the request's token when a fetch of one's own repeats it in its error", async () => {
    const secret = "abcdefghij0123456789secret";
    const leaky = config.withHttp({
      fetch: (_input, init) =>
        Promise.reject(new TypeError(`proxy refused ${new Headers(init?.headers).get("x-plex-token")}`)),
    }).client({ token: () => Promise.resolve(new Token(secret)) });
    await assertPlexError(leaky.user(), "network_error", (err) => {
      assert.match(err.message, /^Cannot reach 127\.0\.0\.1:\d+: proxy refused \*\*\*$/);
      assert.ok(
        !JSON.stringify([err.message, String(err.cause), (err.cause as Error).stack]).includes(secret),
      );
    });
  });

  it("refuses an option a call does not have (a misspelt timeoutMs would be dropped) and options that are not an object", async () => {
    const calls = source.calls;
    emulator.resetRequests();
    const misspelt = [
      () => client.user({ timeoutMS: 5_000 } as never),
      () => client.ping({ signl: AbortSignal.timeout(5_000) } as never),
      () => client.resources({ includeHTTPS: true } as never),
      () => client.invites({ recieved: true } as never),
      () => client.switchHomeUser("some-uuid", { pin: "1234", pn: "1234" } as never),
      () => client.watchlist({ filter: "all", sortBy: "titleSort" } as never),
      () => client.removeDevice(1, { timeout: 5 } as never),
    ];
    for (const call of misspelt) {
      await assertPlexError(call(), "invalid_argument", (err) => {
        assert.match(
          err.message,
          /^This call has no option (timeoutMS|signl|includeHTTPS|recieved|pn|sortBy|timeout)$/,
        );
        assert.match(err.hint ?? "", /^Its options are signal, fetch, timeoutMs/);
      });
    }
    for (const options of [null, "fast", 5]) {
      await assertPlexError(client.user(options as never), "invalid_argument", (err) => {
        assert.equal(err.message, "A call's options are an object, such as { timeoutMs: 5000 }");
      });
    }
    assert.equal(source.calls, calls, "no token was asked for");
    assert.deepEqual(emulator.requests, [], "nothing was sent");
    // Each call's own options are still taken, every one of them (the types make these lists complete).
    const resources: Required<Omit<ResourcesOptions, keyof CallOptions>> = {
      includeHttps: true,
      includeRelay: false,
      includeIPv6: true,
    };
    await client.resources({ ...resources, timeoutMs: 5_000 });
    await client.servers(resources);
    const invites: Required<Omit<InvitesOptions, keyof CallOptions>> = { received: true };
    await client.invites({ ...invites, signal: AbortSignal.timeout(5_000) });
    const watchlist: Required<Omit<WatchlistOptions, keyof CallOptions>> = {
      filter: "all",
      sort: "titleSort:asc",
    };
    await config.withDiscoverUrl(emulator.url).client(source).watchlist({
      ...watchlist,
      fetch: emulator.fetch,
    });
    const partner = (await client.homeUsers({ timeoutMs: 5_000 })).find((user) => user.title === "Partner");
    const switching: Required<Omit<SwitchHomeUserOptions, keyof CallOptions>> = { pin: "4321" };
    assert.ok((await client.switchHomeUser(partner!.uuid, switching)).isLegacy());
  });

  it("removeDevice() removes a device and revokes its token", async () => {
    const doomedToken = emulator.issueLegacyToken({ clientId: "doomed-device" });
    const doomed = (await client.registeredDevices()).find((d) => d.clientIdentifier === "doomed-device");
    assert.ok(doomed, "the device is registered");
    await client.removeDevice(doomed);
    assert.equal(emulator.requests.at(-1)?.path, `/devices/${doomed.id}.xml`);
    assert.equal(emulator.requests.at(-1)?.method, "DELETE");
    const after = await client.registeredDevices();
    assert.ok(!after.some((d) => d.clientIdentifier === "doomed-device"));
    await assertPlexError(
      config.client({ token: () => Promise.resolve(new Token(doomedToken)) }).ping(),
      "unauthorized",
    );
    await assertPlexError(client.removeDevice(doomed.id), "not_found");
    await assertPlexError(client.removeDevice("1; DROP"), "invalid_argument");
  });

  it("signOut() revokes the token: the next call is unauthorized", async () => {
    const other = emulator.issueLegacyToken({ clientId: "sign-out-device" });
    const leaving = config.client({ token: () => Promise.resolve(new Token(other)) });
    await leaving.ping();
    await leaving.signOut();
    assert.equal(emulator.requests.at(-1)?.method, "DELETE");
    assert.equal(emulator.requests.at(-1)?.path, "/api/v2/users/signout");
    await assertPlexError(leaving.user(), "unauthorized", (err) => assert.equal(err.status, 401));
    await assertPlexError(leaving.registeredDevices(), "unauthorized");
  });

  it("sharedUsers() and invites() read users_v1.xml and invites.xml", async () => {
    const users = await client.sharedUsers();
    assert.deepEqual(users.map((u) => u.id), [1000, 1001]);
    assert.equal(users[1]?.servers[0]?.machineIdentifier, "unique_id_123");
    assert.equal(emulator.requests.at(-1)?.path, "/api/users");
    const sent = await client.invites();
    assert.equal(sent[0]?.username, "testuser");
    assert.equal(emulator.requests.at(-1)?.path, "/api/invites/requested");
    const received = await client.invites({ received: true });
    assert.equal(received.length, 1);
    assert.equal(emulator.requests.at(-1)?.path, "/api/invites/requests");
  });

  it("refuses a switch that is not true or false, before anything is sent", async () => {
    const before = emulator.requests.length;
    for (const value of ["false", 0, null, 1]) {
      await assertPlexError(
        client.resources({ includeRelay: value as never }),
        "invalid_argument",
        (err) => assert.equal(err.message, "includeRelay must be true or false"),
      );
      await assertPlexError(
        client.invites({ received: value as never }),
        "invalid_argument",
        (err) => assert.equal(err.message, "received must be true or false"),
      );
    }
    assert.equal(emulator.requests.length, before);
  });

  it("passes the signal on: an aborted call fails with aborted, a hanging one can be cancelled", async () => {
    await assertPlexError(client.user({ signal: AbortSignal.abort() }), "aborted");
    emulator.inject({ match: "GET /api/v2/resources", kind: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assertPlexError(client.resources({ signal: controller.signal }), "aborted");
  });

  it("stops at the token source's error, sending nothing", async () => {
    const before = emulator.requests.length;
    const failing = config.client({
      token: () => Promise.reject(new PlexError("no_token_source", "No token is stored")),
    });
    await assertPlexError(failing.user(), "no_token_source");
    assert.equal(emulator.requests.length, before);
  });

  it("retries a transient 503 when retries are on", async () => {
    const patient = config.withHttp({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } }).client(source);
    const fault = emulator.inject({ match: "GET /api/v2/user", kind: "status", status: 503 });
    const account = await patient.user();
    assert.equal(account.authToken.value, token);
    assert.equal(fault.hits, 1);
  });
});

describe("Client failures are typed PlexErrors", () => {
  let emulator: Emulator;
  let client: Client;
  let token: string;

  before(async () => {
    emulator = await startEmulator({ payloads: FIXTURES_DIR });
    const config = defaultConfig().withClientId(CLIENT_ID).withUrls(emulator.url).withHttp({
      retry: { retries: 0 },
    });
    token = emulator.issueLegacyToken({ clientId: CLIENT_ID });
    client = config.client({ token: () => Promise.resolve(new Token(token)) });
  });

  after(async () => {
    emulator.clearFaults();
    await emulator.close();
  });

  interface Call {
    name: string;
    match: string;
    run: () => Promise<unknown>;
    body: "json" | "xml" | "none";
  }
  const calls: Call[] = [
    { name: "user", match: "GET /api/v2/user", run: () => client.user(), body: "json" },
    {
      name: "registeredDevices",
      match: "GET /devices.xml",
      run: () => client.registeredDevices(),
      body: "xml",
    },
    { name: "mediaServers", match: "GET /devices.xml", run: () => client.mediaServers(), body: "xml" },
    { name: "resources", match: "GET /api/v2/resources", run: () => client.resources(), body: "json" },
    { name: "devices", match: "GET /api/v2/devices", run: () => client.devices(), body: "json" },
    { name: "ping", match: "GET /api/v2/ping", run: () => client.ping(), body: "none" },
    { name: "signOut", match: "DELETE /api/v2/users/signout", run: () => client.signOut(), body: "none" },
    {
      name: "removeDevice",
      match: "DELETE /devices/*",
      run: () => client.removeDevice(600000001),
      body: "none",
    },
    { name: "homeUsers", match: "GET /api/v2/home/users", run: () => client.homeUsers(), body: "json" },
    {
      name: "switchHomeUser",
      match: "POST /api/v2/home/users/*/switch",
      run: () => client.switchHomeUser("any-uuid"),
      body: "json",
    },
    { name: "claimToken", match: "GET /api/claim/token.json", run: () => client.claimToken(), body: "json" },
    { name: "sharedUsers", match: "GET /api/users", run: () => client.sharedUsers(), body: "xml" },
    { name: "invites", match: "GET /api/invites/requested", run: () => client.invites(), body: "xml" },
  ];

  type FaultSpec = FaultAction & { label: string; code: PlexErrorCode };
  const statusFaults: FaultSpec[] = [
    { label: "401", kind: "status", status: 401, plexCode: 1001, code: "unauthorized" },
    { label: "404", kind: "status", status: 404, code: "not_found" },
    { label: "429", kind: "status", status: 429, plexCode: 1003, retryAfter: 7, code: "too_many_requests" },
    { label: "500", kind: "status", status: 500, code: "server_error" },
    { label: "503", kind: "status", status: 503, body: "Service Unavailable", code: "server_error" },
    { label: "HTML 502 page", kind: "malformed", body: "html", code: "server_error", status: 502 },
  ];

  for (const call of calls) {
    for (const spec of statusFaults) {
      it(`${call.name}: ${spec.label} → ${spec.code}`, async () => {
        const { label: _label, code, ...action } = spec;
        const fault = emulator.inject({ ...action, match: call.match } as FaultAction & Pick<Fault, "match">);
        await assertPlexError(call.run(), code, (err) => {
          if (spec.kind === "status") assert.equal(err.status, spec.status);
          if (spec.label === "429") assert.equal(err.retryAfter, 7);
          if (spec.label === "401") assert.equal(err.plexCode, 1001);
          if (spec.label === "HTML 502 page") assert.equal(err.status, 502);
          // A 404 names the URL asked: a base URL pointed at another server or path shows there.
          if (spec.label === "404") {
            assert.ok(err.message.startsWith(`plex.tv answered 404 for ${emulator.url}/`), err.message);
            assert.ok(!err.message.includes(token), "not the token");
          }
        });
        assert.equal(fault.hits, 1);
      });
    }
    if (call.body !== "none") {
      it(`${call.name}: an HTML page with status 200 → invalid_response`, async () => {
        emulator.inject({ match: call.match, kind: "malformed", body: "html", status: 200 });
        await assertPlexError(call.run(), "invalid_response");
      });
    }
    if (call.body === "json" && call.name !== "switchHomeUser") {
      it(`${call.name}: truncated JSON → invalid_response`, async () => {
        emulator.inject({ match: call.match, kind: "malformed", body: "truncated_json" });
        await assertPlexError(call.run(), "invalid_response", (err) => assert.match(err.message, /JSON/));
      });
    }
    if (call.body === "xml") {
      it(`${call.name}: XML with missing attributes → invalid_response naming the attribute`, async () => {
        emulator.inject({ match: call.match, kind: "malformed", body: "xml_missing_attributes" });
        await assertPlexError(call.run(), "invalid_response", (err) => {
          assert.match(err.message, /^MediaContainer\.(Device|User|Invite)\[0\]\.\w+ is missing$/);
        });
      });
    }
  }

  it("switchHomeUser: a truncated answer → invalid_response", async () => {
    const kid = emulator.users.homeMember;
    emulator.inject({ match: "POST /api/v2/home/users/*/switch", kind: "malformed", body: "truncated_json" });
    await assertPlexError(client.switchHomeUser(kid.uuid), "invalid_response");
  });

  it("a 200 answer of the wrong shape → invalid_response with the field's path", async () => {
    emulator.inject({
      match: "GET /api/v2/resources",
      kind: "status",
      status: 200,
      body:
        '[{"name":"NAS","product":"Plex Media Server","clientIdentifier":"m","createdAt":"2020-01-12T15:30:18Z",' +
        '"lastSeenAt":"2020-01-12T15:30:18Z","connections":[{"protocol":"https","address":"a","port":"x","uri":"u"}]}]',
      contentType: "application/json",
    });
    await assertPlexError(client.resources(), "invalid_response", (err) => {
      assert.equal(err.message, "[0].connections[0].port should be an integer, got string");
    });
  });

  it("a cut connection → network_error", async () => {
    emulator.inject({ match: "GET /api/v2/user", kind: "reset" });
    await assertPlexError(client.user(), "network_error");
  });
});
