/**
 * PGlite's data folder (DATA_DIR): clear errors when it cannot be written
 * (read-only file system, permissions) or the disk is full, in place of
 * PGlite's own "PGlite failed to initialize properly" or a WASM abort.
 * Checked before PGlite opens the folder, so nothing in it is touched.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, statfsSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export class DataDirError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "DataDirError";
  }
}

/** Below this much free space the register refuses to start on PGlite (writes would soon fail). */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;

const advice: Record<string, string> = {
  EROFS: "it is on a read-only file system; mount it read-write or set DATA_DIR to a writable folder",
  EACCES: "this user may not write there; fix the folder's owner or permissions, or set DATA_DIR to a writable folder",
  EPERM: "this user may not write there; fix the folder's owner or permissions, or set DATA_DIR to a writable folder",
  ENOSPC: "the disk is full; free some space (the data is unchanged) and start again",
  EDQUOT: "the disk quota is used up; free some space (the data is unchanged) and start again",
};

/** A storage error (from the probe or from PGlite) as a clear message naming DATA_DIR. */
export function explainStorageError(dir: string, e: unknown): DataDirError | null {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : String(e);
  const found = typeof code === "string" && code in advice ? code : /ENOSPC|No space left/i.test(msg) ? "ENOSPC" : /EROFS|read-only file system/i.test(msg) ? "EROFS" : null;
  if (!found) return null;
  return new DataDirError(`The PGlite data folder DATA_DIR=${path.resolve(dir)} cannot be written: ${advice[found]} (${found}).`, found);
}

/**
 * Make sure DATA_DIR exists, can be written and synced, and has some free
 * space; throws a DataDirError naming the folder and what to do otherwise.
 */
export function checkDataDir(dir: string, minFreeBytes = MIN_FREE_BYTES): void {
  if (dir.includes("://")) return; // memory:// and other PGlite URLs
  const probe = path.join(dir, `.write-check-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(probe, "w");
    try {
      writeSync(fd, "ok");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (e) {
    throw explainStorageError(dir, e) ?? new DataDirError(`The PGlite data folder DATA_DIR=${path.resolve(dir)} cannot be used: ${e instanceof Error ? e.message : String(e)}`, "EIO");
  }
  const fs = statfsSync(dir);
  const free = Number(fs.bavail) * Number(fs.bsize);
  if (free < minFreeBytes) {
    throw new DataDirError(
      `The PGlite data folder DATA_DIR=${path.resolve(dir)} has only ${(free / 1024 / 1024).toFixed(1)} MB free: ${advice.ENOSPC} (ENOSPC).`,
      "ENOSPC",
    );
  }
}
