/**
 * WriteTxnMarkers (key 27), v0-v1: sent by a transaction coordinator to the leader of each
 * partition a transaction wrote to; appends the COMMIT or ABORT marker to each named partition and
 * answers per partition (NOT_LEADER_OR_FOLLOWER where this broker does not lead it,
 * UNKNOWN_TOPIC_OR_PARTITION where it does not exist) once the markers are durable.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { writeLocalMarker } from '../txn/txn-markers.js';
import { defineHandler } from './api-handler.js';

export const writeTxnMarkersHandler = defineHandler({
  apiKey: ApiKey.WriteTxnMarkers,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { metadata, replicas, groups, clock } = ctx.services;
    const markers = await Promise.all(request.markers.map(async (m) => {
      const marker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch, partitions: [] };
      const topics = await Promise.all(m.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(t.partitionIndexes.map(async (partitionIndex) => {
          const exists = (metadata.topic(t.name)?.partitions.length ?? 0) > partitionIndex;
          const errorCode = exists ? await writeLocalMarker({ replicas, groups, clock }, marker, { topic: t.name, partition: partitionIndex }) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          return { partitionIndex, errorCode };
        })),
      })));
      return { producerId: m.producerId, topics };
    }));
    return { markers };
  },
});
