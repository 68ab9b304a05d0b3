/**
 * OffsetDelete (key 47), v0: removes committed offsets of a group. A consumer group with members
 * keeps the offsets of topics it subscribes to (GROUP_SUBSCRIBED_TO_TOPIC); a non-empty group of
 * another protocol type cannot delete any (NON_EMPTY_GROUP); an unknown group gets
 * GROUP_ID_NOT_FOUND. An empty group whose last offsets are deleted is removed.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { OffsetDeleteResponse } from '../../protocol/generated/messages/OffsetDeleteResponse.js';
import { defineHandler } from './api-handler.js';

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx): Promise<OffsetDeleteResponse> {
    const groupError = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] });
    if (request.groupId === '') return groupError(ErrorCode.INVALID_GROUP_ID);
    const owner = ctx.services.groups.coordinatorError(request.groupId);
    if (owner !== ErrorCode.NONE) return groupError(owner);
    const group = ctx.services.groups.get(request.groupId);
    if (!group || group.state === 'Dead') return groupError(ErrorCode.GROUP_ID_NOT_FOUND);
    if (group.state !== 'Empty' && group.protocolType !== 'consumer') return groupError(ErrorCode.NON_EMPTY_GROUP);
    const { metadata } = ctx.services;
    const toDelete: { topic: string; partition: number }[] = [];
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const topic = metadata.topic(t.name);
        if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions.length) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        }
        if (group.state !== 'Empty' && group.isSubscribedTo(t.name)) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        }
        toDelete.push({ topic: t.name, partition: p.partitionIndex });
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    await ctx.services.groups.offsets.deleteOffsets(group, toDelete);
    // as Kafka does: an empty group left without offsets (committed, in flight or in an open
    // transaction) is removed at once, with a group tombstone if it had a generation
    if (group.state === 'Empty' && group.offsets.size === 0 && group.pendingOffsetWrites.size === 0 && group.pendingTxnOffsets.size === 0
      && ctx.services.groups.get(group.groupId) === group) {
      await ctx.services.groups.deleteGroup(group.groupId);
    }
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
  },
});
