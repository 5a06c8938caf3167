// The npm package as a user installs it: packed (prepack builds esm/ with
// tsc), installed into a new project, imported by name under Node and run as
// `plextv` from its bin. .ci/package.sh does the same at length (Deno and Bun
// from node_modules, tsc on the declarations, npx with node alone, the login).
import { after, before, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "./_helpers/needs.ts";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { VERSION } from "../mod.ts";

/** GitHub-style anchors of a Markdown document's headings. */
function headingSlugs(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replaceAll(" ", "-")
  );
}

const root = fileURLToPath(new URL("../", import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
let work: string;
let app: string;
let files: string[] = [];

describeNeeding("the npm package", RUN_BY_DENO_PASS, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "plextv-package-"));
    app = join(work, "app");
    execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: root, encoding: "utf8" });
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
    assert.ok(tarball, "npm pack wrote a tarball");
    files = execFileSync("tar", ["tzf", join(work, tarball)], { encoding: "utf8" }).trim().split("\n")
      .map((path) => path.replace(/^package\//, ""));
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), '{ "name": "app", "private": true, "type": "module" }\n');
    for (const program of ["main.mjs", "require.cjs"]) {
      copyFileSync(join(root, "tests/_helpers/npm_consumer", program), join(app, program));
    }
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
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  it("has one version everywhere: package.json, deno.json (JSR) and VERSION", () => {
    const versionOf = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8")).version;
    assert.equal(versionOf("package.json"), VERSION);
    assert.equal(versionOf("deno.json"), VERSION);
  });

  it("ships compiled JavaScript and declarations, the docs and the licence, and no TypeScript source", () => {
    const top = new Set(files.map((path) => path.split("/")[0]));
    assert.deepEqual([...top].sort(), ["LICENSE", "README.md", "docs", "esm", "package.json"]);
    const sources = files.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"));
    assert.deepEqual(sources, []);
    const code = (path: string) =>
      readFileSync(join(app, "node_modules/@plexkit/plextv", path), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const relativeTs = files.filter((path) => path.endsWith(".js")).filter((path) =>
      /(?:from\s+|import\()\s*["']\.{1,2}\/[^"']*\.ts["']/.test(code(path))
    );
    assert.ok(
      files.filter((path) => path.endsWith(".js")).some((path) =>
        /from\s+["']\.\/[^"']*\.js["']/.test(code(path))
      ),
    );
    assert.deepEqual(relativeTs, [], "every relative import points at a .js file");
  });

  it("gives types and JavaScript for every subpath, and each file is in the package", () => {
    const subpaths = Object.keys(manifest.exports);
    assert.deepEqual(subpaths, [
      ".",
      "./protocol",
      "./cli",
      "./testing",
      "./browser",
      "./plugins/vault",
      "./plugins/keychain",
      "./plugins/env",
      "./plugins/redis",
    ]);
    for (const subpath of subpaths) {
      const { types, default: js, ...others } = manifest.exports[subpath];
      // One file for import and require() alike (Node's require of ESM): no condition of its own.
      assert.deepEqual(others, {}, `${subpath}: types and default only`);
      assert.ok(files.includes(types.replace(/^\.\//, "")), `${subpath}: ${types} is packed`);
      assert.ok(files.includes(js.replace(/^\.\//, "")), `${subpath}: ${js} is packed`);
    }
    // The same files for TypeScript's node10 resolution and older tools, which read no `exports`.
    assert.equal(manifest.main, manifest.exports["."].default);
    assert.equal(manifest.types, manifest.exports["."].types);
    assert.deepEqual(
      manifest.typesVersions,
      {
        "*": Object.fromEntries(
          subpaths.filter((path) => path !== ".").map((
            path,
          ) => [path.slice(2), [manifest.exports[path].types]]),
        ),
      },
    );
    assert.equal(manifest.sideEffects, false);
  });

  it("is imported by name under Node, which signs in against the emulator and is asked for ioredis", () => {
    const output = execFileSync("node", ["main.mjs"], { cwd: app, encoding: "utf8", timeout: 60_000 });
    const result = JSON.parse(output.trim());
    assert.match(result.entry, /\/node_modules\/@plexkit\/plextv\/esm\/mod\.js$/);
    assert.equal(result.runtime, "node");
    assert.equal(result.username, "plexuser");
    assert.equal(result.jwt, true);
    assert.equal(result.savedKey, true);
    assert.equal(result.redis.code, "store_unavailable");
    assert.match(result.redis.hint, /npm install ioredis/);
  });

  it("is required from CommonJS, every entry point, where Node can require ES modules", (t) => {
    const output = execFileSync("node", ["require.cjs"], { cwd: app, encoding: "utf8", timeout: 60_000 });
    const { requireModule, node, loaded, username } = JSON.parse(output.trim());
    if (!requireModule) {
      t.skip(`Node ${node} cannot require ES modules`);
      return;
    }
    assert.equal(username, "plexuser");
    assert.deepEqual(Object.keys(loaded).sort(), Object.keys(manifest.exports).sort());
    for (const [entry, names] of Object.entries(loaded)) {
      assert.ok(typeof names === "number" && names > 0, `${entry}: ${names}`);
    }
  });

  it("runs `plextv` from its bin with Node (the bin is JavaScript with a node shebang)", () => {
    const bin = join(app, "node_modules/@plexkit/plextv", manifest.bin.plextv);
    assert.match(readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/);
    const version = execFileSync(join(app, "node_modules/.bin/plextv"), ["--version"], { encoding: "utf8" });
    assert.equal(version.trim(), `plextv ${VERSION}`);
  });

  it("README links resolve inside the npm package and the JSR package", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const jsr = JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).publish;
    const inJsr = (path: string) =>
      jsr.include.some((p: string) => p.endsWith("/") ? path.startsWith(p) : path === p) &&
      !jsr.exclude.some((p: string) => path.startsWith(p));
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) =>
      !/^https?:/.test(l)
    );
    assert.ok(links.length > 0);
    for (const link of links) {
      const [path, anchor] = link.split("#");
      const document = path ? readFileSync(join(root, path!), "utf8") : readme;
      if (path) {
        assert.ok(files.includes(path), `${link} is not in the npm package`);
        assert.ok(inJsr(path), `${link} is not in the JSR package`);
      }
      if (anchor) assert.ok(headingSlugs(document).includes(anchor), `${link}: no such heading`);
    }
  });

  it("README names every runtime and peer dependency where it says what each entry point installs", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const install = readme.slice(
      readme.indexOf("## Install"),
      readme.indexOf("\n## ", readme.indexOf("## Install") + 1),
    );
    const named = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    assert.ok(named.length > 0);
    for (const name of named) {
      assert.ok(install.includes(`\`${name}\``), `README's Install section names ${name}`);
    }
  });

  it("declares ioredis as an optional peer dependency only", () => {
    assert.equal(manifest.dependencies?.ioredis, undefined);
    assert.ok(manifest.peerDependencies.ioredis);
    assert.equal(manifest.peerDependenciesMeta.ioredis.optional, true);
    const installed = readdirSync(join(app, "node_modules"));
    assert.ok(!installed.includes("ioredis"), "a consumer does not get ioredis unless it asks");
  });
});
