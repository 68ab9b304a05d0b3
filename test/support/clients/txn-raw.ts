/**
 * Test support: the requests of idempotent and transactional producers, and of the tools that
 * inspect them, sent over RawClient with exactly the ids, epochs and sequences a test chooses.
 *
 * Also a batch-level reader of a partition (Fetch v12 at either isolation level) that keeps what
 * clients hide: producer ids, sequences, the transactional bit and the COMMIT/ABORT markers.
 */
import { RawClient, type ResponseOf } from './raw-client.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { batchesIn } from '../../../src/protocol/records/batch-iterator.js';
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js';
import { batchRecords } from '../../../src/protocol/records/batch-reader.js';
import { ControlRecordType, readEndTransactionMarker } from '../../../src/protocol/records/control.js';

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

/** Opens a raw connection for the duration of `f`. */
export async function withRaw<T>(port: number, f: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.connect(port);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

export interface ProducerIdAndEpoch {
  producerId: bigint;
  producerEpoch: number;
}

/** InitProducerId v4; a null transactional id asks for an idempotent producer id. */
export async function initProducerId(c: RawClient, transactionalId: string | null, transactionTimeoutMs = 60_000): Promise<ProducerIdAndEpoch & { errorCode: number }> {
  const r = await c.request(22, 4, { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 });
  return { errorCode: r.errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch };
}

/** AddPartitionsToTxn v3: the error of each partition, in the order given. */
export async function addPartitionsToTxn(c: RawClient, transactionalId: string, p: ProducerIdAndEpoch, topic: string, partitions: number[]): Promise<number[]> {
  const r = await c.request(24, 3, {
    v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [{ name: topic, partitions }],
  });
  const results = r.resultsByTopicV3AndBelow?.find((t) => t.name === topic)?.resultsByPartition ?? [];
  return partitions.map((i) => results.find((x) => x.partitionIndex === i)?.partitionErrorCode ?? -1);
}

/** EndTxn v3: the error code. */
export async function endTxn(c: RawClient, transactionalId: string, p: ProducerIdAndEpoch, commit: boolean): Promise<number> {
  const r = await c.request(26, 3, { transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed: commit });
  return r.errorCode;
}

export interface ProducerBatchOptions extends ProducerIdAndEpoch {
  baseSequence: number;
  transactional?: boolean;
  timestamp?: number;
}

/** A batch of string values stamped with a producer id, epoch and base sequence. */
export function producerBatch(values: readonly string[], o: ProducerBatchOptions): Buffer {
  const ts = BigInt(o.timestamp ?? Date.now());
  return buildRecordBatch(values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: ts + BigInt(i) })), {
    producerId: o.producerId, producerEpoch: o.producerEpoch, baseSequence: o.baseSequence, isTransactional: o.transactional ?? false,
  });
}

export type PartitionProduceResponse = ResponseOf<0>['responses'][number]['partitionResponses'][number];

/**
 * Produce v9 (acks -1) of one batch to one partition. The batch is copied first: the broker
 * assigns offsets in the buffer it receives, and a test may want to send the same bytes again.
 */
export async function produceTo(c: RawClient, topic: string, partition: number, batch: Buffer, transactionalId: string | null = null): Promise<PartitionProduceResponse> {
  const r = await c.request(0, 9, {
    transactionalId, acks: -1, timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: Buffer.from(batch) }] }],
  });
  const p = r.responses[0]?.partitionResponses[0];
  if (!p) throw new Error('produce response without a partition');
  return p;
}

