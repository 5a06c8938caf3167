import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultConfig, newClientId, withToken } from "@plexkit/plextv";
import { startEmulator } from "@plexkit/plextv/testing";

test("my tool reads the account, even when plex.tv rate-limits it once", async () => {
  const emulator = await startEmulator(); // on 127.0.0.1, a free port
  try {
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url)
      .withAuthAppUrl(`${emulator.url}/auth`);
    const token = await config.registerWithCredentials("plexuser", "plexpass");
    emulator.inject({ match: "GET /api/v2/user", kind: "status", status: 429, retryAfter: 1 });
    const account = await config.client(config.tokenSource(withToken(token))).user();
    assert.equal(account.username, "plexuser");
    assert.equal(emulator.count("GET /api/v2/user"), 2); // the 429, then the retry after 1 s
  } finally {
    await emulator.close();
  }
});
