/**
 * Admin client-quota operations (KIP-546): set or remove quotas of user, client-id, user+client-id
 * and ip entities (AlterClientQuotas) and list them (DescribeClientQuotas). A component with a null
 * name is the default entity of its type.
 *
 * Contract: stateless functions over the AdminContext; the Admin class delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { call, check, errorName } from './requests.js';
import type { AdminContext } from './admin-helpers.js';

export interface QuotaEntityComponent {
  entityType: 'user' | 'client-id' | 'ip';
  entityName: string | null;
}

export interface QuotaAlteration {
  entity: QuotaEntityComponent[];
  /** A value sets the key; null removes it. */
  ops: { key: string; value: number | null }[];
}

export interface QuotaEntry {
  entity: QuotaEntityComponent[];
  values: Record<string, number>;
}

export interface QuotaFilterComponent {
  entityType: 'user' | 'client-id' | 'ip';
  /** exact: the named entity; default: the default entity; specified: any named entity. */
  match: { exact: string } | 'default' | 'specified';
}

export async function alterClientQuotas(ctx: AdminContext, alterations: readonly QuotaAlteration[], validateOnly = false): Promise<{ errorCode: number; error: string | null; errorMessage: string | null }[]> {
  const { response } = await call(ctx.client, 'controller', ApiKey.AlterClientQuotas, 1, () => ({
    entries: alterations.map((a) => ({
      entity: a.entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName })),
      ops: a.ops.map((o) => ({ key: o.key, value: o.value ?? 0, remove: o.value === null })),
    })),
    validateOnly,
  }));
  return response.entries.map((e) => ({ errorCode: e.errorCode, error: errorName(e.errorCode), errorMessage: e.errorMessage }));
}

export async function describeClientQuotas(ctx: AdminContext, filter: readonly QuotaFilterComponent[], strict = false): Promise<QuotaEntry[]> {
  return ctx.client.withRetries(async () => {
    const { response } = await call(ctx.client, 'any', ApiKey.DescribeClientQuotas, 1, () => ({
      components: filter.map((f) => ({
        entityType: f.entityType,
        matchType: typeof f.match === 'object' ? 0 : f.match === 'default' ? 1 : 2,
        match: typeof f.match === 'object' ? f.match.exact : null,
      })),
      strict,
    }));
    check(response.errorCode, 'describe client quotas', response.errorMessage);
    return (response.entries ?? []).map((e) => ({
      entity: e.entity.map((c) => ({ entityType: c.entityType as QuotaEntityComponent['entityType'], entityName: c.entityName })),
      values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
    }));
  });
}
