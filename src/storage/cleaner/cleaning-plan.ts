/**
 * Choosing what to clean in one log, by Kafka's rules.
 *
 * The log splits at its cleaner checkpoint (the first dirty offset): segments wholly below it are
 * the clean part (compacted by an earlier pass), the rest is dirty. Of the dirty segments only a
 * prefix is cleanable: a segment stops being cleanable, and so does every one after it, when it
 * is the active segment, when it is not wholly below the high watermark, or (with
 * min.compaction.lag.ms > 0) when its newest timestamp is within min.compaction.lag.ms of now.
 *
 * The log is worth cleaning when
 *  - cleanable bytes / (clean bytes + cleanable bytes) >= min.cleanable.dirty.ratio, or
 *  - the oldest dirty record has waited longer than max.compaction.lag.ms (both need cleanable
 *    bytes), or
 *  - (Gregor) an earlier pass left tombstones whose delete horizon has now passed: Kafka would
 *    wait for new writes to raise the dirty ratio, Gregor cleans so that the tombstones go.
 *
 * A checkpoint outside [log start, log end] is reset to the log start, as Kafka does.
 *
 * Contract: a pure reading of the log's current state; changes nothing.
 */
import type { LogSegment } from '../segment/log-segment.js';
import type { PartitionLog } from '../log/partition-log.js';

export type CleaningReason = 'dirty-ratio' | 'max-compaction-lag' | 'delete-horizon';

export interface CleaningPlan {
  firstDirtyOffset: number;
  /** Where the cleanable range ends: a segment base offset, at most the active segment's. */
  firstUncleanableOffset: number;
  cleanBytes: number;
  cleanableBytes: number;
  /** cleanable / (clean + cleanable), 0 when both are 0. */
  dirtyRatio: number;
  /** Why the log should be cleaned now, undefined when it should not. */
  reason: CleaningReason | undefined;
  /** Non-active segments below firstUncleanableOffset, oldest first (what a pass may rewrite). */
  segments: LogSegment[];
  /** The dirty ones among them, whose records feed the offset map. */
  dirtySegments: LogSegment[];
}

/** The timestamp a segment's age is measured by: its newest record, or its creation when none. */
export function segmentLastTimestamp(seg: LogSegment): number {
  return seg.maxTimestamp >= 0 ? seg.maxTimestamp : seg.createdAt;
}

function segmentFirstTimestamp(seg: LogSegment): number {
  return seg.firstBatchTimestamp >= 0 ? seg.firstBatchTimestamp : seg.createdAt;
}

/** The checkpoint a pass starts from: `checkpoint`, or the log start when absent or out of range. */
export function firstDirtyOffsetOf(log: PartitionLog, checkpoint: number | undefined): number {
  if (checkpoint === undefined || checkpoint < log.logStartOffset || checkpoint > log.logEndOffset) return log.logStartOffset;
  return checkpoint;
}

export function planCleaning(
  log: PartitionLog,
  checkpoint: number | undefined,
  now: number,
  pendingDeleteHorizon?: number,
): CleaningPlan {
  const config = log.config;
  const all = log.allSegments;
  const active = all[all.length - 1]!;
  const firstDirty = firstDirtyOffsetOf(log, checkpoint);
  let firstUncleanable = active.baseOffset;
  for (const seg of all) {
    if (seg === active) break;
    if (seg.nextOffset <= firstDirty) continue;
    const aboveHighWatermark = seg.nextOffset > log.highWatermark;
    const tooRecent = config.minCompactionLagMs > 0 && segmentLastTimestamp(seg) > now - config.minCompactionLagMs;
    if (aboveHighWatermark || tooRecent) {
      firstUncleanable = seg.baseOffset;
      break;
    }
  }
  const segments: LogSegment[] = [];
  const dirtySegments: LogSegment[] = [];
  let cleanBytes = 0;
  let cleanableBytes = 0;
  for (const seg of all) {
    if (seg === active || seg.baseOffset >= firstUncleanable) break;
    segments.push(seg);
    if (seg.nextOffset <= firstDirty) {
      cleanBytes += seg.size;
    } else {
      dirtySegments.push(seg);
      cleanableBytes += seg.size;
    }
  }
  const total = cleanBytes + cleanableBytes;
  const dirtyRatio = total === 0 ? 0 : cleanableBytes / total;
  let reason: CleaningReason | undefined;
  if (cleanableBytes > 0 && dirtyRatio >= config.minCleanableDirtyRatio) {
    reason = 'dirty-ratio';
  } else if (cleanableBytes > 0 && now - segmentFirstTimestamp(dirtySegments[0]!) > config.maxCompactionLagMs) {
    reason = 'max-compaction-lag';
  } else if (pendingDeleteHorizon !== undefined && now >= pendingDeleteHorizon && segments.length > 0) {
    reason = 'delete-horizon';
  }
  return {
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset: Math.max(firstDirty, firstUncleanable),
    cleanBytes,
    cleanableBytes,
    dirtyRatio,
    reason,
    segments,
    dirtySegments,
  };
}
