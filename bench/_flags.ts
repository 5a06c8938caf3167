/**
 * The bench scripts' counts on the command line (`--runs N`, `--rounds N`,
 * `--warmup N`): read and refused in one place, with one message, for
 * main.ts, startup.ts and throughput.ts.
 *
 * @module
 */
import process from "node:process";

/**
 * The whole number after `flag` on the command line.
 *
 * @param flag The flag, e.g. `--runs`.
 * @param least The smallest count it takes.
 * @returns The count, or `undefined` when the flag is not given.
 * @throws {Error} when the flag is given without a whole number of at least `least`.
 */
export function countFlag(flag: string, least: number): number | undefined {
  const at = process.argv.indexOf(flag);
  if (at === -1) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!(Number.isSafeInteger(value) && value >= least)) {
    throw new Error(`${flag} takes a whole number of at least ${least}`);
  }
  return value;
}
