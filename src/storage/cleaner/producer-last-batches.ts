/**
 * The last data batch of each producer id in the region a pass rewrites, found by reading batch
 * headers only (no record is decoded).
 *
 * Why: compaction can remove every record of a batch. An idempotent producer's state (its epoch
 * and last sequence, rebuilt from the log after a restart or on a replica) comes from its last
 * batch, so when the emptied batch is its producer's last one in the rewritten region, the
 * cleaner keeps it as an empty batch (header only, original offsets and sequence) instead of
 * dropping it. Kafka keeps the last batch of each active producer the same way. Judging by the
 * rewritten region rather than the whole log may keep an empty batch that a later batch (in a
 * segment not rewritten) made unnecessary; the next pass that reaches it drops it.
 *
 * Memory: one entry per producer id seen in the region.
 *
 * Contract: a read-only walk of the segments a pass is about to rewrite.
 */
import type { FileSystem } from '../fs/file-system.js';
import { BatchAttribute, BatchField } from '../../protocol/records/batch-header.js';
import type { LogSegment } from '../segment/log-segment.js';
import { withSegmentBatches } from './segment-batches.js';
import type { StepBudget } from './step-budget.js';

/** producer id -> base offset of its last (non-control) batch in `segments`. */
export async function lastBatchOfEachProducer(
  fs: FileSystem,
  segments: readonly LogSegment[],
  budget: StepBudget,
  maxBatchSize: number,
): Promise<Map<bigint, number>> {
  const last = new Map<bigint, number>();
  for (const seg of segments) {
    await withSegmentBatches(fs, seg, { verifyCrc: false, maxBatchSize }, async (reader) => {
      for (let b = reader.next(); b; b = reader.next()) {
        const producerId = b.buf.readBigInt64BE(b.at + BatchField.producerId);
        const control = (b.buf.readInt16BE(b.at + BatchField.attributes) & BatchAttribute.control) !== 0;
        if (producerId >= 0n && !control) last.set(producerId, b.baseOffset);
        await budget.consumed(b.size);
      }
    });
  }
  return last;
}
