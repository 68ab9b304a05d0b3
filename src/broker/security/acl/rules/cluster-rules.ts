/**
 * Rules of the cluster-wide APIs (Kafka's authorization table), each on the cluster resource:
 *   DescribeLogDirs, ListPartitionReassignments, DescribeAcls, DescribeUserScramCredentials   DESCRIBE
 *   ElectLeaders, AlterPartitionReassignments, CreateAcls, DeleteAcls, AlterUserScramCredentials   ALTER
 *   DescribeClientQuotas DESCRIBE_CONFIGS, AlterClientQuotas ALTER_CONFIGS
 * and the APIs open to every connection: ApiVersions, SaslHandshake, SaslAuthenticate.
 */
import { ApiKey } from '../../../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../../../protocol/generated/error-codes.js';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../../../../protocol/acl/acl-binding.js';
import { defineRule, type Access } from '../request-authorization.js';

const DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
const describeOk = (a: Access): boolean => a.allowed(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME);
const alterOk = (a: Access): boolean => a.allowed(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME);

export const apiVersionsRule = defineRule({ apiKey: ApiKey.ApiVersions, check: (request) => ({ request }) });
export const saslHandshakeRule = defineRule({ apiKey: ApiKey.SaslHandshake, check: (request) => ({ request }) });
export const saslAuthenticateRule = defineRule({ apiKey: ApiKey.SaslAuthenticate, check: (request) => ({ request }) });

export const describeLogDirsRule = defineRule({
  apiKey: ApiKey.DescribeLogDirs,
  check: (request, a) => (describeOk(a) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: DENIED, results: [] } }),
});

export const listPartitionReassignmentsRule = defineRule({
  apiKey: ApiKey.ListPartitionReassignments,
  check: (request, a) => (describeOk(a) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: DENIED, errorMessage: null, topics: [] } }),
});

export const alterPartitionReassignmentsRule = defineRule({
  apiKey: ApiKey.AlterPartitionReassignments,
  check: (request, a) => (alterOk(a) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: DENIED, errorMessage: null, responses: [] } }),
});

export const electLeadersRule = defineRule({
  apiKey: ApiKey.ElectLeaders,
  check(request, a) {
    if (alterOk(a)) return { request };
    return {
      refuse: {
        throttleTimeMs: 0, errorCode: DENIED,
        replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitions.map((p) => ({ partitionId: p, errorCode: DENIED, errorMessage: null })) })),
      },
    };
  },
});

export const describeAclsRule = defineRule({
  apiKey: ApiKey.DescribeAcls,
  check: (request, a) => (describeOk(a) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: DENIED, errorMessage: null, resources: [] } }),
});

export const createAclsRule = defineRule({
  apiKey: ApiKey.CreateAcls,
  check: (request, a) => (alterOk(a) ? { request } : { refuse: { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: DENIED, errorMessage: null })) } }),
});

export const deleteAclsRule = defineRule({
  apiKey: ApiKey.DeleteAcls,
  check: (request, a) => (alterOk(a) ? { request } : { refuse: { throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode: DENIED, errorMessage: null, matchingAcls: [] })) } }),
});

export const describeUserScramCredentialsRule = defineRule({
  apiKey: ApiKey.DescribeUserScramCredentials,
  check: (request, a) => (describeOk(a) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: DENIED, errorMessage: null, results: [] } }),
});

export const alterUserScramCredentialsRule = defineRule({
  apiKey: ApiKey.AlterUserScramCredentials,
  check(request, a) {
    if (alterOk(a)) return { request };
    const users = [...new Set([...request.deletions.map((d) => d.name), ...request.upsertions.map((u) => u.name)])];
    return { refuse: { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: DENIED, errorMessage: null })) } };
  },
});

export const describeClientQuotasRule = defineRule({
  apiKey: ApiKey.DescribeClientQuotas,
  check: (request, a) => (a.allowed(AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)
    ? { request } : { refuse: { throttleTimeMs: 0, errorCode: DENIED, errorMessage: null, entries: null } }),
});

export const alterClientQuotasRule = defineRule({
  apiKey: ApiKey.AlterClientQuotas,
  check: (request, a) => (a.allowed(AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)
    ? { request } : { refuse: { throttleTimeMs: 0, entries: request.entries.map((e) => ({ errorCode: DENIED, errorMessage: null, entity: e.entity })) } }),
});
