/**
 * EndTxn (key 26), v0-v5: commits or aborts a producer's transaction. Answered once markers are
 * in every partition of the transaction and the outcome is durable; retrying a finished EndTxn
 * with the same outcome succeeds.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { EndTxnResponse } from '../../protocol/generated/messages/EndTxnResponse.js';
import { defineHandler } from './api-handler.js';

export const endTxnHandler = defineHandler({
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx): Promise<EndTxnResponse> {
    const txn = ctx.services.transactions;
    const owner = txn?.coordinatorError(request.transactionalId) ?? ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const errorCode = txn && owner === ErrorCode.NONE
      ? await txn.endTxn(request.transactionalId, request.producerId, request.producerEpoch, request.committed, ctx.apiVersion)
      : owner;
    const out: EndTxnResponse = { throttleTimeMs: 0, errorCode };
    if (ctx.apiVersion >= 5) {
      const m = txn?.get(request.transactionalId);
      out.producerId = m?.producerId ?? -1n;
      out.producerEpoch = m?.producerEpoch ?? -1;
    }
    return out;
  },
});
