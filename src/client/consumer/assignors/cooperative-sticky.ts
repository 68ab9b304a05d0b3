/**
 * The cooperative sticky assignor (protocol name "cooperative-sticky"), after Kafka's
 * CooperativeStickyAssignor:
 *
 * 1. Stickiness. Every member reports the partitions it owns (Subscription v1
 *    ownedPartitions) and the generation they belong to (Subscription v2 generationId or, as
 *    Kafka's assignor writes it, an int32 in userData). A partition claimed by several members
 *    belongs to the claim of the highest generation; equal highest claims cancel each other.
 *    A member keeps the partitions it owns that still exist and that it still subscribes to.
 * 2. Balance. When all members subscribe to the same topics, P partitions over M members give
 *    each floor(P / M) and P mod M of them one more: members keep at most their quota (those
 *    owning most keep the larger quotas), and the rest is dealt to the least loaded member.
 *    With differing subscriptions, partitions are dealt to the least loaded eligible member and
 *    then moved from a member holding two or more than an eligible member, until none can move.
 * 3. Cooperation. A partition must never go straight from one member to another within one
 *    rebalance: the owner first has to revoke it. So a partition whose owner is another member
 *    is left out of this assignment altogether. The owner, finding it revoked, rejoins, and the
 *    follow-up rebalance assigns it to its new member.
 */
import type { Subscription } from '../consumer-protocol.js';
import { compareTopicPartitions, tpKey, type TopicPartition } from '../types.js';
import { cmp, compareMembers, emptyAssignment, type AssignmentInput, type GroupAssignment, type GroupMember, type PartitionAssignor } from './assignor.js';

export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = 'cooperative-sticky' as const;
  readonly cooperative = true;

  subscriptionUserData(generation: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeInt32BE(generation, 0);
    return b;
  }

  assign(input: AssignmentInput): GroupAssignment {
    const out = emptyAssignment(input.members);
    const members = [...input.members].sort(compareMembers);
    if (members.length === 0) return out;
    const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.subscription.topics)]));
    const exists = (tp: TopicPartition): boolean => tp.partition >= 0 && tp.partition < (input.partitionsPerTopic.get(tp.topic) ?? 0);

    const owners = resolveOwners(members, exists);
    const ownerOf = (tp: TopicPartition): Set<string> | undefined => owners.get(tpKey(tp.topic, tp.partition));
    const soleOwner = (tp: TopicPartition, memberId: string): boolean => {
      const o = ownerOf(tp);
      return o !== undefined && o.size === 1 && o.has(memberId);
    };

    // 1. what each member keeps
    const assignment = new Map<string, TopicPartition[]>();
    for (const m of members) {
      const seen = new Set<string>();
      const kept: TopicPartition[] = [];
      for (const tp of m.subscription.ownedPartitions) {
        const key = tpKey(tp.topic, tp.partition);
        if (seen.has(key) || !subscribed.get(m.memberId)!.has(tp.topic) || !soleOwner(tp, m.memberId)) continue;
        seen.add(key);
        kept.push({ topic: tp.topic, partition: tp.partition });
      }
      assignment.set(m.memberId, kept);
    }

    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))].sort(cmp);
    const all: TopicPartition[] = [];
    for (const topic of topics) {
      const n = input.partitionsPerTopic.get(topic) ?? 0;
      for (let p = 0; p < n; p++) all.push({ topic, partition: p });
    }

    const sameSubscriptions = members.every((m) => sameTopics(m.subscription.topics, members[0]!.subscription.topics));
    if (sameSubscriptions) capToQuotas(members, assignment, all.length);

    // 2. deal the rest to the least loaded eligible member, then even out
    const taken = new Set<string>();
    for (const list of assignment.values()) for (const tp of list) taken.add(tpKey(tp.topic, tp.partition));
    for (const tp of all) {
      if (taken.has(tpKey(tp.topic, tp.partition))) continue;
      const target = leastLoaded(members.filter((m) => subscribed.get(m.memberId)!.has(tp.topic)), assignment);
      if (target) assignment.get(target.memberId)!.push(tp);
    }
    if (!sameSubscriptions) rebalanceLoads(members, assignment, subscribed, all.length);

    // 3. leave out partitions that another member still owns
    for (const m of members) {
      const list = assignment.get(m.memberId)!.filter((tp) => ownerOf(tp) === undefined || soleOwner(tp, m.memberId));
      out.set(m.memberId, list.sort(compareTopicPartitions));
    }
    return out;
  }
}

