/**
 * The producer's partitioner, compatible with the Java client's default partitioner so that a
 * keyed record lands on the same partition whichever client wrote it.
 *
 * - Keyed records: toPositive(murmur2(keyBytes)) % numPartitions, where murmur2 is Kafka's
 *   Utils.murmur2 (32-bit MurmurHash2, seed 0x9747b28c, tail bytes mixed as in Java's
 *   fall-through switch) on Java int arithmetic, and toPositive clears the sign bit (it is not
 *   Math.abs). The partition is taken over all partitions, available or not, as in Java.
 * - Keyless records: sticky partitioning (KIP-480). Every keyless record of a topic goes to the
 *   same partition until the producer closes a batch for that partition (it filled up or was
 *   sent); then the partitioner picks another one at random, preferring partitions that have a
 *   leader and never the one it just left when there is a choice.
 *
 * Contract: a partitioner instance belongs to one producer; it is synchronous and keeps only the
 * sticky partition per topic.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's Utils.murmur2 over the bytes, as a signed 32-bit integer (what Java returns). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length - (length & 3);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // Java's switch (length % 4) falls through from case 3 to case 1.
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: the number with its sign bit cleared. */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Java's default partitioner gives a non-null key (strings are UTF-8 encoded). */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return toPositive(murmur2(bytes)) % numPartitions;
}

/** What a producer asks of a partitioner. */
export interface Partitioner {
  /**
   * The partition of a record whose partition the caller did not choose. `available` lists the
   * partitions that currently have a leader (may be empty when none is known).
   */
  partition(topic: string, key: Buffer | null, numPartitions: number, available: readonly number[]): number;
  /** Called when the producer closes a batch for a partition (full, or taken for sending). */
  onBatchClosed?(topic: string, partition: number, numPartitions: number, available: readonly number[]): void;
}

/** Java's default partitioner: murmur2 for keyed records, sticky (KIP-480) for keyless ones. */
export class DefaultPartitioner implements Partitioner {
  private readonly sticky = new Map<string, number>();

  /** `random` returns a float in [0, 1); injectable for tests. */
  constructor(private readonly random: () => number = Math.random) {}

  partition(topic: string, key: Buffer | null, numPartitions: number, available: readonly number[]): number {
    if (key !== null) return partitionForKey(key, numPartitions);
    const current = this.sticky.get(topic);
    if (current !== undefined && current < numPartitions) return current;
    return this.choose(topic, undefined, numPartitions, available);
  }

  onBatchClosed(topic: string, partition: number, numPartitions: number, available: readonly number[]): void {
    // Only the batch of the partition we are sticking to moves us on (Java's nextPartition).
    if (this.sticky.get(topic) === partition) this.choose(topic, partition, numPartitions, available);
  }

  /** The topic's current sticky partition, if one has been chosen. */
  stickyPartition(topic: string): number | undefined {
    return this.sticky.get(topic);
  }

  private choose(topic: string, previous: number | undefined, numPartitions: number, available: readonly number[]): number {
    const usable = available.filter((p) => p >= 0 && p < numPartitions);
    let chosen: number;
    if (usable.length === 0) {
      chosen = this.randomIndex(numPartitions);
      if (numPartitions > 1 && chosen === previous) chosen = (chosen + 1 + this.randomIndex(numPartitions - 1)) % numPartitions;
    } else if (usable.length === 1) {
      chosen = usable[0]!;
    } else {
      const others = previous === undefined ? usable : usable.filter((p) => p !== previous);
      chosen = others[this.randomIndex(others.length)]!;
    }
    this.sticky.set(topic, chosen);
    return chosen;
  }

  private randomIndex(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }
}
