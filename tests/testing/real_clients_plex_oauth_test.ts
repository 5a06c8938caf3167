// plex-oauth 2.2.0 against the emulator, unchanged but for its own base URL
// (the static LinkHelper.PLEX_PIN_BASE_PATH, "https://plex.tv/api/v2"). Its
// HTTP client is axios with its Node adapter, so this test uses the loopback
// server. Its flows: the hosted login URL (a strong PIN created with a JSON
// "" body), and polling the PIN for its token.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PlexOauth } from "plex-oauth";
import { LinkHelper } from "plex-oauth/build/src/helpers/LinkHelper.js";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { linkPin } from "../_helpers/emulator.ts";

let emulator: Emulator;
const basePath = LinkHelper.PLEX_PIN_BASE_PATH;
const mutable = LinkHelper as unknown as { PLEX_PIN_BASE_PATH: string };

before(async () => {
  emulator = await startEmulator();
  mutable.PLEX_PIN_BASE_PATH = `${emulator.url}/api/v2`;
});
after(async () => {
  mutable.PLEX_PIN_BASE_PATH = basePath;
  await emulator.close();
});

const clientInfo = {
  clientIdentifier: "plex-oauth-test-client",
  product: "PlexOauthTest",
  device: "Node",
  version: "1",
  forwardUrl: "http://127.0.0.1:9/done",
  platform: "Web",
};

function codeOf(url: string): string {
  return new URLSearchParams(url.slice(url.indexOf("#?") + 2)).get("code")!;
}

describe("plex-oauth 2.2.0", () => {
  it('gets a hosted login URL: POST /pins?strong=true with Content-Type JSON and the body ""', async () => {
    const [url, pinId] = await new PlexOauth(clientInfo).requestHostedLoginURL();
    assert.ok(url.startsWith("https://app.plex.tv/auth#?code="));
    assert.match(codeOf(url), /^[a-z0-9]{25}$/);
    assert.ok(
      url.includes("clientID=plex-oauth-test-client") && url.includes("forwardUrl=http://127.0.0.1:9/done"),
    );
    assert.equal(typeof pinId, "number");
    const sent = emulator.requests.at(-1)!;
    assert.equal(`${sent.method} ${sent.path} ${sent.query.strong}`, "POST /api/v2/pins true");
    assert.equal(sent.headers["content-type"], "application/json");
    assert.equal(sent.headers["content-length"], "2", 'axios JSON-encodes the empty string to ""');
    assert.equal(sent.status, 201);
  });

  it("works with only the required client details (platform defaults to Web) and with urlencode", async () => {
    const [minimal] = await new PlexOauth({
      clientIdentifier: "plex-oauth-minimal",
      product: "Minimal",
      device: "Node",
      version: "1",
    }).requestHostedLoginURL();
    assert.match(codeOf(minimal), /^[a-z0-9]{25}$/);
    assert.equal(emulator.requests.at(-1)?.headers["x-plex-platform"], "Web");
    const [encoded] = await new PlexOauth({
      ...clientInfo,
      clientIdentifier: "plex-oauth-encoded",
      urlencode: true,
    })
      .requestHostedLoginURL();
    assert.ok(encoded.includes("context%5Bdevice%5D%5Bproduct%5D=PlexOauthTest"));
  });

  it("polls for the token: null before approval, the token after, and rejects for an unknown PIN", async () => {
    const oauth = new PlexOauth(clientInfo);
    const [url, pinId] = await oauth.requestHostedLoginURL();
    assert.equal(await oauth.checkForAuthToken(pinId), null);
    await linkPin(emulator, codeOf(url));
    const token = await oauth.checkForAuthToken(pinId, 1000, 1);
    assert.match(token!, /^[\w-]{20}$/);
    const me = await emulator.fetch("/api/v2/user", {
      headers: { "X-Plex-Token": token!, Accept: "application/json" },
    });
    assert.equal((await me.json() as { username: string }).username, "plexuser");
    await assert.rejects(oauth.checkForAuthToken(123, 1000, 0), /404/);
  });
});
