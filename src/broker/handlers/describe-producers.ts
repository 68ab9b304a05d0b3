/**
 * DescribeProducers (key 61), v0: the idempotent and transactional producers a partition knows,
 * with their epochs, last sequences and open transactions.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';
import { notServedError } from '../topics/topic-partitions.js';

export const describeProducersHandler = defineHandler({
  apiKey: ApiKey.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const p = ctx.services.replicas.get(t.name, partitionIndex);
          if (!p) return { partitionIndex, errorCode: notServedError(ctx.services.metadata, t.name, partitionIndex), errorMessage: null, activeProducers: [] };
          return {
            partitionIndex,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            activeProducers: p.log.producers.all().map((e) => ({
              producerId: e.producerId,
              producerEpoch: e.epoch,
              lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
              lastTimestamp: BigInt(e.lastTimestamp),
              coordinatorEpoch: e.coordinatorEpoch,
              currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
            })),
          };
        }),
      })),
    };
  },
});
