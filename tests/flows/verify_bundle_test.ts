// An app that signs in (password, PIN, PIN + device key) without verifying
// Plex JWTs ships no verifier: the code it loads at start, bundled by esbuild
// with code splitting, holds none of jose's verification or plextv's
// verify.ts; an app that verifies gets them in a chunk loaded on first use.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = mkdtempSync(join(tmpdir(), "plextv-verify-bundle-"));
after(() => rmSync(OUT, { recursive: true, force: true }));

/** Text only the verifier carries: jose's jwtVerify, and plextv's verify.ts. */
const VERIFIER = ["JWTs MUST NOT use unencoded payload", "The token does not verify"];

const ENTRIES: Record<string, string> = {
  credentials: `import { defaultConfig, withCredentials } from "${ROOT}mod.ts";
export const run = (id: string, u: string, p: string) =>
  defaultConfig().withClientId(id).tokenSource(withCredentials(u, p)).token();`,
  pin: `import { defaultConfig, withPin } from "${ROOT}mod.ts";
export const run = (id: string) => defaultConfig().withClientId(id).tokenSource(withPin(() => {})).token();`,
  pinJwt: `import { defaultConfig, memoryStore, withJwt, withPinJwt } from "${ROOT}mod.ts";
export const run = (id: string) =>
  defaultConfig().withClientId(id).tokenSource(withPinJwt(() => {}), withJwt(memoryStore())).token();`,
  verifying: `import { defaultConfig } from "${ROOT}mod.ts";
export const run = (id: string, token: string) => defaultConfig().withClientId(id).verifyPlexToken(token);`,
};

/** Bundles one entry with splitting; answers the text loaded at start and the text of every chunk. */
function bundle(name: string): { atStart: string; everything: string } {
  const dir = join(OUT, name);
  const entry = join(OUT, `${name}.ts`);
  writeFileSync(entry, ENTRIES[name]!);
  execFileSync(join(ROOT, "node_modules/.bin/esbuild"), [
    entry,
    "--bundle",
    "--splitting",
    "--format=esm",
    "--platform=browser",
    "--log-level=warning",
    `--outdir=${dir}`,
  ]);
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Static imports only: `import ... from "./chunk.js"` and `import "./chunk.js"`, not `import("...")`.
    for (
      const [, chunk] of read(file).matchAll(
        /(?:^|[;\n])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+)["']/g,
      )
    ) {
      visit(chunk!);
    }
  };
  visit(`${name}.js`);
  const all = readdirSync(dir).filter((file) => file.endsWith(".js"));
  return { atStart: [...seen].map(read).join("\n"), everything: all.map(read).join("\n") };
}

describe("the verifier's weight", () => {
  for (const name of ["credentials", "pin", "pinJwt"]) {
    it(`a ${name} sign-in loads no verifier at start`, () => {
      const { atStart } = bundle(name);
      for (const marker of VERIFIER) {
        assert.ok(!atStart.includes(marker), `${name} loads "${marker}" at start`);
      }
    });
  }

  it("an app that verifies has the verifier, in a chunk loaded on first use", () => {
    const { atStart, everything } = bundle("verifying");
    for (const marker of VERIFIER) {
      assert.ok(everything.includes(marker), `the bundle has "${marker}"`);
      assert.ok(!atStart.includes(marker), `"${marker}" is loaded at start`);
    }
  });
});
