/**
 * TransactionCoordinator: transactional ids, their producer ids and epochs, and the two-phase end
 * of each transaction, persisted in __transaction_state and rebuilt by replaying it.
 *
 *  - InitProducerId gives a transactional id its producer id (first time) or bumps the epoch,
 *    fencing earlier producers with that id; an open transaction of theirs is aborted first.
 *  - AddPartitionsToTxn / AddOffsetsToTxn record which partitions the transaction wrote to.
 *  - EndTxn writes PrepareCommit or PrepareAbort, a COMMIT/ABORT marker into every partition of
 *    the transaction (and lets the group coordinator apply or drop transactional offsets), then
 *    CompleteCommit / CompleteAbort. It answers once all of that is durable.
 *  - Transactions open longer than their timeout are aborted with a bumped epoch.
 *
 * Contract: the single owner of all TransactionMetadata; operations on one transactional id are
 * serialised (TransactionMetadata.serialise).
 */
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { InitProducerIdRequest } from '../../protocol/generated/messages/InitProducerIdRequest.js';
import type { InitProducerIdResponse } from '../../protocol/generated/messages/InitProducerIdResponse.js';
import { kafkaErrorCodeOf } from '../errors.js';
import { InternalTopicError, type InternalTopicLog } from '../coordinator/internal-topic-log.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import { groupPartition } from '../group/group-partitioner.js';
import type { ProducerIdManager } from '../producer/producer-id-manager.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { TransactionService } from '../services.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { markerKey, writeLocalMarker, type MarkerChannel, type TxnMarker } from './txn-markers.js';
import { decodeTransactionRecord, TransactionMetadata, transactionRecord, TxnState, type TopicPartitionRef } from './txn-metadata.js';

export interface TransactionCoordinatorOptions {
  clock: Clock;
  logger: Logger;
  log: InternalTopicLog;
  metadata: MetadataStore;
  nodeId: number;
  /** How markers reach partition leaders on other brokers (absent on a single node). */
  markers?: MarkerChannel;
  replicas: ReplicaManager;
  groups: GroupCoordinator;
  producerIds: ProducerIdManager;
  maxTimeoutMs: number;
  idExpirationMs: number;
  abortCheckIntervalMs: number;
}

const MAX_EPOCH = 32766;

