/**
 * What ShareFetch and ShareAcknowledge share: finding the partitions a request names (by topic
 * id, on this broker as leader), the per-partition leader hint Kafka answers with, and applying
 * acknowledgement batches through the SharePartitionManager.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { Partition } from '../replica/partition.js';
import type { BrokerServices } from '../services.js';

export interface ShareTarget {
  topicId: string;
  partition: number;
  /** The local leader replica; undefined with `errorCode` set. */
  leader: Partition | undefined;
  errorCode: number;
}

export function shareTarget(services: BrokerServices, topicId: string, partition: number): ShareTarget {
  const topic = services.metadata.topicById(topicId);
  if (!topic) return { topicId, partition, leader: undefined, errorCode: ErrorCode.UNKNOWN_TOPIC_ID };
  if (partition < 0 || partition >= topic.partitions.length) return { topicId, partition, leader: undefined, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  const leader = services.replicas.get(topic.name, partition);
  return { topicId, partition, leader, errorCode: leader ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER };
}

/** The partition's leader and epoch as metadata knows them (Kafka's CurrentLeader). */
export function currentLeader(services: BrokerServices, topicId: string, partition: number): { leaderId: number; leaderEpoch: number } {
  const p = services.metadata.topicById(topicId)?.partitions[partition];
  return p ? { leaderId: p.leader, leaderEpoch: p.leaderEpoch } : { leaderId: -1, leaderEpoch: -1 };
}

export interface AckBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  acknowledgeTypes: number[];
}

export async function applyAcknowledgements(services: BrokerServices, groupId: string, memberId: string, target: ShareTarget, batches: readonly AckBatch[]): Promise<number> {
  if (batches.length === 0) return ErrorCode.NONE;
  if (!target.leader) return target.errorCode;
  for (const b of batches) {
    if (b.lastOffset < b.firstOffset || b.acknowledgeTypes.some((t) => t < 0 || t > 3)) return ErrorCode.INVALID_REQUEST;
  }
  return services.shares.acknowledge({ groupId, topicId: target.topicId, partition: target.partition }, memberId, target.leader,
    batches.map((b) => ({ firstOffset: Number(b.firstOffset), lastOffset: Number(b.lastOffset), types: b.acknowledgeTypes })));
}
