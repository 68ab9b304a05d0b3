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

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const groupOk = (a: Access, op: number, group: string): boolean => a.allowed(op, ResourceType.GROUP, group);
const topicOk = (a: Access, op: number, topic: string): boolean => a.allowed(op, ResourceType.TOPIC, topic);

function heartbeatError(a: Access, groupId: string, topics: readonly string[] | null): number {
  if (!groupOk(a, AclOperation.READ, groupId)) return GROUP_DENIED;
  if ((topics ?? []).some((t) => !topicOk(a, AclOperation.DESCRIBE, t))) return TOPIC_DENIED;
  return ErrorCode.NONE;
}

export const consumerGroupHeartbeatRule = defineRule({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  check(request, a) {
    const errorCode = heartbeatError(a, request.groupId, request.subscribedTopicNames);
    if (errorCode === ErrorCode.NONE) return { request };
    return { refuse: { throttleTimeMs: 0, errorCode, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null } };
  },
});

export const consumerGroupDescribeRule = defineRule({
  apiKey: ApiKey.ConsumerGroupDescribe,
  check(request, a) {
    const { kept, refused } = split(request.groupIds, (g) => groupOk(a, AclOperation.DESCRIBE, g));
    return {
      request: { ...request, groupIds: kept },
      complete: (response) => ({
        ...response,
        groups: [
          ...response.groups.map((g) => (request.includeAuthorizedOperations && g.errorCode === ErrorCode.NONE
            ? { ...g, authorizedOperations: a.operations(ResourceType.GROUP, g.groupId, operationsOf(ResourceType.GROUP)) }
            : g)),
          ...refused.map((groupId) => ({
            errorCode: GROUP_DENIED, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [],
            authorizedOperations: -2147483648,
          })),
        ],
      }),
    };
  },
});

export const shareGroupHeartbeatRule = defineRule({
  apiKey: ApiKey.ShareGroupHeartbeat,
  check(request, a) {
    const errorCode = heartbeatError(a, request.groupId, request.subscribedTopicNames);
    if (errorCode === ErrorCode.NONE) return { request };
    return { refuse: { throttleTimeMs: 0, errorCode, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null } };
  },
});

export const shareGroupDescribeRule = defineRule({
  apiKey: ApiKey.ShareGroupDescribe,
  check(request, a) {
    const { kept, refused } = split(request.groupIds, (g) => groupOk(a, AclOperation.DESCRIBE, g));
    return {
      request: { ...request, groupIds: kept },
      complete: (response) => ({
        ...response,
        groups: [
          ...response.groups.map((g) => (request.includeAuthorizedOperations && g.errorCode === ErrorCode.NONE
            ? { ...g, authorizedOperations: a.operations(ResourceType.GROUP, g.groupId, operationsOf(ResourceType.GROUP)) }
            : g)),
          ...refused.map((groupId) => ({
            errorCode: GROUP_DENIED, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [],
            authorizedOperations: -2147483648,
          })),
        ],
      }),
    };
  },
});

/** READ on every topic a share request names (by id); the name is looked up in the cluster metadata. */
function shareTopicsOk(a: Access, topicIds: readonly string[]): boolean {
  return topicIds.every((id) => {
    const name = a.services.metadata.topicById(id)?.name;
    return name !== undefined && topicOk(a, AclOperation.READ, name);
  });
}

export const shareFetchRule = defineRule({
  apiKey: ApiKey.ShareFetch,
  check(request, a) {
    let errorCode: number = ErrorCode.NONE;
    if (!groupOk(a, AclOperation.READ, request.groupId ?? '')) errorCode = GROUP_DENIED;
    else if (!shareTopicsOk(a, request.topics.map((t) => t.topicId))) errorCode = TOPIC_DENIED;
    if (errorCode === ErrorCode.NONE) return { request };
    return { refuse: { throttleTimeMs: 0, errorCode, errorMessage: null, responses: [], nodeEndpoints: [] } };
  },
});

export const shareAcknowledgeRule = defineRule({
  apiKey: ApiKey.ShareAcknowledge,
  check(request, a) {
    let errorCode: number = ErrorCode.NONE;
    if (!groupOk(a, AclOperation.READ, request.groupId ?? '')) errorCode = GROUP_DENIED;
    else if (!shareTopicsOk(a, request.topics.map((t) => t.topicId))) errorCode = TOPIC_DENIED;
    if (errorCode === ErrorCode.NONE) return { request };
    return { refuse: { throttleTimeMs: 0, errorCode, errorMessage: null, responses: [], nodeEndpoints: [] } };
  },
});
