/**
 * Rules of the group APIs (Kafka's authorization table):
 *   FindCoordinator      DESCRIBE on the group, or on the transactional id (key type 1)
 *   JoinGroup, SyncGroup, Heartbeat, LeaveGroup   READ on the group
 *   OffsetCommit         READ on the group; READ on each topic
 *   OffsetFetch          DESCRIBE on the group; DESCRIBE on each topic (topics it may not
 *                        describe are left out of an all-topics answer)
 *   OffsetDelete         DELETE on the group; READ on each topic
 *   DescribeGroups       DESCRIBE on each group; authorized operations filled in truthfully
 *   ListGroups           DESCRIBE on the cluster lists every group, else only the groups the
 *                        caller may describe
 *   DeleteGroups         DELETE on each group
 */
import { ApiKey } from '../../../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../../../protocol/generated/error-codes.js';
import { AclOperation, CLUSTER_NAME, operationsOf, ResourceType } from '../../../../protocol/acl/acl-binding.js';
import { defineRule, type Access } from '../request-authorization.js';
import { split, trimmed } from './split.js';

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const groupOk = (a: Access, op: number, group: string): boolean => a.allowed(op, ResourceType.GROUP, group);
const topicOk = (a: Access, op: number, topic: string): boolean => a.allowed(op, ResourceType.TOPIC, topic);

export const findCoordinatorRule = defineRule({
  apiKey: ApiKey.FindCoordinator,
  check(request, a, v) {
    const txn = request.keyType === 1;
    const ok = (key: string): boolean => (txn ? a.allowed(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key) : groupOk(a, AclOperation.DESCRIBE, key));
    const code = txn ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : GROUP_DENIED;
    if (v < 4) {
      if (ok(request.key ?? '')) return { request };
      return { refuse: { throttleTimeMs: 0, errorCode: code, errorMessage: null, nodeId: -1, host: '', port: -1 } };
    }
    const { kept, refused } = split(request.coordinatorKeys ?? [], ok);
    if (refused.length === 0) return { request };
    return {
      request: { ...request, coordinatorKeys: kept },
      complete: (response) => ({
        ...response,
        coordinators: [...(response.coordinators ?? []), ...refused.map((key) => ({ key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: null }))],
      }),
    };
  },
});

export const joinGroupRule = defineRule({
  apiKey: ApiKey.JoinGroup,
  check(request, a) {
    if (groupOk(a, AclOperation.READ, request.groupId)) return { request };
    return { refuse: { throttleTimeMs: 0, errorCode: GROUP_DENIED, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: '', members: [] } };
  },
});

export const syncGroupRule = defineRule({
  apiKey: ApiKey.SyncGroup,
  check(request, a) {
    if (groupOk(a, AclOperation.READ, request.groupId)) return { request };
    return { refuse: { throttleTimeMs: 0, errorCode: GROUP_DENIED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) } };
  },
});

export const heartbeatRule = defineRule({
  apiKey: ApiKey.Heartbeat,
  check(request, a) {
    return groupOk(a, AclOperation.READ, request.groupId) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: GROUP_DENIED } };
  },
});

export const leaveGroupRule = defineRule({
  apiKey: ApiKey.LeaveGroup,
  check(request, a) {
    return groupOk(a, AclOperation.READ, request.groupId) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: GROUP_DENIED, members: [] } };
  },
});

export const offsetCommitRule = defineRule({
  apiKey: ApiKey.OffsetCommit,
  check(request, a) {
    const groupDenied = !groupOk(a, AclOperation.READ, request.groupId);
    const { kept, refused } = split(request.topics, (t) => !groupDenied && topicOk(a, AclOperation.READ, t.name));
    if (refused.length === 0) return { request };
    const code = groupDenied ? GROUP_DENIED : TOPIC_DENIED;
    const errors = refused.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }));
    if (kept.length === 0) return { refuse: { throttleTimeMs: 0, topics: errors } };
    return { request: { ...request, topics: kept }, complete: (response) => ({ ...response, topics: [...response.topics, ...errors] }) };
  },
});

const fetchedPartitionError = (partitionIndex: number, errorCode: number) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode });

