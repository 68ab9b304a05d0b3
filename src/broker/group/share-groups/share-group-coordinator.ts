/**
 * ShareGroupCoordinator: membership of share groups (KIP-932) for the groups this broker
 * coordinates — ShareGroupHeartbeat (join with epoch 0, heartbeat, leave with -1), the simple
 * assignor, session timeouts (group.share.session.timeout.ms), the group's records in
 * __consumer_offsets, and describing the groups.
 *
 * Any change of members, subscriptions or subscribed topics raises the group epoch and recomputes
 * every member's partitions; a member learns its new partitions (and the new epoch) at its next
 * heartbeat. There is no revocation step: the records of a partition are shared out one
 * acquisition at a time by its share-partition state, so two members may hold one partition.
 * Which records each member gets is not decided here but by the share-partition state on the
 * partition's leader (share-partition-manager.ts).
 *
 * Contract: owned by the GroupCoordinator, on the event loop; a heartbeat changes memory
 * synchronously, then awaits its records before answering.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import type { ShareGroupHeartbeatRequest } from '../../../protocol/generated/messages/ShareGroupHeartbeatRequest.js';
import type { ShareGroupHeartbeatResponse } from '../../../protocol/generated/messages/ShareGroupHeartbeatResponse.js';
import type { ShareGroupDescribeResponse } from '../../../protocol/generated/messages/ShareGroupDescribeResponse.js';
import type { Group } from '../group.js';
import type { KeyValue } from '../group-records.js';
import { assignmentsEqual, fromWire, toWire, type Assignment } from '../consumer-groups/assignment.js';
import { groupSubscription, subscribedTopics, type TopicInfo } from '../consumer-groups/subscriptions.js';
import { ShareGroup, ShareGroupMember } from './share-group.js';
import { assignShares } from './share-assignor.js';
import { shareGroupRecords as R, type ShareGroupRecord } from './share-group-records.js';

export interface ShareGroupConfig {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
  /** A group's own setting (GROUP config resource), when it has one. */
  perGroup?: (groupId: string, name: string) => number | undefined;
}

export interface ShareGroupDirectory {
  get(groupId: string): Group | undefined;
  create(groupId: string): Group;
  write(group: Group, records: KeyValue[]): Promise<number>;
  topics(): TopicInfo[];
  /** A member left or was removed: its acquired records go back to the others. */
  memberGone(groupId: string, memberId: string): void;
}

type Response = ShareGroupHeartbeatResponse;
type Described = ShareGroupDescribeResponse['groups'][number];

