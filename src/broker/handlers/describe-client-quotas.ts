/**
 * DescribeClientQuotas (key 48), v0-v1: the quotas of the user, client-id and ip entities a filter
 * matches. Each component matches an entity type: EXACT (0) a name, DEFAULT (1) the default
 * entity, SPECIFIED (2) any named entity; `strict` asks for entities with exactly the filtered
 * types. An unknown entity type or a type given twice is INVALID_REQUEST, as in Kafka.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { QUOTA_ENTITY_TYPES } from '../metadata/metadata-store.js';
import { protocolEntity, QUOTA_KEYS, type EntityComponent } from '../quota/quota-entity.js';
import { defineHandler } from './api-handler.js';

const TYPES = new Set(['user', 'client-id', 'ip']);

function matches(entity: EntityComponent[], filter: { entityType: string; matchType: number; match: string | null }[], strict: boolean): boolean {
  if (strict && entity.length !== filter.length) return false;
  return filter.every((f) => {
    const c = entity.find((e) => e.entityType === f.entityType);
    if (!c) return false;
    if (f.matchType === 0) return c.entityName === f.match;
    if (f.matchType === 1) return c.entityName === null;
    return c.entityName !== null;
  });
}

export const describeClientQuotasHandler = defineHandler({
  apiKey: ApiKey.DescribeClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const bad = request.components.find((c) => !TYPES.has(c.entityType) || c.matchType < 0 || c.matchType > 2);
    const seen = new Set(request.components.map((c) => c.entityType));
    if (bad || seen.size !== request.components.length) {
      const message = bad ? `Invalid filter component: entity type ${bad.entityType}, match type ${bad.matchType}` : 'Duplicate entity type in the filter';
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message, entries: null };
    }
    const entries = QUOTA_ENTITY_TYPES.flatMap((type) => Object.entries(ctx.services.metadata.entityConfigs(type)).flatMap(([name, configs]) => {
      const values = Object.entries(configs).filter(([k]) => QUOTA_KEYS.includes(k)).map(([key, v]) => ({ key, value: Number(v) }));
      if (values.length === 0) return [];
      const entity = protocolEntity({ type, name });
      return matches(entity, request.components, request.strict) ? [{ entity, values }] : [];
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  },
});
