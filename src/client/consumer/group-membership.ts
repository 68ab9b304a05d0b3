/**
 * GroupMembership: one consumer's membership in a classic consumer group, the JoinGroup /
 * SyncGroup / Heartbeat / LeaveGroup protocol:
 *
 * - join(): JoinGroup with one protocol per assignor (the consumer's subscription as metadata),
 *   answering MEMBER_ID_REQUIRED (JoinGroup v4+) by joining again with the id the coordinator
 *   gave. The member the coordinator names leader runs the selected assignor over all members'
 *   subscriptions and sends everyone's assignment with its SyncGroup; the others send an empty
 *   SyncGroup. Both get their own assignment back. Coordinator moves, disconnects and rebalances
 *   that restart while joining are retried here; errors that need the application (fenced
 *   static member, inconsistent protocols, a bad session timeout) are thrown.
 * - Heartbeats run on a timer of their own, independent of poll(), from the end of a join to the
 *   start of the next one. A heartbeat answered with REBALANCE_IN_PROGRESS asks the consumer to
 *   rejoin (heartbeats go on until it does, keeping the session alive); ILLEGAL_GENERATION and
 *   UNKNOWN_MEMBER_ID mean the member is already out, its partitions lost.
 * - If poll() is not called within the rebalance timeout (Kafka's max.poll.interval.ms), the
 *   heartbeat timer leaves the group on the member's behalf, as Kafka's consumer does.
 * - leave(): LeaveGroup, except for a static member (group.instance.id), which keeps its place
 *   until its session times out so that a restart does not cause a rebalance.
 *
 * Contract: owned by one Consumer; join(), leave() and the commit helpers are not called
 * concurrently with each other by the consumer.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { BrokerConnection } from '../broker-connection.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import type { GroupMember, PartitionAssignor } from './assignors/index.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js';
import { COORDINATOR_ERRORS, type CoordinatorLink, type MemberIdentity } from './offsets.js';
import type { TopicPartition } from './types.js';

export interface MembershipOptions {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  retryBackoffMs: number;
  assignors: PartitionAssignor[];
}

export interface MembershipHooks {
  /** The member must rejoin; `lost` when it is already out of the group (its partitions are lost). */
  onRejoinNeeded(reason: string, lost: boolean): void;
  /** An error the application must see (thrown from the next poll). */
  onFatal(error: Error): void;
  /** True when poll() has not been called within the rebalance timeout. */
  pollOverdue(): boolean;
}

export interface JoinedGeneration {
  generation: number;
  memberId: string;
  protocol: string;
  leader: boolean;
  assignment: TopicPartition[];
  /** For the leader: partition counts of every topic any member subscribes to, as assigned. */
  topicSnapshot: Map<string, number> | null;
}

/** Partition counts of topics (missing topics left out), for the leader's assignment. */
export type TopicCounts = (topics: string[]) => Promise<Map<string, number>>;

const MAX_JOIN_ATTEMPTS = 60;
/** Added to the rebalance timeout for the coordinator connection's request timeout. */
const JOIN_TIMEOUT_MARGIN_MS = 5000;
const MAX_BACKOFF_EXPONENT = 5;

const FATAL_JOIN_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
  ErrorCode.INVALID_SESSION_TIMEOUT,
  ErrorCode.INVALID_GROUP_ID,
  ErrorCode.GROUP_AUTHORIZATION_FAILED,
  ErrorCode.GROUP_MAX_SIZE_REACHED,
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.UNSUPPORTED_VERSION,
]);

export class GroupMembership implements CoordinatorLink {
  memberId = '';
  generation = -1;
  protocol: string | null = null;
  private coordinatorConnection: Promise<BrokerConnection> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Bumped whenever heartbeats stop or start, so a late heartbeat answer is ignored. */
  private heartbeatEpoch = 0;
  private heartbeating = false;

  constructor(
    private readonly client: KafkaClient,
    readonly options: MembershipOptions,
    private readonly hooks: MembershipHooks,
  ) {}

  get groupId(): string {
    return this.options.groupId;
  }

  get identity(): MemberIdentity {
    return { generation: this.generation, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId };
  }

  get inGroup(): boolean {
    return this.generation >= 0;
  }

