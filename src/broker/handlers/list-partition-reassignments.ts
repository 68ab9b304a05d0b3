/**
 * ListPartitionReassignments (key 46), v0: the partitions being reassigned, with their current
 * replicas and the replicas being added and removed; of every topic (Topics = null) or of the
 * named partitions. Partitions that are not being reassigned (or do not exist) are left out, as
 * Kafka answers.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const listPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKey.ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const filter = request.topics === null ? null : request.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
    const ongoing = ctx.services.reassignments.list(filter);
    return Promise.resolve({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: ongoing.map((t) => ({ name: t.topic, partitions: t.partitions })),
    });
  },
});
