/**
 * The error body reader as `ensureOk` (`send.ts`) loads it, when a response first
 * fails. Nothing imports this module statically, and that is why it exists:
 * `error_body.ts` is imported statically by the process functions, and a
 * bundler keeps a module imported both ways in the chunk of its static
 * importers (rolldown and Rollup call that an ineffective dynamic import), so a
 * dynamic import of `error_body.ts` itself would not keep the reader (JSON and
 * XML error bodies, about 1.3 KiB gzipped) off a path whose calls succeed.
 * Through this module it goes into a chunk of its own.
 *
 * @module
 */
export { checkOk } from "./error_body.ts";
