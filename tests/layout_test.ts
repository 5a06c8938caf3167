// The layout rules of docs/architecture.md, checked on the tree as it is:
// no import cycles over any entry point (type-only imports included, as
// `deno info` reports them), at most a dozen files at the root of lib/, and
// the user's layer no wider than about 40 values.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as mod from "../mod.ts";
import * as protocol from "../protocol.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = fileURLToPath(new URL("../node_modules/deno/deno", import.meta.url));
const ENTRY_POINTS = [
  "mod.ts",
  "protocol.ts",
  "cli.ts",
  "lib/testing/mod.ts",
  "lib/browser/mod.ts",
  "plugins/vault.ts",
  "plugins/env.ts",
  "plugins/keychain.ts",
  "plugins/redis.ts",
];

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

/** The project's own module graph of one entry point: specifier → its local imports. */
function graph(entry: string): Map<string, string[]> {
  const info = JSON.parse(execFileSync(DENO, ["info", "--json", entry], { cwd: ROOT, encoding: "utf8" }));
  const local = (specifier: string) =>
    specifier.startsWith(`file://${ROOT}`) && !specifier.includes("/node_modules/");
  const edges = new Map<string, string[]>();
  for (const module of info.modules as InfoModule[]) {
    if (!local(module.specifier)) continue;
    const targets = (module.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier])
      .filter((s): s is string => s !== undefined && local(s));
    edges.set(module.specifier, [...new Set(targets)]);
  }
  return edges;
}

/** Every cycle found by a depth-first search, each as the list of files on it. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") {
        found.push(stack.slice(stack.indexOf(next)).map((s) => s.slice(ROOT.length + 7)));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("layout", () => {
  for (const entry of ENTRY_POINTS) {
    it(`${entry} has no import cycle`, () => {
      const edges = graph(entry);
      assert.ok(edges.size > 0, "the graph was read");
      assert.deepEqual(cycles(edges), []);
    });
  }

  it("the cycle search finds a cycle when there is one", () => {
    const a = `file://${ROOT}a.ts`;
    const b = `file://${ROOT}b.ts`;
    assert.deepEqual(cycles(new Map([[a, [b]], [b, [a]]])), [["a.ts", "b.ts"]]);
  });

  it("lib/ holds at most a dozen files at its root; the rest is in folders by concern", () => {
    const files = readdirSync(new URL("../lib/", import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isFile()).map((entry) => entry.name);
    assert.ok(files.length <= 12, `lib/ has ${files.length} files: ${files.join(", ")}`);
  });

  it("mod.ts exports at most 40 values, and the protocol layer is its own entry point", () => {
    const values = Object.keys(mod);
    assert.ok(values.length <= 40, `mod.ts exports ${values.length} values`);
    assert.ok("send" in protocol && "processUserResponse" in protocol && !("send" in mod));
    for (const name of Object.keys(protocol)) assert.ok(!(name in mod), `${name} is in both layers`);
  });
});
