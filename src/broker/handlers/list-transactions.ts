/**
 * ListTransactions (key 66), v0-v1: transactional ids, filtered by state name, producer id and
 * (v1) how long the transaction has been open.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { TXN_STATE_NAMES, TxnState } from '../txn/txn-metadata.js';
import { defineHandler } from './api-handler.js';

export const listTransactionsHandler = defineHandler({
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const known = new Set(Object.values(TXN_STATE_NAMES));
    const states = new Set(request.stateFilters);
    const producers = new Set(request.producerIdFilters.map(String));
    const minDuration = ctx.apiVersion >= 1 ? Number(request.durationFilter ?? -1n) : -1;
    const now = ctx.services.clock.now();
    const txns = (ctx.services.transactions?.all() ?? []).filter((m) =>
      (states.size === 0 || states.has(TXN_STATE_NAMES[m.state])) &&
      (producers.size === 0 || producers.has(String(m.producerId))) &&
      (minDuration < 0 || (m.state === TxnState.Ongoing && now - m.startTimestamp >= minDuration)));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: request.stateFilters.filter((s) => !known.has(s)),
      transactionStates: txns.map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: TXN_STATE_NAMES[m.state] })),
    };
  },
});
