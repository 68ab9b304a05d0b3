/**
 * ListGroups (key 16), v0-v5: the groups this broker coordinates, filtered by state (v4+,
 * case-insensitive) and type (v5+: "classic", "consumer" for the consumer group protocol,
 * "share"; case-insensitive).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ListGroupsResponse } from '../../protocol/generated/messages/ListGroupsResponse.js';
import { defineHandler } from './api-handler.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx): ListGroupsResponse {
    const v = ctx.apiVersion;
    const groups = ctx.services.groups.list(v >= 4 ? (request.statesFilter ?? []) : [], v >= 5 ? (request.typesFilter ?? []) : []);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) => {
        const out: ListGroupsResponse['groups'][number] = { groupId: g.groupId, protocolType: g.protocolType ?? '' };
        if (v >= 4) out.groupState = g.state;
        if (v >= 5) out.groupType = g.type;
        return out;
      }),
    };
  },
});
