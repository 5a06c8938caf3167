/**
 * The command-line parser: option values, including negative numbers
 * (`emulator --clock-offset -7200`, a clock behind), flags, and usage errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommandLine } from "../../lib/cli/args.ts";

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
});
