/**
 * Whether a topic partition exists in the cluster metadata (the check OffsetCommit and
 * TxnOffsetCommit make before touching a group).
 */
import type { MetadataStore } from '../metadata/metadata-store.js';

export function partitionExists(metadata: MetadataStore, topic: string, partition: number): boolean {
  const t = metadata.topic(topic);
  return t !== undefined && partition >= 0 && partition < t.partitions.length;
}
