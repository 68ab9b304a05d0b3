/**
 * ConsumerProtocolMembership: one consumer's membership in a group of the consumer group
 * protocol (KIP-848, `groupProtocol: 'consumer'`), with the same face the Consumer uses for the
 * classic GroupMembership:
 *
 * - join() sends ConsumerGroupHeartbeat with member epoch 0 and the subscription (topic names or
 *   a regex evaluated by the broker) the first time; afterwards it reports the partitions the
 *   consumer now owns and returns the assignment the coordinator last gave. The coordinator
 *   computes assignments; there is no leader and no SyncGroup.
 * - A heartbeat timer runs at the interval the coordinator asks for. An answer with a different
 *   assignment asks the consumer to "rejoin", which here means: revoke what left (committing
 *   first), then call join() again, which acknowledges the revocation and picks up new partitions.
 * - UNKNOWN_MEMBER_ID and FENCED_MEMBER_EPOCH mean the member is out: its partitions are lost
 *   and it joins again with epoch 0 under the same member id (v1 lets the client choose it).
 * - leave() sends epoch -1, or -2 for a static member (groupInstanceId), which keeps its
 *   partitions until its session times out so that a restart moves nothing.
 *
 * Contract: owned by one Consumer, like GroupMembership.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ConsumerGroupHeartbeatResponse } from '../../protocol/generated/messages/ConsumerGroupHeartbeatResponse.js';
import type { BrokerConnection } from '../broker-connection.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import type { JoinedGeneration, MembershipHooks, TopicCounts } from './group-membership.js';
import { COORDINATOR_ERRORS, type MemberIdentity } from './offsets.js';
import { groupByTopic, sortTopicPartitions, type TopicPartition } from './types.js';

export interface ConsumerProtocolOptions {
  groupId: string;
  groupInstanceId: string | null;
  rebalanceTimeoutMs: number;
  retryBackoffMs: number;
  /** The server-side assignor to ask for (null: the broker's default). */
  serverAssignor: string | null;
  rackId: string | null;
  /** Let the join's metadata request create subscribed topics that do not exist. */
  allowAutoTopicCreation: boolean;
}

const FENCED_ERRORS: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.FENCED_MEMBER_EPOCH]);
const MAX_JOIN_ATTEMPTS = 60;

export class ConsumerProtocolMembership {
  /** Chosen here (v1, KIP-1082); a v0 coordinator's own choice replaces it. */
  memberId: string = randomUUID();
  /** The member epoch (-1 outside the group). */
  generation = -1;
  protocol: string | null = null;
  /** The subscription regex (matched by the broker), when the consumer subscribed by pattern. */
  regex: string | null = null;
  private coordinatorNode: number | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatIntervalMs = 5000;
  private heartbeating = false;
  private sentSubscription: string | undefined;
  private reportedOwned: string | undefined;
  /** The partitions (by topic id) the coordinator last assigned. */
  private assignedIds: { topicId: string; partitions: number[] }[] = [];
  private inFlight: Promise<void> | undefined;
  private topics: readonly string[] = [];

  constructor(
    private readonly client: KafkaClient,
    readonly options: ConsumerProtocolOptions,
    private readonly hooks: MembershipHooks,
  ) {}

  get groupId(): string {
    return this.options.groupId;
  }

  get identity(): MemberIdentity {
    return { generation: this.generation, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId };
  }

  get inGroup(): boolean {
    return this.generation > 0;
  }

  async connection(): Promise<BrokerConnection> {
    this.coordinatorNode ??= await this.client.coordinator(this.groupId);
    return this.client.connection(this.coordinatorNode);
  }

  markUnknown(): void {
    this.coordinatorNode = undefined;
  }

  close(): void {
    this.stopHeartbeats();
  }

  resetGeneration(): void {
    this.generation = -1;
  }

