/**
 * Loading a partition's segments at startup.
 *
 * After a clean shutdown every segment is opened without a scan. After a crash, segments from
 * the one holding the recovery point onwards are recovered batch by batch (length, magic,
 * CRC-32C, increasing offsets); the first invalid batch truncates its segment and every later
 * segment is deleted, since nothing after corruption can be trusted. Leftovers of interrupted
 * operations are settled first: `.deleted` and `.cleaned` files are removed, `.swap` files
 * (a compaction that finished writing) are renamed into place.
 */
import type { FileSystem } from '../fs/file-system.js';
import { LogSegment, type RecoveryResult, type SegmentConfig } from '../segment/log-segment.js';
import {
  CLEANED_SUFFIX, DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, parseOffsetFileName, SWAP_SUFFIX, TIME_INDEX_SUFFIX,
} from '../segment/segment-files.js';
import { SegmentList } from './segment-list.js';
import { completeInterruptedSwaps } from '../cleaner/swap-recovery.js';

export interface LoadOptions {
  cleanShutdown: boolean;
  recoveryPoint: number;
  logStartOffset: number;
}

export interface LoadedLog {
  segments: SegmentList;
  logEndOffset: number;
  recovered: RecoveryResult[];
  deletedSegments: number;
}

function settleLeftovers(fs: FileSystem, dir: string): void {
  for (const name of fs.list(dir)) {
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(CLEANED_SUFFIX)) fs.remove(`${dir}/${name}`);
  }
  // a compaction that committed its swap: remove the segments it replaced before renaming it in
  completeInterruptedSwaps(fs, dir);
  for (const name of fs.list(dir)) {
    if (name.endsWith(SWAP_SUFFIX)) fs.rename(`${dir}/${name}`, `${dir}/${name.slice(0, -SWAP_SUFFIX.length)}`);
  }
  const logs = new Set(fs.list(dir).filter((n) => n.endsWith(LOG_SUFFIX)).map((n) => n.slice(0, -LOG_SUFFIX.length)));
  for (const name of fs.list(dir)) {
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      if (name.endsWith(suffix) && !logs.has(name.slice(0, -suffix.length))) fs.remove(`${dir}/${name}`);
    }
  }
}

export function loadSegments(fs: FileSystem, dir: string, config: SegmentConfig, now: number, o: LoadOptions): LoadedLog {
  settleLeftovers(fs, dir);
  const bases = fs
    .list(dir)
    .map((n) => parseOffsetFileName(n, LOG_SUFFIX))
    .filter((b): b is number => b !== undefined)
    .sort((a, b) => a - b);
  const segments: LogSegment[] = [];
  const recovered: RecoveryResult[] = [];
  let deletedSegments = 0;
  const firstToRecover = o.cleanShutdown ? Infinity : floorOf(bases, o.recoveryPoint);
  let corrupt = false;
  for (const base of bases) {
    if (corrupt) {
      LogSegment.open(fs, dir, base, config, now).delete();
      deletedSegments++;
      continue;
    }
    if (base >= firstToRecover) {
      const { segment, result } = LogSegment.openAndRecover(fs, dir, base, config, now);
      segments.push(segment);
      recovered.push(result);
      corrupt = result.stop !== 'end';
    } else {
      segments.push(LogSegment.open(fs, dir, base, config, now));
    }
  }
  if (!o.cleanShutdown) deletedSegments += dropEmptySegmentsAfterLostWrites(segments, o.logStartOffset);
  for (let i = 0; i < segments.length - 1; i++) segments[i]!.releaseIndexes();
  if (segments.length === 0) segments.push(LogSegment.create(fs, dir, Math.max(0, o.logStartOffset), config, now));
  const list = new SegmentList(segments);
  return { segments: list, logEndOffset: list.active.nextOffset, recovered, deletedSegments };
}

/**
 * After a crash: a segment rolled just before it may exist, empty, while the writes that ended the
 * previous segment never reached the disk (segment writes are written behind, in order, so a
 * later segment never holds data while an earlier one misses some). Such empty trailing segments
 * would leave a gap between the data and the log end; they are deleted, so the log ends where its
 * data does. A log start offset inside the gap keeps them.
 */
function dropEmptySegmentsAfterLostWrites(segments: LogSegment[], logStartOffset: number): number {
  let dropped = 0;
  while (segments.length > 1) {
    const last = segments[segments.length - 1]!;
    const previous = segments[segments.length - 2]!;
    if (!last.isEmpty || last.baseOffset <= previous.nextOffset || logStartOffset > previous.nextOffset) break;
    segments.pop();
    last.delete();
    dropped++;
  }
  return dropped;
}

/** The greatest base <= offset, or the first base (so recovery starts no later than needed). */
function floorOf(bases: number[], offset: number): number {
  let found = bases[0] ?? 0;
  for (const b of bases) if (b <= offset) found = b;
  return found;
}
