/**
 * ConsumerGroupDescribe (key 69), v0: consumer-protocol groups with their epochs, assignor and
 * each member's current and target partitions. A group that does not exist, or is of another
 * type, answers GROUP_ID_NOT_FOUND with a message saying which.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ConsumerGroupDescribeResponse } from '../../protocol/generated/messages/ConsumerGroupDescribeResponse.js';
import { describeConsumerGroup } from '../group/consumer-groups/consumer-group-description.js';
import { GROUP_OPERATIONS, NOT_REQUESTED } from './authorized-operations.js';
import { defineHandler } from './api-handler.js';

type Described = ConsumerGroupDescribeResponse['groups'][number];

function notDescribed(groupId: string, errorCode: number, errorMessage: string | null): Described {
  return {
    errorCode, errorMessage, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [],
    authorizedOperations: NOT_REQUESTED,
  };
}

export const consumerGroupDescribeHandler = defineHandler({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  groupProtocol: 'consumer',
  handle(request, ctx): ConsumerGroupDescribeResponse {
    const { groups, metadata } = ctx.services;
    const nameOf = (id: string): string | undefined => metadata.topicById(id)?.name;
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((id) => {
        const owner = groups.coordinatorError(id);
        if (owner !== ErrorCode.NONE) return notDescribed(id, owner, null);
        const g = groups.get(id);
        if (!g || g.state === 'Dead') return notDescribed(id, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${id} not found.`);
        if (!g.consumer) return notDescribed(id, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${id} is not a consumer group.`);
        const ops = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED;
        return describeConsumerGroup(g, g.consumer, groups.consumerGroups.assignorOf(g.consumer), nameOf, ops);
      }),
    };
  },
});
