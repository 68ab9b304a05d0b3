/**
 * One cleaning pass over one log, given a plan that says it should be cleaned:
 *
 *  1. make the cleanable range durable (group commit): what is rewritten was fsynced, and the
 *     log's own flushes never again need the segments that are about to be replaced;
 *  2. build the offset map over the dirty range; the pass cleans below `endOffset` (the end of
 *     the range, or where the map filled);
 *  3. find each producer's last batch in the region to rewrite (every segment below endOffset:
 *     the clean part is rewritten too, since newer keys in the dirty part supersede records in
 *     it, as in Kafka);
 *  4. for each group of consecutive segments, write a cleaned segment (batch-filter.ts) and swap
 *     it in (segment-swap.ts).
 * The caller then moves the log's checkpoint to endOffset.
 *
 * The pass yields to the event loop every few hundred KiB (StepBudget) and reads segments
 * through handles of its own, so appends and fetches go on meanwhile; whatever the log's owner
 * does to the segments being rewritten is detected before the swap and abandons the pass.
 *
 * Contract: run by the Cleaner, one log at a time, with the Cleaner's offset map.
 */
import type { PartitionLog } from '../log/partition-log.js';
import { BatchField } from '../../protocol/records/batch-header.js';
import { filterBatch, type FilterContext } from './batch-filter.js';
import { CleanedSegmentWriter } from './cleaned-segment-writer.js';
import { CleaningAborted } from './cleaner-errors.js';
import type { CleaningPlan, CleaningReason } from './cleaning-plan.js';
import { buildOffsetMap } from './offset-map-builder.js';
import type { OffsetMap } from './offset-map.js';
import { lastBatchOfEachProducer } from './producer-last-batches.js';
import { withSegmentBatches } from './segment-batches.js';
import { groupSegments } from './segment-groups.js';
import { checkUnchanged, snapshotOf, swapInCleanedSegment, type SwapHook } from './segment-swap.js';
import type { StepBudget } from './step-budget.js';

export interface LogCleanResult {
  dir: string;
  reason: CleaningReason;
  firstDirtyOffset: number;
  /** The new checkpoint: offsets below it are clean. */
  endOffset: number;
  /** Whether the offset map filled before the end of the cleanable range. */
  mapFull: boolean;
  segmentsRewritten: number;
  segmentsWritten: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Batches given a delete horizon by this pass. */
  horizonsSet: number;
  batchesDropped: number;
  emptyBatchesKept: number;
  /** The earliest delete horizon among the tombstones still in the log, undefined when none. */
  pendingDeleteHorizon: number | undefined;
}

export interface LogCleaningContext {
  map: OffsetMap;
  budget: StepBudget;
  now: number;
  /** Throws CleaningAborted when the pass must stop. */
  check: () => void;
  hook?: SwapHook;
}

/** An empty result for `plan`, filled in by cleanLog as it goes (so a caller sees partial work too). */
export function newLogCleanResult(log: PartitionLog, plan: CleaningPlan): LogCleanResult {
  if (plan.reason === undefined) throw new Error('a log is cleaned only with a plan that has a reason');
  return {
    dir: log.dir,
    reason: plan.reason,
    firstDirtyOffset: plan.firstDirtyOffset,
    endOffset: plan.firstDirtyOffset,
    mapFull: false,
    segmentsRewritten: 0,
    segmentsWritten: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    recordsRemoved: 0,
    tombstonesRemoved: 0,
    horizonsSet: 0,
    batchesDropped: 0,
    emptyBatchesKept: 0,
    pendingDeleteHorizon: undefined,
  };
}

export async function cleanLog(
  log: PartitionLog,
  plan: CleaningPlan,
  ctx: LogCleaningContext,
  result: LogCleanResult = newLogCleanResult(log, plan),
): Promise<LogCleanResult> {
  const fs = log.filesystem;
  const config = log.config;
  const maxBatchSize = log.segmentConfig().maxBatchSize;
  const snapshots = plan.segments.map(snapshotOf);

  try {
    await log.waitDurable(plan.firstUncleanableOffset);
  } catch (e) {
    throw new CleaningAborted(`log ${log.dir} could not be flushed before cleaning: ${String(e)}`);
  }
  ctx.check();
  checkUnchanged(log, snapshots);

  const mapped = await buildOffsetMap(
    fs, plan.dirtySegments, plan.firstDirtyOffset, plan.firstUncleanableOffset, ctx.map, ctx.budget, maxBatchSize,
  );
  result.endOffset = mapped.endOffset;
  result.mapFull = mapped.full;
  const rewrite = snapshots.filter((s) => s.segment.baseOffset < mapped.endOffset);
  if (rewrite.length === 0) return result;

  const filter: FilterContext = {
    map: ctx.map,
    endOffset: mapped.endOffset,
    now: ctx.now,
    deleteRetentionMs: config.deleteRetentionMs,
    lastBatchOfProducer: await lastBatchOfEachProducer(fs, rewrite.map((s) => s.segment), ctx.budget, maxBatchSize),
  };
  const bySegment = new Map(rewrite.map((s) => [s.segment, s]));
  const groups = groupSegments(fs, rewrite.map((s) => s.segment), {
    segmentBytes: config.segmentBytes,
    maxIndexBytes: config.segmentIndexBytes,
  });
  for (const group of groups) {
    const snaps = group.map((seg) => bySegment.get(seg)!);
    ctx.check();
    checkUnchanged(log, snaps);
    const writer = new CleanedSegmentWriter(fs, log.dir, group[0]!.baseOffset, config.indexIntervalBytes, config.segmentIndexBytes);
    try {
      for (const seg of group) {
        result.bytesBefore += seg.size;
        await withSegmentBatches(fs, seg, { verifyCrc: true, maxBatchSize }, async (reader) => {
          for (let b = reader.next(); b; b = reader.next()) {
            const f = filterBatch(b.buf, b.at, filter);
            result.recordsRemoved += f.recordsRemoved;
            result.tombstonesRemoved += f.tombstonesRemoved;
            if (f.horizonSet) result.horizonsSet++;
            if (f.pendingHorizon !== undefined) {
              result.pendingDeleteHorizon = Math.min(result.pendingDeleteHorizon ?? Infinity, f.pendingHorizon);
            }
            if (f.action === 'copy') {
              writer.append(b.buf, b.at, b.size, b.lastOffset, b.maxTimestamp);
            } else if (f.action === 'drop') {
              result.batchesDropped++;
            } else {
              const bytes = f.bytes!;
              if (f.action === 'empty') result.emptyBatchesKept++;
              writer.append(bytes, 0, bytes.length, b.lastOffset, Number(bytes.readBigInt64BE(BatchField.maxTimestamp)));
            }
            await ctx.budget.consumed(b.size);
          }
        });
      }
      await swapInCleanedSegment(log, snaps, writer, ctx.now, ctx.check, ctx.hook);
    } catch (e) {
      try {
        writer.abort();
      } catch {
        // best effort: the loader removes `.cleaned` files at the next start
      }
      throw e;
    }
    result.segmentsRewritten += group.length;
    result.segmentsWritten++;
    result.bytesAfter += writer.size;
  }
  return result;
}
