/**
 * GroupCoordinator: every classic group this broker coordinates, their persistence in
 * __consumer_offsets, and the operations that look across groups (describe, list, delete).
 * Membership is in GroupMembership, offsets in GroupOffsets.
 *
 * Persistence: group metadata (after each SyncGroup of a leader, and when a group empties) and
 * committed offsets are records in the group's __consumer_offsets partition (see
 * group-records.ts). At startup the topic is replayed and every group rebuilt from it: groups
 * with members come back Stable with fresh session deadlines, so consumers that keep
 * heartbeating continue without a rebalance.
 *
 * Contract: the single owner of all Group objects; runs on the event loop.
 */
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { GroupMetadataValue } from '../../protocol/generated/coordinator-records/GroupMetadataValue.js';
import { kafkaErrorCodeOf } from '../errors.js';
import { InternalTopicError, type InternalTopicLog } from '../coordinator/internal-topic-log.js';
import { Group, offsetKey, type GroupState, type OffsetEntry } from './group.js';
import { GroupMember } from './group-member.js';
import { GroupMembership, joinError, syncError, type MembershipConfig } from './group-membership.js';
import { GroupOffsets, type OffsetsConfig } from './group-offsets.js';
import { decodeCoordinatorRecord, groupMetadataRecord, offsetCommitRecord, type KeyValue } from './group-records.js';
import { groupPartition } from './group-partitioner.js';
import { ConsumerGroupCoordinator, type ConsumerGroupConfig } from './consumer-groups/consumer-group-coordinator.js';
import { consumerGroupRecords, decodeConsumerGroupRecord } from './consumer-groups/consumer-group-records.js';
import { ConsumerGroupReplay } from './consumer-groups/consumer-group-replay.js';
import { describeConsumerGroupAsClassic } from './consumer-groups/consumer-group-description.js';
import type { TopicInfo } from './consumer-groups/subscriptions.js';
import { ClassicMembersOfConsumerGroups } from './consumer-groups/classic-members.js';
import { upgradeClassicGroup } from './consumer-groups/classic-upgrade.js';
import { ShareGroupCoordinator, ShareGroupReplay, type ShareGroupConfig } from './share-groups/share-group-coordinator.js';
import { decodeShareGroupRecord, shareGroupRecords } from './share-groups/share-group-records.js';

export interface GroupCoordinatorOptions {
  clock: Clock;
  logger: Logger;
  log: InternalTopicLog;
  membership: MembershipConfig;
  offsets: OffsetsConfig;
  retentionCheckIntervalMs: number;
  consumer: ConsumerGroupConfig;
  share: ShareGroupConfig;
  /** The cluster's topics, for subscriptions of the consumer group protocol. */
  topics: () => TopicInfo[];
}

export interface GroupDescription {
  groupId: string;
  errorCode: number;
  state: GroupState;
  protocolType: string;
  protocolData: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

/** Errors of a group-metadata write, mapped as Kafka's coordinator maps them. */
function groupWriteError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}

