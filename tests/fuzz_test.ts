// Property tests with fast-check: every parser of what plex.tv (or a file)
// sends — error bodies, XML, the flows' process*Response functions, tokens,
// JWTs, Retry-After, the vault format — answers a value or a typed PlexError
// for any input, never another exception, and never takes long.
import { fixture } from "./_helpers/fixtures.ts";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { encodeBase64Url } from "../lib/parse/base64url_encode.ts";
import { errorFromResponse, parseErrorBody } from "../lib/http/error_body.ts";
import { PlexError, type PlexErrorCode } from "../lib/errors.ts";
import { processSignInResponse } from "../lib/flows/credentials.ts";
import { processNonceResponse, processTokenResponse, processUploadResponse } from "../lib/flows/jwt.ts";
import { processPinResponse } from "../lib/flows/pin.ts";
import { processPlexKeysResponse } from "../lib/flows/verify.ts";
import { checkOk } from "../lib/http/error_body.ts";
import { type PlexResponse, readJson } from "../lib/http/send.ts";
import { signJwt } from "./_helpers/jwt.ts";
import { defaultConfig } from "../lib/config.ts";
import { generateDeviceKey } from "../lib/keys.ts";
import { parseRetryAfter } from "../lib/http/retry_after.ts";
import { Token } from "../lib/token.ts";
import { parseXml, type XmlElement } from "../lib/parse/xml.ts";
import { processUserResponse } from "../lib/endpoints/account.ts";
import { parseAccountXml } from "../lib/endpoints/account_xml.ts";
import { processClaimTokenResponse } from "../lib/endpoints/claim_token.ts";
import { processHomeUsersResponse, processSwitchHomeUserResponse } from "../lib/endpoints/home_user.ts";
import { processInvitesResponse } from "../lib/endpoints/invite.ts";
import { processPlexTvDevicesResponse } from "../lib/endpoints/plex_tv_device.ts";
import { processRegisteredDevicesResponse } from "../lib/endpoints/registered_device.ts";
import { parseResourcesXml, processResourcesResponse } from "../lib/endpoints/resource.ts";
import { processSharedUsersResponse } from "../lib/endpoints/shared_user.ts";
import { processFriendsResponse } from "../lib/endpoints/friend.ts";
import { ipAddress, processGeoipResponse } from "../lib/endpoints/geoip.ts";
import { pinCode } from "../lib/endpoints/pin_link.ts";
import { processSharedServersResponse } from "../lib/endpoints/server_share.ts";
import { processWatchlistResponse } from "../lib/endpoints/watchlist.ts";
import { processSetWebhooksResponse, processWebhooksResponse, webhookUrl } from "../lib/endpoints/webhook.ts";
import { FRIENDS_JSON, SHARED_SERVERS_XML, watchlistJson, WEBHOOKS_XML } from "./_helpers/account_api.ts";
import { startEmulator } from "../lib/testing/mod.ts";
import { parseVault } from "../plugins/_vault_format.ts";
import { Vault } from "../plugins/vault.ts";

/** Cases per parser: the issue asks for at least 10,000. */
const RUNS = 10_000;
/** 10,000 cases take a few seconds: more than bun's default 5 s per test. */
const LONG = { timeout: 60_000 };
/** The slowest single case allowed: a hang or catastrophic backtracking shows up here (GC pauses on a busy machine do not). */
const SLOWEST_CASE_MS = 5_000;

const timings: Record<string, { cases: number; ms: number; slowest: number }> = {};
after(() => {
  const lines = Object.entries(timings).map(([name, t]) =>
    `${name}: ${t.cases} cases in ${Math.round(t.ms)} ms (slowest ${t.slowest.toFixed(1)} ms)`
  );
  console.log(`fuzz timings\n  ${lines.join("\n  ")}`);
});

