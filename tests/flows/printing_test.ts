import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { defaultConfig, isPlexError, newClientId } from "../../mod.ts";
import { processSignInResponse } from "../../protocol.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { fixture } from "../_helpers/fixtures.ts";

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

const printed = (value: unknown) => [inspect(value, { depth: 10 }), JSON.stringify(value)];

describe("flow results print no secret", () => {
  it("a PIN and its check hide the token once the PIN is approved", async () => {
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url);
    const { pin } = await config.pinRequest();
    emulator.approvePin(pin.code);
    const result = await config.validatePin(pin.id);
    const secret = result.token!.value;
    assert.equal(result.pin.authToken?.value, secret);
    for (const text of printed(result)) assert.ok(!text.includes(secret), text);
  });

  it("a sign-in's account hides its services' tokens and secrets", async () => {
    const body = await fixture("signin.json");
    const secrets = (JSON.parse(body).services as { token: string | null; secret: string | null }[])
      .flatMap((s) => [s.token, s.secret]).filter((v): v is string => typeof v === "string");
    assert.ok(secrets.length > 3);
    const result = processSignInResponse({ status: 201, headers: new Headers(), url: "", body });
    for (const text of printed(result)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), secret);
    }
  });

  it("refuses a poll interval that is not a positive number before asking for a PIN", async () => {
    const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url);
    emulator.resetRequests();
    for (const pollInterval of [Number.NaN, 0, -5, Infinity]) {
      await assert.rejects(
        config.registerWithPin(() => {}, { pollInterval }),
        (err) => isPlexError(err, "invalid_argument"),
      );
    }
    assert.equal(emulator.requests.length, 0);
  });
});