function failure(errorCode: number, errorMessage: string | null = null): Response {
  return { throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
}

export class ShareGroupCoordinator {
  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: ShareGroupConfig,
    private readonly groups: ShareGroupDirectory,
  ) {}

  async heartbeat(req: ShareGroupHeartbeatRequest, client: { clientId: string; clientHost: string }): Promise<Response> {
    if (req.groupId.trim() === '') return failure(ErrorCode.INVALID_REQUEST, 'GroupId can\'t be empty.');
    if (req.memberEpoch < -1) return failure(ErrorCode.INVALID_REQUEST, `MemberEpoch is ${req.memberEpoch}, but must be greater than or equal to -1.`);
    if (req.memberEpoch !== 0 && req.memberId.trim() === '') return failure(ErrorCode.INVALID_REQUEST, 'MemberId can\'t be empty.');
    if (req.memberEpoch === 0 && (req.subscribedTopicNames === null || req.subscribedTopicNames.length === 0)) {
      return failure(ErrorCode.INVALID_REQUEST, 'SubscribedTopicNames must be set in first request.');
    }
    let group = this.groups.get(req.groupId);
    if (group && group.state !== 'Dead' && !group.share) {
      return failure(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a share group.`);
    }
    if (req.memberEpoch === -1) return this.leave(group, req.memberId);
    if (!group || group.state === 'Dead') {
      if (req.memberEpoch !== 0) return failure(ErrorCode.UNKNOWN_MEMBER_ID);
      group = this.groups.create(req.groupId);
      group.makeShareGroup(new ShareGroup(), this.clock.now());
    }
    const sg = group.share!;
    const records: KeyValue[] = [];
    let member = sg.members.get(req.memberId);
    let bump = false;
    if (req.memberEpoch === 0) {
      if (!member) {
        if (sg.members.size >= this.config.maxSize) return failure(ErrorCode.GROUP_MAX_SIZE_REACHED, `The share group has reached its maximum capacity of ${this.config.maxSize} members.`);
        member = new ShareGroupMember(req.memberId === '' ? randomUUID() : req.memberId);
        member.clientId = client.clientId;
        member.clientHost = client.clientHost;
        sg.members.set(member.memberId, member);
      }
      member.lastSent = undefined;
      bump = true;
    } else {
      if (!member) return failure(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      if (req.memberEpoch !== member.memberEpoch) return failure(ErrorCode.FENCED_MEMBER_EPOCH, `The member epoch ${req.memberEpoch} is not the coordinator's ${member.memberEpoch}.`);
    }
    if (req.rackId !== null && req.rackId !== member.rackId) member.rackId = req.rackId;
    if (req.subscribedTopicNames !== null) {
      const topics = [...new Set(req.subscribedTopicNames)].sort();
      if (topics.join('\u0000') !== member.subscribedTopicNames.join('\u0000')) {
        member.subscribedTopicNames = topics;
        bump = true;
      }
    }
    if (bump) records.push(R.member(group.groupId, member.memberId, this.memberValue(member)));
    const topics = this.groups.topics();
    const subscription = groupSubscription([...sg.members.values()].map((m) => ({ subscribedTopicNames: m.subscribedTopicNames, subscribedTopicRegex: null })), topics);
    if (subscription.signature !== sg.subscriptionSignature) {
      sg.subscriptionSignature = subscription.signature;
      bump = true;
    }
    if (bump) {
      sg.groupEpoch += 1;
      records.push(R.epoch(group.groupId, sg.groupEpoch));
      this.assign(sg, topics);
    }
    if (member.memberEpoch !== sg.groupEpoch) {
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = sg.groupEpoch;
      records.push(R.current(group.groupId, member.memberId, this.currentValue(member)));
    }
    this.armSession(group, member);
    this.syncState(group);
    if (records.length > 0) {
      const code = await this.groups.write(group, records);
      if (code !== ErrorCode.NONE) return failure(code);
    }
    const send = member.lastSent === undefined || !assignmentsEqual(member.lastSent, member.assigned);
    if (send) member.lastSent = member.assigned;
    return {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, memberId: member.memberId, memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.config.perGroup?.(group.groupId, 'share.heartbeat.interval.ms') ?? this.config.heartbeatIntervalMs, assignment: send ? { topicPartitions: toWire(member.assigned) } : null,
    };
  }

  private assign(sg: ShareGroup, topics: TopicInfo[]): void {
    const byName = new Map(topics.map((t) => [t.name, t]));
    const counts = new Map<string, number>();
    const members = [...sg.members.values()].map((m) => {
      const subscribed = subscribedTopics({ subscribedTopicNames: m.subscribedTopicNames, subscribedTopicRegex: null }, topics, byName);
      for (const t of subscribed) counts.set(t.topicId, t.partitions);
      return { memberId: m.memberId, topics: subscribed.map((t) => t.topicId) };
    });
    const result = assignShares(members, counts);
    for (const m of sg.members.values()) m.assigned = result.get(m.memberId) ?? new Map();
  }

  private memberValue(m: ShareGroupMember): Parameters<typeof R.member>[2] & object {
    return { rackId: m.rackId, clientId: m.clientId, clientHost: m.clientHost, subscribedTopicNames: m.subscribedTopicNames };
  }

  private currentValue(m: ShareGroupMember): Parameters<typeof R.current>[2] & object {
    return { memberEpoch: m.memberEpoch, previousMemberEpoch: m.previousMemberEpoch, state: 0, assignedPartitions: toWire(m.assigned) };
  }

  private async leave(group: Group | undefined, memberId: string): Promise<Response> {
    const sg = group?.share;
    if (!group || !sg || !sg.members.has(memberId)) return failure(ErrorCode.UNKNOWN_MEMBER_ID);
    const code = await this.groups.write(group, this.remove(group, sg, memberId));
    if (code !== ErrorCode.NONE) return failure(code);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
  }

  private remove(group: Group, sg: ShareGroup, memberId: string): KeyValue[] {
    sg.removeMember(memberId);
    sg.groupEpoch += 1;
    this.assign(sg, this.groups.topics());
    this.syncState(group);
    this.groups.memberGone(group.groupId, memberId);
    return [R.current(group.groupId, memberId, null), R.member(group.groupId, memberId, null), R.epoch(group.groupId, sg.groupEpoch)];
  }

  armSession(group: Group, member: ShareGroupMember): void {
    member.sessionTimer?.cancel();
    const timeout = this.config.perGroup?.(group.groupId, 'share.session.timeout.ms') ?? this.config.sessionTimeoutMs;
    member.sessionTimer = this.clock.schedule(timeout, () => {
      member.sessionTimer = undefined;
      const sg = group.share;
      if (!sg || sg.members.get(member.memberId) !== member || this.groups.get(group.groupId) !== group) return;
      this.logger.info({ group: group.groupId, memberId: member.memberId }, 'share group member session timed out');
      void this.groups.write(group, this.remove(group, sg, member.memberId));
    });
  }

  syncState(group: Group): void {
    const state = group.share?.state();
    if (state && group.state !== state) group.transition(state, this.clock.now());
  }

  describe(group: Group, nameOf: (topicId: string) => string | undefined, authorizedOperations: number): Described {
    const sg = group.share!;
    return {
      errorCode: ErrorCode.NONE, errorMessage: null, groupId: group.groupId, groupState: group.state, groupEpoch: sg.groupEpoch,
      assignmentEpoch: sg.groupEpoch, assignorName: 'simple',
      members: [...sg.members.values()].map((m) => ({
        memberId: m.memberId, rackId: m.rackId, memberEpoch: m.memberEpoch, clientId: m.clientId, clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        assignment: { topicPartitions: [...m.assigned].flatMap(([topicId, ps]) => {
          const topicName = nameOf(topicId);
          return topicName === undefined ? [] : [{ topicId, topicName, partitions: [...ps] }];
        }) },
      })),
      authorizedOperations,
    };
  }
}

/** Rebuilding share groups from their records (see share-group-records.ts). */
export class ShareGroupReplay {
  private readonly groups = new Map<string, { epoch: number | null; members: Map<string, ShareGroupMember> }>();

  apply(rec: ShareGroupRecord): void {
    if (rec.type === 'other') return;
    let g = this.groups.get(rec.groupId);
    if (!g) this.groups.set(rec.groupId, (g = { epoch: null, members: new Map() }));
    if (rec.type === 11) {
      g.epoch = rec.epoch;
      return;
    }
    if (rec.value === null) {
      if (rec.type === 10) g.members.delete(rec.memberId);
      return;
    }
    const m = g.members.get(rec.memberId) ?? new ShareGroupMember(rec.memberId);
    g.members.set(rec.memberId, m);
    if (rec.type === 10) {
      Object.assign(m, { rackId: rec.value.rackId, clientId: rec.value.clientId, clientHost: rec.value.clientHost, subscribedTopicNames: rec.value.subscribedTopicNames });
    } else {
      m.memberEpoch = rec.value.memberEpoch;
      m.previousMemberEpoch = rec.value.previousMemberEpoch;
      m.assigned = fromWire(rec.value.assignedPartitions) as Assignment;
    }
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  build(groupId: string): ShareGroup | undefined {
    const g = this.groups.get(groupId);
    if (!g || g.epoch === null) return undefined;
    const sg = new ShareGroup();
    sg.groupEpoch = g.epoch;
    for (const m of g.members.values()) sg.members.set(m.memberId, m);
    return sg;
  }
}
