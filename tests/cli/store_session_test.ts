// The CLI's store session, in process: a vault file that does not exist yet gets a new passphrase asked
// twice, whatever the case of its scheme (`vault:` or `VAULT:`), and is then created with it; a store
// URI is printed without its credentials.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Output } from "../../lib/cli/output.ts";
import type { Prompter } from "../../lib/cli/prompt.ts";
import { describeStore, StoreSession } from "../../lib/cli/store_session.ts";
import { cliStores } from "../../lib/cli/stores.ts";
import type { SecureData } from "../../lib/store/store.ts";
import { Vault } from "../../plugins/vault.ts";

const folder = mkdtempSync(join(tmpdir(), "plextv-session-"));
after(() => rmSync(folder, { recursive: true, force: true }));

/** A terminal user who types `answers` in turn; the questions are kept. */
function typing(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const fake = {
    asked,
    interactive: true,
    hidden: (question: string) => {
      asked.push(question);
      return Promise.resolve(answers.shift() ?? "");
    },
  };
  return fake as unknown as Prompter & { asked: string[] };
}

describe("a new vault", () => {
  for (const scheme of ["vault", "VAULT"]) {
    it(`${scheme}: asks for a new passphrase twice, again when they differ, and creates the file with it`, async () => {
      const path = join(folder, `${scheme}-new`, "plextv.vault");
      const prompter = typing(["first try", "a typo", "the passphrase", "the passphrase"]);
      const session = await StoreSession.start({
        registry: cliStores(),
        out: new Output({ stderr: { write: () => true }, stdout: { write: () => true } }),
        prompter,
        env: {},
        folders: () => Promise.resolve({ config: join(folder, "config"), data: join(folder, "data") }),
        flag: `${scheme}:${path}`,
      });
      assert.equal(await session.isNewVault(), true);
      await (await session.store()).save({
        version: 1,
        clientId: "session-test",
        token: "abcdefghij0123456789",
      });
      assert.deepEqual(prompter.asked, [
        "New vault passphrase: ",
        "Repeat the passphrase: ",
        "New vault passphrase: ",
        "Repeat the passphrase: ",
      ]);
      assert.ok(existsSync(path), "the vault file was created");
      assert.equal((await new Vault<SecureData>(path, "the passphrase").load())?.clientId, "session-test");
      assert.equal(await session.isNewVault(), false);
    });
  }
});

describe("the store, as printed", () => {
  it("hides a URI's credentials up to the last @ before the host, as a URL parser reads them", () => {
    const uris = [
      ["redis://:p@ssw0rd-secret@127.0.0.1:6391/0?key=review", "redis://***@127.0.0.1:6391/0?key=review"],
      ["rediss://app:s3cret@db.local:6380", "rediss://***@db.local:6380"],
      ["redis://db.local:6379/0?key=a@b", "redis://db.local:6379/0?key=a@b"],
      ["vault:/home/me/a@b.vault", "vault:/home/me/a@b.vault"],
    ];
    for (const [uri, shown] of uris) assert.equal(describeStore(uri), shown);
  });
});
