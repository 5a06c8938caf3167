import assert from "node:assert/strict";
import { defaultConfig } from "@plexkit/plextv";
import { createEmulator } from "@plexkit/plextv/testing";

const emulator = await createEmulator(); // in process: no port, no server
try {
  const config = defaultConfig().withClientId("my-tool-test").withUrls(emulator.url).withFetch(
    emulator.fetch,
  );
  const token = await config.registerWithCredentials("plexuser", "plexpass");
  assert.ok(token.isLegacy());
  console.log(`Signed in with ${emulator.count("POST /api/v2/users/signin")} request, no socket opened`);
} finally {
  await emulator.close();
}
