// docs/emulator.md lists every route the emulator serves, and serves every
// route it lists: the evidence table cannot fall behind the code.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { ROUTES } from "../../lib/testing/routes/all.ts";

async function documentedRoutes(): Promise<string[]> {
  const text = await readFile(new URL("../../docs/emulator.md", import.meta.url), "utf8");
  const found: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("| `")) continue;
    const cell = line.split("|")[1]!;
    let method = "";
    for (const [, code] of cell.matchAll(/`([^`]+)`/g)) {
      const spaced = /^(GET|POST|PUT|DELETE) (\S+)$/.exec(code!);
      if (spaced) [method] = [spaced[1]!];
      const path = spaced ? spaced[2]! : code!.startsWith("/") ? code! : undefined;
      if (path && method) found.push(`${method} ${path}`);
    }
  }
  return found;
}

/** A documented path as a concrete example: `{id}` becomes `1`, `{a,b}` its first choice. */
function example(path: string): string {
  return path.replace(/\{([^}]*)\}/g, (_, inner: string) => inner.includes(",") ? inner.split(",")[0]! : "1");
}

describe("docs/emulator.md", () => {
  it("documents every route, and every documented route exists", async () => {
    const documented = await documentedRoutes();
    assert.ok(documented.length > 30, `only ${documented.length} routes found in the doc`);
    for (const line of documented) {
      const [method, path] = line.split(" ") as [string, string];
      assert.ok(
        ROUTES.some((r) => r.method === method && r.pattern.test(example(path))),
        `${line} is not served`,
      );
    }
    for (const route of ROUTES) {
      const covered = documented.some((line) => {
        const [method, path] = line.split(" ") as [string, string];
        return method === route.method && route.pattern.test(example(path));
      });
      assert.ok(covered, `${route.method} ${route.pattern} is not documented`);
    }
  });
});
