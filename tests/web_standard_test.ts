import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const SPECIFIER =
  /(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every file reachable from `entry` through static and literal dynamic imports (type-only imports included). */
function importGraph(entry: string): { files: Map<string, string>; packages: Set<string> } {
  const files = new Map<string, string>();
  const packages = new Set<string>();
  const queue = [join(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    const source = readFileSync(file, "utf8");
    files.set(file, source);
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const match of code.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith(".")) queue.push(join(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

/** Uses of runtime-specific globals in code (comments and string literals left out). */
function runtimeSpecific(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
  return [...code.matchAll(/\b(Deno|Bun|process|require|Buffer|__dirname)\s*[.(]/g)].map((m) => m[0]);
}

for (const entry of ["mod.ts", "lib/browser/mod.ts"]) {
  describe(`${entry} is web-standard only`, () => {
    const { files, packages } = importGraph(entry);

    it("reaches the library's own files", () => {
      assert.ok(files.size > (entry === "mod.ts" ? 20 : 5), `only ${files.size} files reached`);
    });

    it("imports no node: built-in and no runtime-specific module", () => {
      const offending = [...packages].filter((p) =>
        p.startsWith("node:") || /^(jsr:|npm:)?@?(deno|bun)\b/.test(p)
      );
      assert.deepEqual(offending, []);
      const others = [...packages].filter((p) => p !== "jose" && !p.startsWith("jose/"));
      assert.deepEqual(others, [], "the library's one runtime dependency is jose");
    });

    it("uses no Deno., Bun., process, require or Buffer", () => {
      const uses = [...files].flatMap(([file, source]) =>
        runtimeSpecific(source).map((use) => `${relative(root, file)}: ${use}`)
      );
      assert.deepEqual(uses, []);
    });

    it("stays inside lib/ and mod.ts", () => {
      const outside = [...files.keys()].map((f) => relative(root, f)).filter((f) =>
        f !== "mod.ts" && !f.startsWith("lib/") || f.startsWith("lib/testing/") || f.startsWith("lib/cli/")
      );
      assert.deepEqual(outside, []);
    });
  });
}

describe("the import-graph check itself", () => {
  it("notices a node: import and runtime globals", () => {
    assert.deepEqual(
      runtimeSpecific('const x = Deno.env.get("A");\nprocess.exit(1);\n// Bun.serve()\nSymbol.for("Bun.x")'),
      [
        "Deno.",
        "process.",
      ],
    );
    const { packages } = importGraph("lib/testing/mod.ts");
    assert.ok([...packages].some((p) => p.startsWith("node:")));
  });
});
