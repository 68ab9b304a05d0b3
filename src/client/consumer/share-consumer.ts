/**
 * ShareConsumer: a member of a share group (KIP-932) — Kafka's queues. Members of one group
 * share the records of the subscribed topics one by one, several members per partition if need
 * be; each record is acquired by one member, acknowledged (accept, release, reject), and delivered
 * again if its acquisition lock (group.share.record.lock.duration.ms) runs out first.
 *
 * - subscribe(topics), then poll(timeoutMs): joins the group (ShareGroupHeartbeat) and fetches
 *   (ShareFetch) from the leaders of its assigned partitions, one share session per broker.
 *   Each record carries its delivery count.
 * - Acknowledgement: 'implicit' (the default, as Kafka's share.acknowledgement.mode): every
 *   record a poll returned is accepted by the next poll, commitSync() or close(). 'explicit':
 *   the application calls acknowledge(record, type) for every record; poll() sends the
 *   acknowledgements with the next fetch and commitSync() at once (ShareAcknowledge).
 * - close() acknowledges what is pending, closes the share sessions (releasing what the member
 *   still holds) and leaves the group.
 *
 * Contract: one poll() at a time; acknowledge() between polls. The KafkaClient stays the caller's.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import { decodePartitionRecords } from './fetcher.js';
import type { ConsumerRecord, TopicPartition } from './types.js';

export type AcknowledgeKind = 'accept' | 'release' | 'reject';
const ACK_TYPE: Record<AcknowledgeKind, number> = { accept: 1, release: 2, reject: 3 };

export interface ShareConsumerOptions {
  groupId: string;
  acknowledgementMode?: 'implicit' | 'explicit';
  /** ShareFetch: how long the broker may wait for records (default 500). */
  maxWaitMs?: number;
  maxBytes?: number;
  maxPartitionBytes?: number;
  retryBackoffMs?: number;
  rackId?: string;
}

export interface ShareRecord extends ConsumerRecord {
  /** How many times the record has been delivered to a member of the group (1 the first time). */
  deliveryCount: number;
}

interface NodeSession {
  epoch: number;
  partitions: Set<string>;
}

interface Pending {
  topic: string;
  partition: number;
  offset: number;
  type: number;
}

const MAX_HEARTBEAT_ATTEMPTS = 30;

