/**
 * Compacting one record batch: which of its records stay, and the bytes that replace it.
 *
 * A record goes when
 *  - its key was seen again at a later offset (the offset map holds a greater offset for it), or
 *  - it is a tombstone (keyed, null value) in a batch whose delete horizon has passed (KIP-534).
 * Everything else stays, records without a key included (Kafka refuses them on produce to a
 * compacted topic; if some are here, they cannot be compacted, so they are kept).
 *
 * Delete horizon (KIP-534): when a batch that keeps tombstones is cleaned for the first time, it
 * is rewritten with attribute bit 6 set and baseTimestamp = cleaning time + delete.retention.ms;
 * a pass after that time removes the tombstones. A batch is stamped only when every one of its
 * offsets lies below the end of the pass's mapped range: then every older record of each of its
 * tombstones' keys has just been removed, which is what makes the later removal of the tombstone
 * safe. (A batch straddling the end of the range waits for the next pass to be stamped.) A batch
 * that keeps no tombstone loses its horizon.
 *
 * Output, from the cheapest:
 *  - 'copy': nothing changes; the original bytes are written as they are. Control batches
 *    (transaction markers) and transactional producers' batches are always copied for now;
 *    transaction-aware cleaning (dropping aborted data and old markers) comes with transactions.
 *  - 'rebuild': a new batch with the kept records, each at its original offset: the batch keeps
 *    its base offset and lastOffsetDelta (so baseSequence + lastOffsetDelta still gives the
 *    producer's last sequence) and every record its offsetDelta; producer id, epoch, base
 *    sequence, leader epoch, timestamp type and compression codec are the original's. The max
 *    timestamp becomes that of the kept records (LogAppendTime batches keep theirs).
 *  - 'empty': no record stays but the batch is the last of its producer in the rewritten region
 *    (see producer-last-batches.ts): a header with no records, the original offsets, sequence
 *    and timestamps, uncompressed (an empty compressed block is not a valid codec input).
 *  - 'drop': no record stays and nothing needs the batch.
 *
 * Contract: pure function of the batch bytes and the context; allocates only for rebuilt batches.
 */
import {
  BatchField, TimestampType, readBatchHeader, writeBatchCrc, type BatchHeader,
} from '../../protocol/records/batch-header.js';
import { buildRecordBatch, type RecordInput } from '../../protocol/records/batch-builder.js';
import { recordsOfHeader } from '../../protocol/records/batch-reader.js';
import type { OffsetMap } from './offset-map.js';

export interface FilterContext {
  map: OffsetMap;
  /** End (exclusive) of the offsets the map covers in this pass. */
  endOffset: number;
  now: number;
  deleteRetentionMs: number;
  /** producer id -> base offset of its last batch in the rewritten region. */
  lastBatchOfProducer: ReadonlyMap<bigint, number>;
}

export type FilterAction = 'copy' | 'rebuild' | 'empty' | 'drop';

export interface FilterResult {
  action: FilterAction;
  /** The new batch for 'rebuild' and 'empty'. */
  bytes?: Buffer;
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Whether this pass gave the batch its delete horizon. */
  horizonSet: boolean;
  /** The horizon of the written batch when it still holds tombstones, else undefined. */
  pendingHorizon: number | undefined;
}

export function filterBatch(buf: Buffer, start: number, ctx: FilterContext): FilterResult {
  const header = readBatchHeader(buf, start);
  const result: FilterResult = { action: 'copy', recordsRemoved: 0, tombstonesRemoved: 0, horizonSet: false, pendingHorizon: undefined };
  if (header.isControl || header.isTransactional) return result;
  const existingHorizon = header.hasDeleteHorizon ? Number(header.baseTimestamp) : undefined;
  const kept: RecordInput[] = [];
  let keptTombstones = 0;
  let total = 0;
  for (const r of recordsOfHeader(header, { verifyCrc: false })) {
    total++;
    const offset = Number(r.offset);
    if (r.key !== null) {
      if (ctx.map.get(r.key) > offset) {
        result.recordsRemoved++;
        if (r.value === null) result.tombstonesRemoved++;
        continue;
      }
      if (r.value === null) {
        if (existingHorizon !== undefined && ctx.now >= existingHorizon) {
          result.recordsRemoved++;
          result.tombstonesRemoved++;
          continue;
        }
        keptTombstones++;
      }
    }
    kept.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta });
  }
  const lastOffset = Number(header.lastOffset);
  const stamp = keptTombstones > 0 && existingHorizon === undefined && lastOffset < ctx.endOffset;
  const horizon = keptTombstones === 0 ? undefined : stamp ? ctx.now + ctx.deleteRetentionMs : existingHorizon;
  result.horizonSet = stamp;
  result.pendingHorizon = horizon;
  if (kept.length === total && total > 0 && horizon === existingHorizon) return result;
  if (kept.length === 0) {
    const producerId = header.producerId;
    const isLastOfProducer = producerId >= 0n && ctx.lastBatchOfProducer.get(producerId) === Number(header.baseOffset);
    if (!isLastOfProducer) {
      result.action = 'drop';
      return result;
    }
    result.action = 'empty';
    result.bytes = emptyBatchLike(header);
    return result;
  }
  result.action = 'rebuild';
  result.bytes = rebuild(header, kept, horizon);
  return result;
}

function rebuild(header: BatchHeader, kept: readonly RecordInput[], horizon: number | undefined): Buffer {
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime;
  return buildRecordBatch(kept, {
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    compression: header.compression,
    timestampType: header.timestampType,
    ...(logAppendTime ? { logAppendTime: header.maxTimestamp } : {}),
    ...(horizon === undefined ? {} : { deleteHorizonMs: BigInt(horizon) }),
    lastOffsetDelta: header.lastOffsetDelta,
  });
}

function emptyBatchLike(header: BatchHeader): Buffer {
  const batch = buildRecordBatch([], {
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    timestampType: header.timestampType,
    lastOffsetDelta: header.lastOffsetDelta,
  });
  batch.writeBigInt64BE(header.maxTimestamp, BatchField.baseTimestamp);
  batch.writeBigInt64BE(header.maxTimestamp, BatchField.maxTimestamp);
  writeBatchCrc(batch, 0);
  return batch;
}
