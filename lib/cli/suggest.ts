/**
 * "Did you mean ...?" for a mistyped command or option: the closest known
 * word by edit distance (insertions, deletions, substitutions and swaps of
 * two neighbours each count one), when it is close enough to be meant.
 *
 * @module
 */

/**
 * The edit distance of two words, a swap of neighbours counting one
 * (the optimal string alignment distance).
 *
 * @param a A word.
 * @param b Another word.
 * @returns How many edits turn `a` into `b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editDistance } from "./suggest.ts";
 * assert.ok(editDistance("stauts", "status") === 1 && editDistance("login", "logout") === 3);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The known word closest to `word`, if one is close enough: at most one edit
 * for words of up to four letters, two up to eight, three beyond; a word that
 * starts another (`dev` for `devices`) counts as close.
 *
 * @param word What the user typed.
 * @param known The words it may have meant.
 * @returns The suggestion, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closest } from "./suggest.ts";
 * assert.equal(closest("stauts", ["login", "status", "token"]), "status");
 * assert.equal(closest("frobnicate", ["login", "status", "token"]), undefined);
 * ```
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.startsWith(word) && word.length >= 3 ? 1 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
