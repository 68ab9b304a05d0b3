/**
 * DescribeTransactions (key 65), v0: state, producer, timeout and partitions of transactional
 * ids; unknown ids get TRANSACTIONAL_ID_NOT_FOUND.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { TXN_STATE_NAMES } from '../txn/txn-metadata.js';
import { defineHandler } from './api-handler.js';

export const describeTransactionsHandler = defineHandler({
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        const m = ctx.services.transactions?.get(id);
        const owner = ctx.services.transactions?.coordinatorError(id) ?? ErrorCode.COORDINATOR_NOT_AVAILABLE;
        if (owner !== ErrorCode.NONE) {
          return { errorCode: owner, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        if (!m) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        const byTopic = new Map<string, number[]>();
        for (const p of m.partitions.values()) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE, transactionalId: id, transactionState: TXN_STATE_NAMES[m.state], transactionTimeoutMs: m.timeoutMs,
          transactionStartTimeMs: BigInt(m.startTimestamp), producerId: m.producerId, producerEpoch: m.producerEpoch,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  },
});
