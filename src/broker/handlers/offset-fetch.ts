/**
 * OffsetFetch (key 9), v0-v9: committed offsets of groups. A partition without a commit answers
 * offset -1 and empty metadata; a null topic list (v2+) means every committed partition. v8+
 * ask for several groups at once. requireStable (v7+) answers UNSTABLE_OFFSET_COMMIT for a
 * partition whose commit is still being written. v9 members of consumer-protocol groups send their
 * member id and epoch, checked as OffsetCommit checks them.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { OffsetFetchResponse } from '../../protocol/generated/messages/OffsetFetchResponse.js';
import type { FetchedOffset } from '../group/group-offsets.js';
import { defineHandler, type RequestContext } from './api-handler.js';

type TopicsIn = { name?: string; partitionIndexes?: number[] }[] | null | undefined;

function fetchGroup(ctx: RequestContext, groupId: string, topics: TopicsIn, requireStable: boolean): FetchedOffset[] {
  const partitions = topics == null ? null : topics.flatMap((t) => (t.partitionIndexes ?? []).map((partition) => ({ topic: t.name ?? '', partition })));
  const owner = ctx.services.groups.coordinatorError(groupId);
  if (owner !== ErrorCode.NONE) {
    return (partitions ?? []).map((p) => ({ ...p, offset: -1, leaderEpoch: -1, metadata: '', errorCode: owner }));
  }
  return ctx.services.groups.offsets.fetch(groupId, partitions, requireStable);
}

function byTopic(offsets: FetchedOffset[], v: number) {
  const topics = new Map<string, FetchedOffset[]>();
  for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), o]);
  return [...topics].map(([name, list]) => ({
    name,
    partitions: list.map((o) => {
      const p: { partitionIndex: number; committedOffset: bigint; metadata: string; errorCode: number; committedLeaderEpoch?: number } = {
        partitionIndex: o.partition, committedOffset: BigInt(o.offset), metadata: o.metadata, errorCode: o.errorCode,
      };
      if (v >= 5) p.committedLeaderEpoch = o.leaderEpoch;
      return p;
    }),
  }));
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(request, ctx): OffsetFetchResponse {
    const v = ctx.apiVersion;
    const requireStable = v >= 7 && request.requireStable === true;
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (request.groups ?? []).map((g) => {
          const groupId = g.groupId ?? '';
          let errorCode = ctx.services.groups.coordinatorError(groupId);
          if (errorCode === ErrorCode.NONE && v >= 9) errorCode = ctx.services.groups.memberEpochError(groupId, g.memberId ?? null, g.memberEpoch ?? -1);
          return { groupId, topics: errorCode === ErrorCode.NONE ? byTopic(fetchGroup(ctx, groupId, g.topics, requireStable), v) : [], errorCode };
        }),
      };
    }
    const topics = v >= 2 ? request.topics : (request.topics ?? []);
    const out: OffsetFetchResponse = { throttleTimeMs: 0, topics: byTopic(fetchGroup(ctx, request.groupId ?? '', topics, requireStable), v) };
    if (v >= 2) out.errorCode = ctx.services.groups.coordinatorError(request.groupId ?? '');
    return out;
  },
});
