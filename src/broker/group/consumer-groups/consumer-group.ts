/**
 * ConsumerGroup: the state of one group of the consumer group protocol (KIP-848) — its group
 * epoch (raised by every change of membership, subscriptions or subscribed topics), the target
 * assignment computed at `assignmentEpoch`, its members with their reconciliation state, and who
 * holds each partition right now.
 *
 * States, derived from the epochs and members as Kafka derives them:
 *   Empty        no members
 *   Assigning    the group epoch moved past the target assignment's epoch (the next heartbeat
 *                computes a new target)
 *   Reconciling  some member is not yet at the target epoch, or waits on revocations/releases
 *   Stable       every member owns its target at the target epoch
 *
 * Contract: owned by the ConsumerGroupCoordinator, which makes every change; this class keeps
 * `owners` consistent with the members' assigned and pending-revocation partitions.
 */
import type { Timer } from '../../../common/clock.js';
import type { ProtocolOffer } from '../group-member.js';
import { EMPTY_ASSIGNMENT, partitionKey, partitionsOf, type Assignment } from './assignment.js';
import { MemberState, type MemberAssignmentState } from './reconciliation.js';
import { compileTopicRegex, topicRegexError } from './topic-regex.js';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

/** The member epoch a static member sends when leaving temporarily (KIP-848). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;

export class ConsumerGroupMember {
  instanceId: string | null = null;
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  subscribedTopicNames: string[] = [];
  subscribedTopicRegex: string | null = null;
  rebalanceTimeoutMs = -1;
  serverAssignor: string | null = null;
  assignment: MemberAssignmentState = {
    state: MemberState.STABLE, memberEpoch: 0, previousMemberEpoch: 0, assigned: EMPTY_ASSIGNMENT, pendingRevocation: EMPTY_ASSIGNMENT,
  };
  /** The partitions the member was last told it owns; undefined before the first answer. */
  lastSent: Assignment | undefined;
  sessionTimer: Timer | undefined;
  rebalanceTimer: Timer | undefined;
  /** Set for a member that speaks the classic protocol (JoinGroup/SyncGroup) inside this group. */
  classic: { sessionTimeoutMs: number; protocols: ProtocolOffer[] } | null = null;

  constructor(readonly memberId: string) {}

  get memberEpoch(): number {
    return this.assignment.memberEpoch;
  }

  /** A static member that left temporarily (epoch -2) and keeps its partitions until its session ends. */
  get isTemporarilyAway(): boolean {
    return this.assignment.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH;
  }
}

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  readonly staticMembers = new Map<string, string>();
  /** member id → target partitions at assignmentEpoch. */
  readonly target = new Map<string, Assignment>();
  /** partition key → the member holding it (assigned or pending revocation). */
  private readonly owners = new Map<string, string>();
  /** Topics (id:name:count, sorted) the current group epoch was computed against. */
  subscriptionSignature = '';

  state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.isTemporarilyAway) continue;
      if (m.memberEpoch !== this.assignmentEpoch || m.assignment.state !== MemberState.STABLE) return 'Reconciling';
    }
    return 'Stable';
  }

  /** Whether some member subscribes to `topic`, by name or regex. */
  isSubscribedTo(topic: string): boolean {
    for (const m of this.members.values()) {
      if (m.subscribedTopicNames.includes(topic)) return true;
      if (m.subscribedTopicRegex && !topicRegexError(m.subscribedTopicRegex) && compileTopicRegex(m.subscribedTopicRegex).test(topic)) return true;
    }
    return false;
  }

  targetOf(memberId: string): Assignment {
    return this.target.get(memberId) ?? EMPTY_ASSIGNMENT;
  }

  ownedByOther(memberId: string, topicId: string, partition: number): boolean {
    const owner = this.owners.get(partitionKey(topicId, partition));
    return owner !== undefined && owner !== memberId;
  }

  /** Replaces a member's reconciliation state, keeping `owners` in step. */
  setAssignment(member: ConsumerGroupMember, next: MemberAssignmentState): void {
    this.release(member);
    member.assignment = next;
    for (const [t, p] of partitionsOf(next.assigned)) this.owners.set(partitionKey(t, p), member.memberId);
    for (const [t, p] of partitionsOf(next.pendingRevocation)) this.owners.set(partitionKey(t, p), member.memberId);
  }

  private release(member: ConsumerGroupMember): void {
    for (const a of [member.assignment.assigned, member.assignment.pendingRevocation]) {
      for (const [t, p] of partitionsOf(a)) {
        const k = partitionKey(t, p);
        if (this.owners.get(k) === member.memberId) this.owners.delete(k);
      }
    }
  }

  addMember(member: ConsumerGroupMember): void {
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    this.setAssignment(member, member.assignment);
  }

  removeMember(memberId: string): ConsumerGroupMember | undefined {
    const m = this.members.get(memberId);
    if (!m) return undefined;
    m.sessionTimer?.cancel();
    m.rebalanceTimer?.cancel();
    this.release(m);
    this.members.delete(memberId);
    this.target.delete(memberId);
    if (m.instanceId !== null && this.staticMembers.get(m.instanceId) === memberId) this.staticMembers.delete(m.instanceId);
    return m;
  }

  cancelTimers(): void {
    for (const m of this.members.values()) {
      m.sessionTimer?.cancel();
      m.rebalanceTimer?.cancel();
    }
  }
}
