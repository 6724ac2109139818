/**
 * The lock file / manifest readers `bulwark scan DIR` runs on a project's files. One reader per format, one line
 * in LOCKFILE_READERS (index.ts). A reader gets the text of one file and returns the packages it pins; it never
 * fetches anything and never resolves version ranges (a range is not a version: it is skipped).
 */
import type { DetectedPackage, Ecosystem } from '../types.js';

export interface LockfileContext {
  /** true when a file of this base name sits in the same directory (go.sum defers to go.mod) */
  hasSibling(base: string): boolean;
}

export interface LockfileReader {
  /** short format name, shown in warnings and targets ("package-lock", "poetry.lock", ...) */
  name: string;
  ecosystem: Ecosystem;
  /** `base` is the file name, `relPath` its '/'-separated path under the project root */
  matches(base: string, relPath: string): boolean;
  /** throws on text that is not the format (the caller turns it into a one-line warning) */
  read(text: string, ctx: LockfileContext): DetectedPackage[];
}

/** Larger files are not read (a lock file of 32 MiB is already an outlier). */
export const MAX_LOCKFILE_SIZE = 32 * 1024 * 1024;