export const offsetFetchRule = defineRule({
  apiKey: ApiKey.OffsetFetch,
  check(request, a, v) {
    if (v >= 8) {
      const { kept, refused } = split(request.groups ?? [], (g) => groupOk(a, AclOperation.DESCRIBE, g.groupId ?? ''));
      const trimmed = kept.map((g) => ({ ...g, topics: g.topics == null ? g.topics : g.topics.filter((t) => topicOk(a, AclOperation.DESCRIBE, t.name ?? '')) }));
      const deniedTopics = new Map(kept.map((g) => [g.groupId ?? '', (g.topics ?? []).filter((t) => !topicOk(a, AclOperation.DESCRIBE, t.name ?? ''))]));
      return {
        request: { ...request, groups: trimmed },
        complete: (response) => ({
          ...response,
          groups: [
            ...(response.groups ?? []).map((g) => ({
              ...g,
              topics: [
                ...(g.topics ?? []).filter((t) => topicOk(a, AclOperation.DESCRIBE, t.name ?? '')),
                ...(deniedTopics.get(g.groupId ?? '') ?? []).map((t) => ({ name: t.name, partitions: (t.partitionIndexes ?? []).map((i) => fetchedPartitionError(i, TOPIC_DENIED)) })),
              ],
            })),
            ...refused.map((g) => ({ groupId: g.groupId, topics: [], errorCode: GROUP_DENIED })),
          ],
        }),
      };
    }
    if (!groupOk(a, AclOperation.DESCRIBE, request.groupId ?? '')) {
      // v0-v1 carry the error per partition, v2+ at the top as well
      return {
        refuse: {
          throttleTimeMs: 0, errorCode: GROUP_DENIED,
          topics: (request.topics ?? []).map((t) => ({ name: t.name, partitions: (t.partitionIndexes ?? []).map((i) => fetchedPartitionError(i, GROUP_DENIED)) })),
        },
      };
    }
    const denied = (request.topics ?? []).filter((t) => !topicOk(a, AclOperation.DESCRIBE, t.name ?? ''));
    return {
      request: request.topics == null ? request : { ...request, topics: request.topics.filter((t) => topicOk(a, AclOperation.DESCRIBE, t.name ?? '')) },
      complete: (response) => ({
        ...response,
        topics: [
          ...(response.topics ?? []).filter((t) => topicOk(a, AclOperation.DESCRIBE, t.name ?? '')),
          ...denied.map((t) => ({ name: t.name, partitions: (t.partitionIndexes ?? []).map((i) => fetchedPartitionError(i, TOPIC_DENIED)) })),
        ],
      }),
    };
  },
});

export const offsetDeleteRule = defineRule({
  apiKey: ApiKey.OffsetDelete,
  check(request, a) {
    if (!groupOk(a, AclOperation.DELETE, request.groupId)) return { refuse: { errorCode: GROUP_DENIED, throttleTimeMs: 0, topics: [] } };
    return trimmed(request, request.topics, (t) => topicOk(a, AclOperation.READ, t.name), (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      topics: [...response.topics, ...refused.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: TOPIC_DENIED })) }))],
    }));
  },
});

export const describeGroupsRule = defineRule({
  apiKey: ApiKey.DescribeGroups,
  check(request, a) {
    const { kept, refused } = split(request.groups, (g) => groupOk(a, AclOperation.DESCRIBE, g));
    return {
      request: { ...request, groups: kept },
      complete: (response) => ({
        ...response,
        groups: [
          ...response.groups.map((g) => (request.includeAuthorizedOperations
            ? { ...g, authorizedOperations: a.operations(ResourceType.GROUP, g.groupId, operationsOf(ResourceType.GROUP)) }
            : g)),
          ...refused.map((groupId) => ({ errorCode: GROUP_DENIED, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 })),
        ],
      }),
    };
  },
});

export const listGroupsRule = defineRule({
  apiKey: ApiKey.ListGroups,
  check(request, a) {
    if (a.allowed(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) return { request };
    return { request, complete: (response) => ({ ...response, groups: response.groups.filter((g) => groupOk(a, AclOperation.DESCRIBE, g.groupId)) }) };
  },
});

export const deleteGroupsRule = defineRule({
  apiKey: ApiKey.DeleteGroups,
  check(request, a) {
    return trimmed(request, request.groupsNames, (g) => groupOk(a, AclOperation.DELETE, g), (kept) => ({ ...request, groupsNames: kept }), (response, refused) => ({
      ...response,
      results: [...response.results, ...refused.map((groupId) => ({ groupId, errorCode: GROUP_DENIED }))],
    }));
  },
});
