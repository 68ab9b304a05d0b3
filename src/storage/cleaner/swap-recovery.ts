/**
 * Completing, at startup, a cleaning that was interrupted after its commit (see segment-swap.ts).
 * Meant to run when a log directory is loaded, before its segments are listed.
 *
 * For each `X.log.swap` (a cleaned segment whose commit was durable):
 *  - its offset range [X, end) is read from its batch headers;
 *  - every other segment whose base offset lies inside (X, end) was merged into it: its files
 *    are removed;
 *  - X's index files are removed unless their `.swap` replacements exist (an old index does not
 *    fit the new log; a missing index is rebuilt when the segment is opened);
 *  - X.log.swap is renamed to X.log, replacing the old one.
 * Then each remaining `X.index.swap` / `X.timeindex.swap` is renamed into place when X.log exists
 * (its log was renamed before the crash) and removed otherwise.
 *
 * The loader today only renames `.swap` files into place; without this step, a crash right after
 * the commit of a cleaning that merged several segments would leave the merged segment next to
 * the old segments it covers.
 *
 * Contract: touches only segment files of `dir`; idempotent; synchronous.
 */
import type { FileSystem } from '../fs/file-system.js';
import { BatchScanner } from '../segment/batch-scanner.js';
import {
  INDEX_SUFFIX, LOG_SUFFIX, offsetFileName, parseOffsetFileName, SWAP_SUFFIX, TIME_INDEX_SUFFIX,
} from '../segment/segment-files.js';

export interface SwapRecoveryResult {
  /** Base offsets of the cleaned segments put in place. */
  completed: number[];
  /** Base offsets of the old segments removed because a cleaned segment covered them. */
  removedSegments: number[];
}

const LARGEST_BATCH = 0x7fffffff;

/** The offset after the last whole batch of a `.log` file (its base offset when it has none). */
function endOffsetOf(fs: FileSystem, path: string, base: number): number {
  const handle = fs.open(path, 'read');
  try {
    const scanner = new BatchScanner(handle, handle.size(), 0, { verifyCrc: false, maxBatchSize: LARGEST_BATCH });
    let end = base;
    for (let b = scanner.next(); b; b = scanner.next()) end = b.lastOffset + 1;
    return end;
  } finally {
    handle.close();
  }
}

export function completeInterruptedSwaps(fs: FileSystem, dir: string): SwapRecoveryResult {
  const result: SwapRecoveryResult = { completed: [], removedSegments: [] };
  const file = (base: number, suffix: string): string => `${dir}/${offsetFileName(base, suffix)}`;
  const swaps = fs
    .list(dir)
    .map((n) => parseOffsetFileName(n, LOG_SUFFIX + SWAP_SUFFIX))
    .filter((b): b is number => b !== undefined)
    .sort((a, b) => a - b);
  for (const base of swaps) {
    const end = endOffsetOf(fs, file(base, LOG_SUFFIX + SWAP_SUFFIX), base);
    const covered = fs
      .list(dir)
      .map((n) => parseOffsetFileName(n, LOG_SUFFIX))
      .filter((b): b is number => b !== undefined && b > base && b < end);
    for (const old of covered) {
      for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.remove(file(old, suffix));
      result.removedSegments.push(old);
    }
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      if (!fs.exists(file(base, suffix + SWAP_SUFFIX))) fs.remove(file(base, suffix));
    }
    fs.rename(file(base, LOG_SUFFIX + SWAP_SUFFIX), file(base, LOG_SUFFIX));
    result.completed.push(base);
  }
  for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    for (const name of fs.list(dir)) {
      const base = parseOffsetFileName(name, suffix + SWAP_SUFFIX);
      if (base === undefined) continue;
      if (fs.exists(file(base, LOG_SUFFIX))) fs.rename(`${dir}/${name}`, file(base, suffix));
      else fs.remove(`${dir}/${name}`);
    }
  }
  return result;
}
