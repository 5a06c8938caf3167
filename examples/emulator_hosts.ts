import assert from "node:assert/strict";
import { createEmulator } from "@plexkit/plextv/testing";

// For a client that hard-codes https://plex.tv/...: the emulator answers for plex.tv's names,
// and the client's requests reach it exactly as they were written.
const emulator = await createEmulator({ hosts: ["plex.tv", "clients.plex.tv", "discover.provider.plex.tv"] });
const toEmulator: typeof fetch = (input, init) => emulator.fetch(input, init);
try {
  // e.g. new HTTPClient({ fetcher: toEmulator }) for plexjs, or globalThis.fetch = toEmulator for ofetch
  const response = await toEmulator("https://plex.tv/api/v2/user", {
    headers: { Accept: "application/json", "X-Plex-Client-Identifier": "hard-coded-client" },
  });
  assert.equal(response.status, 401); // no token, as plex.tv answers
  console.log(`https://plex.tv/api/v2/user without a token: ${response.status}`);
} finally {
  await emulator.close();
}
