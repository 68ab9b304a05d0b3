/**
 * Reconciliation of one member of a consumer group (KIP-848) towards the group's target
 * assignment: which partitions it may own now, which it must give up first, and its member epoch.
 *
 * States (stored as Kafka's int8 codes in ConsumerGroupCurrentMemberAssignment records):
 *   STABLE (0)                 the member owns its whole target at the target's epoch
 *   UNREVOKED_PARTITIONS (1)   it must give up partitions first; its epoch stays until it reports
 *                              (in a heartbeat's owned partitions) that it no longer holds them
 *   UNRELEASED_PARTITIONS (2)  it is at the target epoch but waits for partitions that another
 *                              member has not released yet; they are added once free
 *
 * Revoke before assign: a partition is handed to a member only when no other member holds it
 * (assigned or pending revocation), so no partition ever has two owners.
 *
 * Contract: a pure function of its inputs.
 */
import { assignmentOf, intersects, partitionsOf, type Assignment } from './assignment.js';

export const MemberState = { STABLE: 0, UNREVOKED_PARTITIONS: 1, UNRELEASED_PARTITIONS: 2 } as const;
export type MemberStateCode = (typeof MemberState)[keyof typeof MemberState];

export interface MemberAssignmentState {
  state: MemberStateCode;
  memberEpoch: number;
  previousMemberEpoch: number;
  assigned: Assignment;
  pendingRevocation: Assignment;
}

export interface ReconcileInput {
  targetEpoch: number;
  target: Assignment;
  /** True when another member holds the partition (assigned or pending revocation). */
  ownedByOther(topicId: string, partition: number): boolean;
  /** The partitions the member reported owning in this heartbeat; null when it did not say. */
  reportedOwned: Assignment | null;
}

function stillOwns(reported: Assignment | null, revoked: Assignment): boolean {
  return reported === null || intersects(reported, revoked);
}

function nextAssignment(m: MemberAssignmentState, i: ReconcileInput): MemberAssignmentState {
  const kept: [string, number][] = [];
  const revoke: [string, number][] = [];
  const toAssign: [string, number][] = [];
  let unreleased = false;
  for (const [t, p] of partitionsOf(m.assigned)) {
    if (i.target.get(t)?.includes(p)) kept.push([t, p]);
    else revoke.push([t, p]);
  }
  for (const [t, p] of partitionsOf(i.target)) {
    if (m.assigned.get(t)?.includes(p)) continue;
    if (i.ownedByOther(t, p)) unreleased = true;
    else toAssign.push([t, p]);
  }
  const pending = assignmentOf(revoke);
  if (revoke.length > 0 && stillOwns(i.reportedOwned, pending)) {
    return { state: MemberState.UNREVOKED_PARTITIONS, memberEpoch: m.memberEpoch, previousMemberEpoch: m.previousMemberEpoch, assigned: assignmentOf(kept), pendingRevocation: pending };
  }
  return {
    state: unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    memberEpoch: i.targetEpoch,
    previousMemberEpoch: i.targetEpoch === m.memberEpoch ? m.previousMemberEpoch : m.memberEpoch,
    assigned: assignmentOf([...kept, ...toAssign]),
    pendingRevocation: new Map(),
  };
}

/** The member's next state; the same object when nothing changes. */
export function reconcile(m: MemberAssignmentState, i: ReconcileInput): MemberAssignmentState {
  switch (m.state) {
    case MemberState.STABLE:
      return m.memberEpoch === i.targetEpoch ? m : nextAssignment(m, i);
    case MemberState.UNREVOKED_PARTITIONS:
      return stillOwns(i.reportedOwned, m.pendingRevocation) ? m : nextAssignment(m, i);
    case MemberState.UNRELEASED_PARTITIONS:
      return nextAssignment(m, i);
  }
}
