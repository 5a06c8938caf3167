/**
 * plex.tv's clock as this machine sees it: the offset between this machine's
 * clock and plex.tv's, estimated from the `Date` header of plex.tv's
 * responses. Raspberry Pis without a real-time clock and suspended virtual
 * machines often run hours off; device JWTs (`iat`, `exp`) are signed and
 * token freshness is judged on plex.tv's time, so such a machine makes the
 * same requests as one on time.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { parseHttpDate } from "./http_date.ts";

/**
 * Options of a {@linkcode PlexClock}.
 *
 * @example
 * ```ts
 * import type { PlexClockOptions } from "./plex_clock.ts";
 * const options: PlexClockOptions = { samples: 9 };
 * ```
 */
export interface PlexClockOptions {
  /** How many of the latest responses the estimate is the median of (1 to 99). Default 5. */
  samples?: number;
}

/**
 * Offsets under this are within what a `Date` header (whole seconds) and the
 * network delay can tell: this machine's clock is taken as plex.tv's. So
 * plex.tv's time as a configuration sees it is good to this much, either way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PLEX_CLOCK_RESOLUTION_MS } from "./plex_clock.ts";
 * assert.equal(PLEX_CLOCK_RESOLUTION_MS, 2_000);
 * ```
 */
export const PLEX_CLOCK_RESOLUTION_MS = 2_000;

/**
 * The estimated offset from this machine's clock to plex.tv's. A `Config`
 * starts one when plex.tv's time is first needed (see
 * `startPlexClock`; its `with*` copies share it), or is given one
 * (`withHttp({ plexClock })`), and the request helper feeds it the `Date`
 * header of every response from plex.tv. The estimate is the median
 * of the latest responses, so one odd header (a cache, a proxy) does not move
 * it; with two, the one nearer this machine's clock wins.
 *
 * @example A machine two hours ahead of plex.tv
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexClock } from "./plex_clock.ts";
 * const clock = new PlexClock();
 * const local = Date.UTC(2026, 0, 1, 14, 0, 0);
 * clock.observe("Thu, 01 Jan 2026 12:00:00 GMT", local);
 * assert.equal(Math.round(clock.offsetMs / 60_000), -120);
 * assert.equal(new Date(clock.now(local)).getUTCHours(), 12);
 * ```
 */
export class PlexClock {
  /** How many responses the estimate is taken over. */
  readonly samples: number;
  readonly #offsets: number[] = [];
  /** The last `Date` header and what it parsed to. */
  #lastDate?: { date: string; ms: number | undefined };

  /**
   * Creates a clock with no observation: until the first response, plex.tv's time is this machine's.
   *
   * @param options How many responses to take the median of.
   * @throws {PlexError} `invalid_argument` when `samples` is not a whole number from 1 to 99.
   */
  constructor(options: PlexClockOptions = {}) {
    const samples = options.samples ?? 5;
    if (!Number.isInteger(samples) || samples < 1 || samples > 99) {
      throw new PlexError("invalid_argument", "A PlexClock's samples is a whole number from 1 to 99");
    }
    this.samples = samples;
  }

  /**
   * Takes in one response's `Date` header. Absent or unreadable values are ignored.
   *
   * @param date The `Date` header (`null` when absent).
   * @param localMs This machine's time when the response came, in ms since the epoch.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PlexClock } from "./plex_clock.ts";
   * const clock = new PlexClock();
   * clock.observe("soon", Date.now());
   * clock.observe(null, Date.now());
   * assert.equal(clock.offsetMs, 0);
   * ```
   */
  observe(date: string | null | undefined, localMs: number): void {
    if (typeof date !== "string" || !Number.isFinite(localMs)) return;
    // The header changes once a second: a repeated one is not parsed again.
    if (date !== this.#lastDate?.date) this.#lastDate = { date, ms: parseHttpDate(date.trim(), localMs) };
    const serverMs = this.#lastDate.ms;
    if (serverMs === undefined) return;
    // The header has whole seconds: plex.tv's time was within the second after it.
    this.#offsets.push(serverMs + 500 - localMs);
    if (this.#offsets.length > this.samples) this.#offsets.shift();
  }

  /**
   * Whether a response's `Date` header has been taken in: until then, plex.tv's time is only this
   * machine's, which may be days off.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PlexClock } from "./plex_clock.ts";
   * const clock = new PlexClock();
   * assert.equal(clock.sampled, false);
   * clock.observe(new Date().toUTCString(), Date.now());
   * assert.equal(clock.sampled, true);
   * ```
   */
  get sampled(): boolean {
    return this.#offsets.length > 0;
  }

  /** plex.tv's clock minus this machine's, in ms (0 until a response came, and within 2 s). */
  get offsetMs(): number {
    const sorted = [...this.#offsets].sort((a, b) => a - b);
    if (sorted.length === 0) return 0;
    const half = sorted.length / 2;
    const median = Number.isInteger(half)
      ? [sorted[half - 1]!, sorted[half]!].sort((a, b) => Math.abs(a) - Math.abs(b))[0]!
      : sorted[Math.floor(half)]!;
    return Math.abs(median) < PLEX_CLOCK_RESOLUTION_MS ? 0 : median;
  }

  /**
   * plex.tv's time at a moment of this machine's clock.
   *
   * @param localMs This machine's time, in ms since the epoch.
   * @returns plex.tv's time, in ms since the epoch.
   */
  now(localMs: number): number {
    return localMs + this.offsetMs;
  }
}
