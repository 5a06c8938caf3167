/**
 * Plain-text layouts for people: aligned tables and "label: value" lists.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const _ANSI = /\x1b\[[0-9;]*m/g;

function _width(text: string): number {
  return [...text.replace(_ANSI, "")].length;
}

/**
 * Aligns rows in columns under a header row; empty cells show as `-`.
 *
 * @param header The column titles.
 * @param rows The rows, one cell per column.
 * @param bold Styles the header (identity without colours).
 * @returns The table, one line per row, without a trailing newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./table.ts";
 * const text = table(["NAME", "ID"], [["alpha", "1"], ["b", ""]]);
 * assert.equal(text, "NAME   ID\nalpha  1\nb      -");
 * ```
 */
export function table(
  header: string[],
  rows: (string | undefined)[][],
  bold: (text: string) => string = (t) => t,
): string {
  const cells = rows.map((row) => header.map((_, i) => row[i] || "-"));
  const widths = header.map((title, i) => Math.max(_width(title), ...cells.map((row) => _width(row[i]))));
  const line = (row: string[]) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell + " ".repeat(widths[i] - _width(cell))).join(
      "  ",
    );
  return [bold(line(header)), ...cells.map(line)].join("\n");
}

/**
 * Lists labelled values, the labels aligned; `undefined` values are skipped.
 *
 * @param pairs Labels and values.
 * @param dim Styles the labels (identity without colours).
 * @returns The lines, without a trailing newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fields } from "./table.ts";
 * assert.equal(fields([["Name", "me"], ["Email", undefined], ["Id", "1"]]), "Name: me\nId:   1");
 * ```
 */
export function fields(
  pairs: [string, string | undefined][],
  dim: (text: string) => string = (t) => t,
): string {
  const shown = pairs.filter(([, value]) => value !== undefined && value !== "");
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${dim(`${label}:`.padEnd(width + 1))} ${value}`).join("\n");
}