/** Runs `fn`; a PlexError (with one of `codes`, when given) is an answer, anything else fails the property. */
function valueOrPlexError<T>(
  name: string,
  fn: () => T,
  codes?: PlexErrorCode[],
  limitMs = SLOWEST_CASE_MS,
): T | PlexError {
  const started = performance.now();
  let result: T | PlexError;
  try {
    result = fn();
  } catch (err) {
    if (!(err instanceof PlexError)) throw new Error(`${name} threw ${inspect(err)}`);
    if (codes && !codes.includes(err.code)) {
      throw new Error(`${name} threw ${err.code}, expected ${codes.join("|")}`);
    }
    result = err;
  }
  record(name, performance.now() - started, limitMs);
  return result;
}

async function valueOrPlexErrorAsync<T>(name: string, fn: () => Promise<T>, codes?: PlexErrorCode[]) {
  const started = performance.now();
  let result: T | PlexError;
  try {
    result = await fn();
  } catch (err) {
    if (!(err instanceof PlexError)) throw new Error(`${name} threw ${inspect(err)}`);
    if (codes && !codes.includes(err.code)) {
      throw new Error(`${name} threw ${err.code}, expected ${codes.join("|")}`);
    }
    result = err;
  }
  record(name, performance.now() - started);
  return result;
}

function record(name: string, ms: number, limitMs = SLOWEST_CASE_MS): void {
  const t = timings[name] ??= { cases: 0, ms: 0, slowest: 0 };
  t.cases++;
  t.ms += ms;
  t.slowest = Math.max(t.slowest, ms);
  assert.ok(ms < limitMs, `${name} took ${ms.toFixed(0)} ms on one input`);
}

// ---------------------------------------------------------------- arbitraries

/** Any text, including lone surrogates and control characters. */
const anyText = fc.string({ unit: "binary", maxLength: 200 });

/** Splices random text into `text`: deletions, insertions, truncations, duplications. */
function mutationsOf(text: string): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat({ max: text.length }), fc.nat({ max: 12 }), fc.string({ maxLength: 8 }));
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let out = text;
    for (const [at, remove, insert] of edits) {
      const start = Math.min(at, out.length);
      out = out.slice(0, start) + insert + out.slice(start + remove);
    }
    return out;
  });
}

/** A JSON document shaped like `base` with some fields replaced by random JSON values (or removed). */
function fieldMutationsOf(base: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = [...Object.keys(base), "errors", "__proto__", "constructor"];
  const change = fc.tuple(
    fc.constantFrom(...keys),
    fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  );
  return fc.array(change, { minLength: 1, maxLength: 4 }).map((changes) => {
    const doc: Record<string, unknown> = { ...base };
    for (const [key, value] of changes) {
      if (value === undefined) delete doc[key];
      else Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return JSON.stringify(doc);
  });
}

const statusArb = fc.oneof(
  fc.constantFrom(200, 201, 204, 301, 400, 401, 403, 404, 422, 429, 498, 500, 502, 503),
  fc.integer({ min: 100, max: 599 }),
  fc.integer(),
);

const retryAfterArb = fc.option(
  fc.oneof(anyText, fc.nat().map(String), fc.date().map((d) => (isNaN(d.getTime()) ? "x" : d.toUTCString()))),
  { nil: undefined },
);

function responsesOf(bodies: fc.Arbitrary<string>): fc.Arbitrary<PlexResponse> {
  return fc.record({ status: statusArb, body: bodies, retryAfter: retryAfterArb }).map(
    ({ status, body, retryAfter }) => {
      const headers = new Headers();
      if (retryAfter !== undefined) {
        try {
          headers.set("Retry-After", retryAfter);
        } catch {
          // Not a valid header value: the runtime would never hand it to us.
        }
      }
      return { status, headers, body, url: "https://plex.tv/fuzz" };
    },
  );
}

const b64json = (value: unknown) => encodeBase64Url(JSON.stringify(value));

/** Compact JWTs with random headers, claims (odd `exp` values included) and signatures. */
const jwtArb = fc.tuple(
  fc.oneof(
    fc.constant({ alg: "EdDSA", typ: "JWT" }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
  ),
  fc.record({
    exp: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(1e300, -1e300, 8.64e12, -8.64e12, 0, 2 ** 53),
      fc.string({ maxLength: 5 }),
    ),
    iss: fc.string({ maxLength: 8 }),
    user: fc.jsonValue({ maxDepth: 2 }),
  }, { requiredKeys: [] }),
  fc.uint8Array({ maxLength: 64 }),
).map(([header, claims, signature]) => `${b64json(header)}.${b64json(claims)}.${encodeBase64Url(signature)}`);

const tokenTextArb = fc.oneof(
  anyText,
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"),
    minLength: 1,
  }),
  jwtArb,
  jwtArb.chain((jwt) => mutationsOf(jwt)),
);

