/**
 * Partition assignors: the group leader runs the assignor the group agreed on (the JoinGroup
 * protocol name) over every member's subscription and the partition counts of the subscribed
 * topics, and hands the result out through SyncGroup.
 *
 * Contract: `assign` is a pure function of its input (no I/O, no clock, no randomness), so every
 * leader computes the same assignment from the same input.
 */
import type { Subscription } from '../consumer-protocol.js';
import type { TopicPartition } from '../types.js';

export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky';

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  subscription: Subscription;
}

export interface AssignmentInput {
  members: GroupMember[];
  /** Partition counts of the subscribed topics that exist; a missing topic has no partitions. */
  partitionsPerTopic: ReadonlyMap<string, number>;
}

/** Member id -> assigned partitions; every member of the input has an entry. */
export type GroupAssignment = Map<string, TopicPartition[]>;

export interface PartitionAssignor {
  /** The protocol name in JoinGroup, shared with Kafka's clients. */
  readonly name: AssignorName;
  /**
   * Whether it works with the cooperative rebalance protocol: it never hands a partition from
   * one member to another within a single rebalance.
   */
  readonly cooperative: boolean;
  /** The userData a member puts into its subscription. */
  subscriptionUserData?(generation: number): Buffer | null;
  assign(input: AssignmentInput): GroupAssignment;
}

/**
 * Kafka's member order for assignors: static members (with a group instance id) first, ordered
 * by instance id, then dynamic members ordered by member id.
 */
export function compareMembers(a: { memberId: string; groupInstanceId: string | null }, b: { memberId: string; groupInstanceId: string | null }): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return cmp(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return cmp(a.memberId, b.memberId);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptyAssignment(members: readonly GroupMember[]): GroupAssignment {
  const out: GroupAssignment = new Map();
  for (const m of members) out.set(m.memberId, []);
  return out;
}
