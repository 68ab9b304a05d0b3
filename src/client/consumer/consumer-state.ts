/**
 * The consumer's shared state: resolved options, the partition states (position, fetch buffer,
 * pause and reset flags), group-membership flags and the small operations on them (waking the
 * poll loop, committing positions, auto-commit).
 *
 * Ownership contract: one ConsumerCore per Consumer, created and owned by it; the fetch loop
 * (consumer-fetch.ts) and rebalance handling (consumer-rebalance.ts) read and update it, only
 * from within poll(), close() or the methods of Consumer. Nothing here is public API beyond the
 * option and offset types, which consumer.ts re-exports.
 */
import { EventEmitter } from 'node:events';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import { assignorByName, type AssignorName, type PartitionAssignor } from './assignors/index.js';
import { Fetcher, READ_COMMITTED, READ_UNCOMMITTED, type FetchedRecord } from './fetcher.js';
import { GroupMembership } from './group-membership.js';
import { ConsumerProtocolMembership } from './consumer-protocol-membership.js';
import { REJOIN_ERRORS, commitOffsets, type MemberIdentity, type OffsetToCommit } from './offsets.js';
import { sortTopicPartitions, tpKey, type ConsumerRecord, type RebalanceEvent, type TopicPartition } from './types.js';

export type OffsetResetPolicy = 'earliest' | 'latest';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumerOptions {
  /** The consumer group; required for subscribe() and commit(). */
  groupId?: string;
  /** Where to start without a committed offset, or after OFFSET_OUT_OF_RANGE (default 'latest'). */
  autoOffsetReset?: OffsetResetPolicy;
  enableAutoCommit?: boolean;
  autoCommitIntervalMs?: number;
  sessionTimeoutMs?: number;
  /** How long the group waits for members to rejoin; also the maximum time between polls. */
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** In order of preference (default ['range', 'cooperative-sticky'], as Kafka's Java client). */
  assignors?: (AssignorName | PartitionAssignor)[];
  /** Static membership (KIP-345). */
  groupInstanceId?: string;
  /**
   * 'classic' (JoinGroup/SyncGroup, assignors run in the group leader; the default) or 'consumer'
   * (KIP-848: ConsumerGroupHeartbeat, the broker assigns; needed for subscribePattern()).
   */
  groupProtocol?: 'classic' | 'consumer';
  /** With groupProtocol 'consumer': the broker's assignor to use ('uniform' or 'range'; default: the broker's). */
  groupRemoteAssignor?: string;
  /** The consumer's rack (client.rack). */
  rackId?: string;
  isolationLevel?: IsolationLevel;
  /** Fetch: how long the broker may wait for minBytes (default 500). */
  maxWaitMs?: number;
  /** Fetch: bytes the broker waits for (default 1). */
  minBytes?: number;
  /** Fetch: bytes per response (default 50 MiB; at least one batch is always returned). */
  maxBytes?: number;
  /** Fetch: bytes per partition (default 1 MiB). */
  maxPartitionBytes?: number;
  /** Records one poll returns at most (default 500). */
  maxPollRecords?: number;
  /** Verify record batch CRCs (default true). */
  checkCrcs?: boolean;
  /** Let metadata requests for subscribed topics create them (default true, as Kafka's consumer). */
  allowAutoTopicCreation?: boolean;
  /** How often the group leader checks the subscribed topics' partition counts (default 300000). */
  metadataMaxAgeMs?: number;
  retryBackoffMs?: number;
  /** Called (and awaited) on every rebalance event, before the 'rebalance' listeners. */
  onRebalance?: (event: RebalanceEvent) => void | Promise<void>;
}

export interface CommitOffset extends TopicPartition {
  offset: number | bigint;
  metadata?: string | null;
}

export interface CommittedOffset extends TopicPartition {
  /** null when the group has no committed offset for the partition. */
  offset: number | null;
  metadata: string | null;
}

export type Resolved = Required<Omit<ConsumerOptions, 'groupId' | 'groupInstanceId' | 'onRebalance' | 'assignors' | 'groupRemoteAssignor' | 'rackId'>> & {
  groupRemoteAssignor: string | null;
  rackId: string | null;
  groupId: string | null;
  groupInstanceId: string | null;
  onRebalance: ConsumerOptions['onRebalance'];
  assignors: PartitionAssignor[];
};

export interface PartitionState extends TopicPartition {
  /** Offset of the next record to return; null until looked up. */
  position: bigint | null;
  /** Look up the committed offset before anything else. */
  needsCommitted: boolean;
  /** Find the position with ListOffsets. */
  reset: OffsetResetPolicy | null;
  paused: boolean;
  /** Fetched records not yet returned, from `bufferIndex` on. */
  buffer: FetchedRecord[];
  bufferIndex: number;
  /** The fetch position after the buffer. */
  bufferEnd: bigint;
  fetching: boolean;
  highWatermark: bigint;
}

export class ConsumerCore {
  readonly options: Resolved;
  readonly membership: GroupMembership | ConsumerProtocolMembership | null;
  readonly fetcher: Fetcher;
  readonly events = new EventEmitter();
  readonly cooperative: boolean;
  mode: 'none' | 'subscribe' | 'assign' = 'none';
  subscription: string[] = [];
  readonly partitions = new Map<string, PartitionState>();
  needsJoin = false;
  lostPending = false;
  pendingError: Error | null = null;
  closed = false;
  polling: Promise<ConsumerRecord[]> | null = null;
  lastPollAt = Date.now();
  nextAutoCommitAt = 0;
  autoCommitting: Promise<void> | null = null;
  readonly fetchingNodes = new Set<number>();
  readonly nodeBackoffUntil = new Map<number, number>();
  readonly waiters = new Set<() => void>();
  metadataStale = false;
  nextMetadataRefreshAt = 0;
  /** The leader's view of the subscribed topics' partition counts at its last assignment. */
  topicSnapshot: Map<string, number> | null = null;
  nextSnapshotCheckAt = 0;

  constructor(
    readonly client: KafkaClient,
    options: ConsumerOptions = {},
  ) {
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 45_000;
    this.options = {
      groupId: options.groupId ?? null,
      autoOffsetReset: options.autoOffsetReset ?? 'latest',
      enableAutoCommit: options.enableAutoCommit ?? true,
      autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5000,
      sessionTimeoutMs,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 300_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.min(3000, Math.floor(sessionTimeoutMs / 3)),
      assignors: (options.assignors ?? ['range', 'cooperative-sticky']).map(assignorByName),
      groupInstanceId: options.groupInstanceId ?? null,
      isolationLevel: options.isolationLevel ?? 'read_uncommitted',
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 52_428_800,
      maxPartitionBytes: options.maxPartitionBytes ?? 1_048_576,
      maxPollRecords: options.maxPollRecords ?? 500,
      checkCrcs: options.checkCrcs ?? true,
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? true,
      metadataMaxAgeMs: options.metadataMaxAgeMs ?? 300_000,
      retryBackoffMs: options.retryBackoffMs ?? client.options.retryBackoffMs,
      onRebalance: options.onRebalance,
      groupProtocol: options.groupProtocol ?? 'classic',
      groupRemoteAssignor: options.groupRemoteAssignor ?? null,
      rackId: options.rackId ?? null,
    };
    if (this.options.assignors.length === 0) throw new ClientError('INVALID_ARGUMENT', 'at least one assignor is needed');
    if (this.options.groupInstanceId !== null && this.options.groupId === null) throw new ClientError('INVALID_ARGUMENT', 'groupInstanceId needs a groupId');
    // the consumer group protocol is incremental: only what moves is revoked
    this.cooperative = this.options.groupProtocol === 'consumer' || this.options.assignors.every((a) => a.cooperative);
    this.fetcher = new Fetcher(client, {
      minBytes: this.options.minBytes,
      maxBytes: this.options.maxBytes,
      maxPartitionBytes: this.options.maxPartitionBytes,
      maxWaitMs: this.options.maxWaitMs,
      isolationLevel: this.options.isolationLevel === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED,
      checkCrcs: this.options.checkCrcs,
    });
    const hooks = {
      onRejoinNeeded: (_reason: string, lost: boolean): void => {
        if (this.mode !== 'subscribe') return;
        this.needsJoin = true;
        if (lost) this.lostPending = true;
        this.wake();
      },
      onFatal: (error: Error): void => {
        this.pendingError = error;
        this.wake();
      },
      pollOverdue: (): boolean => this.polling === null && Date.now() - this.lastPollAt > this.options.rebalanceTimeoutMs,
    };
    if (this.options.groupId !== null && this.options.groupProtocol === 'consumer') {
      this.membership = new ConsumerProtocolMembership(client, {
        groupId: this.options.groupId,
        groupInstanceId: this.options.groupInstanceId,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        retryBackoffMs: this.options.retryBackoffMs,
        serverAssignor: this.options.groupRemoteAssignor,
        rackId: this.options.rackId,
        allowAutoTopicCreation: this.options.allowAutoTopicCreation,
      }, hooks);
      return;
    }
    this.membership = this.options.groupId === null ? null : new GroupMembership(client, {
      groupId: this.options.groupId,
      groupInstanceId: this.options.groupInstanceId,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      retryBackoffMs: this.options.retryBackoffMs,
      assignors: this.options.assignors,
    }, hooks);
  }

  assignment(): TopicPartition[] {
    return sortTopicPartitions(this.partitions.values());
  }

  wake(): void {
    for (const w of [...this.waiters]) w();
  }

  waitUntil(deadline: number, capMs?: number): Promise<void> {
    const ms = Math.min(deadline - Date.now(), capMs ?? Number.POSITIVE_INFINITY);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  ensureOpen(): void {
    if (this.closed) throw new ClientError('INVALID_ARGUMENT', 'the consumer is closed');
  }

  state(topic: string, partition: number): PartitionState {
    const s = this.partitions.get(tpKey(topic, partition));
    if (!s) throw new ClientError('INVALID_ARGUMENT', `${topic}-${partition} is not assigned to this consumer`);
    return s;
  }

  newState(tp: TopicPartition): PartitionState {
    const useCommitted = this.membership !== null;
    return {
      topic: tp.topic, partition: tp.partition,
      position: null,
      needsCommitted: useCommitted,
      reset: useCommitted ? null : this.options.autoOffsetReset,
      paused: false,
      buffer: [], bufferIndex: 0, bufferEnd: -1n,
      fetching: false,
      highWatermark: -1n,
    };
  }

  clearBuffer(s: PartitionState): void {
    s.buffer = [];
    s.bufferIndex = 0;
    s.bufferEnd = -1n;
  }

  async commitNow(offsets?: CommitOffset[]): Promise<void> {
    const membership = this.membership;
    if (membership === null) throw new ClientError('INVALID_ARGUMENT', 'commit() needs a groupId');
    const list: OffsetToCommit[] = offsets
      ? offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), metadata: o.metadata ?? '' }))
      : [...this.partitions.values()].filter((s) => s.position !== null).map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! }));
    if (list.length === 0) return;
    const member: MemberIdentity = this.mode === 'subscribe' ? membership.identity : { generation: -1, memberId: '', groupInstanceId: null };
    try {
      try {
        await commitOffsets(membership, member, list, this.options.retryBackoffMs);
      } catch (e) {
        // the consumer protocol's epoch moved on since the last heartbeat answer: learn it, try again
        if (!(membership instanceof ConsumerProtocolMembership && e instanceof ClientError && e.kafkaCode === ErrorCode.STALE_MEMBER_EPOCH)) throw e;
        await membership.sync();
        await commitOffsets(membership, membership.identity, list, this.options.retryBackoffMs);
      }
    } catch (e) {
      if (this.mode === 'subscribe' && e instanceof ClientError && e.kafkaCode !== undefined && REJOIN_ERRORS.has(e.kafkaCode)) {
        if (e.kafkaCode === ErrorCode.UNKNOWN_MEMBER_ID) membership.resetGeneration(true);
        if (e.kafkaCode === ErrorCode.ILLEGAL_GENERATION) membership.resetGeneration(false);
        if (e.kafkaCode !== ErrorCode.REBALANCE_IN_PROGRESS) this.lostPending = true;
        this.needsJoin = true;
      }
      throw e;
    }
  }

  throwPendingError(): void {
    const e = this.pendingError;
    if (e) {
      this.pendingError = null;
      throw e;
    }
  }

  maybeAutoCommit(): void {
    if (!this.options.enableAutoCommit || this.membership === null || this.autoCommitting) return;
    const now = Date.now();
    if (this.nextAutoCommitAt === 0) this.nextAutoCommitAt = now + this.options.autoCommitIntervalMs;
    if (now < this.nextAutoCommitAt) return;
    this.nextAutoCommitAt = now + this.options.autoCommitIntervalMs;
    if (this.mode === 'subscribe' && (!this.membership.inGroup || this.needsJoin)) return;
    if (this.mode === 'none') return;
    this.autoCommitting = this.commitNow().catch(() => undefined).finally(() => {
      this.autoCommitting = null;
    });
  }
}

export function isRetriable(e: unknown): boolean {
  return e instanceof ClientError && (e.retriable || e.code === 'CONNECT');
}
