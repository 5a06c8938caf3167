// The CLI's output: known secrets are hidden in what it prints (tokens and keys everywhere, a short typed
// secret in messages only, where it stands on its own), and `--json` data stays valid JSON.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Output } from "../../lib/cli/output.ts";

function capture(
  json: boolean,
  secrets: string[],
): { out: Output; printed: () => string; said: () => string } {
  let printed = "";
  let said = "";
  const out = new Output({
    json,
    stdout: { write: (text: string) => (printed += text) },
    stderr: { write: (text: string) => (said += text) },
    noColor: true,
  });
  for (const secret of secrets) out.addSecret(secret);
  return { out, printed: () => printed, said: () => said };
}

describe("Output.data", () => {
  it("hides tokens inside the strings of --json data only, so the document parses, and no short secret", () => {
    const { out, printed } = capture(true, ["4100", "true", "wrong", "abcdefghij0123456789"]);
    const data = {
      id: 41000001,
      signedIn: true,
      error: { code: "wrong_passphrase" },
      home: "4100",
      note: "token abcdefghij0123456789 here",
    };
    out.data(data, () => "unused");
    assert.deepEqual(JSON.parse(printed()), {
      id: 41000001,
      signedIn: true,
      error: { code: "wrong_passphrase" },
      home: "4100",
      note: "token *** here",
    });
  });

  it("leaves a short secret (a typed passphrase) in data, where it is plex.tv's word and a hole would show it", () => {
    const { out, printed } = capture(false, ["admin", "users", "abcdefghij0123456789"]);
    out.data({}, () => "Home:       admin, 3 users\nToken:      abcdefghij0123456789");
    assert.equal(printed(), "Home:       admin, 3 users\nToken:      ***\n");
  });

  it("hides a short secret in messages where it stands on its own", () => {
    const { out, said } = capture(false, ["4100"]);
    out.info("user 41000001 has PIN 4100");
    assert.equal(said(), "user 41000001 has PIN ***\n");
  });

  it("leaves a short secret inside a host name, path, URI or address in messages, where a hole would show it", () => {
    const { out, said } = capture(false, ["plex", "skew"]);
    out.info("✓ Signed in to plex.tv as plexuser@plex.example");
    out.info("Saved in vault:/tmp/skew.vault, skew-2/plex");
    assert.equal(
      said(),
      "✓ Signed in to plex.tv as plexuser@plex.example\nSaved in vault:/tmp/skew.vault, skew-2/plex\n",
    );
    const spaced = capture(false, ["skew"]);
    spaced.out.info("the passphrase skew. (skew) 'skew': skew/");
    assert.equal(spaced.said(), "the passphrase ***. (***) '***': ***/\n");
  });
});
