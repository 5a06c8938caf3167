// Device and resource routes of the emulator: devices.xml (with SyncList on
// sync targets) and /api/v2/devices listing the clients that signed in,
// removing devices and servers, and resources with connection filters, in
// JSON and in python-plexapi's XML.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { raw, signIn, uniqueClient, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("GET /devices.xml and /api/v2/devices", () => {
  it("list the clients that signed in with their headers, and the built-in devices", async () => {
    const clientId = uniqueClient();
    const token = await signIn(emulator, clientId);
    const second = `second-${clientId}`;
    await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: second,
      headers: { "X-Plex-Product": "Device Test", "X-Plex-Version": "2.0", "X-Plex-Provides": "sync-target" },
      form: { login: "plexuser", password: "plexpass" },
    });
    const xml = parseXml(await (await raw(emulator, "/devices.xml", { token, accept: "*/*" })).text());
    const devices = xml.children.Device ?? [];
    const added = devices.find((d) => d.attributes.clientIdentifier === second)!;
    assert.equal(added.attributes.product, "Device Test");
    assert.equal(added.attributes.productVersion, "2.0");
    assert.equal(added.children.SyncList?.length, 1, "a sync target has a SyncList");
    assert.ok(devices.some((d) => d.attributes.product === "Plex Media Server" && !d.children.SyncList));
    assert.ok(
      devices.every((d) => /^\d+$/.test(d.attributes.createdAt!)),
      "unix seconds, as the real capture",
    );
    const v2 = await (await raw(emulator, "/api/v2/devices", { token, clientId: null })).json() as {
      clientIdentifier: string;
    }[];
    assert.deepEqual(v2.map((d) => d.clientIdentifier), devices.map((d) => d.attributes.clientIdentifier));
  });

  it("/api/v2/devices types id and screenDensity as the Go seed's PlexTVDevice does: numbers, screenDensity nullable", async () => {
    const token = await signIn(emulator, uniqueClient());
    const v2 = await (await raw(emulator, "/api/v2/devices", { token, clientId: null })).json() as {
      id: unknown;
      screenDensity: unknown;
    }[];
    assert.ok(v2.length > 0);
    for (const device of v2) {
      assert.equal(typeof device.id, "number");
      assert.ok(
        device.screenDensity === null || Number.isInteger(device.screenDensity),
        String(device.screenDensity),
      );
    }
    assert.ok(v2.some((device) => device.screenDensity === 2), "a density the XML gives is kept");
  });

  it("remove a device by id (its token stops working) and a built-in one", async () => {
    const token = await signIn(emulator);
    const other = uniqueClient();
    const otherToken = await signIn(emulator, other);
    const listed = () =>
      raw(emulator, "/devices.xml", { token }).then(async (r) =>
        parseXml(await r.text()).children.Device ?? []
      );
    const id = (await listed()).find((d) => d.attributes.clientIdentifier === other)!.attributes.id;
    assert.equal((await raw(emulator, `/devices/${id}.xml`, { method: "DELETE", token })).status, 200);
    assert.equal((await raw(emulator, "/api/v2/user", { token: otherToken })).status, 401);
    assert.equal((await raw(emulator, `/devices/${id}.xml`, { method: "DELETE", token })).status, 404);
    const tv = (await listed()).find((d) => d.attributes.name === "Living Room TV")!;
    assert.equal(
      (await raw(emulator, `/devices/${tv.attributes.id}.xml`, { method: "DELETE", token })).status,
      200,
    );
    assert.ok(!(await listed()).some((d) => d.attributes.name === "Living Room TV"));
  });
});

describe("GET /api/v2/resources", () => {
  type Resource = {
    provides: string;
    accessToken: unknown;
    clientIdentifier: string;
    connections: { protocol: string; relay: boolean; IPv6: boolean }[];
  };
  const list = async (token: string, query = "") =>
    await (await raw(emulator, `/api/v2/resources${query}`, { token })).json() as Resource[];

  it("filters connections by includeHttps, includeRelay and includeIPv6; every accessToken is a string", async () => {
    const token = await signIn(emulator);
    const all = await list(token, "?includeHttps=1&includeRelay=1&includeIPv6=1");
    assert.ok(all.every((r) => typeof r.accessToken === "string"));
    const server = (resources: Resource[]) => resources.find((r) => r.provides.includes("server"))!;
    assert.equal(server(all).connections.length, 5);
    const plain = server(await list(token));
    assert.ok(plain.connections.every((c) => c.protocol === "http" && !c.relay && !c.IPv6));
    const noRelay = server(await list(token, "?includeHttps=1&includeIPv6=1"));
    assert.ok(noRelay.connections.every((c) => !c.relay) && noRelay.connections.some((c) => c.IPv6));
    const zeros = server(await list(token, "?includeHttps=0&includeIPv6=0&includeRelay=0"));
    assert.deepEqual(zeros.connections, plain.connections, "plexjs always sends all three, 0 by default");
  });

  it("answers XML without Accept JSON, as python-plexapi reads it", async () => {
    const token = await signIn(emulator);
    const root = parseXml(
      await (await raw(emulator, "/api/v2/resources?includeHttps=1", { token, accept: null })).text(),
    );
    const resource = root.children.resource![0]!;
    assert.equal(resource.attributes.provides, "server");
    assert.ok(resource.children.connections![0]!.children.connection!.length >= 2);
  });

  it("needs a client identifier (plex-api-spec), and DELETE /api/servers/{id} removes one", async () => {
    const owner = emulator.addUser({ username: uniqueClient("owner"), password: "secret" });
    const token = await signIn(emulator, uniqueClient(), owner.username, "secret");
    assert.equal((await raw(emulator, "/api/v2/resources", { token, clientId: null })).status, 400);
    const tv = (await list(token)).find((r) => r.provides.includes("player"))!;
    assert.equal(
      (await raw(emulator, `/api/servers/${tv.clientIdentifier}`, { method: "DELETE", token })).status,
      200,
    );
    assert.ok(!(await list(token)).some((r) => r.clientIdentifier === tv.clientIdentifier));
    assert.equal((await raw(emulator, "/api/servers/unknown", { method: "DELETE", token })).status, 404);
  });
});
