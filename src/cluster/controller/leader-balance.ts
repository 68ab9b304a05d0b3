/**
 * Preferred-leader balancing (Kafka's auto.leader.rebalance.enable): the first replica of each
 * partition is its preferred leader. For every live broker, count the partitions that prefer it
 * and those of them it does not lead; when that share exceeds leader.imbalance.per.broker.percentage,
 * every such partition whose preferred replica is in sync gets it back as leader (a new leader
 * epoch). Returns the partition changes to write, by topic.
 */
import type { PartitionUpdate, TopicMetadata } from '../../broker/metadata/metadata-store.js';

export function preferredLeaderMoves(topics: readonly TopicMetadata[], live: ReadonlySet<number>, maxImbalancePercent: number): Map<string, PartitionUpdate[]> {
  const preferred = new Map<number, number>();
  const notLed = new Map<number, { topic: string; index: number }[]>();
  for (const t of topics) {
    for (const p of t.partitions) {
      const pref = p.replicas[0];
      if (pref === undefined || !live.has(pref)) continue;
      preferred.set(pref, (preferred.get(pref) ?? 0) + 1);
      if (p.leader !== pref) notLed.set(pref, [...(notLed.get(pref) ?? []), { topic: t.name, index: p.partition }]);
    }
  }
  const out = new Map<string, PartitionUpdate[]>();
  for (const [broker, misses] of notLed) {
    if ((misses.length * 100) / preferred.get(broker)! <= maxImbalancePercent) continue;
    for (const m of misses) {
      const p = topics.find((t) => t.name === m.topic)!.partitions[m.index]!;
      if (!p.isr.includes(broker)) continue;
      const next = { ...p, leader: broker, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 };
      out.set(m.topic, [...(out.get(m.topic) ?? []), { expectedEpoch: p.partitionEpoch, next }]);
    }
  }
  return out;
}
