/**
 * The share groups' assignor (Kafka's "simple" assignor): every partition of the subscribed
 * topics goes to some member, and every member gets something when there are partitions. With no
 * more members than partitions a topic's partitions are dealt round-robin over its subscribers
 * (in member-id order); with more members than partitions each member gets one partition and
 * partitions are shared — records are shared out per record, so sharing costs nothing.
 *
 * Contract: a pure function; deterministic.
 */
import { assignmentOf, type Assignment } from '../consumer-groups/assignment.js';

export interface ShareAssignorMember {
  memberId: string;
  /** Subscribed topic ids. */
  topics: readonly string[];
}

export function assignShares(members: readonly ShareAssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment> {
  const pairs = new Map<string, [string, number][]>(members.map((m) => [m.memberId, []]));
  const ordered = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  for (const [topicId, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const subscribers = ordered.filter((m) => m.topics.includes(topicId));
    if (subscribers.length === 0 || count === 0) continue;
    if (subscribers.length <= count) {
      for (let p = 0; p < count; p++) pairs.get(subscribers[p % subscribers.length]!.memberId)!.push([topicId, p]);
    } else {
      subscribers.forEach((m, i) => pairs.get(m.memberId)!.push([topicId, i % count]));
    }
  }
  return new Map([...pairs].map(([id, list]) => [id, assignmentOf(list)]));
}
