/**
 * AlterPartitionReassignments (key 45), v0: moves partitions' replicas to other brokers online
 * (Replicas = the target list) or cancels a move in progress (Replicas = null); the work is done by
 * ReassignmentManager on the controller. The answer comes once the reassignment has started, not
 * when it completes (ListPartitionReassignments shows it until then), as Kafka answers.
 *
 * Per partition: an unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION; a target that is empty,
 * names a broker twice or a broker that is not registered INVALID_REPLICA_ASSIGNMENT; a cancel
 * with nothing in progress NO_REASSIGNMENT_IN_PROGRESS. The top-level error stays NONE.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const alterPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKey.AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const results = await ctx.services.reassignments.alter(request.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, replicas: p.replicas })),
    })));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      responses: results.map((t) => ({ name: t.topic, partitions: t.partitions })),
    };
  },
});
