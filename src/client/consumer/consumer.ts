/**
 * Consumer: a poll-based Kafka consumer, in the manner of Kafka's Java consumer.
 *
 * - subscribe(topics) joins the consumer group `groupId` (classic protocol, see
 *   group-membership.ts); partitions are assigned by the group leader's assignor. assign()
 *   takes partitions by hand, without a group (a groupId still lets it commit and resume).
 * - poll(timeoutMs) does the work: it (re)joins the group when needed, runs the rebalance
 *   callbacks, looks up starting positions (the committed offset, else auto.offset.reset through
 *   ListOffsets), sends fetches and returns the records that arrived, at most maxPollRecords.
 *   A rebalance is completed within the poll that starts it even if that takes longer than its
 *   timeout. Fetches stay in flight after poll returns; their records wait for the next poll.
 * - Heartbeats run on a timer of their own, independent of poll. Not calling poll for longer
 *   than rebalanceTimeoutMs (Kafka's max.poll.interval.ms) makes the consumer leave its group.
 * - Positions: the position of a partition is the offset of the next record poll will return.
 *   commit() commits positions (or given offsets); with enableAutoCommit, positions are
 *   committed every autoCommitIntervalMs from poll, before every rebalance and on close. This
 *   gives Kafka's at-least-once: what a poll returned is committed by a later poll or close.
 * - Rebalance protocol: cooperative when every configured assignor supports it (only
 *   'cooperative-sticky' does), eager otherwise, as in Kafka. Eager revokes the whole assignment
 *   before rejoining; cooperative keeps it and revokes only what moves (the member then rejoins
 *   so the moved partitions can be assigned to their new owner).
 *
 * Contract: one poll() at a time; the other methods may be called between polls and from the
 * rebalance callbacks. The KafkaClient stays owned by the caller (close() does not close it).
 */
import { EventEmitter } from 'node:events';
import { ErrorCode, errorInfo } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import { assignorByName, type AssignorName, type PartitionAssignor } from './assignors/index.js';
import { Fetcher, READ_COMMITTED, READ_UNCOMMITTED, type FetchedRecord, type PartitionFetch } from './fetcher.js';
import { GroupMembership } from './group-membership.js';
import {
  EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, REJOIN_ERRORS, commitOffsets, fetchCommittedOffsets, listOffsets,
  type MemberIdentity, type OffsetToCommit,
} from './offsets.js';
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

type Resolved = Required<Omit<ConsumerOptions, 'groupId' | 'groupInstanceId' | 'onRebalance' | 'assignors'>> & {
  groupId: string | null;
  groupInstanceId: string | null;
  onRebalance: ConsumerOptions['onRebalance'];
  assignors: PartitionAssignor[];
};

interface PartitionState extends TopicPartition {
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

const MAX_POLL_ITERATIONS = 100_000;

export class Consumer {
  private readonly options: Resolved;
  private readonly membership: GroupMembership | null;
  private readonly fetcher: Fetcher;
  private readonly events = new EventEmitter();
  private readonly cooperative: boolean;
  private mode: 'none' | 'subscribe' | 'assign' = 'none';
  private subscription: string[] = [];
  private readonly partitions = new Map<string, PartitionState>();
  private needsJoin = false;
  private lostPending = false;
  private pendingError: Error | null = null;
  private closed = false;
  private polling: Promise<ConsumerRecord[]> | null = null;
  private lastPollAt = Date.now();
  private nextAutoCommitAt = 0;
  private autoCommitting: Promise<void> | null = null;
  private readonly fetchingNodes = new Set<number>();
  private readonly nodeBackoffUntil = new Map<number, number>();
  private readonly waiters = new Set<() => void>();
  private metadataStale = false;
  private nextMetadataRefreshAt = 0;
  /** The leader's view of the subscribed topics' partition counts at its last assignment. */
  private topicSnapshot: Map<string, number> | null = null;
  private nextSnapshotCheckAt = 0;

