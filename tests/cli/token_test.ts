/**
 * `plextv token` with a stored device, in process through `main()` with the
 * `env:` store and a served emulator: a fresh stored token is printed as it
 * is, with no request and without building a token source; a JWT inside its
 * refresh margin, or a legacy token stored beside a device key, goes to the
 * token source and is refreshed; and what the token source checks is still
 * checked when it is skipped (another client identifier named, a key id that
 * does not match the key, a stored or named client identifier that is not
 * usable, a plex.tv URL that is not https). `PLEX_TOKEN` is checked as the
 * signed-in path checks it: its form, a JWT's expiry, the named client id.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { main } from "../../lib/cli/main.ts";
import { registerDevice } from "../../lib/testing/mod.ts";
import type { SecureData } from "../../mod.ts";
import { toEnvVariables } from "../../plugins/env.ts";
import { Vault } from "../../plugins/vault.ts";
import { useEmulatorHome } from "../_helpers/cli.ts";

const DAY = 86_400;
const world = useEmulatorHome();
const { home } = world;
beforeEach(() => world.emulator.resetRequests());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `plextv ARGS` with `data` in the env: store. */
async function token(data: SecureData, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(["token", ...args], {
    env: {
      ...home.env,
      PLEXTV_URL: world.emulator.url,
      PLEXTV_STORE: "env:",
      ...toEnvVariables(data),
      ...env,
    },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** The routes the emulator was asked for since the last reset. */
const routes = () => world.emulator.requests.map((r) => `${r.method} ${r.path}`);

describe("plextv token with a stored device", () => {
  it("prints a fresh stored JWT as it is, with no request", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    world.emulator.resetRequests();
    const run = await token(device.data, ["--verbose"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${device.jwt.value}\n`);
    assert.deepEqual(routes(), []);
    assert.match(run.stderr, /The stored token is fresh/);
    assert.ok(!run.stderr.includes(device.jwt.value), "the token is not logged");
    const json = JSON.parse((await token(device.data, ["--json"])).stdout);
    assert.deepEqual(json, {
      token: device.jwt.value,
      type: "jwt",
      expiresAt: device.jwt.expiresAt?.toISOString(),
    });
  });

  it("prints a legacy token stored without a device key, with no request", async () => {
    const run = await token({ version: 1, clientId: "token-test-legacy", token: "abcdefghij0123456789" });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "abcdefghij0123456789\n");
    assert.deepEqual(routes(), []);
  });

  it("refreshes a JWT inside its refresh margin (one hour left of seven days)", async () => {
    const device = await registerDevice(world.emulator, {
      expiresInSeconds: 3600,
      issuedAt: Date.now() / 1000 - 7 * DAY,
    });
    world.emulator.resetRequests();
    const run = await token(device.data);
    assert.equal(run.code, 0, run.stderr);
    assert.notEqual(run.stdout, `${device.jwt.value}\n`);
    assert.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    assert.deepEqual(routes().sort(), ["GET /api/v2/auth/nonce", "POST /api/v2/auth/token"]);
  });

  it("exchanges a legacy token stored beside a device key for a JWT", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    world.emulator.resetRequests();
    const run = await token({ ...device.data, token: "abcdefghij0123456789", tokenExpiresAt: undefined });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    assert.deepEqual(routes().sort(), ["GET /api/v2/auth/nonce", "POST /api/v2/auth/token"]);
  });

  it("still refuses another client identifier than the stored one", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    world.emulator.resetRequests();
    const run = await token(device.data, ["--client-id", "another-client"]);
    assert.equal(run.code, 4);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /another client identifier/);
    assert.deepEqual(routes(), []);
  });

  it("still refuses a key id that does not match the stored key", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    const other = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    world.emulator.resetRequests();
    const run = await token({ ...device.data, keyId: other.data.keyId });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /key id does not match/);
    assert.ok(!run.stderr.includes(device.jwt.value), "the token is not in the error");
  });

  it("refuses stored data whose client identifier the signed-in path refuses, as it does", async () => {
    const legacy = "abcdefghij0123456789";
    const vault = (name: string, data: Record<string, unknown>) => {
      const path = join(home.root, `${name}.vault`);
      return new Vault(path, "token test").save(data).then(() => ({
        PLEXTV_STORE: `vault:${path}`,
        PLEXTV_VAULT_PASSPHRASE: "token test",
      }));
    };
    const cases: [Record<string, string>, number, RegExp][] = [
      [
        { PLEXTV_CLIENT_ID: "a".repeat(256), PLEXTV_TOKEN: legacy },
        2,
        /in PLEXTV_CLIENT_ID is not usable: a client identifier is 1 to 255 visible ASCII characters/,
      ],
      // No client identifier at all is not device data: store_corrupt (exit 1), with the way to clear it.
      [await vault("no-id", { version: 1, token: legacy }), 1, /not device data.*logout --force/],
      [
        await vault("bad-id", { version: 1, clientId: "has space", token: legacy }),
        2,
        /in the store is not usable: a client identifier is 1 to 255 visible ASCII characters \(letters, digits and punctuation, no spaces\)/,
      ],
    ];
    for (const [env, code, message] of cases) {
      for (const command of ["token", "user"]) {
        let stderr = "";
        const exit = await main([command], {
          env: { ...home.env, PLEXTV_URL: world.emulator.url, PLEXTV_STORE: "env:", ...env },
          stdout: { write: () => true },
          stderr: { write: (text: string) => (stderr += text) },
        });
        assert.equal(exit, code, `${command}: ${stderr}`);
        assert.match(stderr, message, command);
        assert.ok(!stderr.includes(legacy), "the token is not in the error");
      }
    }
  });

  it("checks PLEX_TOKEN as the signed-in path does: its form, a JWT's expiry, the named client id and store", async () => {
    const expired = await world.emulator.issueJwt({ clientId: "token-test-env", expiresInSeconds: -60 });
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ PLEX_TOKEN: expired }, 4, /expired/],
      [{ PLEX_TOKEN: "abc def ghi" }, 4, /token/i],
      [
        { PLEX_TOKEN: "abcdefghij0123456789", PLEXTV_CLIENT_ID: "has space" },
        2,
        /in PLEXTV_CLIENT_ID is not usable: .* no spaces\)\. Fix or unset PLEXTV_CLIENT_ID/,
      ],
    ];
    for (const [env, code, message] of cases) {
      for (const args of [[], ["--json"]]) {
        const run = await token({ version: 1, clientId: "token-test-env" }, args, env);
        assert.equal(run.code, code, `${JSON.stringify(env)} ${args}: ${run.stderr}`);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, message);
        assert.ok(!run.stderr.includes(env.PLEX_TOKEN), "the token is not in the error");
      }
    }
    for (
      const [args, message] of [
        [["--store", "nonsense"], /must start with a scheme/],
        [["--store", "bogus:"], /No store is registered for the scheme bogus/],
        [["--plugin", "./missing-plugin.ts"], /Cannot load the plugin/],
      ] as const
    ) {
      for (const command of ["token", "user"]) {
        let stderr = "";
        const exit = await main([command, ...args], {
          env: { ...home.env, PLEXTV_URL: world.emulator.url, PLEX_TOKEN: "abcdefghij0123456789" },
          stdout: { write: () => true },
          stderr: { write: (text: string) => (stderr += text) },
        });
        assert.equal(exit, 2, `${command} ${args.join(" ")}: ${stderr}`);
        assert.match(stderr, message);
      }
    }
    const fine = await token({ version: 1, clientId: "token-test-env" }, [], {
      PLEX_TOKEN: "abcdefghij0123456789",
    });
    assert.equal(fine.code, 0, fine.stderr);
    assert.equal(fine.stdout, "abcdefghij0123456789\n");
    assert.deepEqual(routes(), []);
  });

  it("refuses a plex.tv URL it could not use, even when it would make no request", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    const urls: Record<string, string>[] = [{ PLEXTV_URL: "http://plex.example" }, {
      PLEXTV_V2_URL: "http://clients.example",
    }];
    for (const env of urls) {
      for (const extra of [{}, { PLEX_TOKEN: "abcdefghij0123456789" }] as Record<string, string>[]) {
        const run = await token(device.data, [], { ...env, ...extra });
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, "");
        const name = Object.keys(env)[0]!;
        assert.match(
          run.stderr,
          new RegExp(`^error: ${name}: The URL \\S+ must use https \\(http only for loopback hosts\\)`),
        );
        assert.match(run.stderr, new RegExp(`Use https in ${name}, or http only for`));
      }
    }
  });

  it("an empty env: store says which variables to set, not to log in (it cannot be signed in to)", async () => {
    for (const [store, prefix] of [["env:", "PLEXTV_"], ["env:MY_", "MY_"], ["env:mine", "mine_"]]) {
      let stdout = "";
      let stderr = "";
      const code = await main(["token"], {
        env: { ...home.env, PLEXTV_URL: world.emulator.url, PLEXTV_STORE: store! },
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      });
      const run = { code, stdout, stderr };
      assert.equal(run.code, 4, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr,
        new RegExp(`${prefix}TOKEN is not set, nor a device key \\(${prefix}KEY_ID, `),
      );
      assert.match(run.stderr, /keys export --format env/);
      assert.doesNotMatch(run.stderr, /Run plextv login/);
    }
    assert.deepEqual(routes(), []);
  });

  it("refuses a plex.tv URL with a query, fragment or password, and prints neither the query nor the password", async () => {
    const device = await registerDevice(world.emulator, { expiresInSeconds: 7 * DAY });
    for (
      const url of [
        `${world.emulator.url}/?X-Plex-Token=leakedToken1234567890`,
        `${world.emulator.url}#`,
        `http://me:pw0rd@127.0.0.1:9`,
      ]
    ) {
      const run = await token(device.data, [], { PLEXTV_URL: url });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr,
        /^error: PLEXTV_URL: The base URL .* must be an absolute URL without credentials, query or fragment/,
      );
      assert.match(
        run.stderr,
        /Set PLEXTV_URL to an absolute URL such as https:\/\/plex\.tv, or unset it\n$/,
      );
      assert.doesNotMatch(run.stderr, /leakedToken|pw0rd/);
    }
  });
});
