/**
 * InternalTopicLog: a coordinator's view of its internal topic (__consumer_offsets,
 * __transaction_state): creating it on first use with Kafka's settings, appending records to a
 * partition and resolving once they are durable, and replaying a partition from its start.
 *
 * Coordinators change their in-memory state only by applying records they have appended (or
 * replayed), so a restart that replays the topic rebuilds exactly the state clients were told.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { batchRecords } from '../../protocol/records/batch-reader.js';
import { batchesIn } from '../../protocol/records/batch-iterator.js';
import { ControlRecordType, readEndTransactionMarker } from '../../protocol/records/control.js';
import type { Clock } from '../../common/clock.js';
import type { Partition } from '../replica/partition.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { MetadataStore } from '../metadata/metadata-store.js';

export interface KeyValueRecord {
  key: Buffer;
  value: Buffer | null;
}

export interface InternalTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** How long a write may wait to be committed (offsets.commit.timeout.ms; Kafka's default 5000). */
  commitTimeoutMs?: number;
  /** The setting the replication factor comes from (named in errors). */
  replicationFactorSetting?: string;
  /**
   * A single broker creates the topic with the replication factor capped at the live brokers;
   * a cluster waits, as Kafka does, until enough brokers are live.
   */
  capAtLiveBrokers?: boolean;
}

export class InternalTopicError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

export class InternalTopicLog {
  private creating: Promise<void> | undefined;

  constructor(
    private readonly spec: InternalTopicSpec,
    private readonly metadata: MetadataStore,
    private readonly topics: TopicManager,
    private readonly replicas: ReplicaManager,
    private readonly clock: Clock,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  exists(): boolean {
    return this.metadata.topic(this.spec.name) !== undefined;
  }

  /** Number of partitions: the existing topic's, or the configured count before creation. */
  get partitionCount(): number {
    return this.metadata.topic(this.spec.name)?.partitions.length ?? this.spec.partitions;
  }

  /** Creates the topic if it does not exist yet (concurrent callers share one creation). */
  ensureCreated(): Promise<void> {
    if (this.exists()) return Promise.resolve();
    this.creating ??= (async () => {
      const brokers = this.metadata.placeableBrokers().length;
      if (!(this.spec.capAtLiveBrokers ?? true) && brokers < this.spec.replicationFactor) {
        throw new InternalTopicError(ErrorCode.COORDINATOR_NOT_AVAILABLE,
          `${this.spec.name} needs ${this.spec.replicationFactor} live brokers (${this.spec.replicationFactorSetting ?? 'its replication factor'}); ${brokers} are live`);
      }
      const replicationFactor = Math.min(this.spec.replicationFactor, brokers);
      const configs = { ...this.spec.configs };
      const minIsr = configs['min.insync.replicas'];
      if (minIsr !== undefined) configs['min.insync.replicas'] = String(Math.max(1, Math.min(Number(minIsr), replicationFactor)));
      const r = await this.topics.create({
        name: this.spec.name,
        numPartitions: this.spec.partitions,
        replicationFactor,
        configs,
      }, false, true);
      if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
        throw new InternalTopicError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `cannot create ${this.spec.name}: ${r.errorMessage}`);
      }
    })().finally(() => {
      this.creating = undefined;
    });
    return this.creating;
  }

  /** The partitions of the topic this broker leads (and so coordinates). */
  ledPartitions(): number[] {
    if (!this.exists()) return [];
    const out: number[] = [];
    for (let i = 0; i < this.partitionCount; i++) if (this.replicas.get(this.spec.name, i)) out.push(i);
    return out;
  }

  private partition(index: number): Partition {
    const p = this.replicas.get(this.spec.name, index);
    if (!p) throw new InternalTopicError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `${this.spec.name}-${index} is not available`);
    return p;
  }

  /**
   * Appends records to one partition; resolves once they are durable. With `producer` the batch
   * is a transactional one of that producer (TxnOffsetCommit), decided later by a marker.
   */
  async append(index: number, records: readonly KeyValueRecord[], producer?: { producerId: bigint; producerEpoch: number }): Promise<void> {
    if (records.length === 0) return;
    const now = BigInt(this.clock.now());
    const batch = buildRecordBatch(records.map((r) => ({ key: r.key, value: r.value, timestamp: now })),
      producer ? { producerId: producer.producerId, producerEpoch: producer.producerEpoch, isTransactional: true, baseSequence: -1 } : {});
    const p = this.partition(index);
    const result = p.append(batch);
    const errorCode = await p.waitCommitted(result.lastOffset + 1, p.log.config.minInsyncReplicas, this.spec.commitTimeoutMs ?? 5_000);
    if (errorCode !== ErrorCode.NONE) throw new InternalTopicError(errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER ? ErrorCode.NOT_COORDINATOR : errorCode, `${this.spec.name}-${index}: the write was not committed (error ${errorCode})`);
  }

  /**
   * Replays every record of one partition, in offset order. Records of transactional batches
   * carry their producer id; transaction markers are reported through `onMarker`.
   */
  replay(
    index: number,
    apply: (key: Buffer, value: Buffer | null, offset: number, transactionalProducer: bigint | null) => void,
    onMarker: (producerId: bigint, commit: boolean) => void = () => undefined,
  ): number {
    const p = this.replicas.get(this.spec.name, index);
    if (!p) return 0;
    let offset = p.logStartOffset;
    let count = 0;
    while (offset < p.logEndOffset) {
      const r = p.log.read(offset, 4 * 1024 * 1024, p.logEndOffset, true);
      if (r.records.length === 0) break;
      for (const span of batchesIn(r.records)) {
        const h = span.header;
        if (!h) continue;
        if (h.isControl) {
          if (Number(h.baseOffset) >= offset) onMarker(h.producerId, readEndTransactionMarker(r.records, span.start, { verifyCrc: false }).type === ControlRecordType.Commit);
          continue;
        }
        const txnProducer = h.isTransactional ? h.producerId : null;
        for (const rec of batchRecords(r.records, span.start, { verifyCrc: false })) {
          if (rec.key === null || Number(rec.offset) < offset) continue;
          apply(rec.key, rec.value, Number(rec.offset), txnProducer);
          count++;
        }
      }
      offset = r.nextOffset;
    }
    return count;
  }
}
