/**
 * Heartbeat (key 12), v0-v4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
 * rejoin, ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID that it is no longer the
 * member it thinks it is.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const instance = ctx.apiVersion >= 3 ? (request.groupInstanceId ?? null) : null;
    const { groups } = ctx.services;
    let owner = groups.coordinatorError(request.groupId);
    const consumerGroup = owner === ErrorCode.NONE ? groups.classicMembers.handles(request.groupId) : undefined;
    if (owner === ErrorCode.NONE && !consumerGroup) owner = groups.classicProtocolError(request.groupId, false);
    if (owner !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: owner };
    const errorCode = consumerGroup
      ? groups.classicMembers.heartbeat(consumerGroup, request.generationId, request.memberId)
      : groups.membership.heartbeat(request.groupId, request.generationId, request.memberId, instance);
    return { throttleTimeMs: 0, errorCode };
  },
});
