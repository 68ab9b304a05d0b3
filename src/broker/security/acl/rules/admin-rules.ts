/**
 * Rules of the topic and configuration administration APIs (Kafka's authorization table):
 *   CreateTopics        CREATE on the cluster, or on each topic
 *   DeleteTopics        DELETE on each topic
 *   CreatePartitions    ALTER on each topic
 *   DescribeConfigs     DESCRIBE_CONFIGS on each topic; on the cluster for brokers and loggers
 *   AlterConfigs, IncrementalAlterConfigs   ALTER_CONFIGS, likewise
 *   Metadata            DESCRIBE on each topic: an all-topics answer leaves out what the caller may
 *                       not describe, a named one is TOPIC_AUTHORIZATION_FAILED; auto-creation
 *                       needs CREATE on the cluster or topic; authorized operations truthful
 *   DescribeTopicPartitions   DESCRIBE on each topic, likewise
 *   DescribeCluster     open; its authorized operations truthful
 */
import { ApiKey } from '../../../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../../../protocol/generated/error-codes.js';
import { AclOperation, CLUSTER_NAME, operationsOf, ResourceType } from '../../../../protocol/acl/acl-binding.js';
import { defineRule, type Access } from '../request-authorization.js';
import { split, trimmed } from './split.js';
import { ZERO_UUID } from '../../../../protocol/wire/codec-support.js';

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const CONFIG_TOPIC = 2;
const CONFIG_GROUP = 32;
const NOT_REQUESTED = -2147483648;
const topicOk = (a: Access, op: number, name: string): boolean => a.allowed(op, ResourceType.TOPIC, name);
const clusterOk = (a: Access, op: number): boolean => a.allowed(op, ResourceType.CLUSTER, CLUSTER_NAME);

/** Whether the caller may do `op` on a config resource (a topic, a group, or the cluster for brokers and loggers). */
function configOk(a: Access, op: number, resourceType: number, name: string): boolean {
  if (resourceType === CONFIG_TOPIC) return topicOk(a, op, name);
  if (resourceType === CONFIG_GROUP) return a.allowed(op, ResourceType.GROUP, name);
  return clusterOk(a, op);
}

function configDenied(resourceType: number): number {
  if (resourceType === CONFIG_TOPIC) return TOPIC_DENIED;
  return resourceType === CONFIG_GROUP ? ErrorCode.GROUP_AUTHORIZATION_FAILED : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}

export const createTopicsRule = defineRule({
  apiKey: ApiKey.CreateTopics,
  check(request, a) {
    if (clusterOk(a, AclOperation.CREATE)) return { request };
    return trimmed(request, request.topics, (t) => topicOk(a, AclOperation.CREATE, t.name), (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      topics: [...response.topics, ...refused.map((t) => ({
        name: t.name, errorCode: TOPIC_DENIED, errorMessage: 'Authorization failed.', topicConfigErrorCode: TOPIC_DENIED, numPartitions: -1, replicationFactor: -1, configs: null,
      }))],
    }));
  },
});

export const deleteTopicsRule = defineRule({
  apiKey: ApiKey.DeleteTopics,
  check(request, a, v) {
    const nameOfId = (id: string | undefined): string | undefined => (id ? a.services.metadata.topicById(id)?.name : undefined);
    if (v < 6) {
      return trimmed(request, request.topicNames ?? [], (n) => topicOk(a, AclOperation.DELETE, n), (kept) => ({ ...request, topicNames: kept }), (response, refused) => ({
        ...response,
        responses: [...response.responses, ...refused.map((name) => ({ name, errorCode: TOPIC_DENIED, errorMessage: null }))],
      }));
    }
    return trimmed(request, request.topics ?? [], (t) => {
      const name = t.name ?? nameOfId(t.topicId);
      return name === undefined || topicOk(a, AclOperation.DELETE, name);
    }, (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      responses: [...response.responses, ...refused.map((t) => ({ name: t.name ?? null, topicId: t.topicId, errorCode: TOPIC_DENIED, errorMessage: null }))],
    }));
  },
});

export const createPartitionsRule = defineRule({
  apiKey: ApiKey.CreatePartitions,
  check(request, a) {
    return trimmed(request, request.topics, (t) => topicOk(a, AclOperation.ALTER, t.name), (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      results: [...response.results, ...refused.map((t) => ({ name: t.name, errorCode: TOPIC_DENIED, errorMessage: null }))],
    }));
  },
});

