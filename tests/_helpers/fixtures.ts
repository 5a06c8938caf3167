/**
 * The real plex.tv payloads kept in `tests/fixtures/plex.tv/` (see its
 * PROVENANCE.md): the one place tests find them.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The fixtures folder as a URL. */
export const FIXTURES_URL: URL = new URL("../fixtures/plex.tv/", import.meta.url);

/** The fixtures folder as a path (for `startEmulator({ payloads })` and child processes). */
export const FIXTURES_DIR: string = fileURLToPath(FIXTURES_URL);

/** The files of the folder that are not payloads. */
export const FIXTURE_NOTES: readonly string[] = ["PROVENANCE.md", "SHA256SUMS"];

/** Reads a fixture as text. */
export function fixture(name: string): Promise<string> {
  return readFile(new URL(name, FIXTURES_URL), "utf8");
}

/** Reads and parses a JSON fixture, synchronously (for module-level test data). */
export function jsonFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES_URL), "utf8")) as T;
}
