// Help on a terminal fits its width: every command's --help, `plextv help` and a group's help, at 80 and 60
// columns, break lines at spaces only (the words are the same, in the same order, as the text a pipe gets),
// and continuation lines start under the text they continue. Piped, the help is left as it is.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { main } from "../../lib/cli/main.ts";
import { COMMANDS } from "../../lib/cli/commands/mod.ts";

async function help(argv: string[], columns?: number): Promise<string> {
  let stdout = "";
  const sink = { write: (text: string) => (stdout += text), isTTY: columns !== undefined, columns };
  const code = await main(argv, { env: { NO_COLOR: "1", HOME: "/nonexistent" }, stdout: sink, stderr: sink });
  assert.equal(code, 0, stdout);
  return stdout;
}

/** The example command lines of a help text (kept whole, to be copied). */
function exampleCommands(text: string): Set<string> {
  const lines = text.split("\n");
  const start = lines.indexOf("EXAMPLES");
  if (start < 0) return new Set();
  const end = lines.indexOf("", start);
  return new Set(
    lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => !line.trimStart().startsWith("#")),
  );
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);
const invocations = [["help"], ["home", "--help"], ...COMMANDS.map((c) => [...c.name.split(" "), "--help"])];

describe("help on a terminal", () => {
  for (const columns of [80, 60]) {
    it(`fits ${columns} columns without breaking a word or losing one`, async () => {
      for (const argv of invocations) {
        const piped = await help(argv);
        const fitted = await help(argv, columns);
        assert.deepEqual(words(fitted), words(piped), argv.join(" "));
        for (const line of fitted.split("\n")) {
          const single = !line.trim().includes(" ");
          const example = exampleCommands(piped).has(line);
          assert.ok(line.length <= columns || single || example, `${argv.join(" ")}: ${line}`);
        }
      }
    });
  }

  it("starts an option's continuation under its help, and leaves piped help as it is", async () => {
    const fitted = (await help(["login", "--help"], 60)).split("\n");
    const at = fitted.findIndex((line) => /^ +--store URI {2,}Where/.test(line));
    assert.ok(at >= 0, fitted.join("\n"));
    const helpColumn = fitted[at]!.indexOf("Where");
    assert.ok(fitted[at]!.length <= 60);
    assert.match(fitted[at + 1]!, new RegExp(`^ {${helpColumn}}\\S`), "under the help text");
    const example = fitted.find((line) => line.includes('"$PASSWORD" | plextv login'));
    assert.ok(example && example.length > 60, "an example's command line is kept whole, to be copied");
    const piped = await help(["login", "--help"]);
    assert.ok(piped.split("\n").some((line) => line.length > 60), "a pipe gets the lines as they are");
  });
});
