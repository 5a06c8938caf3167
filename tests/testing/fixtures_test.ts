import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import type { PlexError, PlexErrorCode } from "../../mod.ts";
import {
  errorFromResponse,
  isMediaServer,
  parseAccount,
  parseAccountXml,
  parseErrorBody,
  parseHome,
  parseInvites,
  parsePlexTvDevices,
  parseRegisteredDevices,
  parseResources,
  parseResourcesXml,
  parseSharedUsers,
  type PlexResponse,
  processNonceResponse,
  processPinResponse,
  processPlexKeysResponse,
  processSignInResponse,
} from "../../protocol.ts";
import { importPublicJwk } from "../../lib/keys.ts";
import { parseXml } from "../../lib/parse/xml.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { raw } from "../_helpers/emulator.ts";
import { fixture, FIXTURE_NOTES, FIXTURES_URL } from "../_helpers/fixtures.ts";

function response(status: number, body: string): PlexResponse {
  return { status, body, headers: new Headers(), url: "https://plex.tv/recorded" };
}

function expectError(status: number, body: string, code: PlexErrorCode, plexCode: number): PlexError {
  const err = errorFromResponse(status, body);
  assert.equal(err.code, code);
  assert.equal(err.plexCode, plexCode);
  assert.equal(err.status, status);
  assert.ok(err.message.length > 0 && !err.message.endsWith("."));
  assert.equal(parseErrorBody(body)[0]?.code, plexCode);
  return err;
}

/** One check per fixture file: a new file fails the suite until it gets one. */
const CHECKS: Record<string, (text: string) => void | Promise<void>> = {
  "auth_nonce.json": (text) => {
    assert.equal(processNonceResponse(response(200, text)), "7c415b56-8f48-488a-98ab-847ef4460442");
  },
  "devices.xml": (text) => {
    const root = parseXml(text);
    assert.equal(root.name, "MediaContainer");
    assert.equal(root.children.Device?.length, 7);
    const devices = parseRegisteredDevices(text);
    assert.equal(devices.length, 7);
    const servers = devices.filter(isMediaServer);
    assert.deepEqual(servers.map((d) => d.name), ["MY PLEX SERVER"]);
  },
  "error_1000.json": (text) => {
    expectError(400, text, "client_id_missing", 1000);
  },
  "error_1001.json": (text) => {
    expectError(401, text, "unauthorized", 1001);
  },
  "error_1020.json": (text) => {
    expectError(404, text, "pin_expired", 1020);
    assert.throws(
      () => processPinResponse(response(404, text)),
      (err: PlexError) => err.code === "pin_expired",
    );
  },
  "error_1029.json": (text) => {
    const err = expectError(401, text, "verification_code_required", 1029);
    assert.ok(err.hint);
    assert.throws(
      () => processSignInResponse(response(401, text)),
      (e: PlexError) => e.code === "verification_code_required",
    );
  },
  "error_xml_1029.xml": (text) => {
    expectError(401, text, "verification_code_required", 1029);
  },
  "error_xml_1031.xml": (text) => {
    const err = expectError(401, text, "ip_blocked", 1031);
    assert.match(err.message, /repeated failures/);
  },
  "invites.xml": (text) => {
    assert.equal(parseXml(text).children.Invite?.length, 1);
    const [invite] = parseInvites(text);
    assert.equal(invite?.username, "testuser");
  },
  "jwks.json": async (text) => {
    const [key, ...rest] = processPlexKeysResponse(response(200, text));
    assert.equal(rest.length, 0);
    assert.equal(key?.kid, "rF99BTGQ3oprqZstwoahR-rDUDGd8Lf2iU8WFtC2d_8");
    assert.equal((await importPublicJwk(key!)).type, "public");
  },
  "openid_configuration.json": (text) => {
    const doc = JSON.parse(text) as { jwks_uri: string; id_token_signing_alg_values_supported: string[] };
    assert.equal(new URL(doc.jwks_uri).pathname, "/api/v2/auth/keys");
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ["EdDSA"]);
  },
  "pin_create.json": (text) => {
    const pin = processPinResponse(response(201, text));
    assert.equal(pin.code, "KYLX");
    assert.equal(pin.expiresAt.getTime() - pin.createdAt.getTime(), pin.expiresIn * 1000);
    assert.equal(pin.authToken, null);
  },
  "pin_spec_example.json": (text) => {
    const pin = processPinResponse(response(200, text));
    assert.equal(pin.code, "7RQZ");
    assert.equal(pin.expiresIn, 876);
  },
  "resources.json": (text) => {
    const doc = JSON.parse(text) as unknown[];
    const resources = parseResources(doc);
    assert.equal(resources.length, doc.length);
    assert.ok(resources.some((r) => r.provides.includes("server")));
  },
  "resources_v1.xml": (text) => {
    assert.equal(parseXml(text).name, "MediaContainer");
    const resources = parseResourcesXml(text);
    assert.equal(resources.length, 6);
  },
  "signin.json": (text) => {
    const { token, account } = processSignInResponse(response(201, text));
    assert.equal(token.value, "jx9nTbVbHk1gM");
    assert.equal(account.username, "ZjFvKLCb");
    assert.equal(parseAccount(JSON.parse(text)).uuid, "b9h6f3c8k1");
  },
  "signin_alt.json": (text) => {
    const { token, account } = processSignInResponse(response(201, text));
    assert.ok(token.isLegacy());
    assert.equal(account.anonymous, null);
  },
  "user.json": (text) => {
    const account = parseAccount(JSON.parse(text));
    assert.equal(account.username, "ZjFvKLCb");
    assert.equal(account.joinedAt.getTime(), 1552593531 * 1000);
  },
  "user.xml": (text) => {
    assert.equal(parseXml(text).name, "user");
    const account = parseAccountXml(text);
    assert.equal(account.username, "testuser");
  },
  "users_v1.xml": (text) => {
    assert.equal(parseXml(text).children.User?.length, 2);
    assert.equal(parseSharedUsers(text).length, 2);
  },
};

