/**
 * How a partition is reported to clients (Metadata, DescribeTopicPartitions): a leader that is not
 * a live broker is reported as -1 with LEADER_NOT_AVAILABLE, and replicas on brokers that are not
 * live are listed as offline.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { PartitionMetadata } from './metadata-store.js';

export interface PartitionView {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export function partitionView(p: PartitionMetadata, live: ReadonlySet<number>): PartitionView {
  const led = p.leader >= 0 && live.has(p.leader);
  return {
    errorCode: led ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
    partitionIndex: p.partition,
    leaderId: led ? p.leader : -1,
    leaderEpoch: p.leaderEpoch,
    replicaNodes: p.replicas,
    isrNodes: p.isr,
    offlineReplicas: p.replicas.filter((r) => !live.has(r)),
  };
}
