// Approving another device's PIN (PUT /api/v2/pins/link): the request as
// plex.tv receives it, and recorded answers mapped to typed errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlexError } from "../../lib/errors.ts";
import { linkPinRequest, pinCode, processLinkPinResponse } from "../../lib/endpoints/pin_link.ts";
import type { PlexResponse } from "../../lib/http/types.ts";
import { fixture } from "../_helpers/fixtures.ts";
import { clientOf, never, recordingConfig, recordingFetch, reply, TOKEN } from "../_helpers/account_api.ts";

const recorded = (status: number, body = ""): PlexResponse => ({
  status,
  headers: new Headers(),
  body,
  url: "https://plex.tv/api/v2/pins/link",
});

describe("linkPin (PUT /api/v2/pins/link)", () => {
  it("sends the code as a form, as the signed-in account, with X-Plex-Product: Plex SSO", async () => {
    const { fetch, requests } = recordingFetch(() => reply(204));
    const config = recordingConfig(fetch);
    await clientOf(config).linkPin("7RQZ");
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request?.method, "PUT");
    assert.equal(request?.url.href, "https://plex.tv/api/v2/pins/link");
    assert.equal(request?.headers.get("Content-Type"), "application/x-www-form-urlencoded");
    assert.equal(request?.body, "code=7RQZ");
    assert.equal(request?.headers.get("X-Plex-Token"), TOKEN);
    assert.equal(request?.headers.get("X-Plex-Product"), "Plex SSO");
    // the rest of the identity is the configuration's, and the configuration itself is unchanged
    assert.equal(request?.headers.get("X-Plex-Client-Identifier"), "account-api-test");
    assert.equal(request?.headers.get("X-Plex-Version"), "1");
    assert.equal(config.device.product, "acct tests");
  });

  it("accepts any 2xx, with or without a body", () => {
    for (const [status, body] of [[200, "{}"], [201, ""], [204, ""]] as const) {
      assert.equal(processLinkPinResponse(recorded(status, body)), undefined);
    }
  });

  it("maps an unknown or expired code to pin_expired, and the other failures by status", async () => {
    const e1020 = await fixture("error_1020.json");
    assert.throws(() => processLinkPinResponse(recorded(404, e1020)), (err: unknown) => {
      assert.ok(err instanceof PlexError && err.code === "pin_expired" && err.plexCode === 1020);
      return true;
    });
    assert.throws(() => processLinkPinResponse(recorded(404, "")), { code: "not_found" });
    const e1001 = await fixture("error_1001.json");
    assert.throws(() => processLinkPinResponse(recorded(401, e1001)), { code: "unauthorized" });
    assert.throws(() => processLinkPinResponse(recorded(400, "<html>bad</html>")), { code: "bad_request" });
    assert.throws(() => processLinkPinResponse(recorded(503, "")), { code: "server_error" });
  });

  it("refuses a malformed code before getting a token or sending anything", async () => {
    const { fetch, requests } = recordingFetch(() => reply(204));
    let tokens = 0;
    const client = recordingConfig(fetch).client({
      token: () => {
        tokens++;
        return Promise.reject(new Error("no token should be needed"));
      },
    });
    for (const bad of ["", "7RQ", "7RQ Z", "7RQZ\n", "a/../b", "x".repeat(65), 1234 as unknown as string]) {
      await assert.rejects(client.linkPin(bad), { code: "invalid_argument" }, JSON.stringify(bad));
      assert.throws(() => pinCode(bad), { code: "invalid_argument" });
    }
    await assert.rejects(
      linkPinRequest(recordingConfig(fetch), TOKEN, "bad code"),
      { code: "invalid_argument" },
    );
    assert.equal(tokens, 0);
    assert.equal(requests.length, 0);
    // both PIN lengths plex.tv uses pass, as given (not upper-cased)
    assert.equal(pinCode("8lzjqnq8lye02n52jq3fqxf8e"), "8lzjqnq8lye02n52jq3fqxf8e");
  });

  it("passes the signal to the request: an aborted call stops with aborted", async () => {
    const { fetch } = recordingFetch(never);
    const controller = new AbortController();
    const call = clientOf(recordingConfig(fetch)).linkPin("7RQZ", { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await assert.rejects(call, { code: "aborted" });
  });
});