/** Random XML-ish documents: names that collide with Object's own, entities, CDATA, comments, doctype. */
const xmlName = fc.constantFrom(
  "errors",
  "error",
  "MediaContainer",
  "Device",
  "__proto__",
  "constructor",
  "toString",
  "a",
  "x:y",
);
const xmlAttr = fc.tuple(xmlName, fc.string({ maxLength: 10 })).map(([n, v]) =>
  ` ${n}="${v.replace(/["<&]/g, "")}"`
);
const xmlNode: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      "text",
      "&amp;",
      "&lt;",
      "&#65;",
      "&#x41;",
      "&unknown;",
      "<![CDATA[x<y]]>",
      "<!-- c -->",
      // What XML forbids: `]]>` in text, `--` in a comment, NUL, a declaration after the start.
      "]]>",
      "<!-- a -- b -->",
      "\u0000",
      "\uD800",
      '<?xml version="1.0"?>',
    ),
    fc.tuple(xmlName, fc.array(xmlAttr, { maxLength: 3 }), fc.array(tie("node"), { maxLength: 3 })).map(
      ([name, attrs, children]) => `<${name}${attrs.join("")}>${children.join("")}</${name}>`,
    ),
  ),
})).node;
const xmlDocArb = fc.oneof(
  xmlNode,
  xmlNode.map((n) => `<?xml version="1.0" encoding="UTF-8"?>\n${n}`),
  xmlNode.map((n) => `<!DOCTYPE a [<!ENTITY e "expanded">]>${n}`),
  xmlNode.chain((n) => mutationsOf(n)),
);

function assertPlainTree(element: XmlElement): void {
  assert.equal(Object.getPrototypeOf(element.attributes), Object.prototype);
  assert.equal(Object.getPrototypeOf(element.children), Object.prototype);
  for (const value of Object.values(element.attributes)) assert.equal(typeof value, "string");
  for (const list of Object.values(element.children)) {
    assert.ok(Array.isArray(list));
    for (const child of list) assertPlainTree(child);
  }
}

// ---------------------------------------------------------------- properties

let signin: Record<string, unknown>;
let pin: Record<string, unknown>;
let keys: Record<string, unknown>;
let errorBodies: string[];
let xmlBodies: string[];

before(async () => {
  signin = JSON.parse(await fixture("signin.json"));
  pin = JSON.parse(await fixture("pin_create.json"));
  keys = JSON.parse(await fixture("jwks.json"));
  errorBodies = await Promise.all(
    ["error_1000.json", "error_1001.json", "error_1020.json", "error_1029.json"].map(fixture),
  );
  xmlBodies = await Promise.all(
    ["error_xml_1029.xml", "error_xml_1031.xml", "devices.xml", "user.xml"].map(fixture),
  );
});

