/**
 * Retention: which whole segments of a log may go, by Kafka's rules, and deleting them.
 *
 * A segment is eligible only if it is wholly below both the high watermark and the recovery
 * point (so unreplicated or unflushed data is never deleted). Then, oldest first and stopping at
 * the first segment that does not qualify:
 *  - segments wholly below the log start offset (moved by DeleteRecords) go;
 *  - with cleanup.policy containing delete: segments whose newest timestamp is older than
 *    retention.ms, and the oldest segments while the log exceeds retention.bytes by at least
 *    their size.
 * When every segment including the active one has expired, the log rolls first so the expired
 * data can go while appends continue in a new segment (as Kafka does).
 */
import type { LogSegment } from '../segment/log-segment.js';
import type { PartitionLog } from './partition-log.js';

export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
  reasons: string[];
}

function eligible(log: PartitionLog, seg: LogSegment): boolean {
  const active = log.allSegments[log.allSegments.length - 1];
  // an empty segment left by compaction holds nothing and must not block the ones after it
  if (seg.isEmpty) return seg !== active;
  return seg.nextOffset <= Math.min(log.highWatermark, log.recoveryPoint);
}

function segmentTimestamp(seg: LogSegment): number {
  return seg.maxTimestamp >= 0 ? seg.maxTimestamp : seg.createdAt;
}

/** The prefix of `segments` satisfying `qualifies`. */
function prefixWhere(segments: readonly LogSegment[], qualifies: (s: LogSegment, i: number) => boolean): LogSegment[] {
  const out: LogSegment[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (!qualifies(segments[i]!, i)) break;
    out.push(segments[i]!);
  }
  return out;
}

export function segmentsToDelete(log: PartitionLog, now: number): { segments: LogSegment[]; reasons: string[] } {
  const all = log.allSegments;
  const reasons: string[] = [];
  const ok = (s: LogSegment): boolean => eligible(log, s);
  let doomed = prefixWhere(all, (s) => ok(s) && s.nextOffset <= log.logStartOffset);
  if (doomed.length > 0) reasons.push('log start offset');
  const cfg = log.config;
  if (cfg.cleanupPolicy.delete && cfg.retentionMs >= 0) {
    const byTime = prefixWhere(all, (s) => ok(s) && now - segmentTimestamp(s) > cfg.retentionMs);
    if (byTime.length > doomed.length) {
      doomed = byTime;
      reasons.push('retention.ms');
    }
  }
  if (cfg.cleanupPolicy.delete && cfg.retentionBytes >= 0) {
    let excess = log.sizeInBytes - cfg.retentionBytes;
    const bySize = prefixWhere(all, (s) => {
      if (!ok(s) || excess - s.size < 0) return false;
      excess -= s.size;
      return true;
    });
    if (bySize.length > doomed.length) {
      doomed = bySize;
      reasons.push('retention.bytes');
    }
  }
  return { segments: doomed, reasons };
}

/** Applies retention once; rolls first when the active segment itself must go. */
export function applyRetention(log: PartitionLog, now: number): RetentionResult {
  let { segments, reasons } = segmentsToDelete(log, now);
  if (segments.length > 0 && segments[segments.length - 1] === log.allSegments[log.allSegments.length - 1]) {
    log.roll(now);
    ({ segments, reasons } = segmentsToDelete(log, now));
  }
  const deletedBytes = segments.reduce((n, s) => n + s.size, 0);
  if (segments.length > 0) {
    log.removeSegments(segments);
    log.abortedTxns.dropBefore(log.logStartOffset);
  }
  return { deletedSegments: segments.length, deletedBytes, reasons };
}