  /**
   * The coordinator connection. It is the member's own, not the client's shared connection to
   * that broker: a broker answers a connection's requests in order, so a JoinGroup waiting for
   * the rest of the group would hold up fetches (and other consumers' heartbeats) queued behind
   * it. Its request timeout covers the longest JoinGroup, the rebalance timeout (as in Kafka).
   */
  connection(): Promise<BrokerConnection> {
    const current = this.coordinatorConnection;
    if (current) {
      return current.then((c) => {
        if (c.isOpen) return c;
        if (this.coordinatorConnection === current) this.markUnknown();
        return this.connection();
      });
    }
    const opening = this.openCoordinatorConnection();
    this.coordinatorConnection = opening;
    opening.catch(() => {
      if (this.coordinatorConnection === opening) this.coordinatorConnection = undefined;
    });
    return opening;
  }

  private async openCoordinatorConnection(): Promise<BrokerConnection> {
    const nodeId = await this.client.coordinator(this.groupId);
    const broker = this.client.metadata.brokers.get(nodeId);
    if (!broker) throw new ClientError('CONNECT', `coordinator ${nodeId} of group ${this.groupId} is not in the cluster metadata`);
    const o = this.client.options;
    return BrokerConnection.open({
      host: broker.host,
      port: broker.port,
      clientId: o.clientId,
      connectTimeoutMs: o.connectTimeoutMs,
      requestTimeoutMs: Math.max(o.requestTimeoutMs, this.options.rebalanceTimeoutMs + JOIN_TIMEOUT_MARGIN_MS),
      security: o.security,
    });
  }

  markUnknown(): void {
    const current = this.coordinatorConnection;
    this.coordinatorConnection = undefined;
    void current?.then((c) => c.close(), () => undefined);
  }

  /** Stops heartbeats and closes the coordinator connection. */
  close(): void {
    this.stopHeartbeats();
    this.markUnknown();
  }

  /** Forgets the generation (and the member id too when the coordinator no longer knows it). */
  resetGeneration(forgetMemberId: boolean): void {
    this.generation = -1;
    this.protocol = null;
    if (forgetMemberId) this.memberId = '';
  }