  /**
   * Joins with epoch 0 when outside the group; otherwise reports `owned` and returns the latest
   * assignment (which may have moved on while the consumer revoked).
   */
  async join(topics: readonly string[], owned: readonly TopicPartition[], _counts: TopicCounts, stopped: () => boolean): Promise<JoinedGeneration> {
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_JOIN_ATTEMPTS; attempt++) {
      if (stopped()) throw new ClientError('DISCONNECTED', `consumer of group ${this.groupId} closed while joining`);
      if (lastError !== undefined) await new Promise((r) => setTimeout(r, this.options.retryBackoffMs * Math.min(2 ** attempt, 32)));
      lastError = undefined;
      try {
        await this.inFlight;
        if (this.generation <= 0 && topics.length > 0 && this.regex === null) {
          await this.client.refreshMetadata([...topics], this.options.allowAutoTopicCreation);
        }
        this.topics = topics;
        await this.beat(this.generation <= 0 ? null : owned);
        return { generation: this.generation, memberId: this.memberId, protocol: this.protocol ?? '', leader: false, assignment: await this.assignment(), topicSnapshot: null };
      } catch (e) {
        if (!(e instanceof ClientError) || (e.kafkaCode !== undefined && !COORDINATOR_ERRORS.has(e.kafkaCode) && !FENCED_ERRORS.has(e.kafkaCode))) throw e;
        if (e.kafkaCode === undefined && e.code !== 'DISCONNECTED' && e.code !== 'CONNECT' && e.code !== 'TIMEOUT') throw e;
        lastError = e;
      }
    }
    throw lastError instanceof Error ? lastError : new ClientError('TIMEOUT', `could not join group ${this.groupId}`);
  }

  /** The last assignment, by topic name (topic ids resolved through metadata). */
  private async assignment(): Promise<TopicPartition[]> {
    const names = (): Map<string, string> => new Map([...this.client.metadata.topics.values()].map((t) => [t.topicId, t.name]));
    let byId = names();
    if (this.assignedIds.some((t) => !byId.has(t.topicId))) {
      await this.client.refreshMetadata(null);
      byId = names();
    }
    const out: TopicPartition[] = [];
    for (const t of this.assignedIds) {
      const topic = byId.get(t.topicId);
      if (topic !== undefined) for (const partition of t.partitions) out.push({ topic, partition });
    }
    return sortTopicPartitions(out);
  }

  private ownedIds(owned: readonly TopicPartition[]): { topicId: string; partitions: number[] }[] | null {
    const out: { topicId: string; partitions: number[] }[] = [];
    for (const [topic, partitions] of groupByTopic(owned)) {
      const id = this.client.metadata.topics.get(topic)?.topicId;
      if (id === undefined) return null;
      out.push({ topicId: id, partitions });
    }
    return out;
  }

  /** One heartbeat: full (epoch 0) when joining; owned partitions when they changed. */
  private async beat(owned: readonly TopicPartition[] | null): Promise<void> {
    const joining = this.generation <= 0;
    const topics = this.topics;
    const subscription = JSON.stringify([topics, this.regex]);
    const sendSubscription = joining || subscription !== this.sentSubscription;
    let ownedIds: { topicId: string; partitions: number[] }[] | null = joining ? [] : null;
    if (!joining && owned !== null) {
      const key = JSON.stringify(sortTopicPartitions(owned));
      if (key !== this.reportedOwned) {
        ownedIds = this.ownedIds(owned);
        if (ownedIds !== null) this.reportedOwned = key;
      }
    }
    const conn = await this.connection();
    const v = conn.version(ApiKey.ConsumerGroupHeartbeat, 1);
    if (v === undefined) throw new ClientError('UNSUPPORTED', 'the broker does not support the consumer group protocol (ConsumerGroupHeartbeat)');
    let res: ConsumerGroupHeartbeatResponse;
    try {
      res = await conn.request(ApiKey.ConsumerGroupHeartbeat, {
        groupId: this.groupId,
        memberId: this.memberId,
        memberEpoch: joining ? 0 : this.generation,
        instanceId: this.options.groupInstanceId,
        rackId: joining ? this.options.rackId : null,
        rebalanceTimeoutMs: joining ? this.options.rebalanceTimeoutMs : -1,
        subscribedTopicNames: sendSubscription ? (this.regex !== null && v >= 1 ? [] : [...topics]) : null,
        subscribedTopicRegex: sendSubscription && v >= 1 ? (this.regex ?? '') : null,
        serverAssignor: joining ? this.options.serverAssignor : null,
        topicPartitions: ownedIds,
      }, v);
    } catch (e) {
      if (e instanceof ClientError && e.code === 'DISCONNECTED') this.markUnknown();
      throw e;
    }
    if (res.errorCode !== ErrorCode.NONE) {
      if (COORDINATOR_ERRORS.has(res.errorCode)) this.markUnknown();
      if (FENCED_ERRORS.has(res.errorCode)) {
        this.generation = -1;
        this.reportedOwned = undefined;
      }
      throw ClientError.kafka(res.errorCode, `heartbeat of group ${this.groupId}`, res.errorMessage);
    }
    if (res.memberId) this.memberId = res.memberId;
    if (sendSubscription) this.sentSubscription = subscription;
    if (joining) this.reportedOwned = JSON.stringify([]);
    this.generation = res.memberEpoch;
    this.heartbeatIntervalMs = res.heartbeatIntervalMs > 0 ? res.heartbeatIntervalMs : this.heartbeatIntervalMs;
    if (res.assignment) {
      const next = res.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions].sort((a, b) => a - b) }));
      const changed = JSON.stringify(next) !== JSON.stringify(this.assignedIds);
      this.assignedIds = next;
      if (changed && !joining) this.hooks.onRejoinNeeded('the coordinator changed the assignment', false);
    }
  }

  /** Sends a heartbeat now, to learn the current member epoch. */
  async sync(): Promise<void> {
    await this.inFlight;
    if (this.generation > 0) await this.beat(null);
  }

  startHeartbeats(): void {
    this.heartbeating = true;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.heartbeatTimer);
    if (!this.heartbeating) return;
    this.heartbeatTimer = setTimeout(() => {
      if (!this.heartbeating) return;
      if (this.hooks.pollOverdue()) {
        void this.leave('consumer poll timeout has expired').catch(() => undefined);
        this.hooks.onRejoinNeeded('poll timeout', true);
        return;
      }
      const run = this.beat(null).catch((e: unknown) => {
        if (!(e instanceof ClientError)) return;
        if (e.kafkaCode !== undefined && FENCED_ERRORS.has(e.kafkaCode)) this.hooks.onRejoinNeeded(e.message, true);
        else if (e.kafkaCode !== undefined && !COORDINATOR_ERRORS.has(e.kafkaCode)) this.hooks.onFatal(e);
      });
      this.inFlight = run;
      void run.finally(() => {
        if (this.inFlight === run) this.inFlight = undefined;
        this.schedule();
      });
    }, this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  stopHeartbeats(): void {
    this.heartbeating = false;
    clearTimeout(this.heartbeatTimer);
  }

  async leave(_reason: string): Promise<void> {
    this.stopHeartbeats();
    if (this.generation <= 0 && this.generation !== -2) return;
    const epoch = this.options.groupInstanceId !== null ? -2 : -1;
    try {
      const conn = await this.connection();
      const v = conn.version(ApiKey.ConsumerGroupHeartbeat, 1) ?? 0;
      await conn.request(ApiKey.ConsumerGroupHeartbeat, {
        groupId: this.groupId, memberId: this.memberId, memberEpoch: epoch, instanceId: this.options.groupInstanceId, rackId: null,
        rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null,
      }, v);
    } finally {
      this.generation = -1;
      this.assignedIds = [];
      this.reportedOwned = undefined;
      this.sentSubscription = undefined;
    }
  }
}
