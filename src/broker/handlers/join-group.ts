/**
 * JoinGroup (key 11), v0-v9: see GroupMembership for the protocol. v0 has no rebalance timeout
 * (the session timeout serves); v4+ get MEMBER_ID_REQUIRED on a first join without an id; v5+
 * carry group.instance.id (static membership); v7+ answer the protocol type and a nullable
 * protocol name; v9 may tell a restarted static leader to skip the assignment. In a consumer group
 * of the new protocol (KIP-848) that has members, classic members are served by
 * ClassicMembersOfConsumerGroups instead (the upgrade path); the same holds for SyncGroup,
 * Heartbeat and LeaveGroup.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { joinError, type JoinRequest } from '../group/group-membership.js';
import type { JoinGroupResponse } from '../../protocol/generated/messages/JoinGroupResponse.js';
import { defineHandler } from './api-handler.js';

export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx): Promise<JoinGroupResponse> {
    const v = ctx.apiVersion;
    const { groups } = ctx.services;
    let owner = groups.coordinatorError(request.groupId);
    // a consumer group with members serves classic members itself (the upgrade path)
    const consumerGroup = owner === ErrorCode.NONE ? groups.classicMembers.handles(request.groupId) : undefined;
    if (owner === ErrorCode.NONE && !consumerGroup) owner = groups.classicProtocolError(request.groupId, true);
    const ops = consumerGroup ? { join: (r: JoinRequest) => groups.classicMembers.join(consumerGroup, r) } : groups.membership;
    const outcome = owner !== ErrorCode.NONE ? joinError(owner, request.memberId) : await ops.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: v >= 5 ? (request.groupInstanceId ?? null) : null,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 ? (request.rebalanceTimeoutMs ?? request.sessionTimeoutMs) : request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.client.address}`,
      requireKnownMemberId: v >= 4,
      supportsSkipAssignment: v >= 9,
    });
    const response: JoinGroupResponse = {
      throttleTimeMs: 0,
      errorCode: outcome.errorCode,
      generationId: outcome.generationId,
      protocolName: v >= 7 ? (outcome.protocolName === '' ? null : outcome.protocolName) : (outcome.protocolName ?? ''),
      leader: outcome.leader,
      memberId: outcome.memberId,
      members: outcome.members.map((m) => ({ memberId: m.memberId, groupInstanceId: v >= 5 ? m.groupInstanceId : null, metadata: m.metadata })),
    };
    if (v >= 7) response.protocolType = outcome.protocolType;
    if (v >= 9) response.skipAssignment = outcome.skipAssignment;
    return response;
  },
});
