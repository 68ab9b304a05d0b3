/**
 * ShareGroup: the membership of one share group (KIP-932) — its group epoch, its members with
 * their subscriptions and the partitions each was given. Unlike a consumer group a partition may
 * be given to several members at once: the records in it are shared out by the partition's
 * share-partition state (share-partition.ts), one acquisition at a time, so there is nothing to
 * revoke and a member gets its target partitions at once.
 *
 * States: Empty (no members) and Stable.
 *
 * Contract: owned by the ShareGroupCoordinator, which makes every change.
 */
import type { Timer } from '../../../common/clock.js';
import { EMPTY_ASSIGNMENT, type Assignment } from '../consumer-groups/assignment.js';

export class ShareGroupMember {
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  subscribedTopicNames: string[] = [];
  memberEpoch = 0;
  previousMemberEpoch = 0;
  assigned: Assignment = EMPTY_ASSIGNMENT;
  lastSent: Assignment | undefined;
  sessionTimer: Timer | undefined;

  constructor(readonly memberId: string) {}
}

export class ShareGroup {
  groupEpoch = 0;
  readonly members = new Map<string, ShareGroupMember>();
  /** Topics (id:name:count) the current group epoch was computed against. */
  subscriptionSignature = '';

  state(): 'Empty' | 'Stable' {
    return this.members.size === 0 ? 'Empty' : 'Stable';
  }

  removeMember(memberId: string): ShareGroupMember | undefined {
    const m = this.members.get(memberId);
    if (!m) return undefined;
    m.sessionTimer?.cancel();
    this.members.delete(memberId);
    return m;
  }

  cancelTimers(): void {
    for (const m of this.members.values()) m.sessionTimer?.cancel();
  }
}
