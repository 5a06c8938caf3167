/**
 * The benchmark tables: one markdown table per section (so the output can be
 * pasted into a README as it is), with its columns padded for the terminal,
 * and the number formats every section shares.
 *
 * @module
 */

/**
 * A column of a {@linkcode Table}: its header and which side its cells hug.
 *
 * @example
 * ```ts
 * import type { Column } from "./_table.ts";
 * const column: Column = { header: "gzip", align: "right" };
 * ```
 */
export interface Column {
  /** The header text. */
  header: string;
  /** `right` for figures; default `left`. */
  align?: "left" | "right";
}

/**
 * A cell: text as it is, numbers printed with `String()`.
 *
 * @example
 * ```ts
 * import type { Cell } from "./_table.ts";
 * const cells: Cell[] = ["plextv", 42];
 * ```
 */
export type Cell = string | number;

/**
 * One section's table.
 *
 * @example
 * ```ts
 * import type { Table } from "./_table.ts";
 * const table: Table = { title: "Sizes", columns: [{ header: "file" }], rows: [["mod.ts"]], notes: ["gzip -9"] };
 * ```
 */
export interface Table {
  /** The section title, printed as a `###` heading. */
  title: string;
  /** The columns. */
  columns: Column[];
  /** The rows, one cell per column. */
  rows: Cell[][];
  /** Lines printed under the table (how it was measured, caveats). */
  notes?: string[];
}

/**
 * Renders a table as markdown: a `###` title, the table with padded cells
 * (`|` in a cell is escaped), then its notes as a bullet list.
 *
 * @param table The table.
 * @returns The markdown text, ending with a newline.
 * @throws {Error} when a row has another number of cells than there are columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTable } from "./_table.ts";
 * const text = formatTable({ title: "Sizes", columns: [{ header: "file" }, { header: "bytes", align: "right" }], rows: [["a", 12]] });
 * assert.ok(text.includes("| a    |    12 |"));
 * ```
 */
export function formatTable(table: Table): string {
  const width = table.columns.length;
  for (const [index, row] of table.rows.entries()) {
    if (row.length !== width) {
      throw new Error(
        `Row ${index + 1} of the table ${table.title} has ${row.length} cells for ${width} columns`,
      );
    }
  }
  const text = (cell: Cell): string => String(cell).replaceAll("|", "\\|").replaceAll("\n", " ");
  const header = table.columns.map((column) => text(column.header));
  const body = table.rows.map((row) => row.map(text));
  const widths = header.map((h, i) => Math.max(3, h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    `| ${
      cells.map((cell, i) =>
        table.columns[i].align === "right" ? cell.padStart(widths[i]) : cell.padEnd(widths[i])
      ).join(" | ")
    } |`;
  const rule = `|${
    table.columns.map((column, i) =>
      column.align === "right" ? `${"-".repeat(widths[i] + 1)}:` : "-".repeat(widths[i] + 2)
    ).join("|")
  }|`;
  const lines = [
    `### ${table.title}`,
    "",
    line(header),
    rule,
    ...body.map(line),
  ];
  if (table.notes?.length) {
    lines.push(
      "",
      ...table.notes.map((note) => `- ${note}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Milliseconds with a precision that suits their size.
 *
 * @param ms The duration.
 * @returns E.g. `0.42 ms`, `12.3 ms`, `1,234 ms`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMs } from "./_table.ts";
 * assert.ok(formatMs(12.345) === "12.3 ms");
 * ```
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/**
 * A byte count in bytes and KiB.
 *
 * @param bytes The size.
 * @returns E.g. `18.2 KiB`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./_table.ts";
 * assert.ok(formatBytes(2048) === "2.0 KiB");
 * ```
 */
export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * A ratio such as `1.23×`.
 *
 * @param ratio The ratio (such as {@linkcode pairedRatio}'s).
 * @returns The ratio with two decimals, or `n/a` when there is none (no baseline, a zero one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRatio } from "./_table.ts";
 * assert.ok(formatRatio(3 / 2) === "1.50×");
 * assert.ok(formatRatio(Number.NaN) === "n/a");
 * ```
 */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "n/a";
}

/**
 * The median of some numbers.
 *
 * @param values The numbers (at least one).
 * @returns The middle value, or the mean of the two middle values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./_table.ts";
 * assert.ok(median([5, 1, 3, 2]) === 2.5);
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * How many times `base` a measure is, from runs taken in pairs: the median of
 * the ratios of runs measured in the same round (run `i` of each), so a change
 * in the machine's load from one round to the next cancels out of each ratio.
 *
 * @param runs The measure's runs, round by round.
 * @param base The baseline's runs, in the same rounds.
 * @returns The median of the per-round ratios; `NaN` without a full pair.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedRatio } from "./_table.ts";
 * // A slow second round (a neighbour's load) slows both alike.
 * assert.ok(pairedRatio([11, 22, 11.5], [10, 20, 10]) === 1.1);
 * ```
 */
export function pairedRatio(runs: readonly number[], base: readonly number[]): number {
  const pairs = Math.min(runs.length, base.length);
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) if (base[i]! > 0) ratios.push(runs[i]! / base[i]!);
  return median(ratios);
}

/**
 * A ratio's verdict against its goal. A ratio that rounds to the goal's two
 * decimals is shown with three, so `1.30×` never reads as not meeting `≤ 1.30×`
 * without the reason beside it.
 *
 * @param ratio The measured ratio.
 * @param goal The largest ratio that meets the goal.
 * @returns `≤ 1.30×: met`, `≤ 1.30×: not met (1.304×)`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ratioVerdict } from "./_table.ts";
 * assert.ok(ratioVerdict(1.2, 1.3) === "≤ 1.30×: met");
 * assert.ok(ratioVerdict(1.304, 1.3) === "≤ 1.30×: not met (1.304×)");
 * ```
 */
export function ratioVerdict(ratio: number, goal: number): string {
  const verdict = `≤ ${goal.toFixed(2)}×: ${ratio <= goal ? "met" : "not met"}`;
  return ratio.toFixed(2) === goal.toFixed(2) ? `${verdict} (${ratio.toFixed(3)}×)` : verdict;
}
