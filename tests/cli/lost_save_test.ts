/**
 * No success after a lost save, and nothing left registered at plex.tv, under
 * Deno, as the Bun binary and under Node: `login` into a store that refuses
 * writes (a plugin loaded with `--plugin` that fails like a full disk) fails
 * with a clear error and no "Saved" line, and takes back what it registered,
 * so the next `login` with the same client identifier works. Under Deno and
 * as the Bun binary: `logout` after `home switch` removes the device key too;
 * `logout --force` clears the store when it cannot be opened or plex.tv cannot
 * be reached, and says what it could not do at plex.tv.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  approvePinFromScreen,
  clientIdOf,
  type Home,
  ok,
  pluginFor,
  REPO,
  runCli,
  storeClientIdOf,
  useCliWorld,
  vaultOf,
} from "../_helpers/cli.ts";
import { freePort } from "../_helpers/raw_http_server.ts";

/** plex.tv lists the CLI's device by this host's name, which the hints must name. */
const HOST = hostname().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const PLUGIN = join(REPO, "tests", "cli", "refusing_store_plugin.ts");
const world = useCliWorld("lost save passphrase");
const home = world.home;

for (const { name, runtime: rt } of world.runtimes) {
  describe(`plextv under ${name}, with a store that refuses writes`, () => {
    const refusing = (
      h: Home,
      when: string,
    ) => ["--plugin", pluginFor(rt(), PLUGIN), "--store", `refusing:${join(h.root, "s.json")}?when=${when}`];

    function lostSave(run: { code: number; stdout: string; stderr: string }): void {
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr,
        /^error: The sign-in could not be saved in refusing:\S+: ENOSPC: no space left on device/m,
      );
      assert.doesNotMatch(run.stderr, /Saved in|Signed in to plex\.tv/, "no success is reported");
    }

    it("login fails, revokes the new token, and the next login works", async () => {
      const h = home();
      world.emulator().resetRequests();
      const run = await runCli(rt(), [...refusing(h, "always"), "login", "-u", "plexuser"], h, {
        stdin: "plexpass\n",
      });
      lostSave(run);
      assert.equal(world.emulator().count("DELETE /api/v2/users/signout"), 1, "the new token was revoked");
      assert.match(
        run.stderr,
        /Nothing was kept and the new token was revoked at plex\.tv; fix the store and run plextv login again/,
      );
      // The named store is a device of its own: a second try into it uses the same client identifier.
      const clientId = storeClientIdOf(h, refusing(h, "always").at(-1)!);
      assert.ok(clientId, "the store has a client identifier of its own");
      lostSave(
        await runCli(rt(), [...refusing(h, "always"), "login", "-u", "plexuser"], h, { stdin: "plexpass\n" }),
      );
      assert.equal(storeClientIdOf(h, refusing(h, "always").at(-1)!), clientId, "the same client identifier");
      ok(await runCli(rt(), ["login", "-u", "plexuser"], h, { stdin: "plexpass\n" }), "login into the vault");
    });

    it("login --jwt fails when the device key cannot be saved, removes the device, and the next login works", async () => {
      const h = home();
      const run = await runCli(rt(), [...refusing(h, "key"), "login", "-u", "plexuser", "--jwt"], h, {
        stdin: "plexpass\n",
      });
      lostSave(run);
      assert.match(run.stderr, /the device key registered just now was removed from plex\.tv again/);
      const uri = refusing(h, "key").at(-1)!;
      const clientId = storeClientIdOf(h, uri);
      assert.ok(clientId, "the store has a client identifier of its own");
      assert.equal(world.emulator().registeredKey(clientId), undefined, "no key left registered");
      assert.equal(readFileSync(join(h.root, "s.json"), "utf8"), "", "the partial save was cleared");
      // The key was taken back, so plex.tv does not refuse the same client identifier's next sign-in.
      lostSave(
        await runCli(rt(), [...refusing(h, "key"), "login", "-u", "plexuser", "--jwt"], h, {
          stdin: "plexpass\n",
        }),
      );
      assert.equal(storeClientIdOf(h, uri), clientId);
      ok(
        await runCli(rt(), ["login", "-u", "plexuser", "--jwt"], h, { stdin: "plexpass\n" }),
        "login --jwt into the vault",
      );
      assert.ok(world.emulator().registeredKey(clientIdOf(h)));
    });

    it("token --refresh fails when the new JWT cannot be saved, and the store keeps the one before", async () => {
      const h = home();
      ok(
        await runCli(rt(), [...refusing(h, "refresh"), "login", "-u", "plexuser", "--jwt"], h, {
          stdin: "plexpass\n",
        }),
        "login --jwt",
      );
      const stored = JSON.parse(readFileSync(join(h.root, "s.json"), "utf8")).token;
      const run = await runCli(rt(), [...refusing(h, "refresh"), "token", "--refresh"], h);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, "", "no token printed that the store does not hold");
      assert.match(run.stderr, /^error: The new token could not be saved: .*ENOSPC/m);
      assert.doesNotMatch(run.stderr, /Refreshed/, "no success is reported");
      assert.equal(JSON.parse(readFileSync(join(h.root, "s.json"), "utf8")).token, stored);
      const again = await runCli(rt(), [...refusing(h, "refresh"), "token"], h);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), stored, "the stored JWT is still printed");
    });

    it("login --pin-jwt fails when nothing can be saved, and removes the device", async () => {
      const h = home();
      const run = await runCli(rt(), [...refusing(h, "always"), "login", "--pin-jwt"], h, {
        onStderr: approvePinFromScreen((code) => world.emulator().approvePin(code)),
      });
      lostSave(run);
      const clientId = storeClientIdOf(h, refusing(h, "always").at(-1)!);
      assert.ok(clientId, "the store has a client identifier of its own");
      assert.equal(world.emulator().registeredKey(clientId), undefined);
    });
  });
}