export class TransactionCoordinator implements TransactionService {
  private readonly txns = new Map<string, TransactionMetadata>();
  /** The __transaction_state partitions whose transactional ids this broker coordinates. */
  private readonly owned = new Set<number>();
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly o: TransactionCoordinatorOptions) {}

  get topicLog(): InternalTopicLog {
    return this.o.log;
  }

  get(transactionalId: string): TransactionMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  all(): TransactionMetadata[] {
    return [...this.txns.values()];
  }

  private partitionFor(transactionalId: string): number {
    return groupPartition(transactionalId, this.o.log.partitionCount);
  }

  /** Persists a transaction's state; resolves to a Kafka error code. */
  private async persist(m: TransactionMetadata): Promise<number> {
    m.lastUpdateTimestamp = this.o.clock.now();
    try {
      await this.o.log.ensureCreated();
      await this.o.log.append(this.partitionFor(m.transactionalId), [transactionRecord(m.transactionalId, m.toValue())]);
      return ErrorCode.NONE;
    } catch (e) {
      if (e instanceof InternalTopicError) return e.errorCode;
      const code = kafkaErrorCodeOf(e);
      if (code === undefined) this.o.logger.error({ err: e, transactionalId: m.transactionalId }, 'writing __transaction_state failed');
      return code === ErrorCode.KAFKA_STORAGE_ERROR ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  private fenced(version: number, fencedVersion: number): number {
    return version >= fencedVersion ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
  }

  // ---- InitProducerId ----

  async initProducerId(request: InitProducerIdRequest, version: number): Promise<InitProducerIdResponse> {
    const respond = (errorCode: number, producerId = -1n, producerEpoch = -1): InitProducerIdResponse =>
      ({ throttleTimeMs: 0, errorCode, producerId, producerEpoch });
    const id = request.transactionalId!;
    if (request.transactionTimeoutMs <= 0 || request.transactionTimeoutMs > this.o.maxTimeoutMs) return respond(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    try {
      await this.o.log.ensureCreated();
    } catch {
      return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    let m = this.txns.get(id);
    if (!m) {
      m = new TransactionMetadata(id, await this.o.producerIds.generate(), -1, request.transactionTimeoutMs, this.o.clock.now());
      if (!this.txns.has(id)) this.txns.set(id, m);
      m = this.txns.get(id)!;
    }
    const meta = m;
    return meta.serialise(async () => {
      const givenId = version >= 3 ? (request.producerId ?? -1n) : -1n;
      const givenEpoch = version >= 3 ? (request.producerEpoch ?? -1) : -1;
      const settled = meta.state === TxnState.Empty || meta.state === TxnState.CompleteCommit || meta.state === TxnState.CompleteAbort;
      if (givenId >= 0n && givenId === meta.producerId && givenEpoch >= 0 && givenEpoch === meta.lastProducerEpoch && settled) {
        // a retry of the InitProducerId that bumped the epoch: same answer, no second bump
        return respond(ErrorCode.NONE, meta.producerId, meta.producerEpoch);
      }
      if (givenId >= 0n && (givenId !== meta.producerId || givenEpoch !== meta.producerEpoch)) {
        return respond(this.fenced(version, 4));
      }
      const epochBefore = meta.producerEpoch;
      if (meta.state === TxnState.Ongoing) {
        const aborted = await this.complete(meta, false, true);
        if (aborted !== ErrorCode.NONE) return respond(aborted);
      } else if (meta.state === TxnState.PrepareCommit || meta.state === TxnState.PrepareAbort) {
        return respond(ErrorCode.CONCURRENT_TRANSACTIONS);
      }
      if (meta.producerEpoch >= MAX_EPOCH) {
        meta.producerId = await this.o.producerIds.generate();
        meta.producerEpoch = 0;
        meta.lastProducerEpoch = -1;
      } else {
        meta.producerEpoch++;
        meta.lastProducerEpoch = epochBefore;
      }
      meta.timeoutMs = request.transactionTimeoutMs;
      meta.state = TxnState.Empty;
      meta.partitions.clear();
      meta.startTimestamp = -1;
      const code = await this.persist(meta);
      return code === ErrorCode.NONE ? respond(ErrorCode.NONE, meta.producerId, meta.producerEpoch) : respond(code);
    });
  }

  /** Common checks of AddPartitionsToTxn, AddOffsetsToTxn and EndTxn. */
  private check(m: TransactionMetadata | undefined, producerId: bigint, epoch: number, version: number, fencedVersion: number): number {
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== m.producerEpoch) return this.fenced(version, fencedVersion);
    if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS;
    return ErrorCode.NONE;
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  /** Adds partitions; resolves to an error per partition key (topic\0partition). */
  async addPartitions(
    transactionalId: string, producerId: bigint, epoch: number, partitions: TopicPartitionRef[], version: number,
    exists: (p: TopicPartitionRef) => boolean,
  ): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const key = (p: TopicPartitionRef): string => `${p.topic}\u0000${p.partition}`;
    const all = (code: number): Map<string, number> => {
      for (const p of partitions) result.set(key(p), code);
      return result;
    };
    const m = this.txns.get(transactionalId);
    if (!m) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    return m.serialise(async () => {
      const error = this.check(m, producerId, epoch, version, 2);
      if (error !== ErrorCode.NONE) return all(error);
      const unknown = partitions.filter((p) => !exists(p));
      if (unknown.length > 0) {
        for (const p of partitions) result.set(key(p), unknown.includes(p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED);
        return result;
      }
      for (const p of partitions) m.addPartition(p.topic, p.partition);
      if (m.state !== TxnState.Ongoing) {
        m.state = TxnState.Ongoing;
        m.startTimestamp = this.o.clock.now();
      }
      return all(await this.persist(m));
    });
  }

  /** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction. */
  async addOffsets(transactionalId: string, producerId: bigint, epoch: number, groupId: string, version: number): Promise<number> {
    await this.o.groups.topicLog.ensureCreated().catch(() => undefined);
    const partition = { topic: this.o.groups.topicLog.name, partition: this.o.groups.partitionFor(groupId) };
    const result = await this.addPartitions(transactionalId, producerId, epoch, [partition], version, () => true);
    return result.values().next().value ?? ErrorCode.NONE;
  }

  // ---- EndTxn ----

  async endTxn(transactionalId: string, producerId: bigint, epoch: number, commit: boolean, version: number): Promise<number> {
    const m = this.txns.get(transactionalId);
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    return m.serialise(async () => {
      const error = this.check(m, producerId, epoch, version, 2);
      if (error !== ErrorCode.NONE) return error;
      switch (m.state) {
        case TxnState.Ongoing:
          return this.complete(m, commit, false);
        case TxnState.CompleteCommit:
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case TxnState.CompleteAbort:
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
    });
  }

  /**
   * Ends the open transaction: Prepare state, markers in every partition, Complete state. With
   * `fence` the epoch is bumped first, so the producer that opened it can no longer write.
   */
  private async complete(m: TransactionMetadata, commit: boolean, fence: boolean): Promise<number> {
    if (fence) {
      m.producerEpoch = Math.min(m.producerEpoch + 1, MAX_EPOCH);
      m.lastProducerEpoch = -1;
    }
    m.state = commit ? TxnState.PrepareCommit : TxnState.PrepareAbort;
    const prepared = await this.persist(m);
    if (prepared !== ErrorCode.NONE) return prepared;
    await this.writeMarkers(m, commit);
    m.state = commit ? TxnState.CompleteCommit : TxnState.CompleteAbort;
    m.partitions.clear();
    return this.persist(m);
  }

  /**
   * Writes a COMMIT or ABORT marker to every partition of the transaction, durably: partitions led
   * here directly, the others through their leaders (WriteTxnMarkers). Partitions that fail (no
   * leader for now, a leader that moved) are retried with backoff until they take the marker or
   * are deleted, as Kafka's coordinator retries; the transaction completes only after that.
   */
  private async writeMarkers(m: TransactionMetadata, commit: boolean): Promise<void> {
    const marker: TxnMarker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit, coordinatorEpoch: 0, partitions: [] };
    let remaining = [...m.partitions.values()];
    for (let attempt = 0; remaining.length > 0 && !this.stopped; attempt++) {
      const byLeader = new Map<number, TopicPartitionRef[]>();
      for (const p of remaining) {
        const leader = this.o.metadata.topic(p.topic)?.partitions[p.partition]?.leader ?? -2;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
      }
      const failed: TopicPartitionRef[] = [];
      await Promise.all([...byLeader].map(async ([leader, partitions]) => {
        if (leader === -2) return; // the topic or partition is gone: nothing to mark
        if (leader < 0) {
          failed.push(...partitions);
          return;
        }
        const results = leader === this.o.nodeId || !this.o.markers
          ? new Map(await Promise.all(partitions.map(async (p) => [markerKey(p), await writeLocalMarker(this.o, marker, p)] as const)))
          : await this.o.markers.send(leader, { ...marker, partitions }).catch(() => new Map(partitions.map((p) => [markerKey(p), ErrorCode.NETWORK_EXCEPTION])));
        for (const p of partitions) {
          const code = results.get(markerKey(p)) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
          if (code !== ErrorCode.NONE && code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) failed.push(p);
        }
      }));
      remaining = failed;
      if (remaining.length === 0) return;
      if (attempt % 10 === 0) this.o.logger.warn({ transactionalId: m.transactionalId, partitions: remaining, attempt }, 'transaction markers not written yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** Math.min(attempt, 5))));
    }
  }

  // ---- timeouts, expiry, loading ----

  /** Aborts timed-out transactions and forgets long-idle transactional ids. */
  async sweep(): Promise<void> {
    const now = this.o.clock.now();
    for (const m of this.all()) {
      if (m.state === TxnState.Ongoing && m.startTimestamp >= 0 && now - m.startTimestamp > m.timeoutMs) {
        await m.serialise(async () => {
          if (m.state !== TxnState.Ongoing) return;
          this.o.logger.info({ transactionalId: m.transactionalId }, 'aborting a transaction that exceeded its timeout');
          await this.complete(m, false, true);
        });
      } else if ((m.state === TxnState.Empty || m.state === TxnState.CompleteAbort || m.state === TxnState.CompleteCommit) &&
        now - m.lastUpdateTimestamp > this.o.idExpirationMs) {
        await m.serialise(async () => {
          this.txns.delete(m.transactionalId);
          await this.o.log.append(this.partitionFor(m.transactionalId), [transactionRecord(m.transactionalId, null)]).catch(() => undefined);
        });
      }
    }
  }

  /** NOT_COORDINATOR when this broker does not lead the id's partition of __transaction_state. */
  coordinatorError(transactionalId: string): number {
    if (!this.o.log.exists()) return ErrorCode.NONE;
    return this.owned.has(this.partitionFor(transactionalId)) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
  }

  /**
   * Follows leadership of __transaction_state: ids of partitions led here are loaded by replaying
   * them (and interrupted ends finished), ids of partitions no longer led are dropped. Returns the
   * records replayed. Called at startup and whenever the topic's leadership changes.
   */
  load(): number {
    const led = new Set(this.o.log.ledPartitions());
    for (const p of [...this.owned]) {
      if (led.has(p)) continue;
      this.owned.delete(p);
      for (const id of [...this.txns.keys()]) if (this.partitionFor(id) === p) this.txns.delete(id);
    }
    const gained = [...led].filter((p) => !this.owned.has(p));
    let count = 0;
    for (const p of gained) {
      this.owned.add(p);
      count += this.loadPartition(p);
    }
    return count;
  }

  private loadPartition(p: number): number {
    const loaded: TransactionMetadata[] = [];
    const count = this.o.log.replay(p, (key, value) => {
      const rec = decodeTransactionRecord(key, value);
      if (!rec) return;
      if (rec.value === null) this.txns.delete(rec.transactionalId);
      else this.txns.set(rec.transactionalId, TransactionMetadata.fromValue(rec.transactionalId, rec.value));
    });
    for (const m of this.txns.values()) if (this.partitionFor(m.transactionalId) === p) loaded.push(m);
    for (const m of loaded) {
      if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) {
        const commit = m.state === TxnState.PrepareCommit;
        void m.serialise(async () => {
          await this.writeMarkers(m, commit);
          m.state = commit ? TxnState.CompleteCommit : TxnState.CompleteAbort;
          m.partitions.clear();
          await this.persist(m);
        });
      }
    }
    return count;
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.sweep().finally(() => {
        if (!this.stopped) this.timer = this.o.clock.schedule(this.o.abortCheckIntervalMs, tick);
      });
    };
    this.timer = this.o.clock.schedule(this.o.abortCheckIntervalMs, tick);
  }

  shutdown(): void {
    this.stopped = true;
    this.timer?.cancel();
  }
}