const files = (await readdir(FIXTURES_URL)).filter((name) => !FIXTURE_NOTES.includes(name)).sort();

describe("the real plex.tv payloads are kept byte for byte", () => {
  it("every file matches SHA256SUMS, and every payload is listed there", async () => {
    const sums = new Map(
      (await fixture("SHA256SUMS")).trim().split("\n").map((line) => {
        const [hash, name] = line.split(/\s+/);
        return [name!, hash!] as const;
      }),
    );
    assert.deepEqual([...sums.keys()].sort(), files);
    for (const [name, hash] of sums) {
      const bytes = await readFile(new URL(name, FIXTURES_URL));
      assert.equal(createHash("sha256").update(bytes).digest("hex"), hash, name);
    }
  });

  it("every payload has a row in PROVENANCE.md", async () => {
    const provenance = await fixture("PROVENANCE.md");
    for (const name of files) assert.ok(provenance.includes(`| \`${name}\` |`), name);
  });
});

describe("every real plex.tv payload parses with the library's parsers", () => {
  it("has a check for every fixture file", () => {
    assert.deepEqual(files.filter((name) => !(name in CHECKS)), []);
    assert.ok(files.length >= 20);
  });

  for (const name of files) {
    it(name, async () => {
      const check = CHECKS[name];
      assert.ok(check, `no check for ${name}`);
      await check(await fixture(name));
    });
  }
});

describe("the emulator's built-in payloads parse like the real ones", () => {
  let emulator: Emulator;
  let token = "";
  before(async () => {
    emulator = await startEmulator();
    const signin = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      form: { login: "plexuser", password: "plexpass" },
    });
    token = processSignInResponse(response(signin.status, await signin.text())).token.value;
  });
  after(async () => {
    await emulator.close();
  });

  it("user in JSON and XML", async () => {
    const json = parseAccount(await (await raw(emulator, "/api/v2/user", { token })).json());
    const xml = parseAccountXml(await (await raw(emulator, "/api/v2/user", { token, accept: null })).text());
    assert.equal(json.username, "plexuser");
    assert.equal(xml.username, json.username);
    assert.equal(xml.uuid, json.uuid);
  });

  it("devices, resources and home users", async () => {
    const devices = parseRegisteredDevices(
      await (await raw(emulator, "/devices.xml", { token, accept: null })).text(),
    );
    assert.ok(devices.some((d) => d.clientIdentifier === "raw-client"));
    assert.equal(devices.filter(isMediaServer).length, 1);
    const v2 = parsePlexTvDevices(await (await raw(emulator, "/api/v2/devices", { token })).json());
    assert.equal(v2.length, devices.length);
    const resources = parseResources(
      await (await raw(emulator, "/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1", { token }))
        .json(),
    );
    assert.equal(resources[0]?.connections.length, 5);
    const home = parseHome(await (await raw(emulator, "/api/v2/home/users", { token })).json());
    assert.equal(home.users.length, 3);
  });

  it("PINs and nonces", async () => {
    const pin = processPinResponse(
      response(201, await (await raw(emulator, "/api/v2/pins", { method: "POST" })).text()),
    );
    assert.equal(pin.expiresIn, 900);
    const nonce = processNonceResponse(
      response(200, await (await raw(emulator, "/api/v2/auth/nonce")).text()),
    );
    assert.match(nonce, /^[0-9a-f-]{36}$/);
    const keys = processPlexKeysResponse(
      response(200, await (await raw(emulator, "/api/v2/auth/keys")).text()),
    );
    assert.deepEqual(keys, emulator.signingKeys());
  });
});
