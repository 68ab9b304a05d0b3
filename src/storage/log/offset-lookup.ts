/**
 * Offset lookups by timestamp for ListOffsets: the first offset whose record timestamp is at
 * least a target, and the offset of the largest timestamp. Only the batch found through the
 * time and offset indexes is decoded, to find the exact record inside it.
 */
import { batchRecords } from '../../protocol/records/batch-reader.js';
import { BatchAttribute, BatchField } from '../../protocol/records/batch-header.js';
import type { LogSegment } from '../segment/log-segment.js';
import type { PartitionLog } from './partition-log.js';

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
}

/** The records of one batch as (offset, timestamp), honouring LogAppendTime batches. */
function* recordTimes(batch: Buffer): Generator<TimestampAndOffset> {
  const logAppend = (batch.readInt16BE(BatchField.attributes) & BatchAttribute.logAppendTime) !== 0;
  const maxTimestamp = Number(batch.readBigInt64BE(BatchField.maxTimestamp));
  for (const r of batchRecords(batch, 0, { verifyCrc: false })) {
    yield { offset: Number(r.offset), timestamp: logAppend ? maxTimestamp : Number(r.timestamp) };
  }
}

/** The earliest offset >= log start whose timestamp is >= target, or undefined if none. */
export function offsetForTimestamp(log: PartitionLog, target: number): TimestampAndOffset | undefined {
  const start = log.logStartOffset;
  for (const seg of log.allSegments) {
    if (seg.nextOffset <= start || seg.maxTimestamp < target) continue;
    const found = seg.findBatchByTimestamp(target, start);
    if (!found) continue;
    for (const r of recordTimes(seg.readAt(found.position, found.size))) {
      if (r.offset >= start && r.timestamp >= target) return r;
    }
  }
  return undefined;
}

/** The record with the largest timestamp (the first such, if tied), or undefined for an empty log. */
export function offsetOfMaxTimestamp(log: PartitionLog): TimestampAndOffset | undefined {
  let best: LogSegment | undefined;
  for (const seg of log.allSegments) {
    if (seg.nextOffset <= log.logStartOffset || seg.isEmpty) continue;
    if (!best || seg.maxTimestamp > best.maxTimestamp) best = seg;
  }
  if (!best) return undefined;
  const found = best.findBatchByTimestamp(best.maxTimestamp, log.logStartOffset);
  if (!found) return undefined;
  for (const r of recordTimes(best.readAt(found.position, found.size))) {
    if (r.offset >= log.logStartOffset && r.timestamp === best.maxTimestamp) return r;
  }
  return undefined;
}
