/**
 * The server-side assignors of the consumer group protocol (KIP-848, `group.consumer.assignors`):
 * given the members with their subscribed topics and current partitions, and the partition count
 * of each topic, compute the target assignment the coordinator reconciles members towards.
 *
 * - `uniform` spreads every subscribed topic's partitions over the members subscribed to it so
 *   that partition counts differ by at most one where subscriptions allow, and keeps each member's
 *   current partitions when it can (sticky): partitions change owner only to reach balance or
 *   because their owner left or unsubscribed.
 * - `range` gives each member, topic by topic, a contiguous range of partitions: members subscribed
 *   to the topic in member-id order, `partitions / members` each and one more for the first
 *   `partitions % members`, so co-partitioned topics line up.
 *
 * Contract: pure functions; deterministic for the same input (members are considered in member-id
 * order).
 */

export interface AssignorMember {
  memberId: string;
  subscribedTopics: readonly string[];
  /** The member's current partitions by topic (empty for a new member). */
  current: ReadonlyMap<string, readonly number[]>;
}

/** member id → topic → partitions (sorted). */
export type TargetAssignment = Map<string, Map<string, number[]>>;

export interface ServerAssignor {
  name: 'uniform' | 'range';
  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): TargetAssignment;
}

function emptyTarget(members: readonly AssignorMember[]): TargetAssignment {
  return new Map([...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)).map((m) => [m.memberId, new Map<string, number[]>()]));
}

function give(target: TargetAssignment, member: string, topic: string, partition: number): void {
  const byTopic = target.get(member)!;
  const list = byTopic.get(topic) ?? [];
  list.push(partition);
  byTopic.set(topic, list);
}

function sortLists(target: TargetAssignment): TargetAssignment {
  for (const byTopic of target.values()) for (const list of byTopic.values()) list.sort((a, b) => a - b);
  return target;
}

export const rangeAssignor: ServerAssignor = {
  name: 'range',
  assign(members, partitionsPerTopic) {
    const target = emptyTarget(members);
    const ordered = [...target.keys()];
    const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.subscribedTopics)]));
    for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const eligible = ordered.filter((id) => subscribed.get(id)!.has(topic));
      if (eligible.length === 0) continue;
      const each = Math.floor(count / eligible.length);
      const extra = count % eligible.length;
      let next = 0;
      eligible.forEach((id, i) => {
        const n = each + (i < extra ? 1 : 0);
        for (let k = 0; k < n; k++) give(target, id, topic, next++);
      });
    }
    return sortLists(target);
  },
};

export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign(members, partitionsPerTopic) {
    const target = emptyTarget(members);
    const ordered = [...target.keys()];
    const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.subscribedTopics)]));
    const count = new Map(ordered.map((id) => [id, 0]));
    const owner = new Map<string, string>();
    const key = (t: string, p: number) => `${t}\u0000${p}`;
    const partitions: [string, number][] = [];
    for (const [topic, n] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!ordered.some((id) => subscribed.get(id)!.has(topic))) continue;
      for (let p = 0; p < n; p++) partitions.push([topic, p]);
    }
    const eligible = (topic: string) => ordered.filter((id) => subscribed.get(id)!.has(topic));
    // the most each member should hold if everything it may take were shared out evenly
    const fairShare = Math.ceil(partitions.length / Math.max(1, ordered.length));
    // 1. stickiness: keep current partitions that still exist and are still subscribed, up to a fair share
    for (const m of [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
      for (const [topic, list] of [...m.current].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (!subscribed.get(m.memberId)!.has(topic)) continue;
        for (const p of [...list].sort((a, b) => a - b)) {
          if (p >= (partitionsPerTopic.get(topic) ?? 0) || owner.has(key(topic, p)) || count.get(m.memberId)! >= fairShare) continue;
          owner.set(key(topic, p), m.memberId);
          count.set(m.memberId, count.get(m.memberId)! + 1);
        }
      }
    }
    // 2. every other partition to the least loaded member that may take it
    for (const [topic, p] of partitions) {
      if (owner.has(key(topic, p))) continue;
      const candidates = eligible(topic);
      const chosen = candidates.reduce((best, id) => (count.get(id)! < count.get(best)! ? id : best), candidates[0]!);
      owner.set(key(topic, p), chosen);
      count.set(chosen, count.get(chosen)! + 1);
    }
    // 3. balance: move a partition from a member holding two or more than another eligible member
    for (let moved = true, rounds = 0; moved && rounds < partitions.length * 2; rounds++) {
      moved = false;
      for (const [topic, p] of partitions) {
        const from = owner.get(key(topic, p))!;
        const to = eligible(topic).reduce((best, id) => (count.get(id)! < count.get(best)! ? id : best), from);
        if (count.get(from)! - count.get(to)! >= 2) {
          owner.set(key(topic, p), to);
          count.set(from, count.get(from)! - 1);
          count.set(to, count.get(to)! + 1);
          moved = true;
        }
      }
    }
    for (const [topic, p] of partitions) give(target, owner.get(key(topic, p))!, topic, p);
    return sortLists(target);
  },
};

export const SERVER_ASSIGNORS: Record<string, ServerAssignor> = { uniform: uniformAssignor, range: rangeAssignor };
