/**
 * Types shared by the consumer's parts: topic-partitions, the records handed to the
 * application, and the rebalance events.
 */

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumerRecord {
  topic: string;
  partition: number;
  /** The record's offset (offsets beyond 2^53 are not representable). */
  offset: number;
  /** Milliseconds since the epoch: CreateTime, or LogAppendTime when the topic uses it. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer | null][];
}

export type RebalanceEventType = 'assigned' | 'revoked' | 'lost';

/**
 * 'assigned' and 'revoked' follow Kafka's ConsumerRebalanceListener: with the eager protocol
 * every rebalance revokes the whole assignment and assigns the new one; with the cooperative
 * protocol only the partitions that actually move are revoked, and only new ones assigned.
 * 'lost' replaces 'revoked' when the member was already out of the group (its session expired
 * or its generation was fenced): the partitions may already belong to someone else, so nothing
 * is committed for them.
 */
export interface RebalanceEvent {
  type: RebalanceEventType;
  partitions: TopicPartition[];
  /** The group generation the event belongs to (-1 outside a group). */
  generation: number;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Sorted by topic name (UTF-16 code unit order, as Java's String.compareTo), then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

export function sortTopicPartitions(tps: Iterable<TopicPartition>): TopicPartition[] {
  return [...tps].map((tp) => ({ topic: tp.topic, partition: tp.partition })).sort(compareTopicPartitions);
}

/** Groups partitions by topic: [[topic, sorted partitions]] in topic order. */
export function groupByTopic(tps: Iterable<TopicPartition>): [string, number[]][] {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    let list = byTopic.get(tp.topic);
    if (!list) byTopic.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return [...byTopic.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, parts]) => [topic, [...new Set(parts)].sort((x, y) => x - y)]);
}