export const describeConfigsRule = defineRule({
  apiKey: ApiKey.DescribeConfigs,
  check(request, a) {
    return trimmed(request, request.resources, (r) => configOk(a, AclOperation.DESCRIBE_CONFIGS, r.resourceType, r.resourceName), (kept) => ({ ...request, resources: kept }), (response, refused) => ({
      ...response,
      results: [...response.results, ...refused.map((r) => ({ errorCode: configDenied(r.resourceType), errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }))],
    }));
  },
});

export const alterConfigsRule = defineRule({
  apiKey: ApiKey.AlterConfigs,
  check(request, a) {
    return trimmed(request, request.resources, (r) => configOk(a, AclOperation.ALTER_CONFIGS, r.resourceType, r.resourceName), (kept) => ({ ...request, resources: kept }), (response, refused) => ({
      ...response,
      responses: [...response.responses, ...refused.map((r) => ({ errorCode: configDenied(r.resourceType), errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName }))],
    }));
  },
});

export const incrementalAlterConfigsRule = defineRule({
  apiKey: ApiKey.IncrementalAlterConfigs,
  check(request, a) {
    return trimmed(request, request.resources, (r) => configOk(a, AclOperation.ALTER_CONFIGS, r.resourceType, r.resourceName), (kept) => ({ ...request, resources: kept }), (response, refused) => ({
      ...response,
      responses: [...response.responses, ...refused.map((r) => ({ errorCode: configDenied(r.resourceType), errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName }))],
    }));
  },
});

export const metadataRule = defineRule({
  apiKey: ApiKey.Metadata,
  check(request, a) {
    const describable = (name: string | null): boolean => name !== null && topicOk(a, AclOperation.DESCRIBE, name);
    const named = request.topics;
    const refused = named === null ? [] : named.filter((t) => t.name !== null && !describable(t.name));
    const kept = named === null ? null : named.filter((t) => t.name === null || describable(t.name));
    const mayCreate = (kept ?? []).every((t) => t.name === null || clusterOk(a, AclOperation.CREATE) || topicOk(a, AclOperation.CREATE, t.name));
    return {
      request: { ...request, topics: kept, allowAutoTopicCreation: (request.allowAutoTopicCreation ?? true) && mayCreate },
      complete: (response) => ({
        ...response,
        topics: [
          ...response.topics.filter((t) => describable(t.name)).map((t) => (request.includeTopicAuthorizedOperations
            ? { ...t, topicAuthorizedOperations: a.operations(ResourceType.TOPIC, t.name!, operationsOf(ResourceType.TOPIC)) }
            : t)),
          ...refused.map((t) => ({ errorCode: TOPIC_DENIED, name: t.name, topicId: t.topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED })),
        ],
        clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
          ? a.operations(ResourceType.CLUSTER, CLUSTER_NAME, operationsOf(ResourceType.CLUSTER))
          : response.clusterAuthorizedOperations,
      }),
    };
  },
});

export const describeTopicPartitionsRule = defineRule({
  apiKey: ApiKey.DescribeTopicPartitions,
  check(request, a) {
    const { kept, refused } = split(request.topics, (t) => topicOk(a, AclOperation.DESCRIBE, t.name));
    return {
      request: { ...request, topics: kept },
      complete: (response) => ({
        ...response,
        topics: [
          ...response.topics.filter((t) => t.name !== null && topicOk(a, AclOperation.DESCRIBE, t.name))
            .map((t) => ({ ...t, topicAuthorizedOperations: a.operations(ResourceType.TOPIC, t.name!, operationsOf(ResourceType.TOPIC)) })),
          ...refused.map((t) => ({ errorCode: TOPIC_DENIED, name: t.name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED })),
        ],
      }),
    };
  },
});

export const describeClusterRule = defineRule({
  apiKey: ApiKey.DescribeCluster,
  check(request, a) {
    if (!request.includeClusterAuthorizedOperations) return { request };
    return { request, complete: (response) => ({ ...response, clusterAuthorizedOperations: a.operations(ResourceType.CLUSTER, CLUSTER_NAME, operationsOf(ResourceType.CLUSTER)) }) };
  },
});
