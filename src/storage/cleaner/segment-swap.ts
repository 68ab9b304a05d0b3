/**
 * Putting a cleaned segment in place of the segments it was made from, so that a crash at any
 * moment leaves, after restart, either the old segments or the cleaned one, never a mix that
 * loses or duplicates data. X is the base offset of the first old segment (and of the cleaned
 * one); Y.. are the other old segments.
 *
 *   1. X.log.cleaned, X.index.cleaned, X.timeindex.cleaned are written and fsynced.
 *      Crash: the loader removes `.cleaned` files; the old segments are intact.
 *   2. Commit: X.log.cleaned -> X.log.swap, then the two index files likewise; fsync the
 *      directory. From the moment X.log.swap exists the cleaning counts as done.
 *      Crash: restart completes the swap (see swap-recovery.ts): it removes the old segments
 *      that X.log.swap covers, drops X's old index files unless their `.swap` replacements
 *      exist (indexes are then rebuilt), and renames the `.swap` files into place.
 *   3. The old segments are closed, and the files of Y.. removed (each `.log` first).
 *      Crash: as in 2, with fewer old files left to remove.
 *   4. X.log.swap -> X.log (atomically replacing the old X.log), then the index files.
 *      Crash between the renames: X.log is already the cleaned one and no old segment is left;
 *      the loader renames the remaining index `.swap` files into place.
 *   5. The cleaned segment is opened from its final names and PartitionLog.replaceSegments puts it
 *      in place of the old ones; the directory is fsynced.
 * (The in-memory replacement comes last, after the renames, because the segment is opened from
 * its final file names; steps 3 to 5 run without yielding, so no reader sees the log between.)
 *
 * Before step 2 and again before step 3 (the directory fsync in between yields to the event
 * loop) the old segments are checked to be still in the log and unchanged (same size and end
 * offset) and the log online; if not, the pass is abandoned with CleaningAborted, removing the
 * `.swap` files it created. If an I/O error strikes during steps 3 to 5, the old segments are
 * already closed: the log's next operation fails and takes it offline, and restart completes the
 * swap.
 *
 * Contract: called by the pass that owns the cleaned segment's writer, for a group of segments
 * of one log; the log's owner must not truncate or delete those segments meanwhile (a change is
 * detected and abandons the pass, see above). The old segments are closed in step 3, so no
 * asynchronous I/O of their own (such as a sync started when they were rolled) may still be in
 * flight then; the pass reaches step 3 long after any such sync, but nothing enforces it.
 */
import type { PartitionLog } from '../log/partition-log.js';
import { LogSegment } from '../segment/log-segment.js';
import { INDEX_SUFFIX, LOG_SUFFIX, offsetFileName, SWAP_SUFFIX, TIME_INDEX_SUFFIX } from '../segment/segment-files.js';
import type { CleanedSegmentWriter } from './cleaned-segment-writer.js';
import { CleaningAborted } from './cleaner-errors.js';

/** The points of the protocol above, reported to a hook (tests crash the filesystem there). */
export type SwapStep = 'cleaned-written' | 'swap-renamed' | 'old-removed' | 'log-renamed' | 'replaced';

export type SwapHook = (step: SwapStep, log: PartitionLog, baseOffset: number) => void;

/** A segment as it was when the pass read it. */
export interface SegmentSnapshot {
  segment: LogSegment;
  size: number;
  nextOffset: number;
}

export function snapshotOf(segment: LogSegment): SegmentSnapshot {
  return { segment, size: segment.size, nextOffset: segment.nextOffset };
}

/** Throws CleaningAborted unless every snapshot still describes a segment of the log. */
export function checkUnchanged(log: PartitionLog, group: readonly SegmentSnapshot[]): void {
  if (log.isOffline) throw new CleaningAborted(`log ${log.dir} is offline`);
  const present = new Set(log.allSegments);
  const active = log.allSegments[log.allSegments.length - 1];
  for (const s of group) {
    if (!present.has(s.segment) || s.segment === active || s.segment.size !== s.size || s.segment.nextOffset !== s.nextOffset) {
      throw new CleaningAborted(`segment ${s.segment.baseOffset} of ${log.dir} changed during cleaning`);
    }
  }
}

function finalPath(dir: string, base: number, suffix: string): string {
  return `${dir}/${offsetFileName(base, suffix)}`;
}

const SUFFIXES_LOG_FIRST = [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX] as const;

/**
 * Runs steps 1 to 5 for `writer`'s segment replacing `group`; returns the segment now in the log.
 * `check` is called wherever the pass may be told to stop (it throws CleaningAborted).
 */
export async function swapInCleanedSegment(
  log: PartitionLog,
  group: readonly SegmentSnapshot[],
  writer: CleanedSegmentWriter,
  now: number,
  check: () => void,
  hook?: SwapHook,
): Promise<LogSegment> {
  const fs = log.filesystem;
  const dir = log.dir;
  const base = group[0]!.segment.baseOffset;
  const swapPath = (suffix: string): string => finalPath(dir, base, suffix) + SWAP_SUFFIX;
  const removeSwaps = (): void => {
    for (const suffix of SUFFIXES_LOG_FIRST) {
      try {
        fs.remove(swapPath(suffix));
      } catch {
        // best effort: the loader settles leftovers at the next start
      }
    }
  };

  // 1. durable scratch files
  await writer.flush();
  writer.close();
  hook?.('cleaned-written', log, base);
  check();
  checkUnchanged(log, group);

  // 2. commit
  for (const suffix of SUFFIXES_LOG_FIRST) fs.rename(writer.path(suffix), swapPath(suffix));
  try {
    await fs.syncDir(dir);
    hook?.('swap-renamed', log, base);
    check();
    checkUnchanged(log, group);
  } catch (e) {
    removeSwaps();
    throw e;
  }

  // 3. the old segments go (X's own files are replaced by the renames of step 4)
  for (const s of group) s.segment.close();
  for (const s of group.slice(1)) {
    for (const suffix of SUFFIXES_LOG_FIRST) fs.remove(s.segment.path(suffix));
  }
  hook?.('old-removed', log, base);

  // 4. final names, the log first
  fs.rename(swapPath(LOG_SUFFIX), finalPath(dir, base, LOG_SUFFIX));
  hook?.('log-renamed', log, base);
  fs.rename(swapPath(INDEX_SUFFIX), finalPath(dir, base, INDEX_SUFFIX));
  fs.rename(swapPath(TIME_INDEX_SUFFIX), finalPath(dir, base, TIME_INDEX_SUFFIX));

  // 5. in memory
  const cleaned = LogSegment.open(fs, dir, base, log.segmentConfig(), now);
  log.replaceSegments(group.map((s) => s.segment), cleaned);
  await fs.syncDir(dir);
  hook?.('replaced', log, base);
  return cleaned;
}
