/**
 * AlterClientQuotas (key 49), v0-v1: sets or removes quotas of user, client-id, user+client-id
 * and ip entities (a null name is the default entity), kept as the entities' settings in the
 * metadata store, where every broker's QuotaManager reads them. Per entry: an invalid entity or
 * key, or a value that is not positive, is INVALID_REQUEST with the reason, and nothing of that
 * entry changes; `validateOnly` checks without changing anything.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { invalidQuota, storeEntity } from '../quota/quota-entity.js';
import { kafkaErrorCodeOf } from '../errors.js';
import { defineHandler } from './api-handler.js';

export const alterClientQuotasHandler = defineHandler({
  apiKey: ApiKey.AlterClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { metadata } = ctx.services;
    const entries = [];
    for (const entry of request.entries) {
      const entity = entry.entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName }));
      const target = storeEntity(entity);
      const invalid = typeof target === 'string' ? target : entry.ops.map((op) => invalidQuota(target, op.key, op.remove ? undefined : op.value)).find((x) => x !== undefined);
      if (invalid !== undefined || typeof target === 'string') {
        entries.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid ?? 'invalid entity', entity });
        continue;
      }
      if (request.validateOnly) {
        entries.push({ errorCode: ErrorCode.NONE, errorMessage: null, entity });
        continue;
      }
      const configs = { ...(metadata.entityConfigs(target.type)[target.name] ?? {}) };
      for (const op of entry.ops) {
        if (op.remove) delete configs[op.key];
        else configs[op.key] = String(op.value);
      }
      try {
        await metadata.setEntityConfigs(target.type, target.name, configs);
        entries.push({ errorCode: ErrorCode.NONE, errorMessage: null, entity });
      } catch (e) {
        entries.push({ errorCode: kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: e instanceof Error ? e.message : String(e), entity });
      }
    }
    return { throttleTimeMs: 0, entries };
  },
});
