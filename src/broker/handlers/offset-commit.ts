/**
 * OffsetCommit (key 8), v0-v9: committed offsets of a group, answered per partition once durable.
 * Partitions of topics that do not exist get UNKNOWN_TOPIC_OR_PARTITION; the group checks
 * (member, generation, state) are in GroupOffsets. A commit with generation -1 and no member is
 * a simple consumer's, allowed while the group has no members.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { OffsetCommitResponse } from '../../protocol/generated/messages/OffsetCommitResponse.js';
import { offsetKey } from '../group/group.js';
import type { OffsetCommitInput } from '../group/group-offsets.js';
import { defineHandler } from './api-handler.js';
import { partitionExists } from '../topics/topic-partitions.js';

export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx): Promise<OffsetCommitResponse> {
    const v = ctx.apiVersion;
    const { metadata } = ctx.services;
    const known = (topic: string, partition: number): boolean => partitionExists(metadata, topic, partition);
    const offsets: OffsetCommitInput[] = [];
    for (const t of request.topics) {
      for (const p of t.partitions) {
        if (!known(t.name, p.partitionIndex)) continue;
        offsets.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
          leaderEpoch: v >= 6 ? (p.committedLeaderEpoch ?? -1) : -1,
          metadata: p.committedMetadata,
          commitTimestamp: v === 1 ? Number(p.commitTimestamp ?? -1n) : -1,
        });
      }
    }
    const owner = ctx.services.groups.coordinatorError(request.groupId);
    const results = owner !== ErrorCode.NONE ? new Map(offsets.map((o) => [offsetKey(o.topic, o.partition), owner]))
      : offsets.length === 0 ? new Map<string, number>() : await ctx.services.groups.offsets.commit({
      groupId: request.groupId,
      generationId: v >= 1 ? (request.generationIdOrMemberEpoch ?? -1) : -1,
      memberId: v >= 1 ? (request.memberId ?? '') : '',
      groupInstanceId: v >= 7 ? (request.groupInstanceId ?? null) : null,
      retentionTimeMs: v >= 2 && v <= 4 ? Number(request.retentionTimeMs ?? -1n) : -1,
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
