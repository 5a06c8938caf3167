// An error answer that repeats what the request sent (a proxy's or a server's echo: the token, a
// password, a 2FA code, a home user's PIN) gives a PlexError without it: its message, its details and
// what it prints. The echo is placed past the 300 characters a message keeps, too, so that a cut does
// not leave part of a secret behind.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { defaultConfig, isPlexError, withToken } from "../../mod.ts";

const TOKEN = "echoedToken0123456789";
const PASSWORD = "echoed Pa55w@rd!";
const CODE = "654321";
const PIN = "9876";

/** A fetch that answers every request 400 with plex.tv's error form, its message repeating the request. */
const echo: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  // The body as sent (form-encoded) and decoded.
  const body = String(init?.body ?? "");
  const decoded = decodeURIComponent(body.replaceAll("+", " "));
  const message = `${"x".repeat(290)} you sent ${
    headers.get("X-Plex-Token") ?? ""
  } ${body} ${decoded} ${input}`;
  return Promise.resolve(
    new Response(JSON.stringify({ errors: [{ code: 1234, message, status: 400 }] }), {
      status: 400,
      headers: { "Content-Type": "application/json" },
    }),
  );
};

function assertNoSecret(err: unknown): void {
  assert.ok(isPlexError(err), String(err));
  const shown = [err.message, JSON.stringify(err), JSON.stringify(err.details), inspect(err), String(err)]
    .join("\n");
  const encoded = new URLSearchParams({ p: PASSWORD }).toString().slice(2);
  for (const secret of [TOKEN, PASSWORD, encoded, CODE, PIN, TOKEN.slice(0, 12), PASSWORD.slice(0, 10)]) {
    assert.ok(!shown.includes(secret), `${secret} in:\n${shown}`);
  }
}

describe("error answers that echo the request", () => {
  const config = defaultConfig().withClientId("echo-test").withFetch(echo).withHttp({
    retry: { retries: 0 },
  });

  it("hide the password and the 2FA code of a sign-in", async () => {
    await assert.rejects(
      config.registerWithCredentials("plexuser", PASSWORD, { verificationCode: CODE }),
      (err: unknown) => (assertNoSecret(err), true),
    );
  });

  it("hide the token of an account call, and a home user's PIN", async () => {
    const client = config.client(config.tokenSource(withToken(TOKEN)));
    await assert.rejects(client.user(), (err: unknown) => (assertNoSecret(err), true));
    await assert.rejects(
      client.switchHomeUser("uuid-1", { pin: PIN }),
      (err: unknown) => (assertNoSecret(err), true),
    );
  });

  it("keep the rest of the answer: plex.tv's code and the words around the secret", async () => {
    const client = config.client(config.tokenSource(withToken(TOKEN)));
    await assert.rejects(client.user(), (err: unknown) => {
      assert.ok(isPlexError(err) && err.status === 400, String(err));
      assert.equal(err.plexCode, 1234);
      assert.match(err.details[0]!.message, /you sent \*\*\* /);
      return true;
    });
  });
});
