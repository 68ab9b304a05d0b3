/**
 * Rules of the transaction APIs (Kafka's authorization table):
 *   InitProducerId      transactional: WRITE on the transactional id; idempotent only:
 *                       IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679)
 *   AddPartitionsToTxn  WRITE on the transactional id; WRITE on each topic (one refused topic
 *                       leaves every other partition OPERATION_NOT_ATTEMPTED); v4+ (from brokers)
 *                       CLUSTER_ACTION on the cluster
 *   AddOffsetsToTxn     WRITE on the transactional id; READ on the group
 *   EndTxn              WRITE on the transactional id
 *   TxnOffsetCommit     WRITE on the transactional id; READ on the group; READ on each topic
 *   WriteTxnMarkers     CLUSTER_ACTION on the cluster
 *   DescribeTransactions  DESCRIBE on each transactional id
 *   ListTransactions    only the transactional ids the caller may describe
 */
import { ApiKey } from '../../../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../../../protocol/generated/error-codes.js';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../../../../protocol/acl/acl-binding.js';
import { defineRule, type Access } from '../request-authorization.js';
import { split, trimmed } from './split.js';

const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
const txnOk = (a: Access, op: number, id: string): boolean => a.allowed(op, ResourceType.TRANSACTIONAL_ID, id);
const clusterOk = (a: Access, op: number): boolean => a.allowed(op, ResourceType.CLUSTER, CLUSTER_NAME);

export const initProducerIdRule = defineRule({
  apiKey: ApiKey.InitProducerId,
  check(request, a) {
    const refuse = (errorCode: number) => ({ refuse: { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 } });
    if (request.transactionalId != null) return txnOk(a, AclOperation.WRITE, request.transactionalId) ? { request } : refuse(TXN_DENIED);
    if (clusterOk(a, AclOperation.IDEMPOTENT_WRITE) || a.anyAllowed(AclOperation.WRITE, ResourceType.TOPIC)) return { request };
    return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  },
});

export const addPartitionsToTxnRule = defineRule({
  apiKey: ApiKey.AddPartitionsToTxn,
  check(request, a, v) {
    if (v >= 4) {
      if (clusterOk(a, AclOperation.CLUSTER_ACTION)) return { request };
      return { refuse: { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] } };
    }
    const topics = request.v3AndBelowTopics ?? [];
    const txnDenied = !txnOk(a, AclOperation.WRITE, request.v3AndBelowTransactionalId ?? '');
    const deniedTopics = new Set(topics.filter((t) => !a.allowed(AclOperation.WRITE, ResourceType.TOPIC, t.name)).map((t) => t.name));
    if (!txnDenied && deniedTopics.size === 0) return { request };
    const codeOf = (name: string): number => (txnDenied ? TXN_DENIED : deniedTopics.has(name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED);
    return {
      refuse: {
        throttleTimeMs: 0,
        resultsByTopicV3AndBelow: topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name) })) })),
      },
    };
  },
});

export const addOffsetsToTxnRule = defineRule({
  apiKey: ApiKey.AddOffsetsToTxn,
  check(request, a) {
    if (!txnOk(a, AclOperation.WRITE, request.transactionalId)) return { refuse: { throttleTimeMs: 0, errorCode: TXN_DENIED } };
    if (!a.allowed(AclOperation.READ, ResourceType.GROUP, request.groupId)) return { refuse: { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED } };
    return { request };
  },
});

export const endTxnRule = defineRule({
  apiKey: ApiKey.EndTxn,
  check(request, a) {
    return txnOk(a, AclOperation.WRITE, request.transactionalId) ? { request } : { refuse: { throttleTimeMs: 0, errorCode: TXN_DENIED } };
  },
});

export const txnOffsetCommitRule = defineRule({
  apiKey: ApiKey.TxnOffsetCommit,
  check(request, a) {
    const all = (errorCode: number) => ({
      refuse: { throttleTimeMs: 0, topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) },
    });
    if (!txnOk(a, AclOperation.WRITE, request.transactionalId)) return all(TXN_DENIED);
    if (!a.allowed(AclOperation.READ, ResourceType.GROUP, request.groupId)) return all(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const { kept, refused } = split(request.topics, (t) => a.allowed(AclOperation.READ, ResourceType.TOPIC, t.name));
    if (refused.length === 0) return { request };
    const errors = refused.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) }));
    if (kept.length === 0) return { refuse: { throttleTimeMs: 0, topics: errors } };
    return { request: { ...request, topics: kept }, complete: (response) => ({ ...response, topics: [...response.topics, ...errors] }) };
  },
});

export const writeTxnMarkersRule = defineRule({
  apiKey: ApiKey.WriteTxnMarkers,
  check(request, a) {
    if (clusterOk(a, AclOperation.CLUSTER_ACTION)) return { request };
    return {
      refuse: {
        markers: request.markers.map((m) => ({
          producerId: m.producerId,
          topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })) })),
        })),
      },
    };
  },
});

export const describeTransactionsRule = defineRule({
  apiKey: ApiKey.DescribeTransactions,
  check(request, a) {
    return trimmed(request, request.transactionalIds, (id) => txnOk(a, AclOperation.DESCRIBE, id), (kept) => ({ ...request, transactionalIds: kept }), (response, refused) => ({
      ...response,
      transactionStates: [...response.transactionStates, ...refused.map((transactionalId) => ({
        errorCode: TXN_DENIED, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [],
      }))],
    }));
  },
});

export const listTransactionsRule = defineRule({
  apiKey: ApiKey.ListTransactions,
  check(request, a) {
    return { request, complete: (response) => ({ ...response, transactionStates: response.transactionStates.filter((s) => txnOk(a, AclOperation.DESCRIBE, s.transactionalId)) }) };
  },
});
