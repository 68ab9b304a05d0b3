/**
 * Saving and rebuilding a log's producer state: a snapshot is written when a segment rolls (at
 * the new segment's base offset) and at clean shutdown (at the log end); opening a log loads the
 * newest readable snapshot not beyond the log end and replays the batch headers after it — at
 * most about one segment after a crash. Snapshots beyond the log end (after truncation) are
 * removed, and only the two newest are kept.
 */
import {
  deleteProducerSnapshotsBefore, latestProducerSnapshot, listProducerSnapshots, writeProducerSnapshot,
} from '../checkpoints/producer-snapshot.js';
import { BatchField, LOG_OVERHEAD } from '../../protocol/records/batch-header.js';
import { offsetFileName, SNAPSHOT_SUFFIX } from '../segment/segment-files.js';
import { producerInfoOf } from '../producer/producer-state.js';
import type { PartitionLog } from './partition-log.js';

export function restoreProducerState(log: PartitionLog): void {
  const fs = log.filesystem;
  const end = log.logEndOffset;
  for (const o of listProducerSnapshots(fs, log.dir)) if (o > end) fs.remove(`${log.dir}/${offsetFileName(o, SNAPSHOT_SUFFIX)}`);
  const snapshot = latestProducerSnapshot(fs, log.dir, end);
  log.producers.clear();
  if (snapshot) log.producers.loadSnapshot(snapshot.entries);
  replayFrom(log, Math.max(snapshot?.offset ?? 0, log.logStartOffset));
}

/** Feeds every batch from `offset` to the log end into the producer state (headers only). */
function replayFrom(log: PartitionLog, offset: number): void {
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 4 * 1024 * 1024, log.logEndOffset, true);
    if (r.records.length === 0) break;
    const buf = r.records;
    for (let pos = 0; pos + LOG_OVERHEAD <= buf.length;) {
      const size = LOG_OVERHEAD + buf.readInt32BE(pos + BatchField.batchLength);
      const base = Number(buf.readBigInt64BE(pos));
      const last = base + buf.readInt32BE(pos + BatchField.lastOffsetDelta);
      const info = producerInfoOf(buf, pos);
      if (info && last >= offset) {
        if (info.isControl) log.recordMarker(info.producerId, buf, pos, last);
        log.producers.update(info, base, last, Number(buf.readBigInt64BE(pos + BatchField.maxTimestamp)));
      }
      pos += size;
    }
    offset = r.nextOffset;
  }
}

export async function snapshotProducerState(log: PartitionLog, offset: number): Promise<void> {
  const fs = log.filesystem;
  await writeProducerSnapshot(fs, log.dir, offset, log.producers.toSnapshot());
  const all = listProducerSnapshots(fs, log.dir);
  if (all.length > 2) deleteProducerSnapshotsBefore(fs, log.dir, all[all.length - 2]!);
}
