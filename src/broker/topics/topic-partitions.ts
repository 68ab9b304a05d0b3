/**
 * Whether a topic partition exists in the cluster metadata (the check OffsetCommit and
 * TxnOffsetCommit make before touching a group), and the error for a partition this broker does
 * not serve: NOT_LEADER_OR_FOLLOWER when it exists elsewhere in the cluster (the client refreshes
 * its metadata and goes to the leader), UNKNOWN_TOPIC_OR_PARTITION when it does not exist at all.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { MetadataStore } from '../metadata/metadata-store.js';

export function partitionExists(metadata: MetadataStore, topic: string, partition: number): boolean {
  const t = metadata.topic(topic);
  return t !== undefined && partition >= 0 && partition < t.partitions.length;
}

export function notServedError(metadata: MetadataStore, topic: string, partition: number): number {
  return partitionExists(metadata, topic, partition) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
}
