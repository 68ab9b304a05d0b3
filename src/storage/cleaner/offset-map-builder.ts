/**
 * Building the offset map: key -> latest offset over the dirty, cleanable range
 * [firstDirtyOffset, firstUncleanableOffset), reading the dirty segments' records (decompressing
 * as needed).
 *
 * What goes in: every keyed record of an ordinary batch. Records without a key cannot be
 * compacted. Control batches (transaction markers) and the batches of transactional producers
 * stay out of the map for now: the cleaner copies them as they are, and a record of a
 * transaction that may have aborted must not make an older value of its key disappear. (Kafka
 * maps committed transactional records and drops aborted ones; that waits for transaction
 * support.)
 *
 * When the map fills, the build stops at the first record that does not fit, and the pass cleans
 * only below that offset (`endOffset`): every record there had its key mapped, and everything
 * from `endOffset` on is left as it is for the next pass. That is Kafka's behaviour, and since the
 * map holds at least one key, every pass makes progress.
 *
 * Batches are checked (CRC-32C) as they are read: a corrupt segment stops the pass before the
 * map can be built from garbage.
 *
 * Contract: one call per pass, on the pass's own map (cleared first).
 */
import type { FileSystem } from '../fs/file-system.js';
import { BatchAttribute, BatchField, readBatchHeader } from '../../protocol/records/batch-header.js';
import { recordsOfHeader } from '../../protocol/records/batch-reader.js';
import type { LogSegment } from '../segment/log-segment.js';
import type { OffsetMap } from './offset-map.js';
import { withSegmentBatches } from './segment-batches.js';
import type { StepBudget } from './step-budget.js';

export interface OffsetMapResult {
  /** The pass cleans offsets below this. */
  endOffset: number;
  /** Whether the map filled before the end of the cleanable range. */
  full: boolean;
  /** Keyed records read into the map. */
  recordsMapped: number;
}

export async function buildOffsetMap(
  fs: FileSystem,
  dirtySegments: readonly LogSegment[],
  firstDirtyOffset: number,
  firstUncleanableOffset: number,
  map: OffsetMap,
  budget: StepBudget,
  maxBatchSize: number,
): Promise<OffsetMapResult> {
  map.clear();
  let recordsMapped = 0;
  for (const seg of dirtySegments) {
    if (seg.baseOffset >= firstUncleanableOffset) break;
    const stoppedAt = await withSegmentBatches(fs, seg, { verifyCrc: true, maxBatchSize }, async (reader) => {
      for (let b = reader.next(); b; b = reader.next()) {
        if (b.lastOffset < firstDirtyOffset) continue;
        const attributes = b.buf.readInt16BE(b.at + BatchField.attributes);
        if ((attributes & (BatchAttribute.control | BatchAttribute.transactional)) === 0) {
          for (const r of recordsOfHeader(readBatchHeader(b.buf, b.at), { verifyCrc: false })) {
            const offset = Number(r.offset);
            if (offset < firstDirtyOffset || r.key === null) continue;
            if (!map.put(r.key, offset)) return offset;
            recordsMapped++;
          }
        }
        await budget.consumed(b.size);
      }
      return undefined;
    });
    if (stoppedAt !== undefined) return { endOffset: stoppedAt, full: true, recordsMapped };
  }
  return { endOffset: firstUncleanableOffset, full: false, recordsMapped };
}
