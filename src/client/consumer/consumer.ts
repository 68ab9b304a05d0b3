/**
 * Consumer: a poll-based Kafka consumer, in the manner of Kafka's Java consumer.
 *
 * - subscribe(topics) joins the consumer group `groupId`: with the classic protocol (the default,
 *   group-membership.ts) partitions are assigned by the group leader's assignor; with
 *   groupProtocol 'consumer' (KIP-848, consumer-protocol-membership.ts) by the broker, which
 *   also evaluates subscribePattern()'s regex. assign()
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
 * Layout: this class is the public face; its state lives in a ConsumerCore (consumer-state.ts),
 * the fetch path in consumer-fetch.ts and rebalance handling in consumer-rebalance.ts.
 *
 * Contract: one poll() at a time; the other methods may be called between polls and from the
 * rebalance callbacks. The KafkaClient stays owned by the caller (close() does not close it).
 */
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import { fetchCommittedOffsets } from './offsets.js';
import { sortTopicPartitions, tpKey, type ConsumerRecord, type RebalanceEvent, type TopicPartition } from './types.js';
import {
  ConsumerCore, isRetriable,
  type CommitOffset, type CommittedOffset, type ConsumerOptions, type OffsetResetPolicy,
} from './consumer-state.js';
import { drain, maybeRefreshMetadata, sendFetches, updatePositions } from './consumer-fetch.js';
import { leaveGroup, rejoin } from './consumer-rebalance.js';
import { ConsumerProtocolMembership } from './consumer-protocol-membership.js';

export type { CommitOffset, CommittedOffset, ConsumerOptions, IsolationLevel, OffsetResetPolicy } from './consumer-state.js';

const MAX_POLL_ITERATIONS = 100_000;

export class Consumer {
  private readonly c: ConsumerCore;

  constructor(
    client: KafkaClient,
    options: ConsumerOptions = {},
  ) {
    this.c = new ConsumerCore(client, options);
  }

  // ---- events ----

  on(event: 'rebalance', listener: (e: RebalanceEvent) => void): this {
    this.c.events.on(event, listener);
    return this;
  }

  off(event: 'rebalance', listener: (e: RebalanceEvent) => void): this {
    this.c.events.off(event, listener);
    return this;
  }

  // ---- state ----

  /** The member id the coordinator gave (empty outside a group). */
  get memberId(): string {
    return this.c.membership?.memberId ?? '';
  }

  /** The current group generation, -1 outside a group. */
  get generationId(): number {
    return this.c.membership?.generation ?? -1;
  }

  /** The assignor the group selected in the current generation. */
  get protocol(): string | null {
    return this.c.membership?.protocol ?? null;
  }

  get rebalanceProtocol(): 'eager' | 'cooperative' {
    return this.c.cooperative ? 'cooperative' : 'eager';
  }

  assignment(): TopicPartition[] {
    return this.c.assignment();
  }

  subscriptionTopics(): string[] {
    return [...this.c.subscription];
  }

  /** The position (next offset poll returns) of an assigned partition, or null when not known yet. */
  position(topic: string, partition: number): number | null {
    const p = this.c.state(topic, partition).position;
    return p === null ? null : Number(p);
  }

  /** The high watermark the last fetch of the partition saw (-1 before any). */
  highWatermark(topic: string, partition: number): number {
    return Number(this.c.state(topic, partition).highWatermark);
  }

  // ---- subscription and assignment ----

  /** Subscribes to topics through the consumer group (replacing any earlier subscription). */
  subscribe(topics: string[]): void {
    this.c.ensureOpen();
    if (this.c.membership === null) throw new ClientError('INVALID_ARGUMENT', 'subscribe() needs a groupId');
    if (this.c.mode === 'assign') throw new ClientError('INVALID_ARGUMENT', 'subscribe() after assign(): call assign([]) first');
    if (topics.length === 0) throw new ClientError('INVALID_ARGUMENT', 'subscribe() needs topics; use unsubscribe() to stop');
    const next = [...new Set(topics)].sort();
    if (this.c.mode === 'subscribe' && next.join('\u0000') === this.c.subscription.join('\u0000')) return;
    if (this.c.membership instanceof ConsumerProtocolMembership) this.c.membership.regex = null;
    this.c.subscription = next;
    this.c.mode = 'subscribe';
    this.c.needsJoin = true;
    this.c.wake();
  }

  /**
   * Subscribes to every topic whose whole name matches `pattern` (RE2 syntax), evaluated by the
   * broker, which also adds topics created later and drops deleted ones (groupProtocol
   * 'consumer' only).
   */
  subscribePattern(pattern: string): void {
    this.c.ensureOpen();
    const membership = this.c.membership;
    if (!(membership instanceof ConsumerProtocolMembership)) throw new ClientError('INVALID_ARGUMENT', "subscribePattern() needs groupProtocol 'consumer'");
    if (this.c.mode === 'assign') throw new ClientError('INVALID_ARGUMENT', 'subscribePattern() after assign(): call assign([]) first');
    if (this.c.mode === 'subscribe' && membership.regex === pattern) return;
    membership.regex = pattern;
    this.c.subscription = [];
    this.c.mode = 'subscribe';
    this.c.needsJoin = true;
    this.c.wake();
  }

  /** Leaves the group: commits (with auto-commit), revokes the assignment and sends LeaveGroup. */
  async unsubscribe(): Promise<void> {
    this.c.ensureOpen();
    if (this.c.mode !== 'subscribe') return;
    await leaveGroup(this.c, 'the consumer unsubscribed');
    this.c.mode = 'none';
    this.c.subscription = [];
    this.c.needsJoin = false;
  }

