/**
 * DescribeGroups (key 15), v0-v5: state, protocol and members of groups. Member metadata and
 * assignments are included only while the group is Stable; an unknown group is reported Dead.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { DescribeGroupsResponse } from '../../protocol/generated/messages/DescribeGroupsResponse.js';
import { GROUP_OPERATIONS, NOT_REQUESTED } from './authorized-operations.js';
import { defineHandler } from './api-handler.js';

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx): DescribeGroupsResponse {
    const v = ctx.apiVersion;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((id) => {
        const owner = ctx.services.groups.coordinatorError(id);
        const d = ctx.services.groups.describe(id);
        if (owner !== ErrorCode.NONE) d.members = [];
        return {
          errorCode: owner !== ErrorCode.NONE ? owner : d.errorCode,
          groupId: id,
          groupState: d.state,
          protocolType: d.protocolType,
          protocolData: d.protocolData,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: v >= 4 ? m.groupInstanceId : null,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: v >= 3 && request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED,
        };
      }),
    };
  },
});