  constructor(
    private readonly client: KafkaClient,
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
    };
    if (this.options.assignors.length === 0) throw new ClientError('INVALID_ARGUMENT', 'at least one assignor is needed');
    if (this.options.groupInstanceId !== null && this.options.groupId === null) throw new ClientError('INVALID_ARGUMENT', 'groupInstanceId needs a groupId');
    this.cooperative = this.options.assignors.every((a) => a.cooperative);
    this.fetcher = new Fetcher(client, {
      minBytes: this.options.minBytes,
      maxBytes: this.options.maxBytes,
      maxPartitionBytes: this.options.maxPartitionBytes,
      maxWaitMs: this.options.maxWaitMs,
      isolationLevel: this.options.isolationLevel === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED,
      checkCrcs: this.options.checkCrcs,
    });
    this.membership = this.options.groupId === null ? null : new GroupMembership(client, {
      groupId: this.options.groupId,
      groupInstanceId: this.options.groupInstanceId,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      retryBackoffMs: this.options.retryBackoffMs,
      assignors: this.options.assignors,
    }, {
      onRejoinNeeded: (_reason, lost) => {
        if (this.mode !== 'subscribe') return;
        this.needsJoin = true;
        if (lost) this.lostPending = true;
        this.wake();
      },
      onFatal: (error) => {
        this.pendingError = error;
        this.wake();
      },
      pollOverdue: () => this.polling === null && Date.now() - this.lastPollAt > this.options.rebalanceTimeoutMs,
    });
  }

  // ---- events ----

