/**
 * Which replica a consumer should fetch a partition from (KIP-392), decided by its leader on each
 * consumer fetch (v11+) when `replica.selector.class` names a selector. With Kafka's
 * RackAwareReplicaSelector: a consumer that names its rack (client.rack) is sent to a replica in
 * that rack, the leader itself when it is there, otherwise the most caught-up one (largest log
 * end, then the one caught up most recently); a consumer without a rack, or with no replica in
 * its rack, stays on the leader.
 *
 * Candidates are the live in-sync followers that hold the fetch offset (their log start at or
 * below it, their log end at or past it), so the consumer finds its next record there. The
 * answer is a node id, or -1 for "stay on the leader" (which never travels in a response).
 */
import type { BrokerEndpoint } from '../metadata/metadata-store.js';
import type { Partition } from '../replica/partition.js';

export const RACK_AWARE_SELECTOR = 'org.apache.kafka.common.replica.RackAwareReplicaSelector';

/** The selectors `replica.selector.class` accepts (Kafka's class names). */
export const REPLICA_SELECTORS = [RACK_AWARE_SELECTOR] as const;

export interface ReplicaView {
  nodeId: number;
  rack: string | null;
  logEndOffset: number;
  timeSinceCaughtUpMs: number;
}

/** Kafka's RackAwareReplicaSelector over the candidates; returns the chosen node id. */
export function selectRackAware(clientRack: string, leader: ReplicaView, candidates: readonly ReplicaView[]): number {
  if (clientRack === '') return leader.nodeId;
  if (leader.rack === clientRack) return leader.nodeId;
  const sameRack = candidates.filter((r) => r.rack === clientRack);
  if (sameRack.length === 0) return leader.nodeId;
  const best = sameRack.reduce((a, b) => {
    if (a.logEndOffset !== b.logEndOffset) return a.logEndOffset > b.logEndOffset ? a : b;
    return a.timeSinceCaughtUpMs <= b.timeSinceCaughtUpMs ? a : b;
  });
  return best.nodeId;
}

/** The replica the leader `p` sends a consumer in `clientRack` to for `fetchOffset`, or -1 (the leader). */
export function preferredReadReplica(
  p: Partition, selector: string | null, clientRack: string, fetchOffset: number, brokers: readonly BrokerEndpoint[], now: number,
): number {
  if (selector !== RACK_AWARE_SELECTOR || clientRack === '' || !p.isLeader) return -1;
  const rackOf = new Map(brokers.map((b) => [b.nodeId, b.rack]));
  const candidates: ReplicaView[] = [];
  for (const id of p.isr) {
    if (id === p.nodeId || !rackOf.has(id)) continue;
    const s = p.followers.get(id);
    if (!s || s.logEndOffset < fetchOffset || s.logStartOffset < 0 || s.logStartOffset > fetchOffset) continue;
    candidates.push({ nodeId: id, rack: rackOf.get(id) ?? null, logEndOffset: s.logEndOffset, timeSinceCaughtUpMs: now - s.lastCaughtUpMs });
  }
  const leader: ReplicaView = { nodeId: p.nodeId, rack: rackOf.get(p.nodeId) ?? null, logEndOffset: p.logEndOffset, timeSinceCaughtUpMs: 0 };
  const chosen = selectRackAware(clientRack, leader, candidates);
  return chosen === p.nodeId ? -1 : chosen;
}
