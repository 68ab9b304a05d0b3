/**
 * What the controller does to one partition when brokers come and go (Kafka's controller rules,
 * without eligible leader replicas):
 *   - a live leader stays; replicas that are no longer live leave the ISR, unless that would empty
 *     it (the last in-sync replica is kept, as Kafka keeps it, so it can lead again when it returns);
 *   - a partition whose leader is gone gets the first live in-sync replica (in replica order) as
 *     leader, with a new leader epoch; with none, and unclean election allowed, the first live
 *     replica, which then makes up the ISR alone; otherwise it has no leader (-1) until an in-sync
 *     replica returns.
 * Every change raises the partition epoch. Returns undefined when nothing changes.
 */
import type { PartitionMetadata } from '../../broker/metadata/metadata-store.js';

export function nextPartitionState(p: PartitionMetadata, live: ReadonlySet<number>, uncleanAllowed: boolean): PartitionMetadata | undefined {
  const liveIsr = p.replicas.filter((r) => p.isr.includes(r) && live.has(r));
  if (p.leader >= 0 && live.has(p.leader)) {
    const isr = liveIsr.length > 0 ? liveIsr : p.isr;
    if (sameSet(isr, p.isr)) return undefined;
    return { ...p, isr, partitionEpoch: p.partitionEpoch + 1 };
  }
  let leader = liveIsr[0] ?? -1;
  let isr = liveIsr.length > 0 ? liveIsr : p.isr;
  if (leader < 0 && uncleanAllowed) {
    const anyLive = p.replicas.find((r) => live.has(r));
    if (anyLive !== undefined) {
      leader = anyLive;
      isr = [anyLive];
    }
  }
  if (leader === p.leader && sameSet(isr, p.isr)) return undefined;
  return { ...p, leader, isr, leaderEpoch: leader === p.leader ? p.leaderEpoch : p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 };
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
