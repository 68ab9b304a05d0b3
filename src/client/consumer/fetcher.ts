/**
 * Fetcher: one Fetch request to one partition leader for several partitions, and the decoding of
 * what comes back into consumer records.
 *
 * Requests are session-less full fetches (session id 0, epoch -1) naming topics (Fetch up to
 * v12), with the consumer's min bytes, max bytes and max wait, a per-partition byte limit and
 * the isolation level.
 *
 * Decoding a partition's records, from the fetch offset on:
 * - entries are walked with batchesIn; a fetch response may end with a partial entry (the
 *   broker cuts at the byte limit), which is left for the next fetch;
 * - records before the fetch offset are dropped (a compressed batch is returned whole, even
 *   when the position is inside it);
 * - control batches (transaction markers) are never returned, but the position moves past them;
 * - with read_committed, the response lists the aborted transactions (producer id and first
 *   offset). Walking the batches in order, a producer id becomes "aborted" once its first offset
 *   is reached and stops being so at its ABORT marker; its transactional batches in between are
 *   skipped (Kafka's algorithm);
 * - legacy message sets (magic 0 and 1) are read too.
 * The next fetch offset is the offset after the last complete batch, so records removed by
 * compaction, skipped batches and markers are stepped over.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FetchResponseAbortedTransaction } from '../../protocol/generated/messages/FetchResponse.js';
import { batchesIn } from '../../protocol/records/batch-iterator.js';
import { recordsOfHeader } from '../../protocol/records/batch-reader.js';
import { ControlRecordType, readControlRecordType } from '../../protocol/records/control.js';
import { readLegacyMessageSet } from '../../protocol/records/legacy.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import type { ConsumerRecord, TopicPartition } from './types.js';

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface FetcherOptions {
  minBytes: number;
  maxBytes: number;
  maxPartitionBytes: number;
  maxWaitMs: number;
  isolationLevel: number;
  checkCrcs: boolean;
}

export interface FetchTarget extends TopicPartition {
  offset: bigint;
}

/** A record with its exact offset (ConsumerRecord.offset is a number). */
export interface FetchedRecord {
  offset: bigint;
  record: ConsumerRecord;
}

export interface PartitionFetch extends TopicPartition {
  fetchOffset: bigint;
  errorCode: number;
  records: FetchedRecord[];
  /** Where the next fetch starts: after the last complete batch read (fetchOffset if none). */
  nextOffset: bigint;
  highWatermark: bigint;
  /** A decoding failure (corrupt batch), reported to the application. */
  error?: Error;
}

export class Fetcher {
  constructor(
    private readonly client: KafkaClient,
    private readonly options: FetcherOptions,
  ) {}

  /** The raw answer of one Fetch of `targets` from the broker `nodeId` (their leader). */
  async fetchRaw(nodeId: number, targets: readonly FetchTarget[]) {
    const conn = await this.client.connection(nodeId);
    const v = conn.version(ApiKey.Fetch, 12);
    if (v === undefined) throw new ClientError('UNSUPPORTED', `${conn.address} does not support Fetch up to v12`);
    if (this.options.isolationLevel !== READ_UNCOMMITTED && v < 4) {
      throw new ClientError('UNSUPPORTED', `${conn.address} does not support read_committed (Fetch v4+)`);
    }
    const byTopic = new Map<string, FetchTarget[]>();
    for (const t of targets) {
      let list = byTopic.get(t.topic);
      if (!list) byTopic.set(t.topic, (list = []));
      list.push(t);
    }
    const res = await conn.request(ApiKey.Fetch, {
      replicaId: -1,
      maxWaitMs: this.options.maxWaitMs,
      minBytes: this.options.minBytes,
      ...(v >= 3 ? { maxBytes: this.options.maxBytes } : {}),
      ...(v >= 4 ? { isolationLevel: this.options.isolationLevel } : {}),
      ...(v >= 7 ? { sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [] } : {}),
      topics: [...byTopic].map(([topic, parts]) => ({
        topic,
        partitions: parts.map((p) => ({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: this.options.maxPartitionBytes })),
      })),
    }, v);
    if ((res.errorCode ?? ErrorCode.NONE) !== ErrorCode.NONE) throw ClientError.kafka(res.errorCode!, `Fetch from ${conn.address}`);
    return res;
  }

