/**
 * DeleteGroups (key 42), v0-v2: removes groups that have no members (NON_EMPTY_GROUP otherwise,
 * GROUP_ID_NOT_FOUND for unknown ones), writing tombstones for their offsets and metadata.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { DeleteGroupsResponse } from '../../protocol/generated/messages/DeleteGroupsResponse.js';
import { defineHandler } from './api-handler.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx): Promise<DeleteGroupsResponse> {
    const results = [];
    for (const groupId of new Set(request.groupsNames)) {
      const owner = ctx.services.groups.coordinatorError(groupId);
      results.push({ groupId, errorCode: owner !== ErrorCode.NONE ? owner : await ctx.services.groups.deleteGroup(groupId) });
    }
    return { throttleTimeMs: 0, results };
  },
});
