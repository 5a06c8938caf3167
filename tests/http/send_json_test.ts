// `client.user()` reads a 2xx body of declared length with response.json() (sendJson), every other
// body as text. Both paths are compared here on raw loopback servers: the same account, the same
// size cap, the same errors for a body that is not JSON, is cut off, or carries a plex.tv error.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type Config, defaultConfig } from "../../lib/config.ts";
import { type Account, processUserResponse, userRequest } from "../../lib/endpoints/account.ts";
import type { PlexError } from "../../lib/errors.ts";
import { readJson, sendJson } from "../../lib/http/send.ts";
import { RetryBudget } from "../../lib/http/retry_budget.ts";
import { withToken } from "../../lib/token_sources/options.ts";
import { type RawExchange, type RawServer, rawServers } from "../_helpers/raw_http_server.ts";

const TOKEN = "sendJsonTestToken123";
const USER = readFileSync(new URL("../fixtures/plex.tv/user.json", import.meta.url), "utf8");
const serve = rawServers();

function configFor(url: string, maxResponseBytes?: number): Config {
  return defaultConfig().withClientId("send-json-test").withUrls(url).withHttp({
    retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 20 },
    retryBudget: new RetryBudget({ capacity: 100 }),
    timeoutMs: 5_000,
    maxResponseBytes,
  });
}

/** The account through `client.user()` (sendJson, parsed while read when it can be). */
function viaClient(config: Config): Promise<Account> {
  return config.client(config.tokenSource(withToken(TOKEN))).user();
}

/** The account through the request/process pair (`send`, the body as text). */
async function viaText(config: Config): Promise<Account> {
  return processUserResponse(await userRequest(config, TOKEN));
}

/** What both paths ended with: the account's fields that matter, or the error's code, message and status. */
async function outcome(run: Promise<Account>): Promise<unknown> {
  try {
    const account = await run;
    return {
      username: account.username,
      joinedAt: account.joinedAt.toISOString(),
      authToken: account.authToken.value,
      services: account.services.map((s) => [s.identifier, s.token?.value ?? null]),
      features: account.subscription.features.length,
    };
  } catch (err) {
    const { code, message, status } = err as PlexError;
    return { code, message, status };
  }
}

async function bothPaths(server: RawServer, maxResponseBytes?: number): Promise<[unknown, unknown]> {
  const config = configFor(server.url, maxResponseBytes);
  return [await outcome(viaClient(config)), await outcome(viaText(config))];
}

describe("user() parses a 2xx body of declared length as it reads it", () => {
  it("returns the same account as the text path, and parses through sendJson", async () => {
    const server = await serve((x) => x.reply(200, USER, { "Content-Type": "application/json" }));
    const [json, text] = await bothPaths(server);
    assert.deepEqual(json, text);
    assert.equal((json as { username: string }).username, JSON.parse(USER).username);
    const response = await sendJson(configFor(server.url), {
      method: "GET",
      host: "url",
      path: "/api/v2/user",
      token: TOKEN,
    });
    assert.equal(response.body, "", "a parsed body is not kept as text");
    assert.equal((readJson(response) as { uuid: string }).uuid, JSON.parse(USER).uuid);
  });

  it("keeps the size cap: a declared length beyond it is response_too_large, not retried", async () => {
    const server = await serve((x) => x.reply(200, USER, { "Content-Type": "application/json" }));
    const [json, text] = await bothPaths(server, 1_000);
    assert.deepEqual(json, text);
    assert.equal((json as PlexError).code, "response_too_large");
    assert.equal(server.requests.length, 2, "one request per path");
  });

  it("reports a 200 whose body is not JSON as invalid_response, as the text path does", async () => {
    const server = await serve((x) =>
      x.reply(200, '{"id": 1, "username": ', { "Content-Type": "application/json" })
    );
    const [json, text] = await bothPaths(server);
    assert.deepEqual(json, text);
    assert.deepEqual(json, {
      code: "invalid_response",
      message: "plex.tv answered 200 with a body that is not JSON",
      status: 200,
    });
  });

  it("reports a body cut off before its declared end as network_error and retries it, as the text path does", async () => {
    const server = await serve((x) => {
      x.head(200, { "Content-Type": "application/json", "Content-Length": "5000" });
      x.socket.write(USER.slice(0, 100));
      setTimeout(() => x.socket.destroy(), 20);
    });
    const [json, text] = await bothPaths(server);
    assert.equal((json as PlexError).code, "network_error");
    assert.equal((text as PlexError).code, "network_error");
    assert.equal(server.requests.length, 6, "three attempts per path");
  });

  it("reads an error body as text: a 401 with plex.tv's JSON error is unauthorized on both paths", async () => {
    const body = '{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}';
    const server = await serve((x) => x.reply(401, body, { "Content-Type": "application/json" }));
    const [json, text] = await bothPaths(server);
    assert.deepEqual(json, text);
    assert.equal((json as PlexError).code, "unauthorized");
    assert.equal((json as PlexError).status, 401);
  });

  it("reads a body without Content-Length as text, counted against the cap", async () => {
    const chunked = (x: RawExchange) => {
      x.head(200, { "Content-Type": "application/json" });
      x.socket.end(USER);
    };
    const [json, text] = await bothPaths(await serve(chunked));
    assert.deepEqual(json, text);
    assert.equal((json as { username: string }).username, JSON.parse(USER).username);
    const [capped] = await bothPaths(await serve(chunked), 1_000);
    assert.equal((capped as PlexError).code, "response_too_large");
  });

  it("names the wrong field of an account the same way on both paths", async () => {
    const doc = JSON.parse(USER);
    doc.services[3].token = 42;
    const server = await serve((x) =>
      x.reply(200, JSON.stringify(doc), { "Content-Type": "application/json" })
    );
    const [json, text] = await bothPaths(server);
    assert.deepEqual(json, text);
    assert.deepEqual(json, {
      code: "invalid_response",
      message: "services[3].token should be a string, got number",
      status: undefined,
    });
  });
});
