// Webhooks (GET and POST /api/v2/user/webhooks): the list from recorded XML,
// the whole-list update as python-plexapi sends it (urls[] per URL, urls= to
// clear), adding an existing URL and removing a missing one, typed errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlexError } from "../../lib/errors.ts";
import {
  parseWebhooks,
  processSetWebhooksResponse,
  processWebhooksResponse,
  setWebhooksRequest,
  webhookUrl,
} from "../../lib/endpoints/webhook.ts";
import type { PlexResponse } from "../../lib/http/types.ts";
import { fixture } from "../_helpers/fixtures.ts";
import {
  clientOf,
  type Recorded,
  recordingConfig,
  recordingFetch,
  reply,
  TOKEN,
  WEBHOOKS_XML,
} from "../_helpers/account_api.ts";

const recorded = (status: number, body: string): PlexResponse => ({
  status,
  headers: new Headers(),
  body,
  url: "https://plex.tv/api/v2/user/webhooks",
});

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
const xmlOf = (urls: string[]) =>
  `<MediaContainer size="${urls.length}">${
    urls.map((u) => `<webhook url="${escape(u)}"/>`).join("")
  }</MediaContainer>`;

/** A plex.tv that keeps a webhook list, answering POSTs with the new list (or with 204 when `silent`). */
function webhookServer(initial: string[], silent = false) {
  let urls = [...initial];
  const recording = recordingFetch((r: Recorded) => {
    if (r.method === "POST") {
      const form = new URLSearchParams(r.body);
      urls = form.has("urls") && form.get("urls") === "" ? [] : form.getAll("urls[]");
      return silent ? reply(204) : reply(201, xmlOf(urls), "application/xml");
    }
    return reply(200, xmlOf(urls), "application/xml");
  });
  return { ...recording, urls: () => urls, client: clientOf(recordingConfig(recording.fetch)) };
}

describe("webhooks (GET /api/v2/user/webhooks)", () => {
  it("lists the url of every <webhook>, in order, asking for XML", async () => {
    assert.deepEqual(processWebhooksResponse(recorded(200, WEBHOOKS_XML)), [
      "https://hooks.example.com/plex",
      "http://192.168.1.10:8123/api/webhook/plex-secret-id",
    ]);
    assert.deepEqual(parseWebhooks("<MediaContainer/>"), []);
    const server = webhookServer(["https://a.example/"]);
    assert.deepEqual(await server.client.webhooks(), ["https://a.example/"]);
    const [request] = server.requests;
    assert.equal(`${request?.method} ${request?.url.href}`, "GET https://plex.tv/api/v2/user/webhooks");
    assert.equal(request?.headers.get("Accept"), "application/xml");
    assert.equal(request?.headers.get("X-Plex-Token"), TOKEN);
  });

  it("maps errors and malformed bodies to typed errors", async () => {
    const e1029 = await fixture("error_xml_1029.xml");
    assert.throws(() => processWebhooksResponse(recorded(401, e1029)), {
      code: "verification_code_required",
    });
    assert.throws(() => processWebhooksResponse(recorded(401, "")), { code: "unauthorized" });
    assert.throws(() => processWebhooksResponse(recorded(404, "")), { code: "not_found" });
    assert.throws(() => processWebhooksResponse(recorded(400, "")), { code: "bad_request" });
    assert.throws(() => processWebhooksResponse(recorded(200, '{"webhooks":[]}')), {
      code: "invalid_response",
    });
    assert.throws(
      () => processWebhooksResponse(recorded(200, "<MediaContainer><webhook/></MediaContainer>")),
      {
        code: "invalid_response",
        message: "MediaContainer.webhook[0].url is missing",
      },
    );
  });
});

