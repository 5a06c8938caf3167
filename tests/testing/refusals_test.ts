// What the emulator refuses from a test: unusable option values, unknown
// option names, the option of the other mode, faults it cannot inject, and
// unusable arguments of its helpers. Each is a PlexError invalid_argument
// whose message names the option or field.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PlexError } from "../../mod.ts";
import {
  createEmulator,
  type EmulatorOptions,
  type Fault,
  type IssueJwtOptions,
  registerDevice,
  startEmulator,
} from "../../lib/testing/mod.ts";
import { useEmulator } from "../_helpers/emulator.ts";
import type { Emulator } from "../../lib/testing/mod.ts";

/** An argument JavaScript can pass whatever the types say. */
const untyped = <T>(value: unknown): T => value as T;

function refusal(message: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof PlexError, `a PlexError, not ${String(err)}`);
    assert.equal(err.code, "invalid_argument");
    assert.equal(err.message, message);
    return true;
  };
}

const PORT = "The emulator option port must be a whole number from 0 to 65535";

describe("startEmulator and createEmulator refuse", () => {
  const cases: [string, unknown, string][] = [
    [
      "a flag that is not a boolean",
      { keyRegistrationEndsLegacyToken: "no" },
      "The emulator option keyRegistrationEndsLegacyToken must be true or false",
    ],
    ["a negative port", { port: -1 }, PORT],
    ["a port above 65535", { port: 70_000 }, PORT],
    ["a port that is not a number", { port: "x" }, PORT],
    ["a fractional port", { port: 80.5 }, PORT],
    [
      "users that are not a list",
      { users: 5 },
      "The emulator option users must be a list of accounts (addUser options)",
    ],
    [
      "a user that is not an object",
      { users: [5] },
      "The emulator option users must be a list of accounts (addUser options)",
    ],
    [
      "an empty payload folder",
      { payloads: "" },
      "The emulator option payloads must be the path of a folder",
    ],
    [
      "hosts given as one string",
      { hosts: "plex.test" },
      "The emulator option hosts must be a list of host names (name or name:port)",
    ],
    [
      "CORS origins given as one string",
      { corsOrigins: "*" },
      'The emulator option corsOrigins must be a list of origins (URLs) or "*"',
    ],
    [
      "a lifetime that is not a number",
      { pinLifetimeSeconds: "900" },
      "The emulator option pinLifetimeSeconds must be a positive number",
    ],
    ["options that are not an object", null, "Expected an object of emulator options"],
  ];
  for (const [what, options, message] of cases) {
    it(`${what} (startEmulator)`, async () => {
      await assert.rejects(startEmulator(untyped<EmulatorOptions>(options)), refusal(message));
    });
  }
  for (const [what, options, message] of cases.filter(([, options]) => !("port" in Object(options)))) {
    it(`${what} (createEmulator)`, async () => {
      await assert.rejects(createEmulator(untyped<EmulatorOptions>(options)), refusal(message));
    });
  }

  it("an unknown option, naming it and the known ones", async () => {
    for (const start of [createEmulator, startEmulator]) {
      await assert.rejects(
        start(untyped<EmulatorOptions>({ bogus: 1 })),
        (err) =>
          refusal((err as Error).message)(err) &&
          /^Unknown emulator option bogus \(known: port, url, /.test((err as Error).message),
      );
    }
  });

  it("the option of the other mode", async () => {
    await assert.rejects(
      createEmulator({ port: 8080 }),
      refusal("The emulator option port is for startEmulator only: createEmulator listens on no port"),
    );
    await assert.rejects(
      startEmulator({ url: "http://127.0.0.1:8080" }),
      refusal("The emulator option url is for createEmulator only: startEmulator's url is its server's"),
    );
  });

  it("an account that cannot be added", async () => {
    await assert.rejects(
      createEmulator({ users: [{ username: "plexuser" }] }),
      refusal('The username "plexuser" is taken'),
    );
    await assert.rejects(
      createEmulator({ users: [{ username: "alice", homeOf: "nobody" }] }),
      refusal('No account "nobody" to join'),
    );
    await assert.rejects(
      createEmulator({ users: [untyped({ username: "alice", pasword: "x" })] }),
      refusal(
        "Unknown user field pasword (known: username, password, email, friendlyName, verificationCode, homeOf, pin, restricted)",
      ),
    );
  });

  it("still takes options left undefined, as the CLI passes them", async () => {
    const served = await startEmulator({
      port: 0,
      payloads: undefined,
      requestLogSize: undefined,
      url: undefined,
    });
    await served.close();
  });
});

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("inject refuses", () => {
  const cases: [string, unknown, string][] = [
    [
      "an unknown kind",
      { match: "/x", kind: "bogus" },
      "The fault field kind must be one of status, delay, malformed, reset, hang, huge, redirect",
    ],
    [
      "a status that is not a number",
      { match: "/x", kind: "status", status: "x" },
      "The fault field status must be an HTTP status from 200 to 599",
    ],
    [
      "a status no Response can have",
      { match: "/x", kind: "status", status: 1000 },
      "The fault field status must be an HTTP status from 200 to 599",
    ],
    [
      "a status fault without a status",
      { match: "/x", kind: "status" },
      "The fault field status is required",
    ],
    [
      "a NaN delay",
      { match: "/x", kind: "delay", ms: Number.NaN },
      "The fault field ms must be a finite number of ms",
    ],
    [
      "a negative delay",
      { match: "/x", kind: "delay", ms: -1 },
      "The fault field ms must be a finite number of ms",
    ],
    [
      "negative times",
      { match: "/x", kind: "hang", times: -1 },
      "The fault field times must be a whole number of at least 1, or Infinity",
    ],
    [
      "NaN times",
      { match: "/x", kind: "hang", times: Number.NaN },
      "The fault field times must be a whole number of at least 1, or Infinity",
    ],
    [
      "fractional times",
      { match: "/x", kind: "hang", times: 1.5 },
      "The fault field times must be a whole number of at least 1, or Infinity",
    ],
    [
      "a match that is a number",
      { match: 5, kind: "hang" },
      "The fault field match must be a path pattern, a RegExp or a predicate",
    ],
    ["no match", { kind: "hang" }, "The fault field match is required"],
    ["a retryAfter that is an invalid Date", {
      match: "/x",
      kind: "status",
      status: 429,
      retryAfter: new Date(Number.NaN),
    }, "The fault field retryAfter must be seconds, a valid Date or a string"],
    [
      "a malformed body it does not know",
      { match: "/x", kind: "malformed", body: "xml" },
      "The fault field body must be html, truncated_json or xml_missing_attributes",
    ],
    [
      "a reset after negative bytes",
      { match: "/x", kind: "reset", afterBytes: -1 },
      "The fault field afterBytes must be a whole number of bytes",
    ],
    [
      "huge bytes that are not a number",
      { match: "/x", kind: "huge", bytes: "1mb" },
      "The fault field bytes must be a whole number of bytes",
    ],
    [
      "declareLength that is not a boolean",
      { match: "/x", kind: "huge", declareLength: "yes" },
      "The fault field declareLength must be true or false",
    ],
    [
      "a redirect without a location",
      { match: "/x", kind: "redirect" },
      "The fault field location is required",
    ],
    [
      "a redirect status that is not 3xx",
      { match: "/x", kind: "redirect", location: "/y", status: 200 },
      "The fault field status must be an HTTP status from 300 to 399",
    ],
    [
      "a field its kind does not have",
      { match: "/x", kind: "hang", ms: 10 },
      "Unknown fault field ms (known: match, times, kind)",
    ],
    [
      "a misspelt field",
      { match: "/x", kind: "delay", mss: 10 },
      "Unknown fault field mss (known: match, times, kind, ms)",
    ],
    ["a fault that is not an object", "hang", "Expected an object of fault fields"],
  ];
  for (const [what, fault, message] of cases) {
    it(what, () => {
      assert.throws(() => emulator.inject(untyped<Fault>(fault)), refusal(message));
    });
  }

  it("nothing it can inject: every kind with its fields, times Infinity", () => {
    const faults: Fault[] = [
      {
        match: "/x",
        kind: "status",
        status: 429,
        plexCode: 1003,
        message: "m",
        retryAfter: new Date(0),
        times: Infinity,
      },
      { match: /x/, kind: "delay", ms: 0 },
      { match: () => true, kind: "malformed", body: "html", status: 502 },
      { match: "/x", kind: "reset", afterBytes: 0 },
      { match: "/x", kind: "hang", times: 2 },
      { match: "/x", kind: "huge", bytes: 10, declareLength: true },
      { match: "/x", kind: "redirect", location: "/y", status: 307 },
    ];
    for (const fault of faults) emulator.inject(fault);
  });
});

describe("the helpers refuse", () => {
  it("issueJwt: a NaN lifetime, a NaN iat, a bad audience, an unknown option or user", async () => {
    const cases: [unknown, string][] = [
      [
        { clientId: "c1", expiresInSeconds: Number.NaN },
        "The issueJwt option expiresInSeconds must be a finite number of seconds or null",
      ],
      [
        { clientId: "c1", expiresInSeconds: Infinity },
        "The issueJwt option expiresInSeconds must be a finite number of seconds or null",
      ],
      [
        { clientId: "c1", issuedAt: Number.NaN },
        "The issueJwt option issuedAt must be a finite number of unix seconds",
      ],
      [
        { clientId: "c1", audience: [5] },
        "The issueJwt option audience must be a string or a list of strings",
      ],
      [{ clientId: "c1", thumbprint: 5 }, "The issueJwt option thumbprint must be a string or null"],
      [{ clientId: "" }, "The issueJwt option clientId must be a client identifier"],
      [{}, "The issueJwt option clientId is required"],
      [
        { clientId: "c1", expiresIn: 60 },
        "Unknown issueJwt option expiresIn (known: clientId, username, thumbprint, expiresInSeconds, issuedAt, issuer, audience, nonce)",
      ],
      [{ clientId: "c1", username: "nobody" }, 'No account "nobody"'],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(emulator.issueJwt(untyped<IssueJwtOptions>(options)), refusal(message));
    }
    assert.equal(
      (await emulator.issueJwt({ clientId: "c1", expiresInSeconds: null, thumbprint: null })).split(".")
        .length,
      3,
    );
  });

  it("issueLegacyToken: no client id, an unknown option or user", () => {
    assert.throws(
      () => emulator.issueLegacyToken(untyped({})),
      refusal("The issueLegacyToken option clientId is required"),
    );
    assert.throws(
      () => emulator.issueLegacyToken(untyped({ clientId: "c1", nonce: "n" })),
      refusal("Unknown issueLegacyToken option nonce (known: clientId, username)"),
    );
    assert.throws(
      () => emulator.issueLegacyToken({ clientId: "c1", username: "nobody" }),
      refusal('No account "nobody"'),
    );
  });

  it("rotateKeys: retirePrevious that is not a boolean", async () => {
    await assert.rejects(
      emulator.rotateKeys(untyped({ retirePrevious: "no" })),
      refusal("The rotateKeys option retirePrevious must be true or false"),
    );
  });

  it("addUser and approvePin: an unusable field, an unknown PIN or user", () => {
    assert.throws(
      () => emulator.addUser(untyped({ username: 5 })),
      refusal("The user field username must be a non-empty string"),
    );
    assert.throws(
      () => emulator.addUser(untyped({ username: "bob", restricted: "yes" })),
      refusal("The user field restricted must be true or false"),
    );
    assert.throws(() => emulator.approvePin("ZZZZZZ"), refusal("No live PIN ZZZZZZ"));
  });

  it("registerDevice: a NaN lifetime or an unknown option, before signing in", async () => {
    await assert.rejects(
      registerDevice(emulator, { expiresInSeconds: Number.NaN }),
      refusal("The registerDevice option expiresInSeconds must be a finite number of seconds"),
    );
    await assert.rejects(
      registerDevice(emulator, untyped({ expiresIn: -60 })),
      refusal(
        "Unknown registerDevice option expiresIn (known: clientId, username, password, expiresInSeconds, issuedAt)",
      ),
    );
    assert.equal(emulator.count("/**"), 0);
  });
});
