/**
 * A query's scan of a topic: for each chosen partition, from a start (an offset, or the first
 * offset at a time, found through the partition's time index with ListOffsets) to an end (an
 * offset, the first offset after a time, or the high watermark when the scan began), reading
 * record batches with Fetch from the partition's leader. A batch whose header says it cannot
 * match is skipped without being decompressed: control batches, batches wholly before the start
 * offset, and batches whose maxTimestamp is before the time range. The other batches' records are
 * kept when they fall in the offset and time range and the filter matches.
 *
 * Results go to `emit` in partition order, each partition in offset order, until `limit`
 * records matched; the scan's counts say what it read and skipped.
 *
 * Contract: one call per query, through the caller's client (Fetch needs READ on the topic).
 */
import type { Admin } from '../client/admin/index.js';
import { Fetcher, READ_UNCOMMITTED } from '../client/consumer/fetcher.js';
import type { KafkaClient } from '../client/kafka-client.js';
import type { ConsumerRecord } from '../client/consumer/types.js';
import { ClientError } from '../client/client-error.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { batchesIn } from '../protocol/records/batch-iterator.js';
import { recordsOfHeader } from '../protocol/records/batch-reader.js';
import { matches, type JsonOf, type MessageFilter } from './record-filter.js';

export interface ScanRange {
  partitions: readonly number[];
  fromOffset?: number;
  /** Inclusive. */
  toOffset?: number;
  /** Milliseconds since the epoch, inclusive. */
  fromTime?: number;
  toTime?: number;
}

/** A record as a consumer sees it, the topic aside (a scan reads one). */
export type ScannedRecord = Omit<ConsumerRecord, 'topic'>;

export interface ScanStats {
  partitions: number;
  batchesRead: number;
  batchesSkipped: number;
  recordsScanned: number;
  bytesScanned: number;
  matched: number;
}

export interface ScanOptions {
  filter: MessageFilter;
  jsonOf: JsonOf;
  limit: number;
  /** Stop early when this returns true (the caller went away). */
  cancelled?: () => boolean;
}

async function offsetAt(admin: Admin, topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): Promise<number> {
  return (await admin.listOffsets([{ topic, partition }], spec)).get(topic)?.get(partition)?.offset ?? -1;
}

/** [start, end) of one partition, from the range and the partition's offsets. */
async function bounds(admin: Admin, topic: string, partition: number, r: ScanRange): Promise<[number, number]> {
  const [low, high] = await Promise.all([offsetAt(admin, topic, partition, 'earliest'), offsetAt(admin, topic, partition, 'latest')]);
  let start = Math.max(low, r.fromOffset ?? low);
  let end = Math.min(high, r.toOffset !== undefined ? r.toOffset + 1 : high);
  if (r.fromTime !== undefined) {
    const at = await offsetAt(admin, topic, partition, { timestamp: r.fromTime });
    start = at < 0 ? end : Math.max(start, at);
  }
  if (r.toTime !== undefined) {
    const after = await offsetAt(admin, topic, partition, { timestamp: r.toTime + 1 });
    if (after >= 0) end = Math.min(end, after);
  }
  return [start, end];
}

export async function scanTopic(client: KafkaClient, admin: Admin, topic: string, range: ScanRange, options: ScanOptions, emit: (r: ScannedRecord) => void | Promise<void>): Promise<ScanStats> {
  const stats: ScanStats = { partitions: range.partitions.length, batchesRead: 0, batchesSkipped: 0, recordsScanned: 0, bytesScanned: 0, matched: 0 };
  const fetcher = new Fetcher(client, { minBytes: 1, maxBytes: 8 << 20, maxPartitionBytes: 4 << 20, maxWaitMs: 0, isolationLevel: READ_UNCOMMITTED, checkCrcs: true });
  const fromTime = range.fromTime !== undefined ? BigInt(range.fromTime) : undefined;
  for (const partition of range.partitions) {
    const [start, end] = await bounds(admin, topic, partition, range);
    let position = start;
    while (position < end && stats.matched < options.limit && !options.cancelled?.()) {
      const leader = await client.withRetries(() => client.leaderOf(topic, partition));
      const res = await fetcher.fetchRaw(leader, [{ topic, partition, offset: BigInt(position) }]);
      const p = res.responses[0]?.partitions[0];
      if (!p) break;
      if (p.errorCode !== ErrorCode.NONE) throw ClientError.kafka(p.errorCode, `read ${topic}-${partition}`);
      const bytes = p.records;
      if (!bytes || bytes.length === 0) break;
      let next = position;
      for (const span of batchesIn(bytes)) {
        const h = span.header;
        if (!h) continue;
        next = Number(h.lastOffset) + 1;
        if (h.isControl || Number(h.lastOffset) < position || (fromTime !== undefined && h.maxTimestamp < fromTime)) {
          stats.batchesSkipped++;
          continue;
        }
        stats.batchesRead++;
        stats.bytesScanned += span.size;
        for (const r of recordsOfHeader(h)) {
          const offset = Number(r.offset);
          if (offset < position || offset >= end) continue;
          stats.recordsScanned++;
          const timestamp = Number(r.timestamp);
          if ((range.fromTime !== undefined && timestamp < range.fromTime) || (range.toTime !== undefined && timestamp > range.toTime)) continue;
          const headers = r.headers.map((x) => [x.key, x.value] as [string, Buffer | null]);
          if (!matches(options.filter, { key: r.key, value: r.value, headers }, options.jsonOf)) continue;
          stats.matched++;
          await emit({ partition, offset, timestamp, key: r.key, value: r.value, headers });
          if (stats.matched >= options.limit) break;
        }
        if (stats.matched >= options.limit) break;
      }
      if (next <= position) break;
      position = next;
    }
  }
  return stats;
}