export class ShareConsumer {
  /** Chosen here; the coordinator's own choice, if it makes one, replaces it. */
  memberId: string = randomUUID();
  memberEpoch = 0;
  private topics: string[] = [];
  private assigned: TopicPartition[] = [];
  private assignedIds: { topicId: string; partitions: number[] }[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatIntervalMs = 5000;
  private readonly sessions = new Map<number, NodeSession>();
  /** Acknowledgements not yet sent. */
  private pending: Pending[] = [];
  /** Records the last poll returned, not yet acknowledged (implicit mode accepts them). */
  private delivered: ShareRecord[] = [];
  private closed = false;
  private fatal: Error | undefined;
  private readonly options: Required<Omit<ShareConsumerOptions, 'rackId'>> & { rackId: string | null };

  constructor(private readonly client: KafkaClient, options: ShareConsumerOptions) {
    this.options = {
      groupId: options.groupId,
      acknowledgementMode: options.acknowledgementMode ?? 'implicit',
      maxWaitMs: options.maxWaitMs ?? 500,
      maxBytes: options.maxBytes ?? 52_428_800,
      maxPartitionBytes: options.maxPartitionBytes ?? 1_048_576,
      retryBackoffMs: options.retryBackoffMs ?? client.options.retryBackoffMs,
      rackId: options.rackId ?? null,
    };
  }

  subscribe(topics: string[]): void {
    if (topics.length === 0) throw new ClientError('INVALID_ARGUMENT', 'subscribe() needs topics');
    this.topics = [...new Set(topics)].sort();
    this.memberEpoch = 0;
  }

  assignment(): TopicPartition[] {
    return [...this.assigned];
  }

  /** Marks a record delivered by the last poll as accepted, released or rejected. */
  acknowledge(record: ShareRecord, kind: AcknowledgeKind = 'accept'): void {
    const i = this.delivered.indexOf(record);
    if (i < 0) throw new ClientError('INVALID_ARGUMENT', `record ${record.topic}-${record.partition}@${record.offset} is not awaiting acknowledgement`);
    this.delivered.splice(i, 1);
    this.pending.push({ topic: record.topic, partition: record.partition, offset: record.offset, type: ACK_TYPE[kind] });
  }

  private takeImplicit(): void {
    if (this.options.acknowledgementMode === 'implicit') {
      for (const r of this.delivered) this.pending.push({ topic: r.topic, partition: r.partition, offset: r.offset, type: ACK_TYPE.accept });
      this.delivered = [];
    }
  }

  // ---- membership ----

  private async coordinatorConnection() {
    const node = await this.client.coordinator(this.options.groupId);
    return this.client.connection(node);
  }

  private async heartbeat(leaving = false): Promise<void> {
    const conn = await this.coordinatorConnection();
    if (conn.version(ApiKey.ShareGroupHeartbeat, 0) === undefined) throw new ClientError('UNSUPPORTED', 'the broker does not support share groups (ShareGroupHeartbeat)');
    const res = await conn.request(ApiKey.ShareGroupHeartbeat, {
      groupId: this.options.groupId, memberId: this.memberId, memberEpoch: leaving ? -1 : this.memberEpoch,
      rackId: this.memberEpoch === 0 ? this.options.rackId : null, subscribedTopicNames: this.memberEpoch === 0 ? this.topics : null,
    });
    if (leaving) return;
    if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.FENCED_MEMBER_EPOCH) {
      this.memberEpoch = 0;
      throw ClientError.kafka(res.errorCode, `share group ${this.options.groupId} heartbeat`, res.errorMessage);
    }
    if (res.errorCode !== ErrorCode.NONE) throw ClientError.kafka(res.errorCode, `share group ${this.options.groupId} heartbeat`, res.errorMessage);
    this.memberEpoch = res.memberEpoch;
    if (res.memberId) this.memberId = res.memberId;
    if (res.heartbeatIntervalMs > 0) this.heartbeatIntervalMs = res.heartbeatIntervalMs;
    if (res.assignment) {
      this.assignedIds = res.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions] }));
      await this.resolveAssignment();
    }
  }

  private async resolveAssignment(): Promise<void> {
    const names = (): Map<string, string> => new Map([...this.client.metadata.topics.values()].map((t) => [t.topicId, t.name]));
    let byId = names();
    if (this.assignedIds.some((t) => !byId.has(t.topicId))) {
      await this.client.refreshMetadata(null);
      byId = names();
    }
    this.assigned = this.assignedIds.flatMap((t) => {
      const topic = byId.get(t.topicId);
      return topic === undefined ? [] : t.partitions.map((partition) => ({ topic, partition }));
    });
  }

  private async join(): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_HEARTBEAT_ATTEMPTS; attempt++) {
      try {
        await this.client.refreshMetadata(this.topics);
        await this.heartbeat();
        this.scheduleHeartbeat();
        return;
      } catch (e) {
        lastError = e;
        if (!(e instanceof ClientError) || (e.kafkaCode !== undefined && !e.retriable && e.kafkaCode !== ErrorCode.UNKNOWN_MEMBER_ID)) throw e;
        await new Promise((r) => setTimeout(r, this.options.retryBackoffMs * Math.min(2 ** attempt, 20)));
      }
    }
    throw lastError instanceof Error ? lastError : new ClientError('TIMEOUT', `could not join share group ${this.options.groupId}`);
  }

  private scheduleHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    if (this.closed) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeat().catch((e: unknown) => {
        if (e instanceof ClientError && e.kafkaCode !== undefined && !e.retriable && e.kafkaCode !== ErrorCode.UNKNOWN_MEMBER_ID && e.kafkaCode !== ErrorCode.FENCED_MEMBER_EPOCH) this.fatal = e;
      }).finally(() => this.scheduleHeartbeat());
    }, this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  // ---- fetching ----

  /** Records acquired for this member; waits up to timeoutMs for some. */
  async poll(timeoutMs: number): Promise<ShareRecord[]> {
    if (this.closed) throw new ClientError('INVALID_ARGUMENT', 'the share consumer is closed');
    if (this.fatal) throw this.fatal;
    if (this.topics.length === 0) throw new ClientError('INVALID_ARGUMENT', 'poll() before subscribe()');
    if (this.memberEpoch === 0) await this.join();
    this.takeImplicit();
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (let round = 0; round < 1000; round++) {
      const records = await this.fetchOnce(Math.max(0, Math.min(this.options.maxWaitMs, deadline - Date.now())));
      if (records.length > 0 || Date.now() >= deadline) {
        this.delivered.push(...records);
        return records;
      }
    }
    return [];
  }

  /** The acknowledgements waiting for partitions of `node`, as request batches (one per offset). */
  private acksFor(node: number, leaders: Map<string, number>): Map<string, { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[]> {
    const out = new Map<string, { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[]>();
    const keep: Pending[] = [];
    for (const p of this.pending) {
      if (leaders.get(`${p.topic}:${p.partition}`) !== node) {
        keep.push(p);
        continue;
      }
      const key = `${p.topic}:${p.partition}`;
      const list = out.get(key) ?? [];
      const last = list[list.length - 1];
      if (last && last.lastOffset === BigInt(p.offset) - 1n && last.acknowledgeTypes[0] === p.type) last.lastOffset = BigInt(p.offset);
      else list.push({ firstOffset: BigInt(p.offset), lastOffset: BigInt(p.offset), acknowledgeTypes: [p.type] });
      out.set(key, list);
    }
    this.pending = keep;
    return out;
  }

  private async leaders(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const tp of partitions) {
      try {
        out.set(`${tp.topic}:${tp.partition}`, await this.client.leaderOf(tp.topic, tp.partition));
      } catch {
        await this.client.refreshMetadata([tp.topic]).catch(() => undefined);
      }
    }
    return out;
  }

  private async fetchOnce(maxWaitMs: number): Promise<ShareRecord[]> {
    const ackTargets = this.pending.map((p) => ({ topic: p.topic, partition: p.partition }));
    const leaders = await this.leaders([...this.assigned, ...ackTargets]);
    const nodes = new Set(leaders.values());
    if (nodes.size === 0) {
      await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 100)));
      return [];
    }
    const results = await Promise.all([...nodes].map((node) => this.fetchFrom(node, leaders, nodes.size === 1 ? maxWaitMs : Math.min(maxWaitMs, 100))));
    return results.flat();
  }

  private async fetchFrom(node: number, leaders: Map<string, number>, maxWaitMs: number): Promise<ShareRecord[]> {
    const conn = await this.client.connection(node);
    const mine = this.assigned.filter((tp) => leaders.get(`${tp.topic}:${tp.partition}`) === node);
    const session = this.sessions.get(node) ?? { epoch: 0, partitions: new Set<string>() };
    const acks = this.acksFor(node, leaders);
    if (session.epoch === 0 && acks.size > 0) {
      await this.acknowledgeOn(node, acks);
      acks.clear();
    }
    const idOf = (topic: string): string => this.client.metadata.topics.get(topic)?.topicId ?? '';
    const wanted = new Set(mine.map((tp) => `${tp.topic}:${tp.partition}`));
    const named = new Set([...wanted].filter((k) => session.epoch === 0 || !session.partitions.has(k)));
    for (const k of acks.keys()) named.add(k);
    const forgotten = session.epoch === 0 ? [] : [...session.partitions].filter((k) => !wanted.has(k));
    const byTopic = (keys: Iterable<string>): Map<string, number[]> => {
      const m = new Map<string, number[]>();
      for (const k of keys) {
        const i = k.lastIndexOf(':');
        const topic = k.slice(0, i);
        m.set(topic, [...(m.get(topic) ?? []), Number(k.slice(i + 1))]);
      }
      return m;
    };
    const res = await conn.request(ApiKey.ShareFetch, {
      groupId: this.options.groupId, memberId: this.memberId, shareSessionEpoch: session.epoch, maxWaitMs, minBytes: 1, maxBytes: this.options.maxBytes,
      topics: [...byTopic(named)].map(([topic, partitions]) => ({
        topicId: idOf(topic),
        partitions: partitions.map((p) => ({ partitionIndex: p, partitionMaxBytes: this.options.maxPartitionBytes, acknowledgementBatches: acks.get(`${topic}:${p}`) ?? [] })),
      })),
      forgottenTopicsData: [...byTopic(forgotten)].map(([topic, partitions]) => ({ topicId: idOf(topic), partitions })),
    });
    if (res.errorCode === ErrorCode.SHARE_SESSION_NOT_FOUND || res.errorCode === ErrorCode.INVALID_SHARE_SESSION_EPOCH) {
      this.sessions.delete(node);
      return [];
    }
    if (res.errorCode !== ErrorCode.NONE) throw ClientError.kafka(res.errorCode, `share fetch from ${node}`, res.errorMessage);
    session.epoch = session.epoch === 0x7fffffff ? 1 : session.epoch + 1;
    for (const k of named) session.partitions.add(k);
    for (const k of forgotten) session.partitions.delete(k);
    this.sessions.set(node, session);
    const nameOf = new Map([...this.client.metadata.topics.values()].map((t) => [t.topicId, t.name]));
    const out: ShareRecord[] = [];
    for (const t of res.responses) {
      const topic = nameOf.get(t.topicId);
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) await this.client.refreshMetadata([topic]).catch(() => undefined);
        if (!p.records || p.acquiredRecords.length === 0) continue;
        const decoded = decodePartitionRecords(topic, p.partitionIndex, p.records, 0n, { readCommitted: false, abortedTransactions: null, checkCrcs: true });
        for (const { offset, record } of decoded.records) {
          const range = p.acquiredRecords.find((r) => offset >= r.firstOffset && offset <= r.lastOffset);
          if (range) out.push({ ...record, deliveryCount: range.deliveryCount });
        }
      }
    }
    return out;
  }

  private async acknowledgeOn(node: number, acks: Map<string, { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[]>, closing = false): Promise<void> {
    const session = this.sessions.get(node);
    if (!session || session.epoch === 0 || acks.size === 0 && !closing) return;
    const conn = await this.client.connection(node);
    const byTopic = new Map<string, { partitionIndex: number; acknowledgementBatches: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] }[]>();
    for (const [k, batches] of acks) {
      const i = k.lastIndexOf(':');
      const topicId = this.client.metadata.topics.get(k.slice(0, i))?.topicId ?? '';
      byTopic.set(topicId, [...(byTopic.get(topicId) ?? []), { partitionIndex: Number(k.slice(i + 1)), acknowledgementBatches: batches }]);
    }
    const res = await conn.request(ApiKey.ShareAcknowledge, {
      groupId: this.options.groupId, memberId: this.memberId, shareSessionEpoch: closing ? -1 : session.epoch,
      topics: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
    });
    if (closing) this.sessions.delete(node);
    else session.epoch = session.epoch === 0x7fffffff ? 1 : session.epoch + 1;
    if (res.errorCode !== ErrorCode.NONE) throw ClientError.kafka(res.errorCode, 'share acknowledge', res.errorMessage);
    const failedPartition = res.responses.flatMap((t) => t.partitions).find((p) => p.errorCode !== ErrorCode.NONE);
    if (failedPartition) throw ClientError.kafka(failedPartition.errorCode, `acknowledging records of partition ${failedPartition.partitionIndex}`);
  }

  /** Sends the pending acknowledgements now (implicit mode: accepts what the last poll returned). */
  async commitSync(): Promise<void> {
    this.takeImplicit();
    const leaders = await this.leaders(this.pending.map((p) => ({ topic: p.topic, partition: p.partition })));
    for (const node of new Set(leaders.values())) await this.acknowledgeOn(node, this.acksFor(node, leaders));
  }

  /** Acknowledges what is pending, closes the share sessions and leaves the group. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.takeImplicit();
    clearTimeout(this.heartbeatTimer);
    try {
      const leaders = await this.leaders(this.pending.map((p) => ({ topic: p.topic, partition: p.partition })));
      for (const node of new Set([...leaders.values(), ...this.sessions.keys()])) {
        await this.acknowledgeOn(node, this.acksFor(node, leaders), true).catch(() => undefined);
      }
      if (this.memberEpoch > 0) await this.heartbeat(true).catch(() => undefined);
    } finally {
      this.closed = true;
    }
  }
}
