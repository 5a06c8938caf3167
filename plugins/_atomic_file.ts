/**
 * Whole-file reads and crash-safe, atomic whole-file writes with node:fs
 * (Deno, Bun and Node): a temporary file in the same folder is written,
 * flushed to disk and renamed over the target, then the folder is flushed.
 * Readers see the old file or the new one, never a partial one.
 *
 * @module
 */
import { constants } from "node:fs";
import { link, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Reads a whole regular file, or answers `undefined` when it does not exist.
 * Anything else at `path` (a FIFO, a device such as `/dev/zero`, a folder, a
 * socket; a symbolic link is followed) answers `"not_a_file"` without being
 * read: the file is opened without blocking (a FIFO without a writer would
 * otherwise block the open forever) and checked again once open, and at most
 * `maxBytes + 1` bytes are ever read, however large it is or grows.
 *
 * @param path The file.
 * @param maxBytes Refuse files larger than this (answers `"too_large"`).
 * @returns The bytes, `undefined` when missing, `"too_large"` when over `maxBytes`, `"not_a_file"`.
 * @throws The file system's error (`EACCES`, ...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFileIfExists } from "./_atomic_file.ts";
 * assert.equal(await readFileIfExists("/nonexistent/plextv-example", 1024), undefined);
 * ```
 */
export async function readFileIfExists(
  path: string,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined | "too_large" | "not_a_file"> {
  try {
    if (!(await stat(path)).isFile()) return "not_a_file";
  } catch (err) {
    // No file, or no folder for it (a file where a folder of the path would be).
    const { code } = err as { code?: string };
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
  let handle;
  try {
    handle = await open(path, _READ_NONBLOCKING);
  } catch (err) {
    // Replaced or removed since the check.
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return "not_a_file";
    if (info.size > maxBytes) return "too_large";
    // Room for the stated size and one byte more: a file that grew since is seen to be larger.
    let bytes = new Uint8Array(info.size + 1);
    let length = 0;
    for (;;) {
      if (length === bytes.length) {
        if (length > maxBytes) return "too_large";
        const grown = new Uint8Array(Math.min(maxBytes + 1, bytes.length * 2));
        grown.set(bytes);
        bytes = grown;
      }
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length > maxBytes ? "too_large" : bytes.slice(0, length);
  } finally {
    await handle.close();
  }
}

/** Read-only, and without blocking where the system has the flag (it does not change reads of regular files). */
const _READ_NONBLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Replaces a file atomically: writes a temporary file in the same folder
 * with `mode`, flushes it, renames it over `path` and flushes the folder
 * (where the system supports it). Creates missing folders with mode 0700.
 * On failure the temporary file is removed and `path` is unchanged.
 *
 * @param path The file to replace or create.
 * @param bytes The new content.
 * @param mode The file mode (default 0600: owner read and write only).
 * @param createOnly Create `path` only if nothing is there (linked into place, not renamed over): a
 * file that appeared meanwhile is left as it is and the error's `code` is `EEXIST`.
 * @throws The file system's error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, readFile, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { writeFileAtomic } from "./_atomic_file.ts";
 *
 * const dir = await mkdtemp(join(tmpdir(), "plextv-"));
 * await writeFileAtomic(join(dir, "a", "file"), new TextEncoder().encode("hello"));
 * assert.equal(new TextDecoder().decode(await readFile(join(dir, "a", "file"))), "hello");
 * await rm(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  mode = 0o600,
  createOnly = false,
): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const random = Array.from(
    crypto.getRandomValues(new Uint8Array(8)),
    (b) => b.toString(16).padStart(2, "0"),
  );
  const temporary = join(folder, `.${basename(path)}.${random.join("")}.tmp`);
  let handle;
  try {
    handle = await open(temporary, "wx", mode);
    await handle.chmod(mode).catch(() => {}); // undo a restrictive umask's effect; unsupported on some systems
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (createOnly) await linkIntoPlace(temporary, path);
    else await rename(temporary, path);
  } catch (err) {
    await handle?.close().catch(() => {});
    await rm(temporary, { force: true }).catch(() => {});
    throw err;
  }
  await _syncFolder(folder);
}

/** Links `temporary` to `path`, failing with `EEXIST` when `path` exists; renames where links are not supported. */
async function linkIntoPlace(temporary: string, path: string): Promise<void> {
  try {
    await link(temporary, path);
  } catch (err) {
    if ((err as { code?: unknown })?.code === "EEXIST") throw err;
    await rename(temporary, path); // a file system without hard links (FAT): as a plain replace
    return;
  }
  await rm(temporary, { force: true });
}

/** Flushes a folder's entries (the rename) to disk; not possible on every system, so failures are ignored. */
async function _syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open folders as files; the rename is still atomic.
  }
}
