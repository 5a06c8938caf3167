/**
 * A full disk for tests of what a command does when a write fails: an 8 KiB tmpfs, filled, mounted
 * where the system allows it (root on Linux); the test file removes it in its `after` hook.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** A mounted full disk, or why there is none. */
export interface FullDisk {
  /** The folder on the full disk (holding one file, `fill`). */
  path: string;
  /** Why the tests that need it are skipped, when it could not be mounted. */
  skip: string | false;
  /** Unmounts and deletes it. */
  remove(): void;
}

/**
 * Mounts the full disk (or says why not).
 *
 * @returns The disk.
 *
 * @example
 * ```ts ignore
 * import { fullDisk } from "./full_disk.ts";
 * const disk = fullDisk(); // { path, skip, remove }
 * ```
 */
export function fullDisk(): FullDisk {
  const path = mkdtempSync(join(tmpdir(), "plextv-full-"));
  const folderOnly = () => rmSync(path, { recursive: true, force: true });
  if (process.platform !== "linux") {
    return { path, skip: "a tmpfs is mounted on Linux only", remove: folderOnly };
  }
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", path], { encoding: "utf8" });
  if (mounted.status !== 0) {
    const why = (mounted.stderr || String(mounted.error)).trim();
    return { path, skip: `cannot mount a tmpfs here (${why})`, remove: folderOnly };
  }
  const remove = () => {
    spawnSync("umount", [path]);
    folderOnly();
  };
  try {
    writeFileSync(join(path, "fill"), new Uint8Array(64 * 1024));
  } catch {
    // ENOSPC: the disk is full, as wanted.
  }
  return { path, skip: false, remove };
}