describe("addWebhook and removeWebhook (POST /api/v2/user/webhooks)", () => {
  it("adds a URL by setting the whole list, one urls[] field per URL", async () => {
    const server = webhookServer(["https://a.example/"]);
    const after = await server.client.addWebhook("https://Hooks.Example.com/plex?id=1&b=2");
    assert.deepEqual(after, ["https://a.example/", "https://hooks.example.com/plex?id=1&b=2"]);
    assert.deepEqual(server.urls(), after);
    const post = server.requests.find((r) => r.method === "POST");
    assert.equal(post?.url.href, "https://plex.tv/api/v2/user/webhooks");
    assert.equal(post?.headers.get("Content-Type"), "application/x-www-form-urlencoded");
    assert.equal(
      post?.body,
      "urls%5B%5D=https%3A%2F%2Fa.example%2F&urls%5B%5D=https%3A%2F%2Fhooks.example.com%2Fplex%3Fid%3D1%26b%3D2",
    );
    assert.equal(post?.headers.get("X-Plex-Token"), TOKEN);
    assert.deepEqual(server.requests.map((r) => r.method), ["GET", "POST"]);
  });

  it("adding a URL that is already there (compared as URLs) writes nothing", async () => {
    const server = webhookServer(["https://a.example", "https://b.example/x"]);
    assert.deepEqual(await server.client.addWebhook("https://A.EXAMPLE/"), [
      "https://a.example",
      "https://b.example/x",
    ]);
    assert.deepEqual(server.requests.map((r) => r.method), ["GET"]);
  });

  it("removes a URL, and clears the list with an empty urls field when it was the last", async () => {
    const server = webhookServer(["https://a.example/", "https://b.example/"]);
    assert.deepEqual(await server.client.removeWebhook("https://a.example"), ["https://b.example/"]);
    assert.equal(server.requests.at(-1)?.body, "urls%5B%5D=https%3A%2F%2Fb.example%2F");
    assert.deepEqual(await server.client.removeWebhook("https://b.example/"), []);
    assert.equal(server.requests.at(-1)?.body, "urls=");
    assert.deepEqual(server.urls(), []);
  });

  it("removing a URL the account does not have is not_found, and writes nothing", async () => {
    const server = webhookServer(["https://a.example/secret-path"]);
    const err = await server.client.removeWebhook("https://other.example/secret-path").catch((e) => e);
    assert.ok(err instanceof PlexError && err.code === "not_found", String(err));
    assert.ok(!err.message.includes("secret-path"), "the message does not repeat the URL");
    assert.deepEqual(server.requests.map((r) => r.method), ["GET"]);
    assert.deepEqual(server.urls(), ["https://a.example/secret-path"]);
  });

  it("when plex.tv answers the update without a body, the list sent is the answer", async () => {
    const server = webhookServer([], true);
    assert.deepEqual(await server.client.addWebhook("https://a.example/"), ["https://a.example/"]);
    assert.equal(processSetWebhooksResponse(recorded(204, "")), undefined);
    assert.deepEqual(processSetWebhooksResponse(recorded(201, WEBHOOKS_XML))?.length, 2);
  });

  it("refuses a URL that is not http(s) before taking a token or sending anything", async () => {
    const server = webhookServer([]);
    for (
      const bad of [
        "",
        "hooks.example.com",
        "ftp://hooks.example.com/",
        "javascript:alert(1)",
        "https://",
        "https://hooks.example.com/a b",
        "https://hooks.example.com/\n",
        `https://hooks.example.com/${"x".repeat(2048)}`,
        42 as unknown as string,
      ]
    ) {
      await assert.rejects(server.client.addWebhook(bad), { code: "invalid_argument" }, JSON.stringify(bad));
      assert.throws(() => webhookUrl(bad), (err: unknown) => {
        assert.ok(err instanceof PlexError && err.code === "invalid_argument");
        assert.ok(typeof bad !== "string" || bad.length < 8 || !err.message.includes(bad));
        return true;
      });
    }
    assert.equal(server.requests.length, 0);
    await assert.rejects(setWebhooksRequest(recordingConfig(server.fetch), TOKEN, ["a b"]), {
      code: "invalid_argument",
    });
    assert.equal(server.requests.length, 0);
  });

  it("a failed read or write is a typed error and changes nothing", async () => {
    let calls = 0;
    const { fetch } = recordingFetch((r) => {
      calls++;
      return r.method === "GET" ? reply(200, xmlOf([]), "application/xml") : reply(403, "");
    });
    await assert.rejects(clientOf(recordingConfig(fetch)).addWebhook("https://a.example/"), {
      code: "unauthorized",
    });
    assert.equal(calls, 2);
  });
});
