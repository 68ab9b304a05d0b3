/**
 * TxnOffsetCommit (key 28), v0-v4: a transactional producer commits a group's offsets inside its
 * transaction; they take effect only if the transaction commits (applied by the COMMIT marker in
 * __consumer_offsets). v3+ carry the consumer's generation and member id, checked like an
 * ordinary commit.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { TxnOffsetCommitResponse } from '../../protocol/generated/messages/TxnOffsetCommitResponse.js';
import { offsetKey } from '../group/group.js';
import { defineHandler } from './api-handler.js';
import { partitionExists } from '../topics/topic-partitions.js';

export const txnOffsetCommitHandler = defineHandler({
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx): Promise<TxnOffsetCommitResponse> {
    const v = ctx.apiVersion;
    const { metadata } = ctx.services;
    const known = (topic: string, partition: number): boolean => partitionExists(metadata, topic, partition);
    const offsets = request.topics.flatMap((t) => t.partitions.filter((p) => known(t.name, p.partitionIndex)).map((p) => ({
      topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset),
      leaderEpoch: v >= 2 ? (p.committedLeaderEpoch ?? -1) : -1, metadata: p.committedMetadata, commitTimestamp: -1,
    })));
    const owner = ctx.services.groups.coordinatorError(request.groupId);
    const results = owner !== ErrorCode.NONE ? new Map(offsets.map((o) => [offsetKey(o.topic, o.partition), owner]))
      : offsets.length === 0 ? new Map<string, number>() : await ctx.services.groups.offsets.txnCommit({
      groupId: request.groupId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      generationId: v >= 3 ? (request.generationId ?? -1) : -1,
      memberId: v >= 3 ? (request.memberId ?? '') : '',
      groupInstanceId: v >= 3 ? (request.groupInstanceId ?? null) : null,
      retentionTimeMs: -1,
      offsets,
    });
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: known(t.name, p.partitionIndex) ? (results.get(offsetKey(t.name, p.partitionIndex)) ?? ErrorCode.NONE) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    };
  },
});
