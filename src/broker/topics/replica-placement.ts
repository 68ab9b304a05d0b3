/**
 * Kafka's replica placement for new topics and partitions (AdminUtils.assignReplicasToBrokers):
 * partitions' first replicas go round-robin over the brokers from a random start, and the other
 * replicas follow at a shift that grows each time the round wraps, so leaders and followers spread
 * evenly. With racks on every broker the brokers are first interleaved by rack and a replica skips
 * a rack (or broker) already used while an unused one remains, so each partition spans as many
 * racks as it can. When only some brokers name a rack, placement ignores racks.
 */
export interface PlacementBroker {
  nodeId: number;
  rack: string | null;
}

export interface PlacementOptions {
  /** Fixed start (Kafka's fixedStartIndex) for deterministic placement; random when absent. */
  startIndex?: number;
  /** The first partition id to place (CreatePartitions continues a topic). */
  startPartition?: number;
  random?: (n: number) => number;
}

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, index: number, nBrokers: number): number {
  const shift = 1 + ((secondReplicaShift + index) % (nBrokers - 1));
  return (firstReplicaIndex + shift) % nBrokers;
}

/** Brokers ordered so that consecutive ones are on different racks (racks sorted, ids sorted). */
export function rackAlternated(brokers: readonly PlacementBroker[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of brokers) byRack.set(b.rack!, [...(byRack.get(b.rack!) ?? []), b.nodeId]);
  const racks = [...byRack.keys()].sort();
  const queues = racks.map((r) => [...byRack.get(r)!].sort((a, b) => a - b));
  const out: number[] = [];
  for (let i = 0; out.length < brokers.length; i = (i + 1) % racks.length) {
    const next = queues[i]!.shift();
    if (next !== undefined) out.push(next);
  }
  return out;
}

/**
 * Replica lists for `count` partitions at replication factor `rf` (which must not exceed the
 * brokers), indexed from options.startPartition.
 */
export function placeReplicas(brokers: readonly PlacementBroker[], count: number, rf: number, o: PlacementOptions = {}): number[][] {
  const random = o.random ?? ((n: number) => Math.floor(Math.random() * n));
  const rackAware = brokers.length > 0 && brokers.every((b) => b.rack !== null);
  const arranged = rackAware ? rackAlternated(brokers) : brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  const rackOf = new Map(brokers.map((b) => [b.nodeId, b.rack]));
  const numRacks = new Set(brokers.map((b) => b.rack)).size;
  const n = arranged.length;
  const startIndex = o.startIndex ?? random(n);
  let shift = o.startIndex ?? random(n);
  let partition = Math.max(0, o.startPartition ?? 0);
  const out: number[][] = [];
  for (let i = 0; i < count; i++, partition++) {
    if (partition > 0 && partition % n === 0) shift++;
    const first = (partition + startIndex) % n;
    const replicas = [arranged[first]!];
    if (!rackAware) {
      for (let j = 0; j < rf - 1; j++) replicas.push(arranged[replicaIndex(first, shift, j, n)]!);
    } else {
      const racks = new Set([rackOf.get(arranged[first]!)]);
      let k = 0;
      while (replicas.length < rf) {
        const broker = arranged[replicaIndex(first, shift * numRacks, k++, n)]!;
        const rack = rackOf.get(broker);
        if ((!racks.has(rack) || racks.size === numRacks) && (!replicas.includes(broker) || replicas.length === n)) {
          replicas.push(broker);
          racks.add(rack);
        }
      }
    }
    out.push(replicas);
  }
  return out;
}
