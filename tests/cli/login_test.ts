/**
 * `plextv login` without a terminal, under Deno and as the Bun binary,
 * against the emulator: it refuses to replace a signed-in account unless
 * `--force` (and then retires the old one at plex.tv, once the new one is
 * saved: a failed replacement leaves the stored sign-in working), stores a token read
 * from stdin once plex.tv accepts it, registers afresh with a new client
 * identifier when plex.tv forgot the device key (instead of a circle), and
 * says that the username or password is wrong; a store that keeps nothing
 * (env:) is refused before plex.tv is asked.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { describe, it } from "node:test";
import { clientIdOf, type Home, ok, runCli, storeClientIdOf, useCliWorld, vaultOf } from "../_helpers/cli.ts";

const world = useCliWorld("login test passphrase");
const home = world.home;

for (const { name, runtime: rt } of world.scenarioRuntimes) {
  describe(`plextv login under ${name}`, () => {
    const login = (h: Home, args: string[], stdin = "plexpass\n") =>
      runCli(rt(), ["login", "-u", "plexuser", ...args], h, { stdin });

    it("signs in to each named store as a device of its own, so a second store does not end the first's token", async () => {
      const h = home();
      const a = `vault:${h.root}/a.vault`;
      const b = `vault:${h.root}/b.vault`;
      const inStore = (store: string, args: string[], stdin?: string) =>
        runCli(rt(), ["--store", store, ...args], h, stdin === undefined ? {} : { stdin });
      ok(await inStore(a, ["login", "-u", "plexuser"], "plexpass\n"), "login into a");
      ok(
        await inStore(b, ["login", "-u", "plexuser", "--jwt"], "plexpass\n"),
        "login into b, with a device key",
      );
      ok(await inStore(a, ["user"]), "a still works after b's sign-in");
      ok(await inStore(b, ["user"]), "b works");
      const idOf = async (store: string) =>
        JSON.parse(ok(await inStore(store, ["status", "--json"]), "status").stdout).clientId as string;
      const [idA, idB] = [await idOf(a), await idOf(b)];
      assert.notEqual(idA, idB, "two devices");
      ok(await login(h, []), "the default store");
      assert.equal(
        JSON.parse(ok(await runCli(rt(), ["status", "--json"], h), "status").stdout).clientId,
        clientIdOf(h),
      );
      assert.ok(![idA, idB].includes(clientIdOf(h)), "the default store is the installation's device");
      ok(await inStore(a, ["user"]), "a still works after the default store's sign-in");
      // Signing in to the same store again (after a logout) is the same device, not a new one, however
      // the vault's path is written.
      ok(await inStore(a, ["logout"]), "logout a");
      const aAgain = `vault:${h.root}/b/../a.vault`;
      ok(await inStore(aAgain, ["login", "-u", "plexuser"], "plexpass\n"), "login into a again");
      assert.equal(await idOf(a), idA);
    });

    it("keeps a named store's new client id apart when --force replaces its key sign-in", async () => {
      const h = home();
      const a = `vault:${h.root}/a.vault`;
      const inStore = (args: string[], stdin?: string) =>
        runCli(rt(), ["--store", a, ...args], h, stdin === undefined ? {} : { stdin });
      ok(await inStore(["login", "-u", "plexuser", "--jwt"], "plexpass\n"), "login --jwt into a");
      ok(await inStore(["login", "-u", "plexuser", "--force"], "plexpass\n"), "login --force into a");
      const idA = JSON.parse(ok(await inStore(["status", "--json"]), "status").stdout).clientId as string;
      assert.equal(storeClientIdOf(h, a), idA, "the store's new id is kept as the store's");
      ok(await login(h, []), "the default store");
      assert.notEqual(clientIdOf(h), idA, "the default store is another device");
      ok(await inStore(["user"]), "a still works after the default store's sign-in");
    });

    it("status refreshes a JWT plex.tv no longer takes with the stored device key, as login does", async () => {
      const h = home();
      ok(await login(h, ["--jwt"]), "login --jwt");
      const revoked = ok(await runCli(rt(), ["token"], h), "token").stdout.trim();
      assert.ok(world.emulator().revokeToken(revoked));
      const status = ok(await runCli(rt(), ["status"], h), "status after the JWT was revoked");
      assert.match(status.stderr + status.stdout, /Signed in to plex\.tv as plexuser/);
      const fresh = ok(await runCli(rt(), ["token"], h), "token").stdout.trim();
      assert.notEqual(fresh, revoked, "the store holds the refreshed JWT");
      ok(await runCli(rt(), ["user"], h), "user with the refreshed JWT");
    });

    it("logout removes the device with a new JWT when plex.tv no longer takes the stored one, and the next login works", async () => {
      const h = home();
      ok(await login(h, ["--jwt"]), "login --jwt");
      const clientId = clientIdOf(h);
      assert.ok(world.emulator().registeredKey(clientId));
      assert.ok(world.emulator().revokeToken(ok(await runCli(rt(), ["token"], h), "token").stdout.trim()));
      const out = ok(await runCli(rt(), ["logout"], h), "logout");
      assert.match(out.stderr, /Signed out; cleared/);
      assert.equal(world.emulator().registeredKey(clientId), undefined, "the device and its key are gone");
      ok(await login(h, ["--jwt"]), "the next login --jwt, with the same client identifier");
    });

    it("refuses to sign in to the env: store, which keeps nothing, before asking plex.tv", async () => {
      const h = home();
      world.emulator().resetRequests();
      for (const args of [["--store", "env:", "login", "-u", "plexuser"], ["login", "--with-token"]]) {
        const run = await runCli(rt(), args, h, { stdin: "plexpass\n", env: { PLEXTV_STORE: "env:" } });
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, "");
        assert.match(
          run.stderr,
          /^error: The env: store cannot keep a sign-in: it only reads its variables\. Sign in with a store that keeps it/,
        );
        assert.doesNotMatch(run.stderr, /Saved|Signed in/);
      }
      assert.deepEqual(world.emulator().requests, [], "plex.tv was not asked");
    });

    it("refuses to replace a signed-in account without a terminal, naming --force; --force replaces it", async () => {
      const h = home();
      ok(await login(h, ["--jwt"]), "first login");
      const clientId = clientIdOf(h);
      assert.ok(world.emulator().registeredKey(clientId), "a key is registered");
      const vault = readFileSync(vaultOf(h));
      const again = await login(h, []);
      assert.equal(again.code, 2, again.stderr);
      assert.equal(again.stdout, "");
      assert.match(
        again.stderr,
        /^error: Already signed in to plex\.tv as plexuser\. Pass --force to replace/,
      );
      assert.deepEqual(readFileSync(vaultOf(h)), vault, "the stored sign-in is untouched");
      const forced = ok(await login(h, ["--force"]), "login --force");
      assert.match(forced.stderr, /Signed in to plex\.tv as plexuser/);
      assert.equal(
        world.emulator().registeredKey(clientId),
        undefined,
        "the old device key was removed at plex.tv",
      );
      assert.notEqual(clientIdOf(h), clientId, "a device with a key is replaced by a new device");
      const status = JSON.parse(ok(await runCli(rt(), ["status", "--json"], h), "status").stdout);
      assert.equal(status.tokenType, "legacy");
      assert.equal(status.clientId, clientIdOf(h));
    });

    it("leaves the stored sign-in working when a --force replacement fails (a rejected token, a wrong password)", async () => {
      const h = home();
      ok(await login(h, ["--jwt"]), "first login");
      const clientId = clientIdOf(h);
      const kid = world.emulator().registeredKey(clientId);
      assert.ok(kid, "a key is registered");
      const vault = readFileSync(vaultOf(h));
      const rejected = await runCli(rt(), ["login", "--with-token", "--force"], h, {
        stdin: "revokedtokenrevoked0\n",
      });
      assert.equal(rejected.code, 4, rejected.stderr);
      const wrong = await login(h, ["--jwt", "--force"], "wrongpassword\n");
      assert.notEqual(wrong.code, 0, wrong.stderr);
      assert.match(wrong.stderr, /username or password is incorrect/);
      assert.equal(
        world.emulator().registeredKey(clientId),
        kid,
        "the device and its key are still registered",
      );
      assert.deepEqual(readFileSync(vaultOf(h)), vault, "the stored sign-in is untouched");
      const status = JSON.parse(ok(await runCli(rt(), ["status", "--json"], h), "status").stdout);
      assert.equal(status.signedIn, true);
      assert.equal(status.tokenType, "jwt");
      ok(await runCli(rt(), ["user"], h), "the stored sign-in still reads the account");
    });

    it("stores a token read from stdin once plex.tv accepts it, and refuses a rejected one", async () => {
      const h = home();
      const rejected = await runCli(rt(), ["login", "--with-token"], h, { stdin: "revokedtokenrevoked0\n" });
      assert.equal(rejected.code, 4, rejected.stderr);
      assert.match(rejected.stderr, /^error: plex\.tv does not accept that token/);
      assert.ok(!existsSync(vaultOf(h)), "nothing stored");
      const extra = await runCli(rt(), ["login", "--with-token", "abcdefghij0123456789"], h);
      assert.equal(extra.code, 2, "a token on the command line is refused");
      const token = world.emulator().issueLegacyToken({ clientId: "another-app" });
      const stored = ok(
        await runCli(rt(), ["login", "--with-token"], h, { stdin: `${token}\n` }),
        "--with-token",
      );
      assert.match(stored.stderr, /Signed in to plex\.tv as plexuser/);
      assert.ok(!stored.stderr.includes(token), "the token is not echoed");
      assert.equal(ok(await runCli(rt(), ["token"], h), "token").stdout, `${token}\n`);
    });

    it("registers afresh when plex.tv forgot the device key: --force without a terminal", async () => {
      const h = home();
      ok(await login(h, ["--jwt"]), "login --jwt");
      const before = clientIdOf(h);
      world.emulator().removeDevice(before);
      const status = await runCli(rt(), ["status"], h);
      assert.equal(status.code, 4, status.stderr);
      const refresh = await runCli(rt(), ["token", "--refresh"], h);
      assert.equal(refresh.code, 4, refresh.stderr);
      assert.equal(refresh.stdout, "");
      assert.match(
        refresh.stderr,
        /^error: plex\.tv no longer knows this device's key\. Was the device removed at plex\.tv\? Run plextv login --force to register again\n$/,
      );
      const circle = await login(h, ["--jwt"]);
      assert.equal(circle.code, 2, circle.stderr);
      assert.match(circle.stderr, /no longer knows this device's key.*plextv login --force/);
      const fresh = ok(await login(h, ["--jwt", "--force"]), "login --jwt --force");
      assert.match(fresh.stderr, /Registering again as a new device/);
      const after = clientIdOf(h);
      assert.notEqual(after, before, "a new client identifier");
      assert.ok(world.emulator().registeredKey(after), "its key is registered");
      ok(await runCli(rt(), ["status"], h), "status after the fresh registration");
    });

    it("registers afresh when a lost store left the client identifier's key registered", async () => {
      const h = home();
      ok(await login(h, ["--jwt"]), "login --jwt");
      const before = clientIdOf(h);
      rmSync(vaultOf(h));
      const bound = await login(h, []);
      assert.equal(bound.code, 2, bound.stderr);
      assert.match(bound.stderr, /registered device key\. Run plextv login --force/);
      ok(await login(h, ["--force"]), "login --force");
      assert.notEqual(clientIdOf(h), before);
    });

    it("leaves the store as it was when the key upload fails after the sign-in (--jwt), and revokes the token", async () => {
      const emulator = world.emulator();
      const h = home();
      const fault = emulator.inject({ match: "POST /api/v2/auth/jwk", kind: "status", status: 500 });
      const signOuts = emulator.count("DELETE /api/v2/users/signout");
      try {
        const failed = await login(h, ["--jwt"]);
        assert.notEqual(failed.code, 0, failed.stderr);
        assert.equal(fault.hits, 1);
        // JWT mode keeps the legacy token before it uploads the key: login takes it out again.
        assert.ok(!existsSync(vaultOf(h)), "nothing is stored");
        assert.equal(emulator.count("DELETE /api/v2/users/signout"), signOuts + 1, "the token is revoked");
        // With a sign-in stored, a failed --force replacement leaves it working.
        emulator.clearFaults();
        ok(await login(h, ["--jwt"]), "login");
        emulator.inject({ match: "POST /api/v2/auth/jwk", kind: "status", status: 500 });
        assert.notEqual((await login(h, ["--jwt", "--force"])).code, 0);
        const status = JSON.parse(ok(await runCli(rt(), ["status", "--json"], h), "status").stdout);
        assert.equal(status.tokenType, "jwt", "the stored JWT sign-in is back");
        ok(await runCli(rt(), ["user"], h), "and still reads the account");
      } finally {
        emulator.clearFaults();
      }
    });

    it("says the username or password is wrong, and stores nothing", async () => {
      const h = home();
      const run = await login(h, [], "not-the-password\n");
      assert.equal(run.code, 4, run.stderr);
      assert.equal(
        run.stderr,
        "error: The username or password is incorrect. Check them and run plextv login again, or sign in " +
          "without a password: plextv login --pin\n",
      );
      assert.ok(!existsSync(vaultOf(h)), "no vault written");
    });
  });
}
