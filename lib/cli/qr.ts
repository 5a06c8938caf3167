/**
 * A QR code drawn in the terminal with half-block characters (two rows of
 * modules per line), encoded by `uqr` (small, dependency-free, every runtime).
 *
 * @module
 */
import { encode } from "uqr";

/**
 * Draws `text` as a QR code: one string per terminal line, with a quiet zone.
 * With `colour`, the code is painted black on white whatever the terminal's
 * theme; without, light modules are drawn as blocks (for dark terminals).
 *
 * @param text What the code holds (a URL).
 * @param colour Whether ANSI colours may be used.
 * @returns The lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawQr } from "./qr.ts";
 * const lines = drawQr("https://plex.tv/link/?pin=7RQZ", false);
 * assert.ok(lines.length > 10 && lines.every((line) => line.length === lines[0].length));
 * ```
 */
export function drawQr(text: string, colour: boolean): string[] {
  const { data, size: modules } = encode(text, { ecc: "L", border: 0 });
  const quiet = 2;
  const size = modules + 2 * quiet;
  const light = (row: number, column: number) => {
    const r = row - quiet;
    const c = column - quiet;
    if (r < 0 || c < 0 || r >= modules || c >= modules) return true;
    return !data[r][c];
  };
  const lines: string[] = [];
  for (let row = 0; row < size; row += 2) {
    let line = "";
    for (let column = 0; column < size; column++) {
      const top = light(row, column);
      const bottom = row + 1 < size ? light(row + 1, column) : !colour;
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(colour ? `\x1b[97;40m${line}\x1b[0m` : line);
  }
  return lines;
}
