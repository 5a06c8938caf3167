/**
 * Fits help text to a terminal's width: a line too long for it is broken at
 * spaces, never inside a word, and its continuation lines start under the
 * text they continue (an option's or a command's help under the help, prose
 * under its own indent). An example's command line is kept whole, to be
 * copied, and lines that carry colour codes are left as they are (section
 * titles and example comments, which are short). Written here: the
 * rule is a few lines, and the help layout it follows is the CLI's own.
 *
 * @module
 */

/** Narrower than this, a terminal's width is not followed (lines would hold a word or two). */
const MIN_COLUMNS = 40;

/**
 * Breaks each line of `text` that is wider than `columns` at spaces.
 *
 * @param text The help text, lines separated by `\n`.
 * @param columns The terminal's width; `undefined` (not a terminal) leaves the text as it is.
 * @returns The text, each line within `columns` unless a single word is wider.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitToWidth } from "./wrap.ts";
 * const row = "  -q, --quiet  Print only the data, no progress or hints on stderr, even on a terminal";
 * assert.equal(
 *   fitToWidth(row, 50),
 *   "  -q, --quiet  Print only the data, no progress or\n" +
 *     "               hints on stderr, even on a terminal",
 * );
 * assert.equal(fitToWidth(row, undefined), row);
 * ```
 */
export function fitToWidth(text: string, columns: number | undefined): string {
  if (columns === undefined || !Number.isFinite(columns) || columns < MIN_COLUMNS) return text;
  let examples = false;
  return text.split("\n").map((line) => {
    // An example's command line is kept whole, to be copied; its comment is fitted.
    if (line.trim() === "" || !line.startsWith(" ")) examples = line.includes("EXAMPLES");
    return examples && !line.trimStart().startsWith("#") && !line.includes("\x1b")
      ? line
      : _fitLine(line, Math.floor(columns));
  }).join("\n");
}

function _fitLine(line: string, columns: number): string {
  if (line.length <= columns || line.includes("\x1b")) return line;
  const lead = line.length - line.trimStart().length;
  // A row (`  NAME  help`): its help starts after the first gap of two spaces or more.
  const label = /^ *\S(?:.*?\S)? {2,}(?=\S)/.exec(line)?.[0];
  const start = label?.length ?? lead;
  const hang = start <= columns / 2 ? start : lead + 4;
  const lines: string[] = [];
  let current = line.slice(0, start);
  let empty = true;
  for (const word of line.slice(start).split(/ +/)) {
    if (!empty && current.length + 1 + word.length > columns) {
      lines.push(current);
      current = " ".repeat(hang) + word;
    } else {
      current += empty ? word : ` ${word}`;
    }
    empty = false;
  }
  lines.push(current);
  return lines.join("\n");
}
