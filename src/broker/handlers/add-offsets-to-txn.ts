/**
 * AddOffsetsToTxn (key 25), v0-v4: a transactional producer will commit a group's offsets in its
 * transaction (sendOffsetsToTransaction); the group's __consumer_offsets partition joins it.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const txn = ctx.services.transactions;
    const owner = txn?.coordinatorError(request.transactionalId) ?? ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const errorCode = txn && owner === ErrorCode.NONE
      ? await txn.addOffsets(request.transactionalId, request.producerId, request.producerEpoch, request.groupId, ctx.apiVersion)
      : owner;
    return { throttleTimeMs: 0, errorCode };
  },
});
