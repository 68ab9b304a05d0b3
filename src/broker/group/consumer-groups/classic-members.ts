/**
 * Classic members inside a consumer group (KIP-848's upgrade path): consumers still on
 * JoinGroup/SyncGroup/Heartbeat in a group that members of the new protocol have joined. The
 * coordinator computes their partitions like everyone else's and speaks the classic protocol to
 * them:
 *
 * - JoinGroup updates the member's subscription (from its protocol metadata) and reports what it
 *   owns (a cooperative client's owned partitions; an eager one has revoked everything before
 *   rejoining); the member is reconciled and answered at once, as a follower, with its member
 *   epoch as the generation. Its SyncGroup gets its partitions in the consumer protocol's format.
 * - Heartbeat answers REBALANCE_IN_PROGRESS whenever the member is not settled at the target
 *   (it has partitions to revoke, or to get), so it rejoins; otherwise NONE.
 * - LeaveGroup removes it (or them) like a leaving member of the new protocol.
 *
 * A converted group keeps using this path until its members have all left; an empty group goes
 * back to classic on the next JoinGroup (group.consumer.migration.policy). New classic members may
 * also join a consumer group this way.
 *
 * Contract: part of the ConsumerGroupCoordinator's ownership of consumer groups; on the event loop.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import type { Group } from '../group.js';
import { EMPTY_BYTES, type JoinOutcome, type SyncOutcome } from '../group-member.js';
import type { JoinRequest, MemberRef, SyncRequest } from '../group-membership.js';
import type { KeyValue } from '../group-records.js';
import { encodeAssignment, subscriptionOwnedPartitions, subscriptionTopics } from '../consumer-protocol.js';
import { assignmentOf, assignmentsEqual, type Assignment } from './assignment.js';
import { ConsumerGroupMember, type ConsumerGroup } from './consumer-group.js';
import type { ConsumerGroupCoordinator } from './consumer-group-coordinator.js';
import { consumerGroupRecords as R } from './consumer-group-records.js';
import { MemberState } from './reconciliation.js';
import type { TopicInfo } from './subscriptions.js';

function joinFailed(errorCode: number, memberId: string): JoinOutcome {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [], skipAssignment: false };
}

/** Member ids handed out with MEMBER_ID_REQUIRED and not yet used, at most this many. */
const MAX_PENDING_IDS = 10_000;

export class ClassicMembersOfConsumerGroups {
  private readonly pendingIds = new Set<string>();

  constructor(
    private readonly coordinator: ConsumerGroupCoordinator,
    private readonly get: (groupId: string) => Group | undefined,
    private readonly topics: () => TopicInfo[],
  ) {}

  private byName(a: ReadonlyMap<string, readonly number[]>): Assignment {
    const ids = new Map(this.topics().map((t) => [t.name, t.topicId]));
    return assignmentOf([...a].flatMap(([name, ps]) => {
      const id = ids.get(name);
      return id === undefined ? [] : ps.map((p): [string, number] => [id, p]);
    }));
  }

  private byId(a: Assignment): Map<string, readonly number[]> {
    const names = new Map(this.topics().map((t) => [t.topicId, t.name]));
    const out = new Map<string, readonly number[]>();
    for (const [id, ps] of a) {
      const name = names.get(id);
      if (name !== undefined && ps.length > 0) out.set(name, ps);
    }
    return out;
  }

  /** The protocol a classic member uses: its first offer (Kafka picks by vote among members of one protocol). */
  private protocolOf(m: ConsumerGroupMember): string {
    return m.classic?.protocols[0]?.name ?? '';
  }

  private settled(cg: ConsumerGroup, m: ConsumerGroupMember): boolean {
    return cg.groupEpoch === cg.assignmentEpoch && m.memberEpoch === cg.assignmentEpoch && m.assignment.state === MemberState.STABLE
      && assignmentsEqual(m.assignment.assigned, cg.targetOf(m.memberId));
  }