/** Errors of an offset-commit write. */
function offsetWriteError(code: number): number {
  if (code === ErrorCode.MESSAGE_TOO_LARGE || code === ErrorCode.RECORD_LIST_TOO_LARGE) return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
  const mapped = groupWriteError(code);
  return mapped === ErrorCode.REBALANCE_IN_PROGRESS || mapped === ErrorCode.UNKNOWN_SERVER_ERROR ? code : mapped;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  /** The __consumer_offsets partitions whose groups this broker coordinates. */
  private readonly owned = new Set<number>();
  readonly membership: GroupMembership;
  readonly offsets: GroupOffsets;
  /** The consumer group protocol (KIP-848). */
  readonly consumerGroups: ConsumerGroupCoordinator;
  /** Classic members of consumer groups (the upgrade path). */
  readonly classicMembers: ClassicMembersOfConsumerGroups;
  /** Share groups (KIP-932). */
  readonly shareGroups: ShareGroupCoordinator;
  /** Told when a share-group member leaves, so the records it holds are released (set by the broker). */
  onShareMemberGone: (groupId: string, memberId: string) => void = () => undefined;
  /** Told when a share group is deleted, so its share-partition state is deleted too (set by the broker). */
  onShareGroupDeleted: (groupId: string) => Promise<void> = () => Promise.resolve();
  private expiryTimer: Timer | undefined;
  private stopped = false;

  constructor(private readonly o: GroupCoordinatorOptions) {
    const directory = {
      get: (id: string) => this.groups.get(id),
      create: (id: string) => this.create(id),
      persist: (g: Group, assignments?: Map<string, Buffer>) => this.persist(g, assignments),
    };
    this.membership = new GroupMembership(o.clock, o.membership, directory);
    this.offsets = new GroupOffsets(o.clock, o.offsets, {
      ...directory,
      isCurrent: (g: Group) => this.groups.get(g.groupId) === g,
      write: (g: Group, records: KeyValue[], producer?: { producerId: bigint; producerEpoch: number }) =>
        this.write(g, records, producer).then(offsetWriteError),
      remove: (g: Group) => this.removeGroup(g),
      metadataTombstones: (g: Group) => this.metadataTombstones(g),
    }, this.membership);
    this.consumerGroups = new ConsumerGroupCoordinator(o.clock, o.logger, o.consumer, {
      get: (id) => this.groups.get(id),
      create: (id) => this.create(id),
      write: (g, records) => this.write(g, records).then(groupWriteError),
      topics: o.topics,
      upgrade: (g) => this.upgrade(g),
    });
    this.classicMembers = new ClassicMembersOfConsumerGroups(this.consumerGroups, (id) => this.groups.get(id), o.topics);
    this.shareGroups = new ShareGroupCoordinator(o.clock, o.logger, o.share, {
      get: (id) => this.groups.get(id),
      create: (id) => this.create(id),
      write: (g, records) => this.write(g, records).then(groupWriteError),
      topics: o.topics,
      memberGone: (groupId, memberId) => this.onShareMemberGone(groupId, memberId),
    });
  }

  private upgrade(group: Group): KeyValue[] | undefined {
    return upgradeClassicGroup(group, {
      migrationPolicy: this.o.consumer.migrationPolicy, topics: this.o.topics(), now: this.o.clock.now(),
      cancelClassicTimers: (g) => this.membership.cancelTimers(g), records: this.consumerGroups,
    });
  }

  /** The tombstones that remove a group's own records (not its offsets). */
  private metadataTombstones(g: Group): KeyValue[] {
    if (g.share) return [shareGroupRecords.epoch(g.groupId, null)];
    if (g.consumer) {
      return [consumerGroupRecords.targetEpoch(g.groupId, null), consumerGroupRecords.partitionMetadata(g.groupId, null), consumerGroupRecords.epoch(g.groupId, null)];
    }
    return g.generationId > 0 ? [groupMetadataRecord(g.groupId, null)] : [];
  }

  /**
   * OffsetFetch v9 from a member of a consumer-protocol group: UNKNOWN_MEMBER_ID for a member the
   * group does not have, STALE_MEMBER_EPOCH for an epoch other than its current one.
   */
  memberEpochError(groupId: string, memberId: string | null, memberEpoch: number): number {
    const cg = this.groups.get(groupId)?.consumer;
    if (memberId === null || !cg) return ErrorCode.NONE;
    const member = cg.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    return member.memberEpoch === memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
  }

  /**
   * Whether a classic-protocol request (JoinGroup when `joining`, else SyncGroup, Heartbeat,
   * LeaveGroup) may act on the group: an empty consumer group turns back into a classic one for
   * a joining member (its offsets stay); otherwise a group of another type answers
   * INCONSISTENT_GROUP_PROTOCOL to a join and UNKNOWN_MEMBER_ID to the rest.
   */
  classicProtocolError(groupId: string, joining: boolean): number {
    const g = this.groups.get(groupId);
    if (!g || g.state === 'Dead' || g.type === 'classic') return ErrorCode.NONE;
    const downgrade = this.o.consumer.migrationPolicy === 'downgrade' || this.o.consumer.migrationPolicy === 'bidirectional';
    if (joining && downgrade && g.consumer && g.consumer.members.size === 0) {
      const tombstones = this.metadataTombstones(g);
      g.makeClassicGroup(this.o.clock.now());
      void this.write(g, tombstones);
      return ErrorCode.NONE;
    }
    return joining ? ErrorCode.INCONSISTENT_GROUP_PROTOCOL : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  get topicLog(): InternalTopicLog {
    return this.o.log;
  }

  partitionFor(groupId: string): number {
    return groupPartition(groupId, this.o.log.partitionCount);
  }

  get(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  all(): Group[] {
    return [...this.groups.values()];
  }

  private create(groupId: string): Group {
    const g = new Group(groupId, this.o.clock.now());
    this.groups.set(groupId, g);
    return g;
  }

  private removeGroup(group: Group): void {
    this.membership.cancelTimers(group);
    group.consumer?.cancelTimers();
    group.share?.cancelTimers();
    group.transition('Dead', this.o.clock.now());
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }

  /** Appends records for a group to its partition; resolves to a Kafka error code. */
  private async write(group: Group, records: KeyValue[], producer?: { producerId: bigint; producerEpoch: number }): Promise<number> {
    try {
      await this.o.log.ensureCreated();
      await this.o.log.append(this.partitionFor(group.groupId), records, producer);
      return ErrorCode.NONE;
    } catch (e) {
      if (e instanceof InternalTopicError) return e.errorCode;
      const code = kafkaErrorCodeOf(e);
      if (code === undefined) this.o.logger.error({ err: e, group: group.groupId }, 'writing to __consumer_offsets failed');
      return code ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  private metadataValue(group: Group, assignments?: Map<string, Buffer>): GroupMetadataValue {
    const protocol = group.protocolName;
    return {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.stateTimestamp),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.metadataFor(protocol ?? ''),
        assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    };
  }

  private async persist(group: Group, assignments?: Map<string, Buffer>): Promise<number> {
    const code = await this.write(group, [groupMetadataRecord(group.groupId, this.metadataValue(group, assignments))]);
    if (code !== ErrorCode.NONE) this.o.logger.warn({ group: group.groupId, errorCode: code }, 'storing group metadata failed');
    return groupWriteError(code);
  }

  // ---- loading ----

  /**
   * Follows leadership of __consumer_offsets: the groups of partitions this broker now leads are
   * loaded by replaying them, those of partitions it no longer leads are dropped (their waiting
   * members are told NOT_COORDINATOR). Returns the records replayed. Called at startup and
   * whenever the topic's leadership changes.
   */
  load(): number {
    const led = new Set(this.o.log.ledPartitions());
    for (const p of [...this.owned]) if (!led.has(p)) this.unloadPartition(p);
    const gained = [...led].filter((p) => !this.owned.has(p));
    for (const p of gained) this.owned.add(p);
    return gained.reduce((n, p) => n + this.loadPartition(p), 0);
  }

  /** NOT_COORDINATOR when this broker does not lead the group's partition of __consumer_offsets. */
  coordinatorError(groupId: string): number {
    if (!this.o.log.exists()) return ErrorCode.NONE;
    return this.owned.has(this.partitionFor(groupId)) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
  }

  private unloadPartition(partition: number): void {
    this.owned.delete(partition);
    for (const g of [...this.groups.values()]) {
      if (this.partitionFor(g.groupId) !== partition) continue;
      this.membership.cancelTimers(g);
      g.consumer?.cancelTimers();
      g.share?.cancelTimers();
      for (const m of g.members.values()) {
        m.awaitingJoin?.(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        m.awaitingJoin = undefined;
        m.awaitingSync?.(syncError(ErrorCode.NOT_COORDINATOR));
        m.awaitingSync = undefined;
      }
      this.groups.delete(g.groupId);
    }
    this.o.logger.info({ partition }, 'no longer coordinating the groups of a __consumer_offsets partition');
  }

  /**
   * Rebuilds the groups of one partition by replaying it; returns the records replayed. Offsets
   * written inside a transaction count only once its COMMIT marker is replayed; those of open
   * transactions stay pending.
   */
  private loadPartition(p: number): number {
    const metas = new Map<string, GroupMetadataValue | null>();
    const offsets = new Map<string, Map<string, OffsetEntry>>();
    const pending = new Map<string, Map<bigint, Map<string, OffsetEntry>>>();
    const consumerReplay = new ConsumerGroupReplay();
    const shareReplay = new ShareGroupReplay();
    const count = this.o.log.replay(p, (key, value, _offset, txnProducer) => {
      const cgRecord = decodeConsumerGroupRecord(key, value);
      if (cgRecord) {
        consumerReplay.apply(cgRecord);
        return;
      }
      const sgRecord = decodeShareGroupRecord(key, value);
      if (sgRecord) {
        shareReplay.apply(sgRecord);
        return;
      }
      const rec = decodeCoordinatorRecord(key, value);
      if (!rec) return;
      if (rec.kind === 'group') {
        metas.set(rec.group, rec.value);
        return;
      }
      const k = offsetKey(rec.topic, rec.partition);
      if (txnProducer !== null) {
        const byProducer = pending.get(rec.group) ?? new Map<bigint, Map<string, OffsetEntry>>();
        pending.set(rec.group, byProducer);
        const map = byProducer.get(txnProducer) ?? new Map<string, OffsetEntry>();
        byProducer.set(txnProducer, map);
        if (rec.value) map.set(k, { topic: rec.topic, partition: rec.partition, ...rec.value });
        return;
      }
      const map = offsets.get(rec.group) ?? new Map<string, OffsetEntry>();
      offsets.set(rec.group, map);
      if (rec.value === null) map.delete(k);
      else map.set(k, { topic: rec.topic, partition: rec.partition, ...rec.value });
    }, (producerId, commit) => {
      for (const [group, byProducer] of pending) {
        const map = byProducer.get(producerId);
        if (!map) continue;
        byProducer.delete(producerId);
        if (!commit) continue;
        const target = offsets.get(group) ?? new Map<string, OffsetEntry>();
        offsets.set(group, target);
        for (const [k, v] of map) target.set(k, v);
      }
    });
    for (const id of shareReplay.groupIds()) {
      const share = shareReplay.build(id);
      if (!share) continue;
      const group = this.create(id);
      group.makeShareGroup(share, this.o.clock.now());
      for (const m of share.members.values()) this.shareGroups.armSession(group, m);
      this.shareGroups.syncState(group);
    }
    for (const id of new Set([...metas.keys(), ...offsets.keys(), ...pending.keys(), ...consumerReplay.groupIds()])) {
      if (this.groups.get(id)?.share) continue;
      const consumer = consumerReplay.build(id);
      const meta = consumer ? null : (metas.get(id) ?? null);
      const groupOffsets = offsets.get(id) ?? new Map();
      const open = pending.get(id) ?? new Map();
      if (!consumer && meta === null && groupOffsets.size === 0 && open.size === 0) continue;
      const group = this.restore(id, meta, groupOffsets);
      if (consumer) {
        group.makeConsumerGroup(consumer, this.o.clock.now());
        for (const m of consumer.members.values()) this.consumerGroups.armSession(group, consumer, m);
        this.consumerGroups.syncState(group);
      }
      for (const [pid, map] of open) group.pendingTxnOffsets.set(pid, map);
    }
    return count;
  }

  /** A transaction marker was written to __consumer_offsets partition `partition`. */
  onTxnMarker(partition: number, producerId: bigint, commit: boolean): void {
    for (const g of this.groups.values()) {
      const map = g.pendingTxnOffsets.get(producerId);
      if (!map || this.partitionFor(g.groupId) !== partition) continue;
      g.pendingTxnOffsets.delete(producerId);
      if (commit) for (const [k, v] of map) g.offsets.set(k, v);
    }
  }

  private restore(groupId: string, meta: GroupMetadataValue | null, offsets: Map<string, OffsetEntry>): Group {
    const group = this.create(groupId);
    for (const [k, v] of offsets) group.offsets.set(k, v);
    if (!meta) return group;
    for (const m of meta.members) {
      const member = new GroupMember(m.memberId, m.groupInstanceId ?? null, m.clientId, m.clientHost,
        m.rebalanceTimeout !== undefined && m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout,
        m.sessionTimeout, meta.protocolType, [{ name: meta.protocol ?? '', metadata: m.subscription }]);
      member.assignment = m.assignment;
      member.isNew = false;
      group.addMember(member);
    }
    group.generationId = meta.generation;
    group.protocolType = meta.protocolType === '' ? null : meta.protocolType;
    group.protocolName = meta.protocol;
    group.leaderId = meta.leader;
    const stateTimestamp = Number(meta.currentStateTimestamp ?? -1n);
    group.transition(group.isEmpty ? 'Empty' : 'Stable', this.o.clock.now());
    group.stateTimestamp = stateTimestamp >= 0 ? stateTimestamp : -1;
    group.updateSubscribedTopics();
    for (const m of group.members.values()) this.membership.resetHeartbeat(group, m);
    // over group.max.size (lowered since the group formed): rebalance, which turns the surplus away
    if (group.members.size > this.o.membership.maxGroupSize) this.membership.prepareRebalance(group);
    return group;
  }

  // ---- cross-group operations ----

  describe(groupId: string): GroupDescription {
    const g = this.groups.get(groupId);
    if (!g || g.state === 'Dead' || g.share) {
      return { groupId, errorCode: ErrorCode.NONE, state: 'Dead', protocolType: '', protocolData: '', members: [] };
    }
    if (g.consumer) {
      return describeConsumerGroupAsClassic(g, g.consumer, this.consumerGroups.assignorOf(g.consumer), (id) => this.o.topics().find((t) => t.topicId === id)?.name);
    }
    const stable = g.state === 'Stable';
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      state: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(g.protocolName ?? '') : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  list(states: readonly string[], types: readonly string[]): Group[] {
    const wanted = new Set(states.map((s) => s.toLowerCase()));
    const wantedTypes = new Set(types.map((t) => t.toLowerCase()));
    return this.all().filter((g) => g.state !== 'Dead' && (wanted.size === 0 || wanted.has(g.state.toLowerCase()))
      && (wantedTypes.size === 0 || wantedTypes.has(g.type)));
  }

  /** DeleteGroups for one group: only Empty groups go, with tombstones for all they stored. */
  async deleteGroup(groupId: string): Promise<number> {
    const g = this.groups.get(groupId);
    if (!g || g.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (g.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    const tombstones = [...g.offsets.values()].map((e) => offsetCommitRecord(groupId, e.topic, e.partition, null));
    tombstones.push(...this.metadataTombstones(g));
    const share = g.share !== undefined;
    this.removeGroup(g);
    g.offsets.clear();
    if (tombstones.length > 0) {
      const code = await this.write(g, tombstones);
      if (code !== ErrorCode.NONE) this.o.logger.warn({ group: groupId, errorCode: code }, 'writing group deletion tombstones failed');
    }
    // a share group's delivery state goes too, so a new group of that name starts afresh
    if (share) await this.onShareGroupDeleted(groupId).catch((e: unknown) => this.o.logger.warn({ err: e, group: groupId }, 'deleting share-group state failed'));
    return ErrorCode.NONE;
  }

  /** Topic deletion: every group forgets the topic's offsets. */
  async topicDeleted(topic: string): Promise<void> {
    for (const g of this.all()) {
      const keys = [...g.offsets.values()].filter((e) => e.topic === topic);
      if (keys.length > 0) await this.offsets.deleteOffsets(g, keys);
    }
  }

  /** Starts offset expiry on the clock: once now (as Kafka does at startup), then every interval. */
  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.offsets.expire(this.all()).finally(() => {
        if (!this.stopped) this.expiryTimer = this.o.clock.schedule(this.o.retentionCheckIntervalMs, tick);
      });
    };
    this.expiryTimer = this.o.clock.schedule(0, tick);
  }

  shutdown(): void {
    this.stopped = true;
    this.expiryTimer?.cancel();
    for (const g of this.groups.values()) {
      this.membership.cancelTimers(g);
      g.consumer?.cancelTimers();
      g.share?.cancelTimers();
    }
  }
}
