/**
 * The command-line parser: option values, including negative numbers
 * (`emulator --clock-offset -7200`, a clock behind), flags, and usage errors:
 * an empty value, one option given twice with different values, an unknown
 * sub-command after `help`; and in `main()`, `--version` with a command and
 * `--json` with help.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommandLine } from "../../lib/cli/args.ts";
import { main } from "../../lib/cli/main.ts";

const emulator = {
  name: "emulator",
  summary: "",
  usage: "",
  options: {
    "clock-offset": { type: "string" as const, help: "" },
    port: { type: "string" as const, short: "p", help: "" },
    verbose: { type: "boolean" as const, help: "" },
  },
};

describe("parseCommandLine", () => {
  it("takes a negative number as the value of an option that needs one, in every spelling", () => {
    for (
      const argv of [
        ["emulator", "--clock-offset", "-7200"],
        ["emulator", "--clock-offset=-7200"],
      ]
    ) {
      assert.equal(parseCommandLine(argv, [emulator]).args.values["clock-offset"], "-7200", argv.join(" "));
    }
    assert.equal(parseCommandLine(["emulator", "-p", "-1"], [emulator]).args.values.port, "-1");
  });

  it("still refuses an option as another option's value, and a missing value", () => {
    assert.throws(
      () => parseCommandLine(["emulator", "--clock-offset", "--verbose"], [emulator]),
      /needs a value/,
    );
    assert.throws(() => parseCommandLine(["emulator", "--clock-offset"], [emulator]), /needs a value/);
  });

  it("refuses an empty value, which would quietly stand for the default", () => {
    for (const argv of [["emulator", "--port="], ["emulator", "--port", ""], ["emulator", "-p", ""]]) {
      assert.throws(() => parseCommandLine(argv, [emulator]), /--port needs a value/, JSON.stringify(argv));
    }
  });

  it("refuses one option given twice with different values, and takes the same value twice", () => {
    assert.throws(
      () => parseCommandLine(["emulator", "--port", "1", "-p", "2"], [emulator]),
      /--port is given twice, with different values/,
    );
    assert.equal(parseCommandLine(["emulator", "--port=1", "-p", "1"], [emulator]).args.values.port, "1");
  });

  it("refuses an unknown sub-command after help, as without it", () => {
    const users = { name: "home users", summary: "", usage: "", options: {} };
    assert.throws(() => parseCommandLine(["help", "home", "bogus"], [users]), /Unknown command home bogus/);
    assert.equal(parseCommandLine(["help", "home"], [users]).group, "home");
  });
});

describe("main", () => {
  async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
      env: {},
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    return { code, stdout, stderr };
  }

  it("refuses a whole-number option that is not one, naming it (demo --approve-after)", async () => {
    for (const value of ["abc", "-100", "1.5"]) {
      const result = await run(["demo", "--approve-after", value]);
      assert.equal(result.code, 2, value);
      assert.match(result.stderr, /--approve-after must be a whole number from 0 to 3600000/);
      assert.equal(result.stdout, "", "the tour did not start");
    }
  });

  it("refuses --version with a command, and --json with help, instead of ignoring them", async () => {
    for (const argv of [["--version", "status"], ["home", "--version"], ["help", "--version"]]) {
      const result = await run(argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.match(result.stderr, /--version is used alone/);
      assert.equal(result.stdout, "");
    }
    for (const argv of [["help", "--json"], ["token", "--help", "--json"]]) {
      const result = await run(argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.match(result.stderr, /Help is text only/);
    }
    const demo = await run(["demo", "--json"]);
    assert.equal(demo.code, 2);
    assert.match(demo.stderr, /The demo is a tour in text/);
    assert.equal(demo.stdout, "");
    assert.deepEqual(JSON.parse((await run(["--version", "--json"])).stdout), {
      version: (await import("../../lib/version.ts")).VERSION,
    });
  });
});
