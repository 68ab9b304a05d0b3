/**
 * ShareGroupDescribe (key 77), v0: share groups with their epoch, assignor ("simple") and each
 * member's partitions. GROUP_ID_NOT_FOUND for a group that does not exist or is not a share group.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ShareGroupDescribeResponse } from '../../protocol/generated/messages/ShareGroupDescribeResponse.js';
import { GROUP_OPERATIONS, NOT_REQUESTED } from './authorized-operations.js';
import { defineHandler } from './api-handler.js';

type Described = ShareGroupDescribeResponse['groups'][number];

function notDescribed(groupId: string, errorCode: number, errorMessage: string | null): Described {
  return { errorCode, errorMessage, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [], authorizedOperations: NOT_REQUESTED };
}

export const shareGroupDescribeHandler = defineHandler({
  apiKey: ApiKey.ShareGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  groupProtocol: 'share',
  handle(request, ctx): ShareGroupDescribeResponse {
    const { groups, metadata } = ctx.services;
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((id) => {
        const owner = groups.coordinatorError(id);
        if (owner !== ErrorCode.NONE) return notDescribed(id, owner, null);
        const g = groups.get(id);
        if (!g || g.state === 'Dead') return notDescribed(id, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${id} not found.`);
        if (!g.share) return notDescribed(id, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${id} is not a share group.`);
        return groups.shareGroups.describe(g, (t) => metadata.topicById(t)?.name, request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED);
      }),
    };
  },
});