  /**
   * Joins (or rejoins) the group with a subscription to `topics`, reporting `owned` as the
   * partitions it owns (the cooperative protocol), and returns its assignment.
   */
  async join(topics: readonly string[], owned: readonly TopicPartition[], topicCounts: TopicCounts, stopped: () => boolean): Promise<JoinedGeneration> {
    const ownedGeneration = owned.length > 0 ? this.generation : -1;
    const protocols = this.options.assignors.map((a) => ({
      name: a.name,
      metadata: encodeSubscription({ topics: [...topics], ownedPartitions: [...owned], userData: a.subscriptionUserData?.(ownedGeneration) ?? null }),
    }));
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_JOIN_ATTEMPTS; attempt++) {
      if (stopped()) throw new ClientError('DISCONNECTED', `consumer of group ${this.groupId} closed while joining`);
      if (attempt > 0 && lastError !== undefined) await this.backoff(attempt);
      lastError = undefined;
      let conn: BrokerConnection;
      try {
        conn = await this.connection();
      } catch (e) {
        if (!retriable(e)) throw e;
        lastError = e;
        continue;
      }
      const joined = await this.joinOnce(conn, protocols).catch((e: unknown) => {
        if (!retriable(e)) throw e;
        if (e instanceof ClientError && e.code === 'DISCONNECTED') this.markUnknown();
        lastError = e;
        return undefined;
      });
      if (joined === undefined) continue;
      const { code, res } = joined;
      if (code === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = res.memberId;
        continue;
      }
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (code !== ErrorCode.NONE) {
        lastError = ClientError.kafka(code, `JoinGroup of group ${this.groupId}`);
        if (FATAL_JOIN_ERRORS.has(code)) throw lastError;
        if (COORDINATOR_ERRORS.has(code)) this.markUnknown();
        continue;
      }
      this.memberId = res.memberId;
      const generation = res.generationId;
      const protocol = res.protocolName;
      if (protocol === null) throw new ClientError('KAFKA', `JoinGroup of group ${this.groupId}: the coordinator selected no protocol`);
      const assignor = this.options.assignors.find((a) => a.name === protocol);
      if (!assignor) throw new ClientError('KAFKA', `JoinGroup of group ${this.groupId}: the coordinator selected unknown protocol ${protocol}`);
      const leader = res.leader === res.memberId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      let topicSnapshot: Map<string, number> | null = null;
      if (leader && !(res.skipAssignment ?? false)) {
        const members: GroupMember[] = res.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId ?? null,
          subscription: safeDecodeSubscription(m.metadata),
        }));
        const allTopics = [...new Set(members.flatMap((m) => m.subscription.topics))].sort();
        topicSnapshot = await topicCounts(allTopics);
        const result = assignor.assign({ members, partitionsPerTopic: topicSnapshot });
        assignments = members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment({ partitions: result.get(m.memberId) ?? [] }) }));
      }
      const synced = await this.syncOnce(conn, generation, protocol, assignments).catch((e: unknown) => {
        if (!retriable(e)) throw e;
        if (e instanceof ClientError && e.code === 'DISCONNECTED') this.markUnknown();
        lastError = e;
        return undefined;
      });
      if (synced === undefined) continue;
      if (synced.errorCode !== ErrorCode.NONE) {
        const code = synced.errorCode;
        lastError = ClientError.kafka(code, `SyncGroup of group ${this.groupId}`);
        if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        else if (COORDINATOR_ERRORS.has(code)) this.markUnknown();
        else if (code !== ErrorCode.REBALANCE_IN_PROGRESS && code !== ErrorCode.ILLEGAL_GENERATION) throw lastError;
        // a rebalance that restarted: join again at once
        if (code === ErrorCode.REBALANCE_IN_PROGRESS || code === ErrorCode.ILLEGAL_GENERATION) lastError = undefined;
        continue;
      }
      this.generation = generation;
      this.protocol = protocol;
      return { generation, memberId: this.memberId, protocol, leader, assignment: decodeAssignment(synced.assignment).partitions, topicSnapshot };
    }
    throw lastError ?? new ClientError('TIMEOUT', `could not join group ${this.groupId} in ${MAX_JOIN_ATTEMPTS} attempts`);
  }

  private async joinOnce(conn: BrokerConnection, protocols: { name: string; metadata: Buffer }[]) {
    const v = conn.version(ApiKey.JoinGroup, 9);
    if (v === undefined) throw new ClientError('UNSUPPORTED', `${conn.address} does not support JoinGroup`);
    if (this.options.groupInstanceId !== null && v < 5) throw new ClientError('UNSUPPORTED', `${conn.address} does not support static membership (JoinGroup v5+)`);
    const res = await conn.request(ApiKey.JoinGroup, {
      groupId: this.groupId,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      ...(v >= 1 ? { rebalanceTimeoutMs: this.options.rebalanceTimeoutMs } : {}),
      memberId: this.memberId,
      ...(v >= 5 ? { groupInstanceId: this.options.groupInstanceId } : {}),
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols,
    }, v);
    return { code: res.errorCode, res };
  }

  private async syncOnce(conn: BrokerConnection, generation: number, protocol: string, assignments: { memberId: string; assignment: Buffer }[]) {
    const v = conn.version(ApiKey.SyncGroup, 5);
    if (v === undefined) throw new ClientError('UNSUPPORTED', `${conn.address} does not support SyncGroup`);
    return conn.request(ApiKey.SyncGroup, {
      groupId: this.groupId,
      generationId: generation,
      memberId: this.memberId,
      ...(v >= 3 ? { groupInstanceId: this.options.groupInstanceId } : {}),
      ...(v >= 5 ? { protocolType: CONSUMER_PROTOCOL_TYPE, protocolName: protocol } : {}),
      assignments,
    }, v);
  }

  private backoff(attempt: number): Promise<void> {
    const ms = this.options.retryBackoffMs * 2 ** Math.min(attempt - 1, MAX_BACKOFF_EXPONENT);
    return new Promise((r) => setTimeout(r, ms));
  }

  startHeartbeats(): void {
    this.stopHeartbeats();
    this.heartbeating = true;
    this.scheduleHeartbeat(this.options.heartbeatIntervalMs, ++this.heartbeatEpoch);
  }

  stopHeartbeats(): void {
    this.heartbeating = false;
    this.heartbeatEpoch++;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private scheduleHeartbeat(delayMs: number, epoch: number): void {
    if (!this.heartbeating || epoch !== this.heartbeatEpoch) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(epoch), Math.max(0, delayMs));
    // like Kafka's daemon heartbeat thread, the timer alone does not keep the process alive
    this.heartbeatTimer.unref();
  }

  private async heartbeat(epoch: number): Promise<void> {
    if (!this.heartbeating || epoch !== this.heartbeatEpoch) return;
    if (this.hooks.pollOverdue()) {
      this.stopHeartbeats();
      const dynamic = this.options.groupInstanceId === null;
      if (dynamic) await this.leave('consumer poll timeout has expired').catch(() => undefined);
      this.hooks.onRejoinNeeded('poll() was not called within the rebalance timeout', dynamic);
      return;
    }
    const started = Date.now();
    const generation = this.generation;
    try {
      const conn = await this.connection();
      const v = conn.version(ApiKey.Heartbeat, 4);
      if (v === undefined) throw new ClientError('UNSUPPORTED', `${conn.address} does not support Heartbeat`);
      // the coordinator connection's own timeout is long enough for JoinGroup; a heartbeat
      // unanswered for a session is given up sooner, and the connection with it
      const res = await withTimeout(conn.request(ApiKey.Heartbeat, {
        groupId: this.groupId,
        generationId: generation,
        memberId: this.memberId,
        ...(v >= 3 ? { groupInstanceId: this.options.groupInstanceId } : {}),
      }, v), Math.min(this.client.options.requestTimeoutMs, this.options.sessionTimeoutMs), `heartbeat of group ${this.groupId}`);
      if (epoch !== this.heartbeatEpoch) return;
      switch (res.errorCode) {
        case ErrorCode.NONE:
          break;
        case ErrorCode.REBALANCE_IN_PROGRESS:
          // keep heartbeating until the consumer rejoins
          this.hooks.onRejoinNeeded('the group is rebalancing', false);
          break;
        case ErrorCode.ILLEGAL_GENERATION:
          this.stopHeartbeats();
          this.resetGeneration(false);
          this.hooks.onRejoinNeeded(`generation ${generation} is no longer current`, true);
          return;
        case ErrorCode.UNKNOWN_MEMBER_ID:
          this.stopHeartbeats();
          this.resetGeneration(true);
          this.hooks.onRejoinNeeded('the coordinator no longer knows this member', true);
          return;
        case ErrorCode.FENCED_INSTANCE_ID:
          this.stopHeartbeats();
          this.resetGeneration(true);
          this.hooks.onFatal(ClientError.kafka(res.errorCode, `heartbeat of group ${this.groupId}`, `another consumer uses group.instance.id ${this.options.groupInstanceId}`));
          return;
        default:
          if (COORDINATOR_ERRORS.has(res.errorCode)) this.markUnknown();
      }
    } catch (e) {
      if (epoch !== this.heartbeatEpoch) return;
      if (e instanceof ClientError && (e.code === 'DISCONNECTED' || e.code === 'CONNECT' || e.code === 'TIMEOUT')) this.markUnknown();
    }
    this.scheduleHeartbeat(this.options.heartbeatIntervalMs - (Date.now() - started), epoch);
  }

  /** Leaves the group (a static member only forgets its generation), ignoring coordinator errors. */
  async leave(reason: string): Promise<void> {
    this.stopHeartbeats();
    const memberId = this.memberId;
    const dynamic = this.options.groupInstanceId === null;
    this.resetGeneration(dynamic);
    if (!dynamic || memberId === '') return;
    try {
      const conn = await this.connection();
      const v = conn.version(ApiKey.LeaveGroup, 5);
      if (v === undefined) return;
      await conn.request(ApiKey.LeaveGroup, v >= 3
        ? { groupId: this.groupId, members: [{ memberId, groupInstanceId: null, ...(v >= 5 ? { reason } : {}) }] }
        : { groupId: this.groupId, memberId }, v);
    } catch {
      // the session timeout removes the member anyway
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClientError('TIMEOUT', `no answer to the ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function retriable(e: unknown): boolean {
  return e instanceof ClientError && (e.retriable || e.code === 'CONNECT');
}

/** A member whose subscription cannot be read subscribes to nothing (and is assigned nothing). */
function safeDecodeSubscription(metadata: Buffer) {
  try {
    return decodeSubscription(metadata);
  } catch {
    return { version: 0, topics: [], userData: null, ownedPartitions: [], generationId: -1, rackId: null };
  }
}