  async join(group: Group, req: JoinRequest): Promise<JoinOutcome> {
    const cg = group.consumer!;
    if (req.protocolType !== 'consumer' || req.protocols.length === 0) return joinFailed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    if (req.memberId === '' && req.groupInstanceId === null && req.requireKnownMemberId) {
      const id = `${req.clientId}-${randomUUID()}`;
      if (this.pendingIds.size >= MAX_PENDING_IDS) this.pendingIds.clear();
      this.pendingIds.add(`${group.groupId}\u0000${id}`);
      return joinFailed(ErrorCode.MEMBER_ID_REQUIRED, id);
    }
    const handedOut = this.pendingIds.delete(`${group.groupId}\u0000${req.memberId}`);
    const records: KeyValue[] = [];
    let member = req.memberId === '' ? undefined : cg.members.get(req.memberId);
    if (!member && req.groupInstanceId !== null) {
      const id = cg.staticMembers.get(req.groupInstanceId);
      member = id === undefined ? undefined : cg.members.get(id);
    }
    if (member && !member.classic) return joinFailed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    let bump = false;
    if (!member) {
      if (req.memberId !== '' && req.groupInstanceId === null && !handedOut) return joinFailed(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
      member = new ConsumerGroupMember(req.memberId === '' ? `${req.clientId}-${randomUUID()}` : req.memberId);
      member.clientId = req.clientId;
      member.clientHost = req.clientHost;
      member.instanceId = req.groupInstanceId;
      member.classic = { sessionTimeoutMs: req.sessionTimeoutMs, protocols: req.protocols };
      cg.addMember(member);
      bump = true;
    }
    const metadata = req.protocols[0]!.metadata;
    const topics = [...new Set(subscriptionTopics(metadata) ?? [])].sort();
    if (topics.join('\u0000') !== member.subscribedTopicNames.join('\u0000')) bump = true;
    member.subscribedTopicNames = topics;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.classic = { sessionTimeoutMs: req.sessionTimeoutMs, protocols: req.protocols };
    records.push(R.member(group.groupId, member.memberId, this.coordinator.memberValue(member)));
    // what the member still owns: a cooperative subscription says; an eager member revoked it all
    const owned = this.byName(subscriptionOwnedPartitions(metadata));
    this.coordinator.advance(group, cg, member, bump, owned, records);
    this.coordinator.armSession(group, cg, member);
    this.coordinator.syncState(group);
    const code = await this.coordinator.write(group, records);
    if (code !== ErrorCode.NONE) return joinFailed(code, member.memberId);
    return {
      errorCode: ErrorCode.NONE, generationId: member.memberEpoch, protocolType: 'consumer', protocolName: this.protocolOf(member),
      leader: '', memberId: member.memberId, members: [], skipAssignment: false,
    };
  }

  sync(group: Group, req: SyncRequest): SyncOutcome {
    const cg = group.consumer!;
    const member = cg.members.get(req.memberId);
    if (!member || !member.classic) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
    if (req.generationId !== member.memberEpoch) return { errorCode: ErrorCode.ILLEGAL_GENERATION, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
    this.coordinator.armSession(group, cg, member);
    member.lastSent = member.assignment.assigned;
    return { errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: this.protocolOf(member), assignment: encodeAssignment(this.byId(member.assignment.assigned)) };
  }

  heartbeat(group: Group, generationId: number, memberId: string): number {
    const cg = group.consumer!;
    const member = cg.members.get(memberId);
    if (!member || !member.classic) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== member.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
    this.coordinator.armSession(group, cg, member);
    return this.settled(cg, member) ? ErrorCode.NONE : ErrorCode.REBALANCE_IN_PROGRESS;
  }

  async leave(group: Group, members: readonly MemberRef[]): Promise<{ errorCode: number; members: (MemberRef & { errorCode: number })[] }> {
    const cg = group.consumer!;
    const records: KeyValue[] = [];
    const out = members.map((ref) => {
      const id = ref.memberId !== '' ? ref.memberId : (ref.groupInstanceId !== null ? cg.staticMembers.get(ref.groupInstanceId) : undefined);
      const member = id === undefined ? undefined : cg.members.get(id);
      if (!member) return { ...ref, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      if (ref.groupInstanceId !== null && member.instanceId !== ref.groupInstanceId) return { ...ref, errorCode: ErrorCode.FENCED_INSTANCE_ID };
      records.push(...this.coordinator.removeRecords(group, cg, member.memberId));
      return { ...ref, errorCode: ErrorCode.NONE };
    });
    this.coordinator.syncState(group);
    const code = await this.coordinator.write(group, records);
    return { errorCode: code, members: out };
  }

  /** Whether a group's classic requests are served here (it is a consumer group that is not empty). */
  handles(groupId: string): Group | undefined {
    const g = this.get(groupId);
    return g && g.state !== 'Dead' && g.consumer && g.consumer.members.size > 0 ? g : undefined;
  }
}
