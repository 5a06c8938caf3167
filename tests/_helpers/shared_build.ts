/**
 * A build of the checkout's sources made once per state of those sources and
 * shared by every test file and test process of a run (and the next runs,
 * until the sources change): the npm package's JavaScript for Node, the
 * compiled Bun binary.
 *
 * The build goes to a folder of its own and is renamed into place when
 * complete, so no one ever sees half of one; a lock file keeps parallel test
 * files from building the same thing at once (a waiter polls for the folder),
 * and a lock older than a few minutes is taken for one left by a killed run.
 * Builds of this checkout that no run used for an hour are removed when a
 * new one is made.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout. */
export const REPO: string = fileURLToPath(new URL("../../", import.meta.url));

/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 3 * 60_000;

/** Builds of this checkout unused for this long are removed when a new one is made. */
const UNUSED_BUILD_MS = 60 * 60_000;

/** What a shared build is made of. */
export interface SharedBuild {
  /** A short name for the folder (`node`, `bun-binary`). */
  name: string;
  /** The files and folders (relative to the checkout) the build reads. */
  sources: readonly string[];
  /** Anything else the build depends on (a runtime's version). */
  salt?: string;
  /** The file (relative to the folder) whose presence says the build is complete. */
  marker: string;
  /** Makes the build in `folder` (a fresh, empty folder); throws when it fails. */
  build(folder: string): void;
}

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

function sourceHash(spec: SharedBuild): string {
  const hash = createHash("sha256").update(`${spec.salt ?? ""}\0`);
  for (const source of spec.sources) {
    for (const file of files(join(REPO, source))) {
      hash.update(`${relative(REPO, file)}\0`).update(readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

function buildInto(spec: SharedBuild, folder: string): void {
  const partial = `${folder}.partial-${process.pid}-${crypto.randomUUID()}`;
  mkdirSync(partial);
  try {
    spec.build(partial);
    renameSync(partial, folder);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    // Another process finished the same build first: its folder is as good.
    if (!existsSync(join(folder, spec.marker))) throw err;
  }
}

function pruneOld(prefix: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(prefix) || path === keep || name.endsWith(".lock")) continue;
    try {
      if (now - statSync(path).mtimeMs > UNUSED_BUILD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}

function takeLock(lock: string): boolean {
  try {
    const fd = openSync(lock, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // released meanwhile
    }
    return false;
  }
}

/**
 * The folder of the build of the current sources, building it first when no
 * test file of this or an earlier run has.
 *
 * @param spec What to build, from what.
 * @returns The folder.
 */
export async function sharedBuild(spec: SharedBuild): Promise<string> {
  const prefix = `plextv-${spec.name}-${createHash("sha256").update(REPO).digest("hex").slice(0, 8)}-`;
  const folder = join(tmpdir(), prefix + sourceHash(spec));
  const lock = `${folder}.lock`;
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  while (!existsSync(join(folder, spec.marker))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the ${spec.name} build in ${folder}`);
    if (!takeLock(lock)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!existsSync(folder)) {
        buildInto(spec, folder);
        pruneOld(prefix, folder);
      }
    } finally {
      rmSync(lock, { force: true });
    }
  }
  const now = new Date();
  utimesSync(folder, now, now);
  return folder;
}
