/**
 * ConsumerGroupCoordinator: the consumer group protocol (KIP-848) for the groups this broker
 * coordinates — ConsumerGroupHeartbeat (join, heartbeat, leave), the target assignment computed
 * by a server-side assignor, each member's reconciliation towards it, session and rebalance
 * timeouts, static members, and the records that make all of it survive a restart or a
 * coordinator move.
 *
 * One heartbeat:
 *   1. checks the request (heartbeat-validation.ts) and finds or creates the group and member;
 *      a member epoch ahead of the coordinator's, or behind it but not the previous epoch with
 *      owned partitions it still holds, is fenced (FENCED_MEMBER_EPOCH);
 *   2. applies subscription changes; a new member, a changed subscription, or a change in the
 *      subscribed topics (created, deleted, grown) raises the group epoch;
 *   3. when the group epoch is past the target's, runs the assignor over all members;
 *   4. reconciles the member (reconciliation.ts): revocations first, then free partitions;
 *   5. writes the records of what changed, and only then answers, with the assignment whenever it
 *      differs from what the member was last told or the member sent its owned partitions.
 *
 * A member that misses its session timeout (group.consumer.session.timeout.ms) is removed; one
 * that does not revoke within its rebalance timeout is removed too. A static member that leaves
 * with epoch -2 keeps its partitions until its session timeout; rejoining with the same instance
 * id under a new member id takes them over without a rebalance.
 *
 * Contract: owned by the GroupCoordinator, on the event loop. Each heartbeat applies its changes
 * to memory synchronously before awaiting its write, so heartbeats never interleave half-done.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import type { ConsumerGroupHeartbeatRequest } from '../../../protocol/generated/messages/ConsumerGroupHeartbeatRequest.js';
import type { ConsumerGroupHeartbeatResponse } from '../../../protocol/generated/messages/ConsumerGroupHeartbeatResponse.js';
import type { Group } from '../group.js';
import type { KeyValue } from '../group-records.js';
import { assignmentOf, assignmentsEqual, fromWire, isSubset, toWire, type Assignment } from './assignment.js';
import {
  ConsumerGroup, ConsumerGroupMember, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH,
} from './consumer-group.js';
import { consumerGroupRecords as R } from './consumer-group-records.js';
import { validateHeartbeat } from './heartbeat-validation.js';
import { MemberState, reconcile } from './reconciliation.js';
import { SERVER_ASSIGNORS, type AssignorMember } from './server-assignors.js';
import { groupSubscription, subscribedTopics, type TopicInfo } from './subscriptions.js';

export interface ConsumerGroupConfig {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
  /** group.consumer.assignors: the first is the default. */
  assignors: string[];
  /** group.consumer.migration.policy: disabled, upgrade, downgrade or bidirectional. */
  migrationPolicy: string;
  /** A group's own setting (GROUP config resource), when it has one. */
  perGroup?: (groupId: string, name: string) => number | undefined;
}

export interface ConsumerGroupDirectory {
  get(groupId: string): Group | undefined;
  create(groupId: string): Group;
  /** Appends records to the group's partition; resolves to a Kafka error code for the client. */
  write(group: Group, records: KeyValue[]): Promise<number>;
  topics(): TopicInfo[];
  /**
   * Turns a classic group with members into a consumer group whose members stay classic (the
   * online upgrade), returning the records of the conversion; undefined when it may not be.
   */
  upgrade(group: Group): KeyValue[] | undefined;
}

export interface HeartbeatClient {
  clientId: string;
  clientHost: string;
  version: number;
}

type Response = ConsumerGroupHeartbeatResponse;

