/**
 * ProducerState: per partition, what each idempotent or transactional producer last wrote, so a
 * retried batch is recognised and not written twice, and batches out of sequence are refused —
 * as Kafka's ProducerStateManager does.
 *
 * For each producer id: its epoch and the metadata of its last five batches (first and last
 * sequence, first and last offset, max timestamp), plus the first offset of its open transaction.
 *
 * Checking a batch (producer id >= 0):
 *  - an epoch older than the producer's current one: INVALID_PRODUCER_EPOCH;
 *  - same epoch and the same sequence range as one of the last five batches: a duplicate,
 *    answered with the original offsets and not written;
 *  - a newer epoch must start at sequence 0; the same epoch must continue at last sequence + 1
 *    (wrapping after 2^31-1): OUT_OF_ORDER_SEQUENCE_NUMBER otherwise;
 *  - a producer with no state (new, or expired) may start at any sequence.
 *
 * Rebuilt at startup from the newest snapshot (see checkpoints/producer-snapshot.ts) plus the
 * batches after it. Contract: owned by one PartitionLog.
 */
import { BatchAttribute, BatchField } from '../../protocol/records/batch-header.js';
import { StorageError } from '../storage-error.js';
import type { ProducerSnapshotEntry } from '../checkpoints/producer-snapshot.js';

const MAX_CACHED_BATCHES = 5;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface ProducerEntry {
  producerId: bigint;
  epoch: number;
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  /** First offset of the open transaction, -1 when none. */
  currentTxnFirstOffset: number;
  lastTimestamp: number;
}

/** What one batch header says about its producer. */
export interface ProducerBatchInfo {
  producerId: bigint;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  isTransactional: boolean;
  isControl: boolean;
}

export function producerInfoOf(buf: Buffer, start: number): ProducerBatchInfo | undefined {
  const producerId = buf.readBigInt64BE(start + BatchField.producerId);
  if (producerId < 0n) return undefined;
  const firstSeq = buf.readInt32BE(start + BatchField.baseSequence);
  const delta = buf.readInt32BE(start + BatchField.lastOffsetDelta);
  const attributes = buf.readInt16BE(start + BatchField.attributes);
  return {
    producerId,
    epoch: buf.readInt16BE(start + BatchField.producerEpoch),
    firstSeq,
    lastSeq: firstSeq < 0 ? -1 : (firstSeq + delta) % 2147483648,
    isTransactional: (attributes & BatchAttribute.transactional) !== 0,
    isControl: (attributes & BatchAttribute.control) !== 0,
  };
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 2147483647);
}

export class ProducerState {
  private readonly entries = new Map<bigint, ProducerEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(producerId: bigint): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  all(): ProducerEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Checks a batch before it is written: undefined if it may be written, or the original
   * offsets if it duplicates a recent batch. Throws StorageError for a fenced epoch or a gap.
   */
  check(info: ProducerBatchInfo): BatchMetadata | undefined {
    if (info.isControl) return undefined;
    const entry = this.entries.get(info.producerId);
    if (!entry) return undefined;
    if (info.epoch < entry.epoch) {
      throw new StorageError('INVALID_PRODUCER_EPOCH', `producer ${info.producerId} epoch ${info.epoch} is older than its current epoch ${entry.epoch}`);
    }
    if (info.epoch === entry.epoch) {
      const dup = entry.batches.find((b) => b.firstSeq === info.firstSeq && b.lastSeq === info.lastSeq);
      if (dup) return dup;
      const last = entry.batches.at(-1);
      if (last && info.firstSeq >= 0 && !inSequence(last.lastSeq, info.firstSeq)) {
        throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${info.producerId}: sequence ${info.firstSeq} does not follow ${last.lastSeq}`);
      }
    } else if (info.firstSeq !== 0 && info.firstSeq >= 0) {
      throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${info.producerId}: a new epoch ${info.epoch} must start at sequence 0, not ${info.firstSeq}`);
    }
    return undefined;
  }

  /** Records a batch that was written (or replayed from the log). */
  update(info: ProducerBatchInfo, firstOffset: number, lastOffset: number, maxTimestamp: number): void {
    let entry = this.entries.get(info.producerId);
    if (!entry || info.epoch > entry.epoch) {
      entry = {
        producerId: info.producerId, epoch: info.epoch, batches: [], coordinatorEpoch: entry?.coordinatorEpoch ?? -1,
        currentTxnFirstOffset: -1, lastTimestamp: maxTimestamp,
      };
      this.entries.set(info.producerId, entry);
    }
    entry.lastTimestamp = Math.max(entry.lastTimestamp, maxTimestamp);
    if (info.isControl) {
      entry.currentTxnFirstOffset = -1;
      return;
    }
    if (info.isTransactional && entry.currentTxnFirstOffset < 0) entry.currentTxnFirstOffset = firstOffset;
    entry.batches.push({ firstSeq: info.firstSeq, lastSeq: info.lastSeq, firstOffset, lastOffset, maxTimestamp });
    if (entry.batches.length > MAX_CACHED_BATCHES) entry.batches.shift();
  }

  /** Forgets producers idle since before `cutoff` with no open transaction. */
  expire(cutoff: number): number {
    let n = 0;
    for (const [id, e] of this.entries) {
      if (e.currentTxnFirstOffset < 0 && e.lastTimestamp < cutoff) {
        this.entries.delete(id);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.entries.clear();
  }

  toSnapshot(): ProducerSnapshotEntry[] {
    return this.all().map((e) => {
      const last = e.batches.at(-1);
      return {
        producerId: e.producerId,
        producerEpoch: e.epoch,
        lastSequence: last?.lastSeq ?? -1,
        lastOffset: last?.lastOffset ?? -1,
        offsetDelta: last ? last.lastOffset - last.firstOffset : 0,
        timestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnFirstOffset: e.currentTxnFirstOffset,
      };
    });
  }

  loadSnapshot(entries: readonly ProducerSnapshotEntry[]): void {
    this.entries.clear();
    for (const s of entries) {
      const batches: BatchMetadata[] = s.lastOffset >= 0
        ? [{ firstSeq: Math.max(0, s.lastSequence - s.offsetDelta), lastSeq: s.lastSequence, firstOffset: s.lastOffset - s.offsetDelta, lastOffset: s.lastOffset, maxTimestamp: s.timestamp }]
        : [];
      this.entries.set(s.producerId, {
        producerId: s.producerId, epoch: s.producerEpoch, batches, coordinatorEpoch: s.coordinatorEpoch,
        currentTxnFirstOffset: s.currentTxnFirstOffset, lastTimestamp: s.timestamp,
      });
    }
  }
}
