/**
 * Checks the batches of a produce request and assigns their offsets, in place and without
 * decoding a single record: framing, magic 2, size limit, CRC-32C, record count against the
 * offset range, and timestamps against the topic's timestamp rules.
 *
 * Offsets are assigned by patching each batch's baseOffset and partitionLeaderEpoch, which lie
 * outside the CRC. With message.timestamp.type=LogAppendTime the max timestamp and timestamp-type
 * bit are set and the CRC recomputed (the only case that rewrites covered bytes).
 */
import {
  BatchField, CURRENT_MAGIC, LOG_OVERHEAD, MIN_BATCH_LENGTH, isBatchCrcValid,
  setLogAppendTime,
} from '../../protocol/records/batch-header.js';
import type { AppendBatchInfo } from '../segment/log-segment.js';
import type { LogConfig } from '../log-config.js';
import { StorageError } from '../storage-error.js';

export interface ValidatedAppend {
  batches: AppendBatchInfo[];
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  recordCount: number;
  /** The broker's time stamped into the batches, or -1 with CreateTime. */
  logAppendTime: number;
}

export interface BatchBounds {
  start: number;
  size: number;
}

/** Splits records into batches, checking framing, magic, size and CRC. */
export function splitAndCheck(records: Buffer, config: LogConfig): BatchBounds[] {
  const out: BatchBounds[] = [];
  let pos = 0;
  if (records.length === 0) throw new StorageError('INVALID_RECORD', 'produce request carries no record batch');
  while (pos < records.length) {
    if (records.length - pos < LOG_OVERHEAD) throw new StorageError('CORRUPT_MESSAGE', `truncated batch at byte ${pos}`);
    const length = records.readInt32BE(pos + BatchField.batchLength);
    if (length < BatchField.magic - LOG_OVERHEAD + 1) {
      throw new StorageError('CORRUPT_MESSAGE', `batch length ${length} at byte ${pos} is too small`);
    }
    if (records.length - pos < LOG_OVERHEAD + length) {
      throw new StorageError('CORRUPT_MESSAGE', `batch at byte ${pos} runs past the end of the records`);
    }
    const magic = records.readInt8(pos + BatchField.magic);
    if (magic !== CURRENT_MAGIC) throw new StorageError('INVALID_RECORD', `record batch magic ${magic} is not 2`);
    if (length < MIN_BATCH_LENGTH) throw new StorageError('CORRUPT_MESSAGE', `batch length ${length} is below the header size`);
    const size = LOG_OVERHEAD + length;
    if (size > config.maxMessageBytes) {
      throw new StorageError('MESSAGE_TOO_LARGE', `batch of ${size} bytes exceeds max.message.bytes ${config.maxMessageBytes}`);
    }
    const batch = records.subarray(pos, pos + size);
    if (!isBatchCrcValid(batch)) throw new StorageError('CORRUPT_MESSAGE', `batch at byte ${pos} fails its CRC-32C check`);
    const count = batch.readInt32BE(BatchField.recordCount);
    const lastOffsetDelta = batch.readInt32BE(BatchField.lastOffsetDelta);
    if (count <= 0 || lastOffsetDelta < 0 || lastOffsetDelta + 1 !== count) {
      throw new StorageError('INVALID_RECORD', `batch holds ${count} records but spans ${lastOffsetDelta + 1} offsets`);
    }
    out.push({ start: pos, size });
    pos += size;
  }
  return out;
}

function checkTimestamp(maxTimestamp: number, now: number, config: LogConfig): void {
  if (maxTimestamp < 0) return;
  if (now - maxTimestamp > config.messageTimestampBeforeMaxMs || maxTimestamp - now > config.messageTimestampAfterMaxMs) {
    throw new StorageError('INVALID_TIMESTAMP', `timestamp ${maxTimestamp} is outside the allowed window around ${now}`);
  }
}

/** Validates and assigns offsets from `nextOffset`, stamping `leaderEpoch`; mutates `records`. */
export function validateAndAssign(records: Buffer, nextOffset: number, leaderEpoch: number, now: number, config: LogConfig): ValidatedAppend {
  return assignOffsets(records, splitAndCheck(records, config), nextOffset, leaderEpoch, now, config);
}

/** Assigns offsets to batches already split and checked by splitAndCheck. */
export function assignOffsets(
  records: Buffer, bounds: readonly BatchBounds[], nextOffset: number, leaderEpoch: number, now: number, config: LogConfig,
): ValidatedAppend {
  const logAppendTime = config.messageTimestampType === 'LogAppendTime' ? now : -1;
  const result: ValidatedAppend = {
    batches: [], firstOffset: nextOffset, lastOffset: nextOffset - 1, maxTimestamp: -1,
    offsetOfMaxTimestamp: nextOffset, recordCount: 0, logAppendTime,
  };
  let offset = nextOffset;
  for (const { start, size } of bounds) {
    const count = records.readInt32BE(start + BatchField.recordCount);
    records.writeBigInt64BE(BigInt(offset), start + BatchField.baseOffset);
    records.writeInt32BE(leaderEpoch, start + BatchField.partitionLeaderEpoch);
    if (logAppendTime >= 0) setLogAppendTime(records, start, BigInt(logAppendTime));
    const maxTimestamp = Number(records.readBigInt64BE(start + BatchField.maxTimestamp));
    if (logAppendTime < 0) checkTimestamp(maxTimestamp, now, config);
    const lastOffset = offset + count - 1;
    if (maxTimestamp > result.maxTimestamp) {
      result.maxTimestamp = maxTimestamp;
      result.offsetOfMaxTimestamp = lastOffset;
    }
    result.batches.push({ relativePosition: start, size, lastOffset, maxTimestamp });
    result.recordCount += count;
    offset = lastOffset + 1;
  }
  result.lastOffset = offset - 1;
  return result;
}

/**
 * A follower's append: the batches keep the offsets and leader epochs the leader gave them, and
 * must continue the log exactly at `nextOffset`. Nothing in `records` is changed.
 */
export function readAssignedOffsets(records: Buffer, bounds: readonly BatchBounds[], nextOffset: number): ValidatedAppend {
  const result: ValidatedAppend = {
    batches: [], firstOffset: nextOffset, lastOffset: nextOffset - 1, maxTimestamp: -1,
    offsetOfMaxTimestamp: nextOffset, recordCount: 0, logAppendTime: -1,
  };
  let expected = nextOffset;
  for (const { start, size } of bounds) {
    const base = Number(records.readBigInt64BE(start + BatchField.baseOffset));
    if (base !== expected) {
      throw new StorageError('CORRUPT_MESSAGE', `replicated batch starts at offset ${base}, but the log continues at ${expected}`);
    }
    const count = records.readInt32BE(start + BatchField.recordCount);
    const lastOffset = base + count - 1;
    const maxTimestamp = Number(records.readBigInt64BE(start + BatchField.maxTimestamp));
    if (maxTimestamp > result.maxTimestamp) {
      result.maxTimestamp = maxTimestamp;
      result.offsetOfMaxTimestamp = lastOffset;
    }
    result.batches.push({ relativePosition: start, size, lastOffset, maxTimestamp });
    result.recordCount += count;
    expected = lastOffset + 1;
  }
  result.lastOffset = expected - 1;
  return result;
}