for (const { name, runtime: rt } of world.scenarioRuntimes) {
  describe(`plextv logout under ${name}`, () => {
    it("removes the device key after home switch, so the same client identifier can sign in again", async () => {
      const h = home();
      ok(await runCli(rt(), ["login", "-u", "plexuser", "--jwt"], h, { stdin: "plexpass\n" }), "login --jwt");
      const clientId = clientIdOf(h);
      ok(await runCli(rt(), ["home", "switch", "kid"], h), "home switch");
      ok(await runCli(rt(), ["logout"], h), "logout");
      assert.equal(
        world.emulator().registeredKey(clientId),
        undefined,
        "the device key is not left registered",
      );
      ok(
        await runCli(rt(), ["login", "-u", "plexuser"], h, { stdin: "plexpass\n" }),
        "a password sign-in again",
      );
      assert.equal(clientIdOf(h), clientId);
    });

    it("--force clears a vault it cannot open, and says nothing was revoked", async () => {
      const h = home();
      ok(await runCli(rt(), ["login", "-u", "plexuser"], h, { stdin: "plexpass\n" }), "login");
      const wrong = { PLEXTV_VAULT_PASSPHRASE: "forgotten" };
      const kept = await runCli(rt(), ["logout"], h, { env: wrong });
      assert.equal(kept.code, 4, kept.stderr);
      assert.match(kept.stderr, /plextv logout --force clears the store/);
      assert.ok(existsSync(vaultOf(h)));
      const forced = ok(await runCli(rt(), ["logout", "--force"], h, { env: wrong }), "logout --force");
      assert.ok(!existsSync(vaultOf(h)), "the vault is gone");
      assert.match(
        forced.stderr,
        new RegExp(
          `warning: Could not open vault:\\S+ \\(The passphrase does not open the vault[^)]*\\), so nothing was revoked at plex\\.tv: remove the device "${HOST}" \\(plextv CLI\\) at https://app\\.plex\\.tv`,
        ),
      );
      assert.match(forced.stderr, /✓ Cleared vault:/);
    });

    it("--force leaves a file that is not a vault in place, and says to check the path", async () => {
      const h = home();
      const notes = join(h.root, "notes.txt");
      writeFileSync(notes, "my important notes");
      for (const args of [["logout"], ["logout", "--force"]]) {
        const run = await runCli(rt(), ["--store", `vault:${notes}`, ...args], h);
        assert.equal(run.code, 1, run.stderr);
        assert.match(
          run.stderr,
          /^error: The (vault )?file \S+notes\.txt is not a plextv vault(, so it was not deleted)?\. Check the store's path \(--store or PLEXTV_STORE\)/m,
        );
        assert.doesNotMatch(run.stderr, /Cleared|logout --force/);
        assert.equal(readFileSync(notes, "utf8"), "my important notes", args.join(" "));
      }
    });

    it("keeps the store when plex.tv cannot be reached, unless --force, which says what is left to do", async () => {
      const h = home();
      ok(await runCli(rt(), ["login", "-u", "plexuser", "--jwt"], h, { stdin: "plexpass\n" }), "login --jwt");
      const clientId = clientIdOf(h);
      const down = { PLEXTV_URL: `http://127.0.0.1:${await freePort()}` };
      const kept = await runCli(rt(), ["logout"], h, { env: down });
      assert.equal(kept.code, 1, kept.stderr);
      assert.match(
        kept.stderr,
        /^error: Could not sign out at plex\.tv: Cannot reach 127\.0\.0\.1:\d+: the connection was refused\. vault:\S+ was kept; plextv logout --force clears it anyway\n$/,
      );
      assert.ok(existsSync(vaultOf(h)));
      const forced = ok(await runCli(rt(), ["logout", "--force"], h, { env: down }), "logout --force");
      assert.ok(!existsSync(vaultOf(h)));
      assert.match(
        forced.stderr,
        new RegExp(
          `the device key stays registered: remove the device "${HOST}" \\(plextv CLI, client id ${clientId}\\)`,
        ),
      );
      assert.ok(world.emulator().registeredKey(clientId), "plex.tv could not be told");
      world.emulator().removeDevice(clientId);
    });
  });
}
