// The CLI's output: known secrets are hidden in what it prints, and `--json` data stays valid JSON
// however short a secret is (a PIN inside an id, a passphrase that is a JSON word or part of an error code).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Output } from "../../lib/cli/output.ts";

function capture(json: boolean, secrets: string[]): { out: Output; printed: () => string } {
  let printed = "";
  const out = new Output({
    json,
    stdout: { write: (text: string) => (printed += text) },
    stderr: { write: () => true },
  });
  for (const secret of secrets) out.addSecret(secret);
  return { out, printed: () => printed };
}

describe("Output.data", () => {
  it("hides secrets inside the strings of --json data only, so the document parses", () => {
    const { out, printed } = capture(true, ["4100", "true", "wrong", "abcdefghij0123456789"]);
    const data = {
      id: 41000001,
      signedIn: true,
      error: { code: "wrong_passphrase" },
      pin: "4100",
      note: "token abcdefghij0123456789 here",
    };
    out.data(data, () => "unused");
    assert.deepEqual(JSON.parse(printed()), {
      id: 41000001,
      signedIn: true,
      error: { code: "wrong_passphrase" },
      pin: "***",
      note: "token *** here",
    });
  });

  it("hides secrets in text, a short one where it stands on its own", () => {
    const { out, printed } = capture(false, ["4100"]);
    out.data({}, () => "user 41000001 has PIN 4100");
    assert.equal(printed(), "user 41000001 has PIN ***\n");
  });

  it("leaves a short secret inside a host name, path, URI or address, where a hole would show it", () => {
    const { out, printed } = capture(false, ["plex", "skew"]);
    const text =
      "✓ Signed in to plex.tv as plexuser@plex.example\nSaved in vault:/tmp/skew.vault, skew-2/plex\n";
    out.data({}, () => text);
    assert.equal(printed(), text);
    const spaced = capture(false, ["skew"]);
    spaced.out.data({}, () => "the passphrase skew. (skew) 'skew': skew/");
    assert.equal(spaced.printed(), "the passphrase ***. (***) '***': ***/\n");
  });
});
