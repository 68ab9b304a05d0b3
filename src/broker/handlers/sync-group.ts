/**
 * SyncGroup (key 14), v0-v5: the leader hands in the assignment, every member gets its share
 * once it is stored. v5 requests must name the protocol type and name
 * (INCONSISTENT_GROUP_PROTOCOL otherwise) and responses echo them.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { SyncGroupResponse } from '../../protocol/generated/messages/SyncGroupResponse.js';
import type { SyncRequest } from '../group/group-membership.js';
import { defineHandler } from './api-handler.js';

export const syncGroupHandler = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx): Promise<SyncGroupResponse> {
    const v = ctx.apiVersion;
    const respond = (errorCode: number, protocolType: string | null, protocolName: string | null, assignment: Buffer): SyncGroupResponse => {
      const out: SyncGroupResponse = { throttleTimeMs: 0, errorCode, assignment };
      if (v >= 5) Object.assign(out, { protocolType, protocolName });
      return out;
    };
    if (v >= 5 && (request.protocolType == null || request.protocolName == null)) {
      return respond(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, null, null, Buffer.alloc(0));
    }
    const { groups } = ctx.services;
    let owner = groups.coordinatorError(request.groupId);
    const consumerGroup = owner === ErrorCode.NONE ? groups.classicMembers.handles(request.groupId) : undefined;
    if (owner === ErrorCode.NONE && !consumerGroup) owner = groups.classicProtocolError(request.groupId, false);
    if (owner !== ErrorCode.NONE) return respond(owner, null, null, Buffer.alloc(0));
    const ops = consumerGroup ? { sync: (r: SyncRequest) => Promise.resolve(groups.classicMembers.sync(consumerGroup, r)) } : groups.membership;
    const outcome = await ops.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: v >= 3 ? (request.groupInstanceId ?? null) : null,
      protocolType: v >= 5 ? (request.protocolType ?? null) : null,
      protocolName: v >= 5 ? (request.protocolName ?? null) : null,
      assignments: new Map(request.assignments.map((a) => [a.memberId, a.assignment])),
    });
    return respond(outcome.errorCode, outcome.protocolType, outcome.protocolName, outcome.assignment);
  },
});
