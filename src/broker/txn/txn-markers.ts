/**
 * Transaction markers (the COMMIT/ABORT control batches that end a transaction in each of its
 * partitions). `writeLocalMarker` appends one to a partition this broker leads and resolves once it
 * is durable; for __consumer_offsets it also lets the group coordinator apply or drop the
 * transaction's offsets. WriteTxnMarkers (the request a coordinator sends to partition leaders)
 * and the local coordinator both use it. `MarkerChannel` is how a coordinator reaches the leaders
 * of partitions on other brokers.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../../protocol/records/control.js';
import type { Clock } from '../../common/clock.js';
import { kafkaErrorCodeOf } from '../errors.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { TopicPartitionRef } from './txn-metadata.js';

export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  partitions: TopicPartitionRef[];
}

/** Sends markers to the leader `nodeId`; resolves to an error code per partition key (topic\0partition). */
export interface MarkerChannel {
  send(nodeId: number, marker: TxnMarker): Promise<Map<string, number>>;
}

export function markerKey(p: TopicPartitionRef): string {
  return `${p.topic}\u0000${p.partition}`;
}

export interface LocalMarkerDeps {
  replicas: ReplicaManager;
  groups: GroupCoordinator;
  clock: Clock;
}

/** Writes one marker into a partition led here; resolves to a Kafka error code. */
export async function writeLocalMarker(d: LocalMarkerDeps, marker: TxnMarker, p: TopicPartitionRef): Promise<number> {
  const partition = d.replicas.get(p.topic, p.partition);
  if (!partition) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  const batch = buildEndTransactionMarkerBatch(
    { type: marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort, coordinatorEpoch: marker.coordinatorEpoch },
    { producerId: marker.producerId, producerEpoch: marker.producerEpoch, timestamp: BigInt(d.clock.now()) },
  );
  try {
    const r = partition.append(batch);
    if (p.topic === d.groups.topicLog.name) d.groups.onTxnMarker(p.partition, marker.producerId, marker.commit);
    return await partition.waitCommitted(r.lastOffset + 1, 1, 30_000);
  } catch (e) {
    return kafkaErrorCodeOf(e) ?? ErrorCode.KAFKA_STORAGE_ERROR;
  }
}