  /** Fetches `targets` from the broker `nodeId` (their leader). */
  async fetch(nodeId: number, targets: readonly FetchTarget[]): Promise<PartitionFetch[]> {
    const res = await this.fetchRaw(nodeId, targets);
    const requested = new Map(targets.map((t) => [`${t.topic}\u0000${t.partition}`, t.offset]));
    const out: PartitionFetch[] = [];
    for (const t of res.responses) {
      const topic = t.topic ?? '';
      for (const p of t.partitions) {
        const fetchOffset = requested.get(`${topic}\u0000${p.partitionIndex}`);
        if (fetchOffset === undefined) continue;
        const result: PartitionFetch = {
          topic, partition: p.partitionIndex, fetchOffset, errorCode: p.errorCode,
          records: [], nextOffset: fetchOffset, highWatermark: p.highWatermark,
        };
        if (p.errorCode === ErrorCode.NONE && p.records !== null && p.records.length > 0) {
          try {
            const decoded = decodePartitionRecords(topic, p.partitionIndex, p.records, fetchOffset, {
              readCommitted: this.options.isolationLevel === READ_COMMITTED,
              abortedTransactions: p.abortedTransactions ?? null,
              checkCrcs: this.options.checkCrcs,
            });
            result.records = decoded.records;
            result.nextOffset = decoded.nextOffset;
            if (decoded.records.length === 0 && decoded.nextOffset === fetchOffset && decoded.partialBytes > 0 && decoded.partialBytes >= this.options.maxPartitionBytes) {
              result.error = new ClientError('KAFKA', `${topic}-${p.partitionIndex}: the batch at offset ${fetchOffset} is larger than the fetch size ${this.options.maxPartitionBytes}`);
            }
          } catch (e) {
            result.error = new ClientError('KAFKA', `${topic}-${p.partitionIndex}: cannot read the records at offset ${fetchOffset}: ${(e as Error).message}`);
          }
        }
        out.push(result);
      }
    }
    return out;
  }
}

export interface DecodeOptions {
  readCommitted: boolean;
  abortedTransactions: readonly FetchResponseAbortedTransaction[] | null;
  checkCrcs: boolean;
}

export interface DecodedPartition {
  records: FetchedRecord[];
  nextOffset: bigint;
  /** Bytes of a partial entry at the end. */
  partialBytes: number;
}

/** Decodes a partition's fetched records from `fetchOffset` on (see the file comment). */
export function decodePartitionRecords(topic: string, partition: number, buf: Buffer, fetchOffset: bigint, options: DecodeOptions): DecodedPartition {
  const records: FetchedRecord[] = [];
  let nextOffset = fetchOffset;
  const aborted = options.readCommitted
    ? [...(options.abortedTransactions ?? [])].sort((a, b) => ((a.firstOffset ?? 0n) < (b.firstOffset ?? 0n) ? -1 : 1))
    : [];
  let abortedIndex = 0;
  const abortedProducers = new Set<bigint>();
  const entries = batchesIn(buf);
  for (const span of entries) {
    if (span.header === null) {
      for (const m of readLegacyMessageSet(buf.subarray(span.start, span.start + span.size), { verifyCrc: options.checkCrcs, allowPartialTrailing: true })) {
        if (m.offset + 1n > nextOffset) nextOffset = m.offset + 1n;
        if (m.offset < fetchOffset) continue;
        records.push({ offset: m.offset, record: { topic, partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key, value: m.value, headers: [] } });
      }
      continue;
    }
    const h = span.header;
    const after = h.lastOffset + 1n;
    if (after <= fetchOffset) continue;
    if (options.readCommitted && h.producerId >= 0n) {
      while (abortedIndex < aborted.length && (aborted[abortedIndex]!.firstOffset ?? 0n) <= h.lastOffset) {
        abortedProducers.add(aborted[abortedIndex]!.producerId ?? -1n);
        abortedIndex++;
      }
      if (h.isControl) {
        if (h.isTransactional && isAbortMarker(h)) abortedProducers.delete(h.producerId);
      } else if (h.isTransactional && abortedProducers.has(h.producerId)) {
        nextOffset = after;
        continue;
      }
    }
    if (h.isControl) {
      nextOffset = after;
      continue;
    }
    for (const r of recordsOfHeader(h, { verifyCrc: options.checkCrcs })) {
      if (r.offset < fetchOffset) continue;
      records.push({
        offset: r.offset,
        record: {
          topic, partition,
          offset: Number(r.offset),
          timestamp: Number(r.timestamp),
          key: r.key,
          value: r.value,
          headers: r.headers.map((x) => [x.key, x.value] as [string, Buffer | null]),
        },
      });
    }
    nextOffset = after;
  }
  return { records, nextOffset, partialBytes: entries.partialBytes };
}

function isAbortMarker(h: Parameters<typeof recordsOfHeader>[0]): boolean {
  for (const r of recordsOfHeader(h, { verifyCrc: false })) {
    try {
      return readControlRecordType(r.key) === ControlRecordType.Abort;
    } catch {
      return false;
    }
  }
  return false;
}
