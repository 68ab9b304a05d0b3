/**
 * AddPartitionsToTxn (key 24), v0-v5: partitions a transactional producer is about to write to
 * join its transaction. v0-v3 come from producers (one transaction); v4+ carry several
 * transactions (from brokers verifying writes) and answer per transaction. Unknown partitions get
 * UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { AddPartitionsToTxnResponse, AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult as TopicResult } from '../../protocol/generated/messages/AddPartitionsToTxnResponse.js';
import type { AddPartitionsToTxnRequestAddPartitionsToTxnTopic as TopicIn } from '../../protocol/generated/messages/AddPartitionsToTxnRequest.js';
import { partitionExists } from '../topics/topic-partitions.js';
import { defineHandler, type RequestContext } from './api-handler.js';

async function addOne(ctx: RequestContext, transactionalId: string, producerId: bigint, epoch: number, topics: TopicIn[]): Promise<TopicResult[]> {
  const partitions = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const txn = ctx.services.transactions;
  const owner = txn?.coordinatorError(transactionalId) ?? ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const results = txn && owner === ErrorCode.NONE
    ? await txn.addPartitions(transactionalId, producerId, epoch, partitions, ctx.apiVersion, (p) => partitionExists(ctx.services.metadata, p.topic, p.partition))
    : new Map(partitions.map((p) => [`${p.topic}\u0000${p.partition}`, owner]));
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({
      partitionIndex,
      partitionErrorCode: results.get(`${t.name}\u0000${partitionIndex}`) ?? ErrorCode.NONE,
    })),
  }));
}

export const addPartitionsToTxnHandler = defineHandler({
  apiKey: ApiKey.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx): Promise<AddPartitionsToTxnResponse> {
    if (ctx.apiVersion <= 3) {
      return {
        throttleTimeMs: 0,
        resultsByTopicV3AndBelow: await addOne(ctx, request.v3AndBelowTransactionalId ?? '', request.v3AndBelowProducerId ?? -1n,
          request.v3AndBelowProducerEpoch ?? -1, request.v3AndBelowTopics ?? []),
      };
    }
    const resultsByTransaction = [];
    for (const t of request.transactions ?? []) {
      resultsByTransaction.push({
        transactionalId: t.transactionalId ?? '',
        topicResults: await addOne(ctx, t.transactionalId ?? '', t.producerId ?? -1n, t.producerEpoch ?? -1, t.topics ?? []),
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
});