describe("error bodies", () => {
  it("parseErrorBody never throws and returns well-typed details", LONG, () => {
    const bodies = fc.oneof(
      anyText,
      fc.json(),
      fc.constantFrom(...errorBodies, ...xmlBodies).chain((b) => fc.oneof(fc.constant(b), mutationsOf(b))),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ errors: v })),
      fc.array(
        fc.dictionary(fc.constantFrom("code", "message", "status", "x"), fc.jsonValue({ maxDepth: 1 })),
      )
        .map((errors) => JSON.stringify({ errors })),
      xmlDocArb,
    );
    fc.assert(
      fc.property(bodies, (body) => {
        const details = valueOrPlexError("parseErrorBody", () => parseErrorBody(body), []);
        assert.ok(Array.isArray(details));
        for (const d of details) {
          assert.equal(typeof d.message, "string");
          for (const n of [d.code, d.status]) assert.ok(n === undefined || Number.isSafeInteger(n));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("errorFromResponse always builds a PlexError with a bounded message", LONG, () => {
    const bodies = fc.oneof(
      anyText,
      fc.constantFrom(...errorBodies, ...xmlBodies).chain(mutationsOf),
      xmlDocArb,
    );
    fc.assert(
      fc.property(statusArb, bodies, fc.option(fc.nat(), { nil: undefined }), (status, body, retryAfter) => {
        const err = valueOrPlexError(
          "errorFromResponse",
          () => errorFromResponse(status, body, retryAfter),
          [],
        );
        assert.ok(err instanceof PlexError);
        assert.ok(err.message.length < 400, "a huge body does not make a huge message");
        assert.equal(err.retryAfter, retryAfter);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("XML", () => {
  it("parseXml answers an element tree with plain objects, or invalid_response", LONG, () => {
    fc.assert(
      fc.property(fc.oneof(anyText, xmlDocArb, fc.constantFrom(...xmlBodies).chain(mutationsOf)), (text) => {
        const result = valueOrPlexError("parseXml", () => parseXml(text), ["invalid_response"]);
        if (result instanceof PlexError) {
          // The message names the problem and its position, never the document's text.
          assert.match(
            result.message,
            /^The (response is not well-formed XML( \(\w+( at line \d+(, column \d+)?)?\))?|XML response .+)$/,
          );
        } else {
          assertPlainTree(result);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("parseXml survives adversarial sizes quickly", LONG, () => {
    for (
      const text of [
        "<a>".repeat(100_000),
        "<a>".repeat(50_000) + "</a>".repeat(50_000),
        `<a x="${"y".repeat(1_000_000)}"/>`,
        "<a>" + "&amp;".repeat(200_000) + "</a>",
        "<a>" + "<b/>".repeat(2_100_000) + "</a>",
        "<a>" + "<b/>".repeat(200_000) + "</a>",
        `<!DOCTYPE a [<!ENTITY a "${
          "x".repeat(1_000)
        }"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><a>&b;&b;&b;</a>`,
      ]
    ) {
      // Megabyte documents: a few hundred ms on an idle machine; the 15 s bound only catches a runaway.
      const result = valueOrPlexError(
        "parseXml (large)",
        () => parseXml(text),
        ["invalid_response", "response_too_large"],
        15_000,
      );
      if (!(result instanceof PlexError)) assertPlainTree(result);
    }
  });
});

describe("flow responses", () => {
  const jsonBodies = (base: () => Record<string, unknown>) =>
    fc.oneof(
      anyText,
      fc.json(),
      fc.constant(0).chain(() => fieldMutationsOf(base())),
      fc.constant(0).chain(() => mutationsOf(JSON.stringify(base()))),
      fc.constantFrom(...errorBodies, ...xmlBodies),
    );
  const cases: [string, (r: PlexResponse) => unknown, () => Record<string, unknown>][] = [
    ["processSignInResponse", processSignInResponse, () => signin],
    ["processPinResponse", processPinResponse, () => pin],
    ["processNonceResponse", processNonceResponse, () => ({ nonce: "7c415b56-8f48-488a-98ab-847ef4460442" })],
    [
      "processTokenResponse",
      processTokenResponse,
      () => ({ auth_token: `${b64json({ alg: "EdDSA" })}.${b64json({ exp: 1 })}.c2ln` }),
    ],
    ["processPlexKeysResponse", processPlexKeysResponse, () => keys],
    ["processUploadResponse", processUploadResponse, () => ({})],
    ["checkOk + readJson", (r) => readJson(checkOk(r)), () => signin],
  ];
  for (const [name, process, base] of cases) {
    it(`${name} answers a value or a PlexError for any status, headers and body`, LONG, () => {
      fc.assert(
        fc.property(responsesOf(jsonBodies(base)), (response) => {
          const result = valueOrPlexError(name, () => process(response));
          if (result instanceof PlexError && response.status >= 200 && response.status < 300) {
            assert.ok(["invalid_response", "invalid_token"].includes(result.code), `${name}: ${result.code}`);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("client responses", () => {
  const json: Record<string, unknown> = {};
  const xml: Record<string, string> = {};

  before(async () => {
    for (const name of ["user.json", "resources.json"]) json[name] = JSON.parse(await fixture(name));
    for (const name of ["devices.xml", "user.xml", "users_v1.xml", "invites.xml", "resources_v1.xml"]) {
      xml[name] = await fixture(name);
    }
    // The account API has no recorded payloads: a PIN's real location is a GeoData; the rest are written shapes.
    json.geoip = JSON.parse(await fixture("pin_create.json")).location;
    json.friends = JSON.parse(FRIENDS_JSON);
    xml.shared_servers = SHARED_SERVERS_XML;
    xml.webhooks = WEBHOOKS_XML;
    // Home users and v2 devices have no recorded payload: take the emulator's.
    const emulator = await startEmulator();
    try {
      const clientId = "fuzz-client";
      const headers = {
        "X-Plex-Client-Identifier": clientId,
        "X-Plex-Token": emulator.issueLegacyToken({ clientId }),
        Accept: "application/json",
      };
      for (const path of ["/api/v2/home/users", "/api/v2/devices"]) {
        json[path] = await (await fetch(emulator.url + path, { headers })).json();
      }
    } finally {
      await emulator.close();
    }
  });

  /** Mutations of a JSON payload: of its fields (of the first item, for an array) and of its text. */
  const jsonBodies = (name: string) =>
    fc.constant(0).chain(() => {
      const base = json[name];
      const fields = Array.isArray(base)
        ? fieldMutationsOf(base[0] as Record<string, unknown>).map((item) => `[${item}]`)
        : fieldMutationsOf(base as Record<string, unknown>);
      return fc.oneof(
        anyText,
        fc.json(),
        fields,
        mutationsOf(JSON.stringify(base)),
        fc.constantFrom(...errorBodies),
      );
    });
  const xmlBodies = (name: string) =>
    fc.constant(0).chain(() =>
      fc.oneof(anyText, xmlDocArb, mutationsOf(xml[name]!), fc.constantFrom(...errorBodies))
    );
  /** Watchlist pages with their first item's fields mutated, their container's, or their text. */
  const watchlistBodies = () => {
    const container = JSON.parse(watchlistJson(0, 1, 1)).MediaContainer;
    return fc.oneof(
      anyText,
      fc.json(),
      fieldMutationsOf(container.Metadata[0]).map((item) =>
        JSON.stringify({ MediaContainer: { ...container, Metadata: [] } }).replace(
          '"Metadata":[]',
          () => `"Metadata":[${item}]`,
        )
      ),
      fieldMutationsOf(container).map((c) => `{"MediaContainer":${c}}`),
      mutationsOf(watchlistJson(0, 2, 2)),
      fc.constantFrom(...errorBodies),
    );
  };
  const responseCases: [string, (r: PlexResponse) => unknown, () => fc.Arbitrary<string>][] = [
    ["processUserResponse", processUserResponse, () => jsonBodies("user.json")],
    ["processResourcesResponse", processResourcesResponse, () => jsonBodies("resources.json")],
    ["processHomeUsersResponse", processHomeUsersResponse, () => jsonBodies("/api/v2/home/users")],
    ["processSwitchHomeUserResponse", processSwitchHomeUserResponse, () => jsonBodies("user.json")],
    ["processPlexTvDevicesResponse", processPlexTvDevicesResponse, () => jsonBodies("/api/v2/devices")],
    ["processClaimTokenResponse", processClaimTokenResponse, () => fc.oneof(anyText, fc.json())],
    ["processRegisteredDevicesResponse", processRegisteredDevicesResponse, () => xmlBodies("devices.xml")],
    ["processSharedUsersResponse", processSharedUsersResponse, () => xmlBodies("users_v1.xml")],
    ["processInvitesResponse", processInvitesResponse, () => xmlBodies("invites.xml")],
    ["processFriendsResponse", processFriendsResponse, () => jsonBodies("friends")],
    ["processGeoipResponse", processGeoipResponse, () => jsonBodies("geoip")],
    ["processWatchlistResponse", processWatchlistResponse, () => watchlistBodies()],
    ["processSharedServersResponse", processSharedServersResponse, () => xmlBodies("shared_servers")],
    ["processWebhooksResponse", processWebhooksResponse, () => xmlBodies("webhooks")],
    ["processSetWebhooksResponse", processSetWebhooksResponse, () => xmlBodies("webhooks")],
  ];
  for (const [name, process, bodies] of responseCases) {
    it(`${name} answers a value or a PlexError for any status, headers and body`, LONG, () => {
      fc.assert(
        fc.property(responsesOf(bodies()), (response) => {
          const result = valueOrPlexError(name, () => process(response));
          if (result instanceof PlexError && response.status >= 200 && response.status < 300) {
            assert.ok(["invalid_response", "invalid_token"].includes(result.code), `${name}: ${result.code}`);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
  const textCases: [string, (text: string) => unknown, string][] = [
    ["parseAccountXml", parseAccountXml, "user.xml"],
    ["parseResourcesXml", parseResourcesXml, "resources_v1.xml"],
  ];
  for (const [name, parse, base] of textCases) {
    it(`${name} answers a value or invalid_response for any document`, LONG, () => {
      fc.assert(
        fc.property(xmlBodies(base), (text) => {
          valueOrPlexError(name, () => parse(text), ["invalid_response", "invalid_token"]);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("account API arguments", () => {
  const argumentCases: [string, (text: string) => string, fc.Arbitrary<string>, fc.Arbitrary<string>][] = [
    [
      "ipAddress",
      ipAddress,
      fc.oneof(fc.ipV4(), fc.ipV6()),
      fc.oneof(
        fc.ipV6().map((ip) => `[${ip}]`),
        fc.tuple(fc.ipV4(), fc.integer({ min: 256, max: 99_999 })).map(([ip, n]) =>
          ip.replace(/^\d+/, String(n))
        ),
        fc.tuple(fc.ipV4(), fc.nat({ max: 65_535 })).map(([ip, port]) => `${ip}:${port}`),
      ),
    ],
    [
      "webhookUrl",
      webhookUrl,
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.oneof(
        fc.webUrl().map((u) => ` ${u}`),
        fc.webUrl().map((u) => u.replace(/^https?:/, "ftp:")),
        fc.domain().map((d) => `${d}/hook`),
      ),
    ],
    [
      "pinCode",
      pinCode,
      fc.string({
        unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"),
        minLength: 4,
        maxLength: 64,
      }),
      fc.oneof(
        fc.string({ maxLength: 3 }),
        fc.string({ minLength: 4 }).filter((code) => /[^A-Za-z0-9]/.test(code)),
      ),
    ],
  ];
  for (const [name, check, valid, invalid] of argumentCases) {
    it(`${name} accepts every valid value, refuses the invalid ones and answers nothing else`, LONG, () => {
      fc.assert(
        fc.property(fc.oneof(anyText, valid, invalid, valid.chain(mutationsOf)), (text) => {
          const result = valueOrPlexError(name, () => check(text), ["invalid_argument"]);
          if (!(result instanceof PlexError)) assert.equal(typeof result, "string");
        }),
        { numRuns: RUNS },
      );
      fc.assert(
        fc.property(valid, (text) => {
          assert.equal(typeof check(text), "string", `${name} refused ${JSON.stringify(text)}`);
        }),
        { numRuns: RUNS },
      );
      fc.assert(
        fc.property(invalid, (text) => {
          assert.throws(
            () => check(text),
            { code: "invalid_argument" },
            `${name} accepted ${JSON.stringify(text)}`,
          );
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("tokens and JWTs", () => {
  it(
    "Token construction, claims, expiry, validation and printing never throw anything but PlexError",
    LONG,
    () => {
      fc.assert(
        fc.property(tokenTextArb, fc.date({ noInvalidDate: true }), (text, now) => {
          const token = valueOrPlexError("new Token", () => new Token(text), ["invalid_token"]);
          if (token instanceof PlexError) return;
          valueOrPlexError("Token.claims/expiresAt/isJwt", () => {
            const expiresAt = token.expiresAt;
            assert.ok(expiresAt === undefined || !isNaN(expiresAt.getTime()), "expiresAt is a valid date");
            assert.equal(token.isJwt(), token.claims !== undefined);
            assert.equal(typeof token.isValid(now), "boolean");
          }, []);
          valueOrPlexError("Token.validate", () => token.validate(now), ["invalid_token", "expired_token"]);
          const printed = valueOrPlexError(
            "Token printing",
            () => [String(token), JSON.stringify(token), inspect(token)],
            [],
          );
          if (text.length >= 16) {
            for (const p of printed as string[]) assert.ok(!p.includes(text), "printing shows the token");
          }
        }),
        // About 3 in 10 inputs are not tokens: 14,000 runs give the Token methods 10,000 tokens.
        { numRuns: 14_000 },
      );
    },
  );

  it(
    "verifyPlexToken answers the claims of the one genuine token, else invalid_token or expired_token",
    LONG,
    async () => {
      const signer = await generateDeviceKey();
      const keys = JSON.stringify({ keys: [signer.publicJwk] });
      // plex.tv's key set comes from this fetch: nothing leaves the process.
      const config = defaultConfig().withClientId("fuzz").withFetch(() =>
        Promise.resolve(new Response(keys))
      );
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: "plex.tv",
        aud: ["plex.tv", "fuzz"],
        iat: now,
        exp: now + 3600,
        thumbprint: "device",
      };
      const genuine = await signJwt(signer.privateKey, { kid: signer.keyId, typ: "JWT" }, claims);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(anyText, jwtArb, mutationsOf(genuine), fc.constant(genuine)),
          async (text) => {
            const result = await valueOrPlexErrorAsync(
              "verifyPlexToken",
              () => config.verifyPlexToken(text, { audience: "fuzz" }),
              ["invalid_token", "expired_token"],
            );
            if (!(result instanceof PlexError)) {
              // Only the genuine token verifies (or a spelling of it that decodes to the same bytes).
              assert.deepEqual(result, claims);
              return;
            }
            assert.ok(!result.message.includes(text) || text.length < 8);
          },
        ),
        { numRuns: RUNS },
      );
    },
  );
});

describe("Retry-After", () => {
  const dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Monday", "Sunday"];
  const dateLike = fc.tuple(
    fc.constantFrom(...dayNames),
    fc.integer({ min: -5, max: 40 }),
    fc.constantFrom("Jan", "Feb", "Nov", "Dec", "Foo"),
    fc.integer({ min: -1, max: 10_000 }),
    fc.integer({ min: -1, max: 99 }),
    fc.constantFrom(", ", " ", "-", ","),
  ).map(([d, day, mon, year, h, sep]) =>
    `${d}${sep}${String(day).padStart(2, "0")} ${mon} ${year} ${h}:00:00 GMT`
  );

  it("parseRetryAfter answers undefined or a finite delay of 0 or more", LONG, () => {
    fc.assert(
      fc.property(
        fc.oneof(anyText, fc.nat().map(String), fc.bigInt().map(String), dateLike),
        fc.integer(),
        (value, now) => {
          const ms = valueOrPlexError("parseRetryAfter", () => parseRetryAfter(value, now), []);
          assert.ok(
            ms === undefined || (typeof ms === "number" && Number.isFinite(ms) && ms >= 0),
            `${value} → ${ms}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("parseRetryAfter reads every date in its three forms to the second", LONG, () => {
    const now = Date.UTC(2025, 5, 1);
    const pad = (n: number) => String(n).padStart(2, "0");
    const time = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1976, 0, 1)),
          max: new Date(Date.UTC(2075, 11, 31)),
          noInvalidDate: true,
        }),
        (date) => {
          const expected = Math.max(0, Math.floor(date.getTime() / 1000) * 1000 - now);
          const [day, , month, year] = date.toUTCString().split(" ") as [string, string, string, string];
          const dd = date.getUTCDate();
          const forms = [
            date.toUTCString(),
            `${longDays[date.getUTCDay()]}, ${pad(dd)}-${month}-${year.slice(2)} ${time(date)} GMT`,
            `${day.slice(0, 3)} ${month} ${dd < 10 ? ` ${dd}` : dd} ${time(date)} ${year}`,
          ];
          for (const form of forms) assert.equal(parseRetryAfter(form, now), expected, form);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("vault format", () => {
  let dir: string;
  let real: Uint8Array<ArrayBuffer>;
  const PASSPHRASE = "fuzz passphrase 1";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "plextv-fuzz-"));
    await new Vault(join(dir, "real.vault"), PASSPHRASE).save({ clientId: "c", token: "t".repeat(20) });
    real = new Uint8Array(await readFile(join(dir, "real.vault")));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const mutatedVault = () =>
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom("flip", "set", "cut", "insert"), fc.integer({ min: 0, max: 255 })),
      { minLength: 1, maxLength: 4 },
    ).map((edits) => {
      let bytes = Array.from(real);
      for (const [position, kind, value] of edits) {
        const at = position % (bytes.length + 1);
        if (kind === "flip" && at < bytes.length) bytes[at] = bytes[at]! ^ (1 << (value % 8));
        else if (kind === "set" && at < bytes.length) bytes[at] = value;
        else if (kind === "cut") bytes = bytes.slice(0, at);
        else bytes.splice(at, 0, value);
      }
      return new Uint8Array(bytes);
    });

  it("parseVault answers a parsed vault or a problem for random and mutated bytes", LONG, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedVault()), async (bytes) => {
        const parsed = await valueOrPlexErrorAsync(
          "parseVault",
          () => parseVault(bytes as Uint8Array<ArrayBuffer>),
          [],
        );
        assert.ok(!(parsed instanceof PlexError));
        assert.equal(typeof parsed.ok, "boolean");
        if (!parsed.ok) assert.equal(typeof parsed.problem, "string");
      }),
      { numRuns: RUNS },
    );
  });

  it("Vault.load of a mutated vault answers the data or store_corrupt / wrong_passphrase", LONG, async () => {
    const path = join(dir, "mutated.vault");
    const vault = new Vault(path, PASSPHRASE);
    await fc.assert(
      fc.asyncProperty(mutatedVault(), async (bytes) => {
        await writeFile(path, bytes);
        const result = await valueOrPlexErrorAsync("Vault.load (mutated)", () => vault.load(), [
          "store_corrupt",
          "wrong_passphrase",
        ]);
        if (!(result instanceof PlexError)) {
          assert.deepEqual(result, { clientId: "c", token: "t".repeat(20) });
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
