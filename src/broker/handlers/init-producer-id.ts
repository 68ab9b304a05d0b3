/**
 * InitProducerId (key 22), v0-v5: gives an idempotent producer (no transactional id) a new
 * producer id with epoch 0. Producer ids are never reused (see ProducerIdManager). A
 * transactional id is served by the transaction coordinator when the broker has one; without it
 * the answer is COORDINATOR_NOT_AVAILABLE.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { InitProducerIdResponse } from '../../protocol/generated/messages/InitProducerIdResponse.js';
import { defineHandler } from './api-handler.js';

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx): Promise<InitProducerIdResponse> {
    const fail = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    if (request.transactionalId !== null && request.transactionalId !== '') {
      const txn = ctx.services.transactions;
      if (!txn) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      const owner = txn.coordinatorError(request.transactionalId);
      if (owner !== ErrorCode.NONE) return fail(owner);
      return txn.initProducerId(request, ctx.apiVersion);
    }
    try {
      const producerId = await ctx.services.producerIds.generate();
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
    } catch (e) {
      ctx.services.logger.error({ err: e }, 'allocating a producer id failed');
      return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  },
});
