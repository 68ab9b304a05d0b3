/**
 * Producer: batches records per partition and sends them to the partitions' leaders.
 *
 * Records are appended to the open batch of their partition (keyed records by murmur2, keyless
 * ones to the sticky partition, see partitioner.ts). A batch is ready once it holds batchSize
 * bytes, once lingerMs passed since its first record, or when flush()/close() asks; the sender
 * then builds every ready batch (v2 record batch, compressed as configured) and sends one
 * Produce request per broker carrying the ready batches of all partitions that broker leads.
 * Each partition has at most one batch in flight, so batches of a partition are written in the
 * order they were filled.
 *
 * Failures: a retriable error (a moved leader, not enough replicas, a lost connection, a
 * request timeout) keeps the batch at the head of its partition and retries it after a backoff
 * and a metadata refresh, until timeoutMs after the batch was opened (Kafka's
 * delivery.timeout.ms); any other error fails the batch's records.
 *
 * Idempotence: the producer gets a producer id and epoch (InitProducerId) before its first
 * batch and numbers each partition's batches with sequence numbers, assigned when a batch is
 * first sent and kept across its retries, so a retried batch the broker already wrote is
 * answered with its original offsets instead of being written twice. When a batch's fate is
 * unknown (it expired after a lost response, or the broker lost the producer's state), the
 * producer takes a new producer id and restarts its sequences.
 *
 * Topics are created on first use when the broker allows it (Metadata allowAutoTopicCreation,
 * like Kafka's clients), and waited for up to timeoutMs.
 *
 * Contract: one producer per KafkaClient user; send() may be called concurrently. send()
 * resolves once every record of the call is acknowledged (offset -1 with acks=0), or rejects with
 * the first error of any of its records (the others may still have been written). The client is
 * not closed by close().
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ProduceRequestTopicProduceData } from '../../protocol/generated/messages/ProduceRequest.js';
import type { ProduceResponsePartitionProduceResponse } from '../../protocol/generated/messages/ProduceResponse.js';
import { CompressionType } from '../../protocol/compression/index.js';
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { call, isRetriable } from '../admin/requests.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient, TopicInfo } from '../kafka-client.js';
import { DefaultPartitioner, type Partitioner } from '../partitioner.js';
import { normaliseRecord, type ProducerRecord } from './records.js';
import { COMPRESSION, type ProducerOptions, type RecordMetadata } from './producer-options.js';
import { openBatch, PartitionState, ProducerBatch, SendCall } from './producer-batches.js';

export type { ProducerRecord, HeaderValue } from './records.js';

export type { Acks, CompressionName, ProducerOptions, RecordMetadata } from './producer-options.js';

const MAX_BACKOFF_MS = 1000;
const INT32_MAX = 0x7fffffff;

export class Producer {
  private readonly acks: -1 | 0 | 1;
  private readonly compression: CompressionType;
  private readonly lingerMs: number;
  private readonly batchSize: number;
  private readonly idempotent: boolean;
  private readonly timeoutMs: number;
  private readonly autoCreate: boolean;
  private readonly backoffMs: number;
  private readonly partitioner: Partitioner;

  private readonly states = new Map<string, PartitionState>();
  private readonly topicWaits = new Map<string, Promise<TopicInfo>>();
  private readonly refreshing = new Set<string>();
  private readonly appending = new Set<Promise<unknown>>();
  private closed = false;
  private flushing = 0;
  private wakeScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  private producerId = -1n;
  private producerEpoch = -1;
  /** Bumped each time a new producer id is taken; batches built for an older one are rebuilt. */
  private pidGeneration = 0;
  private pidRequest: Promise<void> | undefined;
  private pidResetWanted = false;

  constructor(
    readonly client: KafkaClient,
    options: ProducerOptions = {},
  ) {
    const acks = options.acks ?? -1;
    if (acks === 'all' || acks === -1) this.acks = -1;
    else if (acks === 0 || acks === 1) this.acks = acks;
    else throw new ClientError('INVALID_ARGUMENT', `acks must be -1, 0, 1 or 'all', not ${String(acks)}`);
    const compression = options.compression ?? 'none';
    if (!(compression in COMPRESSION)) throw new ClientError('INVALID_ARGUMENT', `unknown compression ${String(compression)}`);
    this.compression = COMPRESSION[compression];
    this.lingerMs = nonNegative(options.lingerMs ?? 5, 'lingerMs');
    this.batchSize = nonNegative(options.batchSize ?? 16384, 'batchSize');
    this.idempotent = options.idempotent ?? false;
    if (this.idempotent && this.acks !== -1) throw new ClientError('INVALID_ARGUMENT', 'an idempotent producer needs acks=all (-1)');
    this.timeoutMs = nonNegative(options.timeoutMs ?? 30_000, 'timeoutMs');
    this.autoCreate = options.allowAutoTopicCreation ?? true;
    this.backoffMs = nonNegative(options.retryBackoffMs ?? client.options.retryBackoffMs, 'retryBackoffMs');
    this.partitioner = options.partitioner ?? new DefaultPartitioner();
  }

  /** Sends records to a topic; resolves with each record's partition and offset once acknowledged. */
  send(topic: string, records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (this.closed) return Promise.reject(new ClientError('INVALID_ARGUMENT', 'the producer is closed'));
    if (typeof topic !== 'string' || topic === '') return Promise.reject(new ClientError('INVALID_ARGUMENT', 'a topic name is required'));
    if (!Array.isArray(records)) return Promise.reject(new ClientError('INVALID_ARGUMENT', 'records must be an array'));
    if (records.length === 0) return Promise.resolve([]);
    const appended = this.append(topic, records);
    this.appending.add(appended);
    void appended.then(() => this.appending.delete(appended), () => this.appending.delete(appended));
    return appended.then((c) => c.promise);
  }

  /** Sends everything buffered now and waits until it is acknowledged (or failed). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.appending]);
    const batches: Promise<void>[] = [];
    for (const s of this.states.values()) for (const b of s.batches) batches.push(b.done);
    if (batches.length === 0) return;
    this.flushing++;
    this.wake();
    try {
      await Promise.all(batches);
    } finally {
      this.flushing--;
    }
  }

  /** Refuses new records, then flushes. The client stays open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // ---- accumulating ----

  private async append(topic: string, records: readonly ProducerRecord[]): Promise<SendCall> {
    const now = Date.now();
    const normalised = records.map((r) => normaliseRecord(r, now));
    let info = await this.topicInfo(topic);
    let maxExplicit = -1;
    for (const r of records) if (r.partition !== undefined && r.partition > maxExplicit) maxExplicit = r.partition;
    if (maxExplicit >= info.partitions.length) {
      // The topic may have grown since the metadata was cached.
      await this.client.refreshMetadata([topic]).catch(() => undefined);
      info = await this.topicInfo(topic);
    }
    for (const r of records) {
      if (r.partition !== undefined && (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= info.partitions.length)) {
        throw new ClientError('INVALID_ARGUMENT', `partition ${r.partition} is not in [0, ${info.partitions.length - 1}] for topic ${topic}`);
      }
    }
    const sendCall = new SendCall(topic, records.length);
    const numPartitions = info.partitions.length;
    const available = info.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
    const createdAt = Date.now();
    for (let i = 0; i < records.length; i++) {
      const record = normalised[i]!;
      const explicit = records[i]!.partition;
      let partition = explicit ?? this.partitioner.partition(topic, record.key, numPartitions, available);
      checkPartition(partition, numPartitions);
      let state = this.state(topic, partition);
      let open = openBatch(state);
      if (open && open.records.length > 0 && open.size + record.size > this.batchSize) {
        this.closeBatch(open, numPartitions, available);
        if (explicit === undefined && record.key === null) {
          // Sticky partitioning moves on when a batch fills up: re-ask for the partition.
          partition = this.partitioner.partition(topic, record.key, numPartitions, available);
          checkPartition(partition, numPartitions);
          state = this.state(topic, partition);
        }
        open = openBatch(state);
      }
      if (!open) {
        open = new ProducerBatch(topic, partition, createdAt, createdAt + this.timeoutMs);
        state.batches.push(open);
      }
      open.records.push(record.input);
      open.entries.push({ call: sendCall, index: i });
      open.size += record.size;
      if (open.size >= this.batchSize) this.closeBatch(open, numPartitions, available);
    }
    this.wake();
    return sendCall;
  }

  private closeBatch(batch: ProducerBatch, numPartitions?: number, available?: readonly number[]): void {
    if (batch.closed) return;
    batch.closed = true;
    if (!this.partitioner.onBatchClosed) return;
    if (numPartitions === undefined || available === undefined) {
      const info = this.client.metadata.topics.get(batch.topic);
      numPartitions = info?.partitions.length ?? 0;
      available = info?.partitions.filter((p) => p.leader >= 0).map((p) => p.partition) ?? [];
    }
    if (numPartitions > 0) this.partitioner.onBatchClosed(batch.topic, batch.partition, numPartitions, available);
  }

  private state(topic: string, partition: number): PartitionState {
    const key = `${topic}\u0000${partition}`;
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = new PartitionState(topic, partition)));
    return s;
  }

  /** The topic's metadata, auto-creating it if allowed, waiting up to timeoutMs for it to exist. */
  private topicInfo(topic: string): Promise<TopicInfo> {
    const cached = this.client.metadata.topics.get(topic);
    if (cached && cached.errorCode === ErrorCode.NONE && cached.partitions.length > 0) return Promise.resolve(cached);
    let wait = this.topicWaits.get(topic);
    if (!wait) {
      wait = this.waitForTopic(topic).finally(() => this.topicWaits.delete(topic));
      this.topicWaits.set(topic, wait);
    }
    return wait;
  }

  private async waitForTopic(topic: string): Promise<TopicInfo> {
    const deadline = Date.now() + this.timeoutMs;
    let lastCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    for (let attempt = 0; attempt < 10_000; attempt++) {
      try {
        await this.client.refreshMetadata([topic], this.autoCreate);
        const t = this.client.metadata.topics.get(topic);
        if (t && t.errorCode === ErrorCode.NONE && t.partitions.length > 0) return t;
        lastCode = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (lastCode !== ErrorCode.NONE && !isRetriable(lastCode)) throw ClientError.kafka(lastCode, `topic ${topic}`);
      } catch (e) {
        if (!(e instanceof ClientError) || !(e.retriable || e.code === 'CONNECT')) throw e;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(left, this.backoff(attempt)));
    }
    throw ClientError.kafka(lastCode, `topic ${topic}`, `not available within ${this.timeoutMs} ms`);
  }

  // ---- sending ----

  private wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.drain();
    });
  }

  private schedule(at: number): void {
    if (at === Infinity || (this.timer && this.timerAt <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.drain();
    }, Math.max(0, at - Date.now()));
  }

  /** Takes every ready batch (one per partition) and sends them, one request per leader. */
  private drain(): void {
    const now = Date.now();
    this.expire(now);
    if (this.idempotent && !this.ensureProducerId()) return;
    let nextWake = Infinity;
    const ready = new Map<number, ProducerBatch[]>();
    for (const state of this.states.values()) {
      const head = state.batches[0];
      if (!head || state.inFlight) continue;
      nextWake = Math.min(nextWake, head.deadline);
      if (head.retryAt > now) {
        nextWake = Math.min(nextWake, head.retryAt);
        continue;
      }
      const isReady = head.closed || state.batches.length > 1 || this.flushing > 0 || this.closed || now - head.createdAt >= this.lingerMs;
      if (!isReady) {
        nextWake = Math.min(nextWake, head.createdAt + this.lingerMs);
        continue;
      }
      const leader = this.client.metadata.topics.get(state.topic)?.partitions.find((p) => p.partition === state.partition)?.leader ?? -1;
      if (leader < 0) {
        this.refreshTopic(state.topic);
        head.retryAt = now + this.backoff(head.attempts++);
        nextWake = Math.min(nextWake, head.retryAt);
        continue;
      }
      this.closeBatch(head);
      state.inFlight = true;
      const list = ready.get(leader);
      if (list) list.push(head);
      else ready.set(leader, [head]);
    }
    for (const [leader, batches] of ready) void this.sendTo(leader, batches);
    this.schedule(nextWake);
  }

  /** Fails batches past their delivery timeout that are not in flight. */
  private expire(now: number): void {
    for (const state of this.states.values()) {
      if (state.inFlight) continue;
      while (state.batches.length > 0 && state.batches[0]!.deadline <= now) {
        const b = state.batches.shift()!;
        // A batch that was sent may have been written: its sequence numbers are now uncertain.
        if (b.bytes && this.idempotent) this.pidResetWanted = true;
        b.fail(new ClientError('TIMEOUT', `${b.records.length} record(s) for ${b.topic}-${b.partition} not acknowledged within ${this.timeoutMs} ms`));
      }
    }
  }

  /** True when a usable producer id is known; otherwise starts getting one and returns false. */
  private ensureProducerId(): boolean {
    if (this.pidResetWanted && ![...this.states.values()].some((s) => s.inFlight)) {
      this.pidResetWanted = false;
      this.producerId = -1n;
    }
    if (this.producerId >= 0n) return true;
    if (this.pidRequest || ![...this.states.values()].some((s) => s.batches.length > 0)) return false;
    this.pidRequest = this.client.withRetries(async () => {
      const { response } = await call(this.client, 'any', ApiKey.InitProducerId, 5, () => ({ transactionalId: null, transactionTimeoutMs: 60_000 }));
      if (response.errorCode !== ErrorCode.NONE) throw ClientError.kafka(response.errorCode, 'InitProducerId');
      return response;
    }).then((response) => {
      this.producerId = response.producerId;
      this.producerEpoch = response.producerEpoch;
      this.pidGeneration++;
      for (const s of this.states.values()) s.nextSequence = 0;
    }, (e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      for (const s of this.states.values()) {
        if (s.inFlight) continue;
        for (const b of s.batches.splice(0)) b.fail(error);
      }
    }).finally(() => {
      this.pidRequest = undefined;
      this.wake();
    });
    return false;
  }

  private build(batch: ProducerBatch, state: PartitionState): Buffer {
    if (batch.bytes && (!this.idempotent || batch.pidGeneration === this.pidGeneration)) return batch.bytes;
    if (this.idempotent) {
      batch.baseSequence = state.nextSequence;
      batch.pidGeneration = this.pidGeneration;
      state.nextSequence = incrementSequence(state.nextSequence, batch.records.length);
    }
    batch.bytes = buildRecordBatch(batch.records, {
      compression: this.compression,
      ...(this.idempotent ? { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: batch.baseSequence } : {}),
    });
    return batch.bytes;
  }

  private async sendTo(leader: number, batches: ProducerBatch[]): Promise<void> {
    const states = batches.map((b) => this.state(b.topic, b.partition));
    try {
      const conn = await this.client.connection(leader);
      const version = conn.version(ApiKey.Produce, 11);
      if (version === undefined || version < 3) throw new ClientError('UNSUPPORTED', `${conn.address} does not accept v2 record batches (Produce v3+)`);
      if (this.compression === CompressionType.Zstd && version < 7) throw new ClientError('UNSUPPORTED', `${conn.address} does not accept zstd (Produce v7+)`);
      const topicData = new Map<string, ProduceRequestTopicProduceData>();
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i]!;
        let t = topicData.get(b.topic);
        if (!t) topicData.set(b.topic, (t = { name: b.topic, partitionData: [] }));
        t.partitionData.push({ index: b.partition, records: this.build(b, states[i]!) });
      }
      const body = { transactionalId: null, acks: this.acks, timeoutMs: this.timeoutMs, topicData: [...topicData.values()] };
      if (this.acks === 0) {
        conn.sendOneWay(ApiKey.Produce, body, version);
        for (const b of batches) this.finish(b, () => b.complete(-1));
        return;
      }
      const response = await conn.request(ApiKey.Produce, body, version);
      const byPartition = new Map<string, ProduceResponsePartitionProduceResponse>();
      for (const t of response.responses) for (const p of t.partitionResponses) byPartition.set(`${t.name}\u0000${p.index}`, p);
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i]!;
        const p = byPartition.get(`${b.topic}\u0000${b.partition}`);
        if (!p) this.onError(b, states[i]!, ClientError.kafka(ErrorCode.UNKNOWN_SERVER_ERROR, `produce to ${b.topic}-${b.partition}`, 'missing from the response'));
        else this.onPartitionResponse(b, states[i]!, p);
      }
    } catch (e) {
      for (let i = 0; i < batches.length; i++) this.onError(batches[i]!, states[i]!, e);
    } finally {
      for (const s of states) s.inFlight = false;
      this.wake();
    }
  }

  private onPartitionResponse(b: ProducerBatch, state: PartitionState, p: ProduceResponsePartitionProduceResponse): void {
    const code = p.errorCode;
    if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      this.finish(b, () => b.complete(Number(p.baseOffset)));
      return;
    }
    const detail = p.errorMessage ?? (p.recordErrors?.length ? p.recordErrors.map((r) => `record ${r.batchIndex}: ${r.batchIndexErrorMessage ?? ''}`).join('; ') : null);
    const error = ClientError.kafka(code, `produce to ${b.topic}-${b.partition}`, detail);
    if (this.idempotent && code === ErrorCode.UNKNOWN_PRODUCER_ID) {
      // The broker no longer knows this producer (its state expired): start over with a new id.
      this.pidResetWanted = true;
      this.retry(b, error);
      return;
    }
    if (this.idempotent && code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      this.pidResetWanted = true;
      this.finish(b, () => b.fail(error));
      return;
    }
    if (isRetriable(code)) {
      this.retry(b, error);
      return;
    }
    // The broker refused the batch outright: its sequence numbers were not used.
    if (this.idempotent && b.bytes && b.pidGeneration === this.pidGeneration) state.nextSequence = b.baseSequence;
    this.finish(b, () => b.fail(error));
  }

  private onError(b: ProducerBatch, _state: PartitionState, e: unknown): void {
    if (e instanceof ClientError && (e.retriable || e.code === 'CONNECT')) {
      this.retry(b, e);
      return;
    }
    const error = e instanceof Error ? e : new Error(String(e));
    if (this.idempotent && b.bytes) this.pidResetWanted = true;
    this.finish(b, () => b.fail(error));
  }

  /** Leaves the batch at the head of its partition, to be sent again after a backoff. */
  private retry(b: ProducerBatch, error: ClientError): void {
    const now = Date.now();
    if (now >= b.deadline) {
      if (this.idempotent && b.bytes) this.pidResetWanted = true;
      this.finish(b, () => b.fail(new ClientError(error.code, `${error.message}; gave up after ${b.attempts + 1} attempt(s) within ${this.timeoutMs} ms`, error.kafkaCode)));
      return;
    }
    b.retryAt = now + this.backoff(b.attempts++);
    this.refreshTopic(b.topic);
  }

  /** Removes a settled batch from its partition's queue and settles it. */
  private finish(b: ProducerBatch, settle: () => void): void {
    const key = `${b.topic}\u0000${b.partition}`;
    const state = this.states.get(key);
    if (state) {
      const i = state.batches.indexOf(b);
      if (i >= 0) state.batches.splice(i, 1);
    }
    settle();
  }

  private refreshTopic(topic: string): void {
    if (this.refreshing.has(topic)) return;
    this.refreshing.add(topic);
    void this.client.refreshMetadata([topic]).catch(() => undefined).finally(() => {
      this.refreshing.delete(topic);
      this.wake();
    });
  }

  private backoff(attempt: number): number {
    return Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** Math.min(attempt, 16));
  }
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from INT32_MAX to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

function checkPartition(partition: number, numPartitions: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
    throw new ClientError('INVALID_ARGUMENT', `the partitioner chose partition ${partition} of ${numPartitions}`);
  }
}

function nonNegative(n: number, what: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new ClientError('INVALID_ARGUMENT', `${what} must be a non-negative number`);
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