  on(event: 'rebalance', listener: (e: RebalanceEvent) => void): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'rebalance', listener: (e: RebalanceEvent) => void): this {
    this.events.off(event, listener);
    return this;
  }

  // ---- state ----

  /** The member id the coordinator gave (empty outside a group). */
  get memberId(): string {
    return this.membership?.memberId ?? '';
  }

  /** The current group generation, -1 outside a group. */
  get generationId(): number {
    return this.membership?.generation ?? -1;
  }

  /** The assignor the group selected in the current generation. */
  get protocol(): string | null {
    return this.membership?.protocol ?? null;
  }

  get rebalanceProtocol(): 'eager' | 'cooperative' {
    return this.cooperative ? 'cooperative' : 'eager';
  }

  assignment(): TopicPartition[] {
    return sortTopicPartitions(this.partitions.values());
  }

  subscriptionTopics(): string[] {
    return [...this.subscription];
  }

  /** The position (next offset poll returns) of an assigned partition, or null when not known yet. */
  position(topic: string, partition: number): number | null {
    const p = this.state(topic, partition).position;
    return p === null ? null : Number(p);
  }

  /** The high watermark the last fetch of the partition saw (-1 before any). */
  highWatermark(topic: string, partition: number): number {
    return Number(this.state(topic, partition).highWatermark);
  }

  // ---- subscription and assignment ----

  /** Subscribes to topics through the consumer group (replacing any earlier subscription). */
  subscribe(topics: string[]): void {
    this.ensureOpen();
    if (this.membership === null) throw new ClientError('INVALID_ARGUMENT', 'subscribe() needs a groupId');
    if (this.mode === 'assign') throw new ClientError('INVALID_ARGUMENT', 'subscribe() after assign(): call assign([]) first');
    if (topics.length === 0) throw new ClientError('INVALID_ARGUMENT', 'subscribe() needs topics; use unsubscribe() to stop');
    const next = [...new Set(topics)].sort();
    if (this.mode === 'subscribe' && next.join('\u0000') === this.subscription.join('\u0000')) return;
    this.subscription = next;
    this.mode = 'subscribe';
    this.needsJoin = true;
    this.wake();
  }

  /** Leaves the group: commits (with auto-commit), revokes the assignment and sends LeaveGroup. */
  async unsubscribe(): Promise<void> {
    this.ensureOpen();
    if (this.mode !== 'subscribe') return;
    await this.leaveGroup('the consumer unsubscribed');
    this.mode = 'none';
    this.subscription = [];
    this.needsJoin = false;
  }

  /**
   * Takes these partitions without a group (replacing any earlier assign()); assign([]) drops
   * them all. With a groupId, starting positions come from the group's committed offsets.
   */
  assign(partitions: TopicPartition[]): void {
    this.ensureOpen();
    if (this.mode === 'subscribe') throw new ClientError('INVALID_ARGUMENT', 'assign() while subscribed: call unsubscribe() first');
    const wanted = new Map(partitions.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    for (const key of [...this.partitions.keys()]) if (!wanted.has(key)) this.partitions.delete(key);
    for (const [key, tp] of wanted) if (!this.partitions.has(key)) this.partitions.set(key, this.newState(tp));
    this.mode = wanted.size === 0 ? 'none' : 'assign';
    this.wake();
  }

  seek(topic: string, partition: number, offset: number | bigint): void {
    const s = this.state(topic, partition);
    const o = BigInt(offset);
    if (o < 0n) throw new ClientError('INVALID_ARGUMENT', `seek to a negative offset ${o}`);
    this.clearBuffer(s);
    s.position = o;
    s.reset = null;
    s.needsCommitted = false;
  }

  /** Moves to the log start of the partitions (default: all assigned), looked up at the next poll. */
  seekToBeginning(partitions?: TopicPartition[]): void {
    this.seekTo(partitions, 'earliest');
  }

  /** Moves to the end (the last stable offset with read_committed), looked up at the next poll. */
  seekToEnd(partitions?: TopicPartition[]): void {
    this.seekTo(partitions, 'latest');
  }

  private seekTo(partitions: TopicPartition[] | undefined, policy: OffsetResetPolicy): void {
    const states = partitions === undefined ? [...this.partitions.values()] : partitions.map((tp) => this.state(tp.topic, tp.partition));
    for (const s of states) {
      this.clearBuffer(s);
      s.position = null;
      s.needsCommitted = false;
      s.reset = policy;
    }
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const s = this.state(tp.topic, tp.partition);
      s.paused = true;
    }
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.state(tp.topic, tp.partition).paused = false;
    this.wake();
  }

  paused(): TopicPartition[] {
    return sortTopicPartitions([...this.partitions.values()].filter((s) => s.paused));
  }

  // ---- offsets ----

  /**
   * Commits offsets (the offset of the next record to read) for the group: by default the
   * current positions of all assigned partitions. Throws on failure; ILLEGAL_GENERATION,
   * UNKNOWN_MEMBER_ID and REBALANCE_IN_PROGRESS mean the group rebalanced and the consumer will
   * rejoin at its next poll.
   */
  async commit(offsets?: CommitOffset[]): Promise<void> {
    this.ensureOpen();
    await this.commitNow(offsets);
  }

  private async commitNow(offsets?: CommitOffset[]): Promise<void> {
    const membership = this.membership;
    if (membership === null) throw new ClientError('INVALID_ARGUMENT', 'commit() needs a groupId');
    const list: OffsetToCommit[] = offsets
      ? offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), metadata: o.metadata ?? '' }))
      : [...this.partitions.values()].filter((s) => s.position !== null).map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! }));
    if (list.length === 0) return;
    const member: MemberIdentity = this.mode === 'subscribe' ? membership.identity : { generation: -1, memberId: '', groupInstanceId: null };
    try {
      await commitOffsets(membership, member, list, this.options.retryBackoffMs);
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

  /** The group's committed offsets of the partitions (default: all assigned). */
  async committed(partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
    this.ensureOpen();
    if (this.membership === null) throw new ClientError('INVALID_ARGUMENT', 'committed() needs a groupId');
    const tps = sortTopicPartitions(partitions ?? this.partitions.values());
    const got = await fetchCommittedOffsets(this.membership, tps, this.options.retryBackoffMs);
    return tps.map((tp) => {
      const c = got.get(tpKey(tp.topic, tp.partition));
      return { topic: tp.topic, partition: tp.partition, offset: c === undefined || c.offset < 0n ? null : Number(c.offset), metadata: c?.metadata ?? null };
    });
  }

  // ---- poll ----

  /**
   * Returns the records fetched since the last poll, waiting up to `timeoutMs` for some to arrive
   * (0: return what is there). Joins or rejoins the group first when needed.
   */
  async poll(timeoutMs = 0): Promise<ConsumerRecord[]> {
    this.ensureOpen();
    if (this.polling) throw new ClientError('INVALID_ARGUMENT', 'poll() is already running');
    if (this.mode === 'none') throw new ClientError('INVALID_ARGUMENT', 'poll() needs subscribe() or assign() first');
    const run = this.pollLoop(Math.max(0, timeoutMs));
    this.polling = run;
    try {
      return await run;
    } finally {
      this.polling = null;
      this.lastPollAt = Date.now();
    }
  }

  private async pollLoop(timeoutMs: number): Promise<ConsumerRecord[]> {
    this.lastPollAt = Date.now();
    const deadline = Date.now() + timeoutMs;
    this.maybeAutoCommit();
    for (let i = 0; i < MAX_POLL_ITERATIONS && !this.closed; i++) {
      this.throwPendingError();
      if (this.mode === 'subscribe' && this.needsJoin) {
        const joined = await this.rejoin().then(() => true, (e: unknown) => {
          if (this.closed || isRetriable(e)) return false;
          throw e;
        });
        this.lastPollAt = Date.now();
        if (!joined) {
          if (Date.now() >= deadline || this.closed) return [];
          await this.waitUntil(deadline, this.options.retryBackoffMs);
          continue;
        }
        continue;
      }
      await this.maybeRefreshMetadata();
      const positioned = await this.updatePositions();
      const records = this.drain();
      if (records.length > 0) return records;
      const backoffEnds = this.sendFetches();
      const now = Date.now();
      if (now >= deadline) return [];
      if (this.pendingError || (this.mode === 'subscribe' && this.needsJoin)) continue;
      let capMs = positioned && !this.metadataStale ? Number.POSITIVE_INFINITY : this.options.retryBackoffMs;
      if (backoffEnds !== undefined) capMs = Math.min(capMs, backoffEnds - now);
      await this.waitUntil(deadline, capMs);
    }
    return [];
  }

  private throwPendingError(): void {
    const e = this.pendingError;
    if (e) {
      this.pendingError = null;
      throw e;
    }
  }

  private maybeAutoCommit(): void {
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

  // ---- group ----

  private async rejoin(): Promise<void> {
    const membership = this.membership!;
    membership.stopHeartbeats();
    if (this.lostPending) {
      this.lostPending = false;
      await this.dropAll('lost');
    } else {
      if (membership.inGroup && this.options.enableAutoCommit) {
        await this.autoCommitting;
        await this.commitNow().catch(() => undefined);
      }
      if (this.lostPending) {
        // the commit found the member out of the group
        this.lostPending = false;
        await this.dropAll('lost');
      } else if (!this.cooperative) {
        await this.dropAll('revoked');
      }
    }
    this.needsJoin = false;
    const owned = this.cooperative ? this.assignment() : [];
    let joined;
    try {
      joined = await membership.join(this.subscription, owned, (topics) => this.topicCounts(topics), () => this.closed);
    } catch (e) {
      this.needsJoin = true;
      throw e;
    }
    membership.startHeartbeats();
    this.topicSnapshot = joined.topicSnapshot;
    this.nextSnapshotCheckAt = Date.now() + this.options.metadataMaxAgeMs;
    const next = new Map(joined.assignment.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    const revoked = [...this.partitions.values()].filter((s) => !next.has(tpKey(s.topic, s.partition)));
    const added = [...next].filter(([key]) => !this.partitions.has(key)).map(([, tp]) => tp);
    for (const s of revoked) this.partitions.delete(tpKey(s.topic, s.partition));
    for (const tp of added) this.partitions.set(tpKey(tp.topic, tp.partition), this.newState(tp));
    let callbackError: unknown;
    if (revoked.length > 0) {
      await this.emitRebalance({ type: 'revoked', partitions: sortTopicPartitions(revoked), generation: joined.generation }).catch((e: unknown) => {
        callbackError = e;
      });
      // the revoked partitions can only go to their new owner in a follow-up rebalance
      if (this.cooperative) this.needsJoin = true;
    }
    await this.emitRebalance({ type: 'assigned', partitions: sortTopicPartitions(added), generation: joined.generation }).catch((e: unknown) => {
      callbackError ??= e;
    });
    this.wake();
    if (callbackError !== undefined) throw callbackError;
  }

  /** Drops the whole assignment, telling the application (revoked or lost) when it had any. */
  private async dropAll(type: 'revoked' | 'lost'): Promise<void> {
    const all = this.assignment();
    this.partitions.clear();
    if (all.length > 0) await this.emitRebalance({ type, partitions: all, generation: this.membership?.generation ?? -1 });
  }

  private async emitRebalance(event: RebalanceEvent): Promise<void> {
    if (this.options.onRebalance) await this.options.onRebalance(event);
    this.events.emit('rebalance', event);
  }

  private async leaveGroup(reason: string): Promise<void> {
    const membership = this.membership!;
    membership.stopHeartbeats();
    if (this.lostPending || !membership.inGroup) {
      this.lostPending = false;
      await this.dropAll('lost').catch(() => undefined);
    } else {
      if (this.options.enableAutoCommit) {
        await this.autoCommitting;
        await this.commitNow().catch(() => undefined);
      }
      await this.dropAll('revoked').catch(() => undefined);
    }
    await membership.leave(reason);
  }

  /** Partition counts of topics, for the leader's assignment. */
  private async topicCounts(topics: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (topics.length === 0) return counts;
    const md = await this.client.withRetries(() => this.client.refreshMetadata(topics, this.options.allowAutoTopicCreation));
    for (const t of topics) {
      const info = md.topics.get(t);
      if (info && info.errorCode === ErrorCode.NONE) counts.set(t, info.partitions.length);
    }
    return counts;
  }

  // ---- positions and fetching ----

  private newState(tp: TopicPartition): PartitionState {
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

  private state(topic: string, partition: number): PartitionState {
    const s = this.partitions.get(tpKey(topic, partition));
    if (!s) throw new ClientError('INVALID_ARGUMENT', `${topic}-${partition} is not assigned to this consumer`);
    return s;
  }

  private clearBuffer(s: PartitionState): void {
    s.buffer = [];
    s.bufferIndex = 0;
    s.bufferEnd = -1n;
  }

  /** Finds missing positions; false when some could not be found yet (retry after a backoff). */
  private async updatePositions(): Promise<boolean> {
    let complete = true;
    const needCommitted = [...this.partitions.values()].filter((s) => s.position === null && s.needsCommitted);
    if (needCommitted.length > 0 && this.membership !== null) {
      try {
        const committed = await fetchCommittedOffsets(this.membership, needCommitted, this.options.retryBackoffMs);
        for (const s of needCommitted) {
          if (this.partitions.get(tpKey(s.topic, s.partition)) !== s || !s.needsCommitted || s.position !== null) continue;
          const c = committed.get(tpKey(s.topic, s.partition));
          if (c === undefined) {
            complete = false; // unstable: a transaction may still commit an offset
            continue;
          }
          s.needsCommitted = false;
          if (c.offset >= 0n) s.position = c.offset;
          else s.reset = this.options.autoOffsetReset;
        }
      } catch (e) {
        if (!isRetriable(e)) throw e;
        complete = false;
      }
    }
    const needReset = [...this.partitions.values()].filter((s) => s.position === null && !s.needsCommitted && s.reset !== null);
    if (needReset.length > 0) {
      const asked = needReset.map((s) => ({ s, policy: s.reset! }));
      try {
        const missing = needReset.filter((s) => !this.client.metadata.topics.has(s.topic));
        if (missing.length > 0) await this.refreshMetadata();
        const listed = await listOffsets(this.client, asked.map(({ s, policy }) => ({
          topic: s.topic, partition: s.partition, timestamp: policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
        })), this.options.isolationLevel === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED);
        for (const { s, policy } of asked) {
          if (this.partitions.get(tpKey(s.topic, s.partition)) !== s || s.reset !== policy || s.position !== null) continue;
          const offset = listed.offsets.get(tpKey(s.topic, s.partition));
          if (offset === undefined) continue;
          s.position = offset;
          s.reset = null;
        }
        if (listed.retry.length > 0) {
          this.metadataStale = true;
          complete = false;
        }
      } catch (e) {
        if (!isRetriable(e)) throw e;
        this.metadataStale = true;
        complete = false;
      }
    }
    return complete;
  }

  /** Takes buffered records, at most maxPollRecords, moving each partition's position. */
  private drain(): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const drained: string[] = [];
    for (const [key, s] of this.partitions) {
      if (out.length >= this.options.maxPollRecords) break;
      if (s.paused || s.bufferIndex >= s.buffer.length) continue;
      while (out.length < this.options.maxPollRecords && s.bufferIndex < s.buffer.length) {
        const r = s.buffer[s.bufferIndex++]!;
        out.push(r.record);
        s.position = r.offset + 1n;
      }
      if (s.bufferIndex >= s.buffer.length) {
        if (s.bufferEnd > (s.position ?? -1n)) s.position = s.bufferEnd;
        this.clearBuffer(s);
      }
      drained.push(key);
    }
    // partitions just drained go to the back, so the others are served first next time
    for (const key of drained) {
      const s = this.partitions.get(key)!;
      this.partitions.delete(key);
      this.partitions.set(key, s);
    }
    return out;
  }

  private fetchable(s: PartitionState): boolean {
    return s.position !== null && !s.paused && !s.fetching && s.bufferIndex >= s.buffer.length;
  }

  private leaderOf(s: PartitionState): number {
    return this.client.metadata.topics.get(s.topic)?.partitions.find((p) => p.partition === s.partition)?.leader ?? -1;
  }

  /** Sends a fetch to every leader with fetchable partitions; returns when a node's backoff ends. */
  private sendFetches(): number | undefined {
    const now = Date.now();
    let backoffEnds: number | undefined;
    const byNode = new Map<number, PartitionState[]>();
    for (const s of this.partitions.values()) {
      if (!this.fetchable(s)) continue;
      const leader = this.leaderOf(s);
      if (leader < 0) {
        this.metadataStale = true;
        continue;
      }
      if (this.fetchingNodes.has(leader)) continue;
      const until = this.nodeBackoffUntil.get(leader) ?? 0;
      if (until > now) {
        backoffEnds = Math.min(backoffEnds ?? until, until);
        continue;
      }
      let list = byNode.get(leader);
      if (!list) byNode.set(leader, (list = []));
      list.push(s);
    }
    for (const [node, states] of byNode) {
      this.fetchingNodes.add(node);
      for (const s of states) s.fetching = true;
      const targets = states.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! }));
      void this.fetcher.fetch(node, targets).then(
        (results) => this.applyFetch(states, results),
        (e: unknown) => {
          if (!isRetriable(e)) {
            this.pendingError ??= e as Error;
          }
          this.metadataStale = true;
          this.nodeBackoffUntil.set(node, Date.now() + this.options.retryBackoffMs);
        },
      ).catch((e: unknown) => {
        this.pendingError ??= e instanceof Error ? e : new Error(String(e));
      }).finally(() => {
        this.fetchingNodes.delete(node);
        for (const s of states) s.fetching = false;
        this.wake();
      });
    }
    return backoffEnds;
  }

  private applyFetch(states: PartitionState[], results: PartitionFetch[]): void {
    if (this.closed) return;
    const byKey = new Map(states.map((s) => [tpKey(s.topic, s.partition), s]));
    for (const r of results) {
      const s = byKey.get(tpKey(r.topic, r.partition));
      // dropped, reassigned, moved by seek or already holding records since: the result is stale
      if (!s || this.partitions.get(tpKey(s.topic, s.partition)) !== s || s.position !== r.fetchOffset || s.bufferIndex < s.buffer.length) continue;
      if (r.errorCode === ErrorCode.NONE) {
        s.highWatermark = r.highWatermark;
        if (r.error) {
          this.pendingError ??= r.error;
          continue;
        }
        if (r.records.length > 0) {
          s.buffer = r.records;
          s.bufferIndex = 0;
          s.bufferEnd = r.nextOffset;
        } else if (r.nextOffset > s.position) {
          s.position = r.nextOffset;
        }
        continue;
      }
      switch (r.errorCode) {
        case ErrorCode.OFFSET_OUT_OF_RANGE:
          s.position = null;
          s.reset = this.options.autoOffsetReset;
          break;
        case ErrorCode.NOT_LEADER_OR_FOLLOWER:
        case ErrorCode.LEADER_NOT_AVAILABLE:
        case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
        case ErrorCode.FENCED_LEADER_EPOCH:
        case ErrorCode.UNKNOWN_LEADER_EPOCH:
        case ErrorCode.REPLICA_NOT_AVAILABLE:
        case ErrorCode.KAFKA_STORAGE_ERROR:
        case ErrorCode.OFFSET_NOT_AVAILABLE:
          this.metadataStale = true;
          break;
        default:
          if (errorInfo(r.errorCode)?.retriable ?? false) this.metadataStale = true;
          else this.pendingError ??= ClientError.kafka(r.errorCode, `Fetch of ${r.topic}-${r.partition}`);
      }
    }
  }

  private async refreshMetadata(): Promise<void> {
    const topics = new Set<string>(this.subscription);
    for (const s of this.partitions.values()) topics.add(s.topic);
    if (this.topicSnapshot) for (const t of this.topicSnapshot.keys()) topics.add(t);
    this.nextMetadataRefreshAt = Date.now() + this.options.retryBackoffMs;
    this.metadataStale = false;
    try {
      await this.client.refreshMetadata([...topics], this.mode === 'subscribe' && this.options.allowAutoTopicCreation);
    } catch {
      this.metadataStale = true;
    }
  }

  private async maybeRefreshMetadata(): Promise<void> {
    const now = Date.now();
    const missing = [...this.partitions.values()].some((s) => !this.client.metadata.topics.has(s.topic));
    if ((this.metadataStale || missing) && now >= this.nextMetadataRefreshAt) await this.refreshMetadata();
    // the leader rebalances when a subscribed topic's partition count changes
    if (this.topicSnapshot && this.mode === 'subscribe' && now >= this.nextSnapshotCheckAt) {
      this.nextSnapshotCheckAt = now + this.options.metadataMaxAgeMs;
      await this.refreshMetadata();
      for (const [topic, count] of this.topicSnapshot) {
        const info = this.client.metadata.topics.get(topic);
        const current = info && info.errorCode === ErrorCode.NONE ? info.partitions.length : 0;
        if (current !== count) {
          this.needsJoin = true;
          break;
        }
      }
      for (const topic of this.subscription) {
        const info = this.client.metadata.topics.get(topic);
        if (!this.topicSnapshot.has(topic) && info && info.errorCode === ErrorCode.NONE && info.partitions.length > 0) this.needsJoin = true;
      }
    }
  }

  // ---- waiting ----

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private waitUntil(deadline: number, capMs?: number): Promise<void> {
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

  // ---- close ----

  private ensureOpen(): void {
    if (this.closed) throw new ClientError('INVALID_ARGUMENT', 'the consumer is closed');
  }

  /**
   * Closes the consumer: commits positions (with auto-commit), revokes the assignment and leaves
   * the group (a static member stays until its session times out). Does not close the client.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    await this.polling?.catch(() => undefined);
    this.membership?.stopHeartbeats();
    if (this.mode === 'subscribe' && this.membership) {
      await this.leaveGroup('the consumer is being closed');
    } else if (this.mode === 'assign' && this.membership && this.options.enableAutoCommit) {
      await this.autoCommitting;
      await this.commitNow().catch(() => undefined);
    }
    this.membership?.close();
    this.partitions.clear();
    this.mode = 'none';
  }
}

function isRetriable(e: unknown): boolean {
  return e instanceof ClientError && (e.retriable || e.code === 'CONNECT');
}