/** The generation a member's owned partitions belong to, -1 when it does not say. */
export function ownedGeneration(s: Subscription): number {
  if (s.generationId >= 0) return s.generationId;
  if (s.userData !== null && s.userData.length >= 4) return s.userData.readInt32BE(0);
  return -1;
}

/** Partition key -> the member(s) holding the highest-generation claim on it. */
function resolveOwners(members: GroupMember[], exists: (tp: TopicPartition) => boolean): Map<string, Set<string>> {
  const claims = new Map<string, { generation: number; members: Set<string> }>();
  for (const m of members) {
    const generation = ownedGeneration(m.subscription);
    for (const tp of m.subscription.ownedPartitions) {
      if (!exists(tp)) continue;
      const key = tpKey(tp.topic, tp.partition);
      const c = claims.get(key);
      if (!c || generation > c.generation) claims.set(key, { generation, members: new Set([m.memberId]) });
      else if (generation === c.generation) c.members.add(m.memberId);
    }
  }
  const owners = new Map<string, Set<string>>();
  for (const [key, c] of claims) owners.set(key, c.members);
  return owners;
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((t) => sb.has(t));
}

/**
 * Equal subscriptions: P partitions over M members is floor(P/M) each, P mod M members with one
 * more. Members owning the most keep the larger quotas; the excess is released.
 */
function capToQuotas(members: GroupMember[], assignment: Map<string, TopicPartition[]>, total: number): void {
  const minQuota = Math.floor(total / members.length);
  let largerQuotasLeft = total % members.length;
  const byOwned = [...members].sort((a, b) => assignment.get(b.memberId)!.length - assignment.get(a.memberId)!.length || compareMembers(a, b));
  for (const m of byOwned) {
    const kept = assignment.get(m.memberId)!;
    let quota = minQuota;
    if (kept.length > minQuota && largerQuotasLeft > 0) {
      quota = minQuota + 1;
      largerQuotasLeft--;
    }
    if (kept.length > quota) kept.length = quota;
  }
}

function leastLoaded(candidates: GroupMember[], assignment: Map<string, TopicPartition[]>): GroupMember | undefined {
  let best: GroupMember | undefined;
  for (const m of candidates) {
    if (!best || assignment.get(m.memberId)!.length < assignment.get(best.memberId)!.length) best = m;
  }
  return best;
}

/**
 * Differing subscriptions: move a partition from a member to an eligible member holding at
 * least two fewer, newest additions first (they were not owned before), until nothing moves.
 * Each move lowers the sum of squared loads, so this ends; the bound is a safety net.
 */
function rebalanceLoads(members: GroupMember[], assignment: Map<string, TopicPartition[]>, subscribed: Map<string, Set<string>>, total: number): void {
  const maxMoves = total * members.length + 1;
  for (let moves = 0; moves < maxMoves; moves++) {
    let moved = false;
    const byLoad = [...members].sort((a, b) => assignment.get(b.memberId)!.length - assignment.get(a.memberId)!.length || compareMembers(a, b));
    outer: for (const src of byLoad) {
      const from = assignment.get(src.memberId)!;
      for (let i = from.length - 1; i >= 0; i--) {
        const tp = from[i]!;
        const dst = leastLoaded(members.filter((m) => m !== src && subscribed.get(m.memberId)!.has(tp.topic)), assignment);
        if (dst && assignment.get(dst.memberId)!.length + 1 < from.length) {
          from.splice(i, 1);
          assignment.get(dst.memberId)!.push(tp);
          moved = true;
          break outer;
        }
      }
    }
    if (!moved) return;
  }
}
