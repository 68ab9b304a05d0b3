/**
 * LeaveGroup (key 13), v0-v5: members leave (one per request before v3, a batch with a result per
 * member from v3); the group rebalances without them.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { LeaveGroupResponse } from '../../protocol/generated/messages/LeaveGroupResponse.js';
import { defineHandler } from './api-handler.js';

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx): LeaveGroupResponse {
    const v = ctx.apiVersion;
    const members = v >= 3
      ? (request.members ?? []).map((m) => ({ memberId: m.memberId ?? '', groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    let owner = ctx.services.groups.coordinatorError(request.groupId);
    if (owner === ErrorCode.NONE) owner = ctx.services.groups.classicProtocolError(request.groupId, false);
    const result = owner !== ErrorCode.NONE ? { errorCode: owner, members: [] } : ctx.services.groups.membership.leave(request.groupId, members);
    if (v < 3) {
      const single = result.members[0]?.errorCode ?? result.errorCode;
      return { throttleTimeMs: 0, errorCode: result.errorCode !== 0 ? result.errorCode : single };
    }
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode })),
    };
  },
});
