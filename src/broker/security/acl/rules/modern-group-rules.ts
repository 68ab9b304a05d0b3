/**
 * Rules of the consumer group protocol (KIP-848) and share groups (KIP-932), as Kafka's table:
 *   ConsumerGroupHeartbeat, ShareGroupHeartbeat   READ on the group; DESCRIBE on every topic
 *                                                 named in the subscription
 *   ConsumerGroupDescribe, ShareGroupDescribe     DESCRIBE on each group; authorized
 *                                                 operations filled in truthfully
 *   ShareFetch, ShareAcknowledge                  READ on the group; READ on each topic the
 *                                                 request names (TOPIC_AUTHORIZATION_FAILED for the
 *                                                 whole request otherwise)
 */
import { ApiKey } from '../../../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../../../protocol/generated/error-codes.js';
import { AclOperation, operationsOf, ResourceType } from '../../../../protocol/acl/acl-binding.js';
import { defineRule, type Access } from '../request-authorization.js';
import { split } from './split.js';
import type { ConsumerGroupDescribeResponse } from '../../../../protocol/generated/messages/ConsumerGroupDescribeResponse.js';
import type { ShareGroupDescribeResponse } from '../../../../protocol/generated/messages/ShareGroupDescribeResponse.js';

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const groupOk = (a: Access, op: number, group: string): boolean => a.allowed(op, ResourceType.GROUP, group);
const topicOk = (a: Access, op: number, topic: string): boolean => a.allowed(op, ResourceType.TOPIC, topic);

function heartbeatError(a: Access, groupId: string, topics: readonly string[] | null): number {
  if (!groupOk(a, AclOperation.READ, groupId)) return GROUP_DENIED;
  if ((topics ?? []).some((t) => !topicOk(a, AclOperation.DESCRIBE, t))) return TOPIC_DENIED;
  return ErrorCode.NONE;
}

const REFUSED_HEARTBEAT = { throttleTimeMs: 0, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };

export const consumerGroupHeartbeatRule = defineRule({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  check(request, a) {
    const errorCode = heartbeatError(a, request.groupId, request.subscribedTopicNames);
    return errorCode === ErrorCode.NONE ? { request } : { refuse: { ...REFUSED_HEARTBEAT, errorCode } };
  },
});

export const shareGroupHeartbeatRule = defineRule({
  apiKey: ApiKey.ShareGroupHeartbeat,
  check(request, a) {
    const errorCode = heartbeatError(a, request.groupId, request.subscribedTopicNames);
    return errorCode === ErrorCode.NONE ? { request } : { refuse: { ...REFUSED_HEARTBEAT, errorCode } };
  },
});

/** The fields both describe responses give a group, as they answer a refused one. */
interface DescribedGroupLike {
  errorCode: number;
  groupId: string;
  authorizedOperations: number;
}

/** ConsumerGroupDescribe and ShareGroupDescribe: refused groups leave the request and come back with GROUP_AUTHORIZATION_FAILED. */
function describeCheck<G extends DescribedGroupLike, Req extends { groupIds: string[]; includeAuthorizedOperations: boolean }, Res extends { groups: G[] }>(
  request: Req, a: Access, refusedGroup: (groupId: string) => G,
): { request: Req; complete: (response: Res) => Res } {
  const { kept, refused } = split(request.groupIds, (g) => groupOk(a, AclOperation.DESCRIBE, g));
  return {
    request: { ...request, groupIds: kept },
    complete: (response) => ({
      ...response,
      groups: [
        ...response.groups.map((g) => (request.includeAuthorizedOperations && g.errorCode === ErrorCode.NONE
          ? { ...g, authorizedOperations: a.operations(ResourceType.GROUP, g.groupId, operationsOf(ResourceType.GROUP)) }
          : g)),
        ...refused.map(refusedGroup),
      ],
    }),
  };
}

const refusedDescription = (groupId: string): ConsumerGroupDescribeResponse['groups'][number] & ShareGroupDescribeResponse['groups'][number] => ({
  errorCode: GROUP_DENIED, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [],
  authorizedOperations: -2147483648,
});

export const consumerGroupDescribeRule = defineRule({
  apiKey: ApiKey.ConsumerGroupDescribe,
  check: (request, a) => describeCheck<ConsumerGroupDescribeResponse['groups'][number], typeof request, ConsumerGroupDescribeResponse>(request, a, refusedDescription),
});

export const shareGroupDescribeRule = defineRule({
  apiKey: ApiKey.ShareGroupDescribe,
  check: (request, a) => describeCheck<ShareGroupDescribeResponse['groups'][number], typeof request, ShareGroupDescribeResponse>(request, a, refusedDescription),
});

/** ShareFetch and ShareAcknowledge: READ on the group, and READ on every topic named (by id). */
function shareRequestError(a: Access, groupId: string | null, topicIds: readonly string[]): number {
  if (!groupOk(a, AclOperation.READ, groupId ?? '')) return GROUP_DENIED;
  const readable = topicIds.every((id) => {
    const name = a.services.metadata.topicById(id)?.name;
    return name !== undefined && topicOk(a, AclOperation.READ, name);
  });
  return readable ? ErrorCode.NONE : TOPIC_DENIED;
}

const REFUSED_SHARE_REQUEST = { throttleTimeMs: 0, errorMessage: null, responses: [], nodeEndpoints: [] };

export const shareFetchRule = defineRule({
  apiKey: ApiKey.ShareFetch,
  check(request, a) {
    const errorCode = shareRequestError(a, request.groupId, request.topics.map((t) => t.topicId));
    return errorCode === ErrorCode.NONE ? { request } : { refuse: { ...REFUSED_SHARE_REQUEST, errorCode } };
  },
});

export const shareAcknowledgeRule = defineRule({
  apiKey: ApiKey.ShareAcknowledge,
  check(request, a) {
    const errorCode = shareRequestError(a, request.groupId, request.topics.map((t) => t.topicId));
    return errorCode === ErrorCode.NONE ? { request } : { refuse: { ...REFUSED_SHARE_REQUEST, errorCode } };
  },
});