function failure(errorCode: number, errorMessage: string | null = null): Response {
  return { throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
}

class HeartbeatError extends Error {
  constructor(readonly errorCode: number, message: string | null = null) {
    super(message ?? String(errorCode));
  }
}

export class ConsumerGroupCoordinator {
  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: ConsumerGroupConfig,
    private readonly groups: ConsumerGroupDirectory,
  ) {}

  get assignors(): readonly string[] {
    return this.config.assignors;
  }

  async heartbeat(req: ConsumerGroupHeartbeatRequest, client: HeartbeatClient): Promise<Response> {
    const check = validateHeartbeat(req, client.version, this.config.assignors);
    if (check.errorCode !== ErrorCode.NONE) return failure(check.errorCode, check.message);
    let outcome: { group: Group; records: KeyValue[]; response: Response };
    try {
      outcome = req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH
        ? this.leave(req)
        : this.beat(req, client);
    } catch (e) {
      if (e instanceof HeartbeatError) return failure(e.errorCode, e.message === String(e.errorCode) ? null : e.message);
      throw e;
    }
    const { group, records, response } = outcome;
    this.syncState(group);
    if (records.length > 0) {
      const code = await this.groups.write(group, records);
      if (code !== ErrorCode.NONE) return failure(code);
    }
    return response;
  }

  /** Finds the consumer group, creating it (or converting an empty classic group) for a joining member. */
  private groupFor(groupId: string, joining: boolean): { group: Group; cg: ConsumerGroup; records: KeyValue[] } {
    let group = this.groups.get(groupId);
    if (group && group.state !== 'Dead' && group.consumer) return { group, cg: group.consumer, records: [] };
    if (group && group.state !== 'Dead' && group.share) throw new HeartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
    if (!joining) throw new HeartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${groupId} has no member with this id.`);
    if (group && group.state !== 'Dead') {
      // the offline upgrade path: an empty classic group becomes a consumer group, keeping its offsets
      if (!group.isEmpty) {
        const records = this.groups.upgrade(group);
        if (!records) throw new HeartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is a classic group that cannot be upgraded now (it must be a Stable consumer group and group.consumer.migration.policy must allow upgrades).`);
        for (const m of group.consumer!.members.values()) this.armSession(group, group.consumer!, m);
        this.logger.info({ group: groupId, members: group.consumer!.members.size }, 'classic group upgraded to the consumer group protocol');
        return { group, cg: group.consumer!, records };
      }
      if (this.config.migrationPolicy !== 'upgrade' && this.config.migrationPolicy !== 'bidirectional') {
        throw new HeartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is a classic group and group.consumer.migration.policy does not allow upgrading it.`);
      }
    } else {
      group = this.groups.create(groupId);
    }
    group.makeConsumerGroup(new ConsumerGroup(), this.clock.now());
    return { group, cg: group.consumer!, records: [] };
  }

  private beat(req: ConsumerGroupHeartbeatRequest, client: HeartbeatClient): { group: Group; records: KeyValue[]; response: Response } {
    const { group, cg, records } = this.groupFor(req.groupId, req.memberEpoch === 0);
    const reportedOwned = req.topicPartitions === null ? null : fromWire(req.topicPartitions);
    let member: ConsumerGroupMember;
    let bump = false;
    if (req.memberEpoch === 0) {
      ({ member, bump } = this.join(group, cg, req, client, records));
    } else {
      const found = cg.members.get(req.memberId);
      if (!found || found.classic) throw new HeartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      if (found.instanceId !== null && req.instanceId !== null && req.instanceId !== found.instanceId) throw new HeartbeatError(ErrorCode.FENCED_INSTANCE_ID);
      member = found;
      this.checkEpoch(member, req.memberEpoch, reportedOwned);
    }
    if (this.updateSubscription(member, req, client)) {
      bump = true;
      records.push(R.member(group.groupId, member.memberId, this.memberValue(member)));
    }
    this.advance(group, cg, member, bump, reportedOwned, records);
    this.armSession(group, cg, member);
    const send = req.memberEpoch === 0 || reportedOwned !== null || member.lastSent === undefined || !assignmentsEqual(member.lastSent, member.assignment.assigned);
    if (send) member.lastSent = member.assignment.assigned;
    return {
      group, records,
      response: {
        throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null,
        memberId: member.memberId, memberEpoch: member.memberEpoch, heartbeatIntervalMs: this.config.perGroup?.(group.groupId, 'consumer.heartbeat.interval.ms') ?? this.config.heartbeatIntervalMs,
        assignment: send ? { topicPartitions: toWire(member.assignment.assigned) } : null,
      },
    };
  }

  /**
   * Moves the group and one member on: a new group epoch when `bump` or the subscribed topics
   * changed, a new target when the epoch passed the target's, then the member's reconciliation.
   * Appends the records of what changed. Used for members of both protocols.
   */
  advance(group: Group, cg: ConsumerGroup, member: ConsumerGroupMember, bump: boolean, reportedOwned: Assignment | null, records: KeyValue[]): void {
    const topics = this.groups.topics();
    const subscription = groupSubscription(cg.members.values(), topics);
    if (subscription.signature !== cg.subscriptionSignature) {
      cg.subscriptionSignature = subscription.signature;
      records.push(R.partitionMetadata(group.groupId, {
        topics: subscription.topics.map((t) => ({ topicId: t.topicId, topicName: t.name, numPartitions: t.partitions, partitionMetadata: [] })),
      }));
      bump = true;
    }
    if (bump) {
      cg.groupEpoch += 1;
      records.push(R.epoch(group.groupId, cg.groupEpoch));
    }
    if (cg.groupEpoch > cg.assignmentEpoch) records.push(...this.computeTarget(group, cg, topics));
    this.reconcileMember(group, cg, member, reportedOwned, records);
  }

  /** Writes records for a group; resolves to the Kafka error code for the client. */
  write(group: Group, records: KeyValue[]): Promise<number> {
    return records.length === 0 ? Promise.resolve(ErrorCode.NONE) : this.groups.write(group, records);
  }

  /** A member joining with epoch 0: new, rejoining, or a static member taking its place back. */
  private join(group: Group, cg: ConsumerGroup, req: ConsumerGroupHeartbeatRequest, client: HeartbeatClient, records: KeyValue[]): { member: ConsumerGroupMember; bump: boolean } {
    const existing = req.memberId === '' ? undefined : cg.members.get(req.memberId);
    if (req.instanceId !== null) {
      const previousId = cg.staticMembers.get(req.instanceId);
      const previous = previousId === undefined ? undefined : cg.members.get(previousId);
      if (previous && previous.memberId !== req.memberId) {
        if (!previous.isTemporarilyAway) {
          throw new HeartbeatError(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${req.instanceId} is still in the group under member id ${previous.memberId}.`);
        }
        return { member: this.replaceStatic(group, cg, previous, req.memberId === '' ? randomUUID() : req.memberId, records), bump: false };
      }
    }
    if (existing?.isTemporarilyAway) {
      // a static member back under the same member id: it carries on with its partitions
      cg.setAssignment(existing, { ...existing.assignment, memberEpoch: existing.assignment.previousMemberEpoch });
      existing.lastSent = undefined;
      return { member: existing, bump: false };
    }
    if (existing) {
      // a member that lost its state rejoins with epoch 0: it gets its assignment again from scratch
      cg.setAssignment(existing, { ...existing.assignment, state: MemberState.STABLE, memberEpoch: 0, previousMemberEpoch: 0, assigned: new Map(), pendingRevocation: new Map() });
      existing.lastSent = undefined;
      return { member: existing, bump: true };
    }
    if (cg.members.size >= this.config.maxSize) throw new HeartbeatError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.config.maxSize} members.`);
    const member = new ConsumerGroupMember(req.memberId === '' ? randomUUID() : req.memberId);
    member.clientId = client.clientId;
    member.clientHost = client.clientHost;
    member.instanceId = req.instanceId;
    cg.addMember(member);
    return { member, bump: true };
  }

  /** A static member rejoining under a new member id takes over the old one's place and partitions. */
  private replaceStatic(group: Group, cg: ConsumerGroup, previous: ConsumerGroupMember, memberId: string, records: KeyValue[]): ConsumerGroupMember {
    const member = new ConsumerGroupMember(memberId);
    Object.assign(member, {
      instanceId: previous.instanceId, rackId: previous.rackId, clientId: previous.clientId, clientHost: previous.clientHost,
      subscribedTopicNames: previous.subscribedTopicNames, subscribedTopicRegex: previous.subscribedTopicRegex,
      rebalanceTimeoutMs: previous.rebalanceTimeoutMs, serverAssignor: previous.serverAssignor,
    });
    const target = cg.targetOf(previous.memberId);
    const state = { ...previous.assignment, memberEpoch: previous.assignment.previousMemberEpoch };
    cg.removeMember(previous.memberId);
    records.push(R.current(group.groupId, previous.memberId, null), R.target(group.groupId, previous.memberId, null), R.member(group.groupId, previous.memberId, null));
    member.assignment = state;
    cg.addMember(member);
    cg.target.set(memberId, target);
    records.push(R.member(group.groupId, memberId, this.memberValue(member)), R.target(group.groupId, memberId, toWire(target)));
    this.logger.info({ group: group.groupId, instanceId: member.instanceId, memberId }, 'static member rejoined and kept its partitions');
    return member;
  }

  private checkEpoch(member: ConsumerGroupMember, received: number, reportedOwned: Assignment | null): void {
    const current = member.memberEpoch;
    if (received > current) throw new HeartbeatError(ErrorCode.FENCED_MEMBER_EPOCH, `The member epoch ${received} is ahead of the coordinator's ${current}.`);
    if (received < current) {
      // the member missed the answer that moved it on: accepted if it owns nothing it should not
      const ok = received === member.assignment.previousMemberEpoch && reportedOwned !== null && isSubset(reportedOwned, member.assignment.assigned);
      if (!ok) throw new HeartbeatError(ErrorCode.FENCED_MEMBER_EPOCH, `The member epoch ${received} is behind the coordinator's ${current}.`);
    }
  }

  /** Applies the non-null fields of a heartbeat; true when the subscription or identity changed. */
  private updateSubscription(m: ConsumerGroupMember, req: ConsumerGroupHeartbeatRequest, client: HeartbeatClient): boolean {
    let changed = m.memberEpoch === 0 && m.lastSent === undefined;
    const set = <K extends keyof ConsumerGroupMember>(k: K, v: ConsumerGroupMember[K]): void => {
      if (JSON.stringify(m[k]) !== JSON.stringify(v)) {
        m[k] = v;
        changed = true;
      }
    };
    if (req.instanceId !== null) set('instanceId', req.instanceId);
    if (req.rackId !== null) set('rackId', req.rackId);
    if (req.rebalanceTimeoutMs !== -1) set('rebalanceTimeoutMs', req.rebalanceTimeoutMs);
    if (req.serverAssignor !== null) set('serverAssignor', req.serverAssignor);
    if (req.subscribedTopicNames !== null) set('subscribedTopicNames', [...req.subscribedTopicNames].sort());
    if (req.subscribedTopicRegex !== undefined && req.subscribedTopicRegex !== null) set('subscribedTopicRegex', req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex);
    if (m.clientId === '' && client.clientId !== '') m.clientId = client.clientId;
    if (m.clientHost === '') m.clientHost = client.clientHost;
    return changed;
  }

  memberValue(m: ConsumerGroupMember): Parameters<typeof R.member>[2] & object {
    return {
      instanceId: m.instanceId, rackId: m.rackId, clientId: m.clientId, clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames, subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs, serverAssignor: m.serverAssignor,
      classicMemberMetadata: m.classic ? { sessionTimeoutMs: m.classic.sessionTimeoutMs, supportedProtocols: m.classic.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) } : null,
    };
  }

  /** The assignor the group uses: the first one a member asks for, else the broker's default. */
  assignorOf(cg: ConsumerGroup): string {
    for (const m of [...cg.members.values()].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
      if (m.serverAssignor !== null && this.config.assignors.includes(m.serverAssignor)) return m.serverAssignor;
    }
    return this.config.assignors[0] ?? 'uniform';
  }

  /** Runs the assignor at the group epoch; returns the records of the target's changes. */
  private computeTarget(group: Group, cg: ConsumerGroup, topics: TopicInfo[]): KeyValue[] {
    const byName = new Map(topics.map((t) => [t.name, t]));
    const counts = new Map<string, number>();
    const members: AssignorMember[] = [];
    for (const m of cg.members.values()) {
      const subscribed = subscribedTopics(m, topics, byName);
      for (const t of subscribed) counts.set(t.topicId, t.partitions);
      const current = new Map<string, number[]>();
      for (const [t, ps] of m.assignment.assigned) current.set(t, [...ps]);
      members.push({ memberId: m.memberId, subscribedTopics: subscribed.map((t) => t.topicId), current });
    }
    const assignor = SERVER_ASSIGNORS[this.assignorOf(cg)] ?? SERVER_ASSIGNORS.uniform!;
    const result = assignor.assign(members, counts);
    const records: KeyValue[] = [];
    for (const m of cg.members.values()) {
      const next: Assignment = assignmentOf([...(result.get(m.memberId) ?? new Map<string, number[]>())].flatMap(([t, ps]) => ps.map((p): [string, number] => [t, p])));
      if (!assignmentsEqual(next, cg.targetOf(m.memberId)) || !cg.target.has(m.memberId)) {
        cg.target.set(m.memberId, next);
        records.push(R.target(group.groupId, m.memberId, toWire(next)));
      }
    }
    cg.assignmentEpoch = cg.groupEpoch;
    records.push(R.targetEpoch(group.groupId, cg.assignmentEpoch));
    return records;
  }

  reconcileMember(group: Group, cg: ConsumerGroup, member: ConsumerGroupMember, reportedOwned: Assignment | null, records: KeyValue[]): void {
    const before = member.assignment;
    const next = reconcile(before, {
      targetEpoch: cg.assignmentEpoch,
      target: cg.targetOf(member.memberId),
      ownedByOther: (t, p) => cg.ownedByOther(member.memberId, t, p),
      reportedOwned,
    });
    const changed = next.state !== before.state || next.memberEpoch !== before.memberEpoch || next.previousMemberEpoch !== before.previousMemberEpoch
      || !assignmentsEqual(next.assigned, before.assigned) || !assignmentsEqual(next.pendingRevocation, before.pendingRevocation);
    if (changed) {
      cg.setAssignment(member, next);
      records.push(R.current(group.groupId, member.memberId, this.currentValue(member)));
    }
    if (next.state === MemberState.UNREVOKED_PARTITIONS) {
      if (!member.rebalanceTimer) {
        const timeout = member.rebalanceTimeoutMs > 0 ? member.rebalanceTimeoutMs : this.sessionTimeoutMs(group.groupId);
        member.rebalanceTimer = this.clock.schedule(timeout, () => {
          member.rebalanceTimer = undefined;
          this.fence(group, member.memberId, 'did not revoke its partitions within its rebalance timeout');
        });
      }
    } else {
      member.rebalanceTimer?.cancel();
      member.rebalanceTimer = undefined;
    }
  }

  currentValue(m: ConsumerGroupMember): Parameters<typeof R.current>[2] & object {
    return {
      memberEpoch: m.assignment.memberEpoch, previousMemberEpoch: m.assignment.previousMemberEpoch, state: m.assignment.state,
      assignedPartitions: toWire(m.assignment.assigned), partitionsPendingRevocation: toWire(m.assignment.pendingRevocation),
    };
  }

  private sessionTimeoutMs(groupId: string): number {
    return this.config.perGroup?.(groupId, 'consumer.session.timeout.ms') ?? this.config.sessionTimeoutMs;
  }

  /** (Re)starts a member's session timer (a classic member's own session timeout). */
  armSession(group: Group, cg: ConsumerGroup, member: ConsumerGroupMember): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.clock.schedule(member.classic?.sessionTimeoutMs ?? this.sessionTimeoutMs(group.groupId), () => {
      member.sessionTimer = undefined;
      if (cg.members.get(member.memberId) === member) this.fence(group, member.memberId, 'session timed out');
    });
  }

  private leave(req: ConsumerGroupHeartbeatRequest): { group: Group; records: KeyValue[]; response: Response } {
    const group = this.groups.get(req.groupId);
    const cg = group?.consumer;
    const member = cg?.members.get(req.memberId);
    if (!group || !cg || !member) throw new HeartbeatError(ErrorCode.UNKNOWN_MEMBER_ID);
    const response: Response = {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, memberId: member.memberId, memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0, assignment: null,
    };
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH && member.instanceId !== null) {
      // keeps its partitions until its session times out or it comes back
      cg.setAssignment(member, { ...member.assignment, previousMemberEpoch: member.memberEpoch, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH });
      this.armSession(group, cg, member);
      return { group, records: [R.current(group.groupId, member.memberId, this.currentValue(member))], response };
    }
    return { group, records: this.removeRecords(group, cg, member.memberId), response };
  }

  /** Removes a member; returns the tombstones and the new group epoch's record. */
  removeRecords(group: Group, cg: ConsumerGroup, memberId: string): KeyValue[] {
    cg.removeMember(memberId);
    cg.groupEpoch += 1;
    return [
      R.current(group.groupId, memberId, null), R.target(group.groupId, memberId, null), R.member(group.groupId, memberId, null),
      R.epoch(group.groupId, cg.groupEpoch),
    ];
  }

  /** Takes a member out of the group on the coordinator's own initiative (timeouts). */
  fence(group: Group, memberId: string, reason: string): void {
    const cg = group.consumer;
    if (!cg || !cg.members.has(memberId) || this.groups.get(group.groupId) !== group) return;
    this.logger.info({ group: group.groupId, memberId, reason }, 'removing member from consumer group');
    const records = this.removeRecords(group, cg, memberId);
    this.syncState(group);
    void this.groups.write(group, records).then((code) => {
      if (code !== ErrorCode.NONE) this.logger.warn({ group: group.groupId, memberId, errorCode: code }, 'writing the removal of a member failed');
    });
  }

  syncState(group: Group): void {
    const cg = group.consumer;
    if (!cg) return;
    const state = cg.state();
    if (group.state !== state) group.transition(state, this.clock.now());
  }
}
