import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type CallOptions,
  type CredentialsOptions,
  defaultConfig,
  Token,
  withCredentials,
} from "../../mod.ts";
import { processSignInResponse, signInRequest } from "../../protocol.ts";
import type { Emulator } from "../../lib/testing/mod.ts";
import { configFor, raw, rejectsWith, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({ signinFailureLimit: 3 }, (started) => emulator = started);

describe("registerWithCredentials", () => {
  it("returns a working legacy token and sends the form plex.tv expects", async () => {
    const config = configFor(emulator).withDevice({ product: "Credentials Test", version: "3.1" });
    const token = await config.registerWithCredentials("plexuser", "plexpass");
    assert.ok(token.isLegacy());
    assert.equal(token.value.length, 20);
    assert.equal(String(token).includes(token.value), false, "printing the token hides it");
    const me = await raw(emulator, "/api/v2/user", { clientId: config.clientId, token: token.value });
    assert.equal((await me.json() as { username: string }).username, "plexuser");
    assert.equal(emulator.count("POST /api/v2/users/signin"), 1);
    const devices = await (await raw(emulator, "/api/v2/devices", { token: token.value })).json() as {
      clientIdentifier: string;
      product: string;
    }[];
    assert.equal(devices.find((d) => d.clientIdentifier === config.clientId)?.product, "Credentials Test");
  });

  it("accepts the email as login and rememberMe false", async () => {
    const token = await configFor(emulator).registerWithCredentials("PlexUser@Example.com", "plexpass", {
      rememberMe: false,
    });
    assert.ok(token.isLegacy());
  });

  it("refuses a rememberMe that is not true or false, before anything is sent", async () => {
    const config = configFor(emulator);
    const before = emulator.count("POST /api/v2/users/signin");
    for (const rememberMe of ["false", 0, 1, null, "yes"]) {
      const err = await rejectsWith(
        config.registerWithCredentials("plexuser", "plexpass", {
          rememberMe: rememberMe as unknown as boolean,
        }),
        "invalid_argument",
      );
      assert.equal(err.message, "rememberMe must be true or false");
    }
    assert.equal(emulator.count("POST /api/v2/users/signin"), before, "no sign-in was sent");
  });

  it("refuses an option it does not have (a misspelt verificationCode), directly and through withCredentials, before anything is sent", async () => {
    const config = configFor(emulator);
    const before = emulator.count("POST /api/v2/users/signin");
    const err = await rejectsWith(
      config.registerWithCredentials("twofactor", "twofactorpass", { verificationcode: "123456" } as never),
      "invalid_argument",
    );
    assert.equal(err.message, "The credentials sign-in has no option verificationcode");
    assert.equal(err.hint, "Its options are signal, fetch, timeoutMs, verificationCode, rememberMe");
    // withCredentials refuses it when the option is made, before any token() call.
    assert.throws(() => withCredentials("plexuser", "plexpass", { rememberme: false } as never), {
      code: "invalid_argument",
      message: "withCredentials has no option rememberme",
    });
    assert.equal(emulator.count("POST /api/v2/users/signin"), before, "no sign-in was sent");
    const options: Required<Omit<CredentialsOptions, keyof CallOptions>> = {
      verificationCode: "",
      rememberMe: false,
    };
    assert.ok((await config.registerWithCredentials("plexuser", "plexpass", options)).isLegacy());
  });

  it("refuses a form value that is not a string (a numeric 2FA code or password), before anything is sent", async () => {
    const config = configFor(emulator);
    const before = emulator.count("POST /api/v2/users/signin");
    const cases: [string, unknown, { verificationCode?: unknown }, string][] = [
      ["plexuser", 1234, {}, "password must be a string"],
      ["twofactor", "twofactorpass", { verificationCode: 123456 }, "verificationCode must be a string"],
      [
        "twofactor",
        "twofactorpass",
        { verificationCode: { code: "123456" } },
        "verificationCode must be a string",
      ],
    ];
    for (const [username, password, options, message] of cases) {
      const err = await rejectsWith(
        config.registerWithCredentials(
          username,
          password as string,
          options as { verificationCode?: string },
        ),
        "invalid_argument",
      );
      assert.equal(err.message, message);
    }
    assert.equal(emulator.count("POST /api/v2/users/signin"), before, "no sign-in was sent");
  });

  it("keeps the account with the request/process pair", async () => {
    const config = configFor(emulator);
    const result = processSignInResponse(await signInRequest(config, "plexuser", "plexpass"));
    assert.equal(result.account.username, "plexuser");
    assert.equal(result.account.email, "plexuser@example.com");
    assert.equal("authToken" in result.account, false);
  });

  it("wraps the services' tokens and refuses one that is not a token, rather than dropping it", () => {
    const service = (token: unknown) => ({
      identifier: "metadata",
      endpoint: "https://x",
      token,
      secret: null,
    });
    const body = (services: unknown[]) =>
      JSON.stringify({ id: 1, username: "me", email: null, authToken: "abcdefghij0123456789", services });
    const ok = processSignInResponse({
      status: 201,
      headers: new Headers(),
      url: "",
      body: body([service("servicetoken0123"), service(null)]),
    });
    assert.equal(ok.account.email, null, "an account without an email reads as null, as its type says");
    const [first, second] = ok.account.services as { token: unknown; secret: unknown }[];
    assert.ok(first?.token instanceof Token && first.token.value === "servicetoken0123");
    assert.equal(String(first.token).includes("servicetoken0123"), false);
    assert.deepEqual([second?.token, second?.secret], [null, null]);
    for (
      const [token, problem] of [["two words", "should be printable ASCII without spaces"], [
        7,
        "should be a string, got number",
      ]]
    ) {
      assert.throws(
        () =>
          processSignInResponse({
            status: 201,
            headers: new Headers(),
            url: "",
            body: body([service("a"), service(token)]),
          }),
        { code: "invalid_response", message: `services[1].token ${problem}` },
      );
    }
  });

  it("fails with unauthorized (1001) for a wrong password", async () => {
    const err = await rejectsWith(
      configFor(emulator).registerWithCredentials("plexuser", "wrong"),
      "unauthorized",
    );
    assert.equal(err.status, 401);
    assert.equal(err.plexCode, 1001);
    assert.equal(err.message.includes("wrong"), false, "the password is not in the message");
  });

  it("asks for the 2FA code (1029), rejects a wrong one (1028), accepts the right one", async () => {
    const { username, password, verificationCode } = emulator.users.twoFactor;
    const config = configFor(emulator);
    const needed = await rejectsWith(
      config.registerWithCredentials(username, password!),
      "verification_code_required",
    );
    assert.equal(needed.plexCode, 1029);
    assert.ok(needed.hint);
    const wrong = await rejectsWith(
      config.registerWithCredentials(username, password!, { verificationCode: "999999" }),
      "invalid_verification_code",
    );
    assert.equal(wrong.plexCode, 1028);
    const token = await config.registerWithCredentials(username, password!, { verificationCode });
    assert.ok(token.isLegacy());
  });

  it("reports ip_blocked (1031) after repeated failures from the client", async () => {
    const config = configFor(emulator);
    for (let i = 0; i < 3; i++) {
      await rejectsWith(config.registerWithCredentials("plexuser", "nope"), "unauthorized");
    }
    const blocked = await rejectsWith(config.registerWithCredentials("plexuser", "plexpass"), "ip_blocked");
    assert.equal(blocked.plexCode, 1031);
  });

  it("fails with client_id_missing before any request without a client id; plex.tv would answer 1000", async () => {
    const config = defaultConfig().withUrls(emulator.url).withFetch(emulator.fetch);
    await rejectsWith(config.registerWithCredentials("plexuser", "plexpass"), "client_id_missing");
    assert.equal(emulator.requests.length, 0);
    const res = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      clientId: null,
      form: { login: "plexuser", password: "plexpass" },
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json() as { errors: { code: number }[] }).errors[0]!.code, 1000);
  });

  it("rejects empty credentials locally with invalid_argument", async () => {
    await assert.rejects(
      async () => await configFor(emulator).registerWithCredentials("", "x"),
      (err: { code?: string }) => err.code === "invalid_argument",
    );
    assert.equal(emulator.requests.length, 0);
  });

  it("does not repeat the sign-in POST on a 500, and reports server_error", async () => {
    emulator.inject({ match: "POST /api/v2/users/signin", kind: "status", status: 500, times: Infinity });
    await rejectsWith(
      configFor(emulator, undefined, 3).registerWithCredentials("plexuser", "plexpass"),
      "server_error",
    );
    assert.equal(emulator.count("POST /api/v2/users/signin"), 1);
  });

  it("reports invalid_response for a truncated answer and a cut connection as network_error", async () => {
    emulator.inject({ match: "POST /api/v2/users/signin", kind: "malformed", body: "truncated_json" });
    await rejectsWith(
      configFor(emulator).registerWithCredentials("plexuser", "plexpass"),
      "invalid_response",
    );
    emulator.inject({ match: "POST /api/v2/users/signin", kind: "malformed", body: "html" });
    await rejectsWith(configFor(emulator).registerWithCredentials("plexuser", "plexpass"), "server_error");
    emulator.inject({ match: "POST /api/v2/users/signin", kind: "reset" });
    await rejectsWith(configFor(emulator).registerWithCredentials("plexuser", "plexpass"), "network_error");
  });

  it("refuses a redirect to another origin", async () => {
    emulator.inject({
      match: "POST /api/v2/users/signin",
      kind: "redirect",
      location: "http://127.0.0.1:9/steal",
    });
    await rejectsWith(
      configFor(emulator).registerWithCredentials("plexuser", "plexpass"),
      "redirect_refused",
    );
  });

  it("cannot sign in again from a client whose device key is registered", async () => {
    const config = configFor(emulator);
    const legacy = await config.registerWithCredentials("plexuser", "plexpass");
    await config.generateAndUploadPublicKey(legacy);
    await rejectsWith(config.registerWithCredentials("plexuser", "plexpass"), "bad_request");
    await rejectsWith(
      configFor(emulator, config.clientId).registerWithPin(() => {}, { pollInterval: 50 }),
      "bad_request",
    );
  });
});