  /**
   * Takes these partitions without a group (replacing any earlier assign()); assign([]) drops
   * them all. With a groupId, starting positions come from the group's committed offsets.
   */
  assign(partitions: TopicPartition[]): void {
    this.c.ensureOpen();
    if (this.c.mode === 'subscribe') throw new ClientError('INVALID_ARGUMENT', 'assign() while subscribed: call unsubscribe() first');
    const wanted = new Map(partitions.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    for (const key of [...this.c.partitions.keys()]) if (!wanted.has(key)) this.c.partitions.delete(key);
    for (const [key, tp] of wanted) if (!this.c.partitions.has(key)) this.c.partitions.set(key, this.c.newState(tp));
    this.c.mode = wanted.size === 0 ? 'none' : 'assign';
    this.c.wake();
  }

  seek(topic: string, partition: number, offset: number | bigint): void {
    const s = this.c.state(topic, partition);
    const o = BigInt(offset);
    if (o < 0n) throw new ClientError('INVALID_ARGUMENT', `seek to a negative offset ${o}`);
    this.c.clearBuffer(s);
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
    const states = partitions === undefined ? [...this.c.partitions.values()] : partitions.map((tp) => this.c.state(tp.topic, tp.partition));
    for (const s of states) {
      this.c.clearBuffer(s);
      s.position = null;
      s.needsCommitted = false;
      s.reset = policy;
    }
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const s = this.c.state(tp.topic, tp.partition);
      s.paused = true;
    }
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.c.state(tp.topic, tp.partition).paused = false;
    this.c.wake();
  }

  paused(): TopicPartition[] {
    return sortTopicPartitions([...this.c.partitions.values()].filter((s) => s.paused));
  }

  // ---- offsets ----

  /**
   * Commits offsets (the offset of the next record to read) for the group: by default the
   * current positions of all assigned partitions. Throws on failure; ILLEGAL_GENERATION,
   * UNKNOWN_MEMBER_ID and REBALANCE_IN_PROGRESS mean the group rebalanced and the consumer will
   * rejoin at its next poll.
   */
  async commit(offsets?: CommitOffset[]): Promise<void> {
    this.c.ensureOpen();
    await this.c.commitNow(offsets);
  }

  /** The group's committed offsets of the partitions (default: all assigned). */
  async committed(partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
    this.c.ensureOpen();
    if (this.c.membership === null) throw new ClientError('INVALID_ARGUMENT', 'committed() needs a groupId');
    const tps = sortTopicPartitions(partitions ?? this.c.partitions.values());
    const got = await fetchCommittedOffsets(this.c.membership, tps, this.c.options.retryBackoffMs);
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
    this.c.ensureOpen();
    if (this.c.polling) throw new ClientError('INVALID_ARGUMENT', 'poll() is already running');
    if (this.c.mode === 'none') throw new ClientError('INVALID_ARGUMENT', 'poll() needs subscribe() or assign() first');
    const run = this.pollLoop(Math.max(0, timeoutMs));
    this.c.polling = run;
    try {
      return await run;
    } finally {
      this.c.polling = null;
      this.c.lastPollAt = Date.now();
    }
  }

  private async pollLoop(timeoutMs: number): Promise<ConsumerRecord[]> {
    this.c.lastPollAt = Date.now();
    const deadline = Date.now() + timeoutMs;
    this.c.maybeAutoCommit();
    for (let i = 0; i < MAX_POLL_ITERATIONS && !this.c.closed; i++) {
      this.c.throwPendingError();
      if (this.c.mode === 'subscribe' && this.c.needsJoin) {
        const joined = await rejoin(this.c).then(() => true, (e: unknown) => {
          if (this.c.closed || isRetriable(e)) return false;
          throw e;
        });
        this.c.lastPollAt = Date.now();
        if (!joined) {
          if (Date.now() >= deadline || this.c.closed) return [];
          await this.c.waitUntil(deadline, this.c.options.retryBackoffMs);
          continue;
        }
        continue;
      }
      await maybeRefreshMetadata(this.c);
      const positioned = await updatePositions(this.c);
      const records = drain(this.c);
      if (records.length > 0) return records;
      const backoffEnds = sendFetches(this.c);
      const now = Date.now();
      if (now >= deadline) return [];
      if (this.c.pendingError || (this.c.mode === 'subscribe' && this.c.needsJoin)) continue;
      let capMs = positioned && !this.c.metadataStale ? Number.POSITIVE_INFINITY : this.c.options.retryBackoffMs;
      if (backoffEnds !== undefined) capMs = Math.min(capMs, backoffEnds - now);
      await this.c.waitUntil(deadline, capMs);
    }
    return [];
  }

  // ---- close ----

  /**
   * Closes the consumer: commits positions (with auto-commit), revokes the assignment and leaves
   * the group (a static member stays until its session times out). Does not close the client.
   */
  async close(): Promise<void> {
    if (this.c.closed) return;
    this.c.closed = true;
    this.c.wake();
    await this.c.polling?.catch(() => undefined);
    this.c.membership?.stopHeartbeats();
    if (this.c.mode === 'subscribe' && this.c.membership) {
      await leaveGroup(this.c, 'the consumer is being closed');
    } else if (this.c.mode === 'assign' && this.c.membership && this.c.options.enableAutoCommit) {
      await this.c.autoCommitting;
      await this.c.commitNow().catch(() => undefined);
    }
    this.c.membership?.close();
    this.c.partitions.clear();
    this.c.mode = 'none';
  }
}
