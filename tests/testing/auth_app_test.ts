// The emulator's stand-ins for the Plex auth app: /auth and /link pages with
// an approve button, approving through the emulator-only endpoint.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Emulator } from "../../lib/testing/mod.ts";
import { raw, uniqueClient, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("auth app pages", () => {
  it("serve /auth and /link with an approve button, approving through the emulator endpoint", async () => {
    const auth = await emulator.fetch("/auth");
    assert.match(auth.headers.get("content-type") ?? "", /text\/html/);
    const html = await auth.text();
    assert.match(html, /id="approve"/);
    assert.match(html, /value="plexuser"/);
    assert.match(await (await emulator.fetch("/link")).text(), /id="code"/);
    const clientId = uniqueClient();
    const pin = await (await raw(emulator, "/api/v2/pins?strong=true", { method: "POST", clientId }))
      .json() as {
        id: number;
        code: string;
      };
    const approved = await raw(emulator, "/__emulator/pins/approve", {
      method: "POST",
      clientId: null,
      json: { code: pin.code, username: "partner" },
    });
    assert.equal(approved.status, 200);
    const polled = await (await raw(emulator, `/api/v2/pins/${pin.id}`, { clientId })).json() as {
      authToken: string;
    };
    const me = await (await raw(emulator, "/api/v2/user", { token: polled.authToken })).json() as {
      username: string;
    };
    assert.equal(me.username, "partner");
    const unknown = await raw(emulator, "/__emulator/pins/approve", {
      method: "POST",
      form: { code: "NOPE" },
    });
    assert.equal(unknown.status, 404);
  });
});
