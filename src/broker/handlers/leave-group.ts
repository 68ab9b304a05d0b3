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
  async handle(request, ctx): Promise<LeaveGroupResponse> {
    const v = ctx.apiVersion;
    const members = v >= 3
      ? (request.members ?? []).map((m) => ({ memberId: m.memberId ?? '', groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    const { groups } = ctx.services;
    let owner = groups.coordinatorError(request.groupId);
    const consumerGroup = owner === ErrorCode.NONE ? groups.classicMembers.handles(request.groupId) : undefined;
    if (owner === ErrorCode.NONE && !consumerGroup) owner = groups.classicProtocolError(request.groupId, false);
    const result = owner !== ErrorCode.NONE ? { errorCode: owner, members: [] }
      : consumerGroup ? await groups.classicMembers.leave(consumerGroup, members) : groups.membership.leave(request.groupId, members);
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