/** ListOffsets v5 "latest" (-1) at an isolation level: the high watermark or the last stable offset. */
export async function latestOffset(c: RawClient, topic: string, partition: number, isolationLevel: number): Promise<number> {
  const r = await c.request(2, 5, {
    replicaId: -1, isolationLevel,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n }] }],
  });
  const p = r.topics[0]?.partitions[0];
  if (!p || p.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition} failed with error ${p?.errorCode}`);
  return Number(p.offset ?? -1n);
}

export type TransactionState = ResponseOf<65>['transactionStates'][number];

export async function describeTransaction(c: RawClient, transactionalId: string): Promise<TransactionState> {
  const r = await c.request(65, 0, { transactionalIds: [transactionalId] });
  const s = r.transactionStates[0];
  if (!s) throw new Error('DescribeTransactions answered without a state');
  return s;
}

export async function listTransactions(c: RawClient, stateFilters: string[] = [], producerIdFilters: bigint[] = [], durationFilter = -1n): Promise<ResponseOf<66>> {
  return c.request(66, 1, { stateFilters, producerIdFilters, durationFilter });
}

export type ActiveProducer = ResponseOf<61>['topics'][number]['partitions'][number]['activeProducers'][number];

export async function describeProducers(c: RawClient, topic: string, partition: number): Promise<{ errorCode: number; producers: ActiveProducer[] }> {
  const r = await c.request(61, 0, { topics: [{ name: topic, partitionIndexes: [partition] }] });
  const p = r.topics[0]?.partitions[0];
  if (!p) throw new Error('DescribeProducers answered without the partition');
  return { errorCode: p.errorCode, producers: p.activeProducers };
}

export interface RawBatch {
  baseOffset: number;
  lastOffset: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  /** 'COMMIT' or 'ABORT' for a transaction marker, undefined for data. */
  marker: 'COMMIT' | 'ABORT' | undefined;
  values: (string | null)[];
}

export interface RawPartition {
  batches: RawBatch[];
  highWatermark: number;
  lastStableOffset: number;
  abortedTransactions: { producerId: bigint; firstOffset: number }[];
}

/** Every batch from offset 0 up to the high watermark (read_uncommitted) or the last stable offset (read_committed). */
export async function readBatches(port: number, topic: string, partition: number, isolationLevel = READ_UNCOMMITTED): Promise<RawPartition> {
  return withRaw(port, async (c) => {
    const batches: RawBatch[] = [];
    const aborted: RawPartition['abortedTransactions'] = [];
    let offset = 0;
    for (let round = 0; round < 1000; round++) {
      const r = await c.request(1, 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 16 * 1024 * 1024, isolationLevel, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 8 * 1024 * 1024 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = r.responses[0]?.partitions[0];
      if (!p) throw new Error(`fetch of ${topic}-${partition} returned no partition`);
      if (p.errorCode !== 0) throw new Error(`fetch of ${topic}-${partition} failed with error ${p.errorCode}`);
      for (const a of p.abortedTransactions ?? []) {
        const producerId = a.producerId ?? -1n;
        const firstOffset = Number(a.firstOffset ?? -1n);
        if (!aborted.some((x) => x.producerId === producerId && x.firstOffset === firstOffset)) aborted.push({ producerId, firstOffset });
      }
      const hw = Number(p.highWatermark);
      const lso = Number(p.lastStableOffset ?? -1n);
      const limit = isolationLevel === READ_COMMITTED ? lso : hw;
      const buf = p.records ?? Buffer.alloc(0);
      let progressed = false;
      for (const span of batchesIn(buf)) {
        const h = readBatchHeader(buf, span.start);
        if (Number(h.lastOffset) < offset) continue;
        let marker: RawBatch['marker'];
        if (h.isControl) marker = readEndTransactionMarker(buf, span.start).type === ControlRecordType.Commit ? 'COMMIT' : 'ABORT';
        const values = h.isControl ? [] : [...batchRecords(buf, span.start)].map((x) => (x.value === null ? null : x.value.toString()));
        batches.push({
          baseOffset: Number(h.baseOffset), lastOffset: Number(h.lastOffset), producerId: h.producerId, producerEpoch: h.producerEpoch,
          baseSequence: h.baseSequence, transactional: h.isTransactional, marker, values,
        });
        offset = Number(h.lastOffset) + 1;
        progressed = true;
      }
      if (offset >= limit || !progressed) return { batches, highWatermark: hw, lastStableOffset: lso, abortedTransactions: aborted };
    }
    throw new Error(`reading ${topic}-${partition} did not reach its end`);
  });
}

/** The data values of a partition in offset order (markers left out), whatever their transaction's outcome. */
export function allValues(p: RawPartition): (string | null)[] {
  return p.batches.flatMap((b) => b.values);
}
