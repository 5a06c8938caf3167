import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

import { VERSION } from "../mod.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "plextv-package-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("the npm package", () => {
  it("has one version everywhere: package.json, deno.json (JSR) and VERSION", () => {
    const versionOf = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8")).version;
    assert.equal(versionOf("package.json"), VERSION);
    assert.equal(versionOf("deno.json"), VERSION);
  });

  it("ships the library, the plugins and the CLI only, and `plextv` runs from its bin (as bunx does)", () => {
    execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: root, encoding: "utf8" });
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
    assert.ok(tarball, "npm pack wrote a tarball");
    const files = execFileSync("tar", ["tzf", join(work, tarball)], { encoding: "utf8" }).trim().split("\n")
      .map((path) => path.replace(/^package\//, ""));
    const top = new Set(files.map((path) => path.split("/")[0]));
    assert.deepEqual([...top].sort(), [
      "LICENSE",
      "README.md",
      "cli.ts",
      "docs",
      "lib",
      "mod.ts",
      "package.json",
      "plugins",
      "protocol.ts",
    ]);
    assert.ok(files.includes("lib/testing/mod.ts") && files.includes("plugins/vault.ts"));

    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), '{ "name": "app", "private": true }\n');
    execFileSync("npm", [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--silent",
      join(work, tarball),
    ], {
      cwd: app,
    });
    const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}${delimiter}${process.env.PATH}` };
    const version = execFileSync(join(app, "node_modules/.bin/plextv"), ["--version"], {
      env,
      encoding: "utf8",
    });
    assert.equal(version.trim(), `plextv ${VERSION}`);
  });
});
