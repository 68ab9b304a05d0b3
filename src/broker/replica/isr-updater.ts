/**
 * IsrUpdater: how a partition leader changes its in-sync replicas (Kafka's AlterPartition): the
 * new ISR is written to the metadata store with a compare-and-set on the partition epoch the
 * leader last saw, so a leader that has been replaced (or whose view is stale) cannot change it.
 * The change reaches the Partition when the store announces it, like every other change. One
 * proposal per partition is in flight at a time; a refused one is simply dropped and the next
 * check proposes again from the newer state.
 *
 * Contract: created once per broker; runs on the event loop.
 */
import type { Logger } from '../../common/logger.js';
import { StaleMetadataError, type MetadataStore } from '../metadata/metadata-store.js';
import type { IsrProposal } from './replica-manager.js';

export function isrUpdater(metadata: MetadataStore, logger: Logger): IsrProposal {
  const inFlight = new Set<string>();
  return (p, proposed) => {
    const key = `${p.topic}\u0000${p.index}`;
    if (inFlight.has(key)) return;
    const current = metadata.topic(p.topic)?.partitions[p.index];
    if (!current || current.leader !== p.nodeId || current.partitionEpoch !== p.partitionEpoch) return;
    // replica order, the leader always kept, never empty
    const isr = current.replicas.filter((r) => r === p.nodeId || proposed.includes(r));
    if (isr.length === current.isr.length && isr.every((r) => current.isr.includes(r))) return;
    inFlight.add(key);
    metadata.updatePartitions(p.topic, [{ expectedEpoch: current.partitionEpoch, next: { ...current, isr, partitionEpoch: current.partitionEpoch + 1 } }]).then(
      () => logger.info({ topic: p.topic, partition: p.index, from: current.isr, to: isr }, isr.length < current.isr.length ? 'ISR shrunk' : 'ISR expanded'),
      (e: unknown) => {
        if (!(e instanceof StaleMetadataError)) logger.warn({ err: (e as Error).message, topic: p.topic, partition: p.index }, 'changing the ISR failed; it will be proposed again');
      },
    ).finally(() => inFlight.delete(key));
  };
}
