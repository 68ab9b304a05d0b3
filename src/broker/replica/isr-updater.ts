/**
 * IsrUpdater: how a partition leader changes its in-sync replicas (Kafka's AlterPartition): the
 * new ISR is written to the metadata store with a compare-and-set on the partition epoch the
 * leader last saw, so a leader that has been replaced (or whose view is stale) cannot change it.
 * The change reaches the Partition when the store announces it, like every other change.
 *
 * Proposals made in one turn of the event loop are written together, one store write per topic
 * (a whole topic is one key in etcd, so separate writes for its partitions would only race each
 * other). When one of them turns out stale the others are written one by one; a refused
 * proposal is dropped, and the next fetch or lag check proposes again from the newer state. One
 * proposal per partition is in flight at a time.
 *
 * Contract: created once per broker; runs on the event loop.
 */
import type { Logger } from '../../common/logger.js';
import { StaleMetadataError, type MetadataStore, type PartitionUpdate } from '../metadata/metadata-store.js';
import type { IsrProposal } from './replica-manager.js';

export function isrUpdater(metadata: MetadataStore, logger: Logger): IsrProposal {
  const inFlight = new Set<string>();
  const whenSettled = new Map<string, () => void>();
  let queued = new Map<string, PartitionUpdate[]>();
  let scheduled = false;

  const report = (topic: string, u: PartitionUpdate, before: number[]): void => {
    logger.info({ topic, partition: u.next.partition, from: before, to: u.next.isr }, u.next.isr.length < before.length ? 'ISR shrunk' : 'ISR expanded');
  };

  const writeOne = async (topic: string, u: PartitionUpdate, before: number[]): Promise<void> => {
    try {
      await metadata.updatePartitions(topic, [u]);
      report(topic, u, before);
    } catch (e) {
      if (!(e instanceof StaleMetadataError)) logger.warn({ err: (e as Error).message, topic, partition: u.next.partition }, 'changing the ISR failed; it will be proposed again');
    }
  };

  const flush = async (): Promise<void> => {
    scheduled = false;
    const batch = queued;
    queued = new Map();
    await Promise.all([...batch].map(async ([topic, updates]) => {
      const before = new Map(updates.map((u) => [u.next.partition, metadata.topic(topic)?.partitions[u.next.partition]?.isr ?? []]));
      try {
        await metadata.updatePartitions(topic, updates);
        for (const u of updates) report(topic, u, before.get(u.next.partition)!);
      } catch (e) {
        if (e instanceof StaleMetadataError && updates.length > 1) {
          for (const u of updates) await writeOne(topic, u, before.get(u.next.partition)!);
        } else if (!(e instanceof StaleMetadataError)) {
          logger.warn({ err: (e as Error).message, topic }, 'changing the ISR failed; it will be proposed again');
        }
      } finally {
        for (const u of updates) {
          const key = `${topic}\u0000${u.next.partition}`;
          inFlight.delete(key);
          whenSettled.get(key)?.();
          whenSettled.delete(key);
        }
      }
    }));
  };

  return (p, proposed, settled) => {
    const key = `${p.topic}\u0000${p.index}`;
    if (inFlight.has(key)) return settled?.();
    const current = metadata.topic(p.topic)?.partitions[p.index];
    if (!current || current.leader !== p.nodeId || current.partitionEpoch !== p.partitionEpoch) return settled?.();
    // replica order, the leader always kept, never empty
    const isr = current.replicas.filter((r) => r === p.nodeId || proposed.includes(r));
    if (isr.length === current.isr.length && isr.every((r) => current.isr.includes(r))) return settled?.();
    inFlight.add(key);
    if (settled) whenSettled.set(key, settled);
    queued.set(p.topic, [...(queued.get(p.topic) ?? []), { expectedEpoch: current.partitionEpoch, next: { ...current, isr, partitionEpoch: current.partitionEpoch + 1 } }]);
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => void flush());
    }
  };
}
