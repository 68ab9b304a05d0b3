/**
 * DeleteRecords (key 21), v0-v2: moves each partition's log start offset forward to the given
 * offset (-1: the high watermark) and answers with the new low watermark (the log start offset;
 * on one node no follower holds it back). Segments wholly below it are removed by retention.
 *
 * Per partition, as Kafka answers: an unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION; a
 * partition this broker does not lead NOT_LEADER_OR_FOLLOWER; an internal topic
 * INVALID_TOPIC_EXCEPTION; a topic whose cleanup.policy lacks delete POLICY_VIOLATION; an offset
 * below -1 or above the high watermark OFFSET_OUT_OF_RANGE; an offline log KAFKA_STORAGE_ERROR.
 * Errors carry lowWatermark -1. An offset below the current log start changes nothing.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { DeleteRecordsResponseDeleteRecordsPartitionResult as PartitionOut } from '../../protocol/generated/messages/DeleteRecordsResponse.js';
import { StorageError } from '../../storage/storage-error.js';
import type { BrokerServices } from '../services.js';
import { INTERNAL_TOPICS } from '../topics/topic-names.js';
import { defineHandler } from './api-handler.js';

const HIGH_WATERMARK = -1n;

function errorOut(partitionIndex: number, errorCode: number): PartitionOut {
  return { partitionIndex, lowWatermark: -1n, errorCode };
}

function storageErrorCode(e: StorageError): number {
  return (ErrorCode as Record<string, number>)[e.code] ?? ErrorCode.KAFKA_STORAGE_ERROR;
}

function deleteIn(services: BrokerServices, topicName: string, partitionIndex: number, offset: bigint): PartitionOut {
  const topic = services.metadata.topic(topicName);
  if (!topic || !topic.partitions.some((p) => p.partition === partitionIndex)) {
    return errorOut(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  const partition = services.replicas.get(topicName, partitionIndex);
  if (!partition) return errorOut(partitionIndex, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  if (INTERNAL_TOPICS.has(topicName)) return errorOut(partitionIndex, ErrorCode.INVALID_TOPIC_EXCEPTION);
  const log = partition.log;
  if (log.isOffline) return errorOut(partitionIndex, ErrorCode.KAFKA_STORAGE_ERROR);
  if (!log.config.cleanupPolicy.delete) return errorOut(partitionIndex, ErrorCode.POLICY_VIOLATION);
  const target = offset === HIGH_WATERMARK ? partition.highWatermark : Number(offset);
  if (offset < HIGH_WATERMARK || target > partition.highWatermark) return errorOut(partitionIndex, ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    const lowWatermark = log.deleteRecordsBefore(target);
    return { partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode: ErrorCode.NONE };
  } catch (e) {
    if (e instanceof StorageError) return errorOut(partitionIndex, storageErrorCode(e));
    throw e;
  }
}

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => deleteIn(ctx.services, t.name, p.partitionIndex, p.offset)),
      })),
    };
  },
});
