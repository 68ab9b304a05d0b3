/**
 * ElectLeaders (key 43), v0-v2: preferred (type 0; the only kind in v0) or unclean (type 1) leader
 * election for the named partitions, or for every partition when the list is null. Per partition:
 * ELECTION_NOT_NEEDED when the partition already has the leader asked for,
 * PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica can take over,
 * UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist. For the null list, partitions
 * needing no election are left out, as Kafka's controller answers. An unknown election type is
 * INVALID_REQUEST at the top level (v1+).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ElectionType } from '../topics/leader-election.js';
import { defineHandler } from './api-handler.js';

export const electLeadersHandler = defineHandler({
  apiKey: ApiKey.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const type = ctx.apiVersion === 0 ? ElectionType.PREFERRED : request.electionType ?? ElectionType.PREFERRED;
    if (type !== ElectionType.PREFERRED && type !== ElectionType.UNCLEAN) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
    }
    const asked = request.topicPartitions === null ? null : request.topicPartitions.map((t) => ({ topic: t.topic, partitions: t.partitions }));
    const results = await ctx.services.topics.electLeaders(type, asked);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: results.map((r) => ({ topic: r.topic, partitionResult: r.partitions })),
    };
  },
});
