/**
 * Rules of the data APIs (Kafka's authorization table):
 *   Produce               WRITE on the transactional id if any (else every partition
 *                         TRANSACTIONAL_ID_AUTHORIZATION_FAILED), WRITE on each topic
 *                         (TOPIC_AUTHORIZATION_FAILED for its partitions)
 *   Fetch                 from a follower: CLUSTER_ACTION on the cluster (else the whole response
 *                         CLUSTER_AUTHORIZATION_FAILED); from a consumer: READ on each topic
 *   ListOffsets           DESCRIBE on each topic
 *   OffsetForLeaderEpoch  from a follower CLUSTER_ACTION, else DESCRIBE on each topic
 *   DeleteRecords         DELETE on each topic
 *   DescribeProducers     READ on each topic
 */
import { ApiKey } from '../../../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../../../protocol/generated/error-codes.js';
import { defaultFetchResponse, defaultFetchResponsePartitionData } from '../../../../protocol/generated/messages/FetchResponse.js';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../../../../protocol/acl/acl-binding.js';
import { defineRule, type Access } from '../request-authorization.js';
import { split, trimmed } from './split.js';

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

const topicOk = (a: Access, op: number) => (name: string): boolean => a.allowed(op, ResourceType.TOPIC, name);
const clusterOk = (a: Access, op: number): boolean => a.allowed(op, ResourceType.CLUSTER, CLUSTER_NAME);

export const produceRule = defineRule({
  apiKey: ApiKey.Produce,
  check(request, a) {
    const txnDenied = request.transactionalId != null && !a.allowed(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId);
    const { kept, refused } = split(request.topicData, (t) => !txnDenied && topicOk(a, AclOperation.WRITE)(t.name));
    if (refused.length === 0) return { request };
    const code = txnDenied ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : TOPIC_DENIED;
    return {
      request: { ...request, topicData: kept },
      complete: (response) => ({
        ...response,
        responses: [...response.responses, ...refused.map((t) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: code, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null })),
        }))],
      }),
    };
  },
});

export const fetchRule = defineRule({
  apiKey: ApiKey.Fetch,
  check(request, a, v) {
    // v15 moved the replica id into ReplicaState
    const replicaId = (v >= 15 ? request.replicaState?.replicaId : request.replicaId) ?? -1;
    if (replicaId >= 0) {
      if (clusterOk(a, AclOperation.CLUSTER_ACTION)) return { request };
      return { refuse: { ...defaultFetchResponse(), errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, responses: [] } };
    }
    const metadata = a.services.metadata;
    const nameOf = (t: { topic?: string; topicId?: string }): string | undefined => t.topic ?? (t.topicId ? metadata.topicById(t.topicId)?.name : undefined);
    // topics named by an id nobody knows stay in the request: the handler answers UNKNOWN_TOPIC_ID
    const { kept, refused } = split(request.topics, (t) => {
      const name = nameOf(t);
      return name === undefined || topicOk(a, AclOperation.READ)(name);
    });
    if (refused.length === 0) return { request };
    return {
      // nothing left to wait for: answer at once, as Kafka does
      request: { ...request, topics: kept, ...(kept.length === 0 ? { maxWaitMs: 0 } : {}) },
      complete: (response) => ({
        ...response,
        responses: [...response.responses, ...refused.map((t) => ({
          topic: t.topic, topicId: t.topicId,
          partitions: t.partitions.map((p) => ({ ...defaultFetchResponsePartitionData(), partitionIndex: p.partition, errorCode: TOPIC_DENIED, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n })),
        }))],
      }),
    };
  },
});

export const listOffsetsRule = defineRule({
  apiKey: ApiKey.ListOffsets,
  check: (request, a) => trimmed(request, request.topics, (t) => topicOk(a, AclOperation.DESCRIBE)(t.name), (topics) => ({ ...request, topics }), (response, refused) => ({
    ...response,
    topics: [...response.topics, ...refused.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: TOPIC_DENIED, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 })),
    }))],
  })),
});

export const offsetForLeaderEpochRule = defineRule({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  check(request, a) {
    const follower = (request.replicaId ?? -1) >= 0;
    const ok = follower ? () => clusterOk(a, AclOperation.CLUSTER_ACTION) : topicOk(a, AclOperation.DESCRIBE);
    const code = follower ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : TOPIC_DENIED;
    return trimmed(request, request.topics, (t) => ok(t.topic), (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      topics: [...response.topics, ...refused.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ errorCode: code, partition: p.partition, leaderEpoch: -1, endOffset: -1n })),
      }))],
    }));
  },
});

export const deleteRecordsRule = defineRule({
  apiKey: ApiKey.DeleteRecords,
  check(request, a) {
    return trimmed(request, request.topics, (t) => topicOk(a, AclOperation.DELETE)(t.name), (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      topics: [...response.topics, ...refused.map((t) => ({
        name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: TOPIC_DENIED })),
      }))],
    }));
  },
});

export const describeProducersRule = defineRule({
  apiKey: ApiKey.DescribeProducers,
  check(request, a) {
    return trimmed(request, request.topics, (t) => topicOk(a, AclOperation.READ)(t.name), (kept) => ({ ...request, topics: kept }), (response, refused) => ({
      ...response,
      topics: [...response.topics, ...refused.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((i) => ({ partitionIndex: i, errorCode: TOPIC_DENIED, errorMessage: null, activeProducers: [] })),
      }))],
    }));
  },
});
