/**
 * Partition sets of the consumer group protocol, keyed by topic id as on the wire and in
 * __consumer_offsets: topic id → sorted partition numbers. Helpers to compare, combine and convert
 * them; an Assignment is never mutated once built.
 */

export type Assignment = ReadonlyMap<string, readonly number[]>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();

export interface WireTopicPartitions {
  topicId: string;
  partitions: number[];
}

export function partitionKey(topicId: string, partition: number): string {
  return `${topicId}:${partition}`;
}

export function fromWire(list: readonly WireTopicPartitions[] | null | undefined): Assignment {
  const out = new Map<string, number[]>();
  for (const t of list ?? []) {
    if (t.partitions.length === 0) continue;
    const merged = new Set([...(out.get(t.topicId) ?? []), ...t.partitions]);
    out.set(t.topicId, [...merged].sort((a, b) => a - b));
  }
  return out;
}

export function toWire(a: Assignment): WireTopicPartitions[] {
  return [...a].filter(([, ps]) => ps.length > 0).map(([topicId, ps]) => ({ topicId, partitions: [...ps] }));
}

export function* partitionsOf(a: Assignment): Generator<[string, number]> {
  for (const [topicId, ps] of a) for (const p of ps) yield [topicId, p];
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  const ka = [...a].filter(([, ps]) => ps.length > 0);
  const kb = [...b].filter(([, ps]) => ps.length > 0);
  if (ka.length !== kb.length) return false;
  for (const [t, ps] of ka) {
    const other = b.get(t);
    if (!other || other.length !== ps.length || ps.some((p, i) => other[i] !== p)) return false;
  }
  return true;
}

/** Builds an assignment from (topic id, partition) pairs. */
export function assignmentOf(pairs: Iterable<[string, number]>): Assignment {
  const out = new Map<string, number[]>();
  for (const [t, p] of pairs) {
    const list = out.get(t) ?? [];
    if (!list.includes(p)) list.push(p);
    out.set(t, list);
  }
  for (const list of out.values()) list.sort((x, y) => x - y);
  return out;
}

export function hasPartition(a: Assignment, topicId: string, partition: number): boolean {
  return a.get(topicId)?.includes(partition) ?? false;
}

/** Whether `a` holds any partition of `b`. */
export function intersects(a: Assignment, b: Assignment): boolean {
  for (const [t, p] of partitionsOf(b)) if (hasPartition(a, t, p)) return true;
  return false;
}

/** Whether every partition of `a` is in `b`. */
export function isSubset(a: Assignment, b: Assignment): boolean {
  for (const [t, p] of partitionsOf(a)) if (!hasPartition(b, t, p)) return false;
  return true;
}
