/**
 * An empty script: what the bare runtime costs to start, the baseline of the
 * start-up bench.
 *
 * @module
 */
export {};
