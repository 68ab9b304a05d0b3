/**
 * Admin config operations: DescribeConfigs, IncrementalAlterConfigs and AlterConfigs.
 * A broker's configs go to that broker, everything else to any broker.
 *
 * Contract: stateless functions over the AdminContext (the caller's KafkaClient, never closed
 * here); the Admin class in admin.ts is the public face and delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { configOpCode, resourceTypeCode, toConfigEntry, type ConfigEntry, type ConfigResourceType } from './configs.js';
import { call, check, settleItems, type ItemOutcome, type Target } from './requests.js';
import type { ConfigResource, DescribeConfigsOptions, ConfigResourceDescription, AlterConfigOperation } from './admin-types.js';
import { withMissing, groupBy, type AdminContext } from './admin-helpers.js';

export async function describeConfigs(ctx: AdminContext, resources: readonly ConfigResource[], options: DescribeConfigsOptions = {}): Promise<ConfigResourceDescription[]> {
  const key = (r: ConfigResource): string => `${r.type}\u0000${r.name}`;
  const results = new Map<string, ConfigResourceDescription>();
  for (const [target, group] of groupBy(resources, configTarget)) {
    const outcomes = await settleItems<ConfigResource, ItemOutcome & { entries?: ConfigEntry[] }>(ctx.client, group, key, async (pending) => {
      const { version, response } = await call(ctx.client, target, ApiKey.DescribeConfigs, 4, (v) => ({
        resources: pending.map((r) => ({ resourceType: resourceTypeCode(r.type), resourceName: r.name, configurationKeys: r.keys ? [...r.keys] : null })),
        ...(v >= 1 ? { includeSynonyms: options.includeSynonyms ?? false } : {}),
        ...(v >= 3 ? { includeDocumentation: options.includeDocumentation ?? false } : {}),
      }));
      const out = new Map<string, ItemOutcome & { entries?: ConfigEntry[] }>();
      for (const r of response.results) {
        const resource = pending.find((p) => resourceTypeCode(p.type) === r.resourceType && p.name === r.resourceName);
        if (!resource) continue;
        out.set(key(resource), { errorCode: r.errorCode, errorMessage: r.errorMessage, entries: r.configs.map((e) => toConfigEntry(e, version)) });
      }
      return withMissing(out, pending.map(key));
    });
    for (const r of group) {
      const o = outcomes.get(key(r));
      check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describe configs of ${r.type} ${r.name}`, o?.errorMessage);
      results.set(key(r), { type: r.type, name: r.name, entries: o?.entries ?? [] });
    }
  }
  return resources.map((r) => results.get(key(r))!);
}

/** Applies set / delete / append / subtract operations to one resource's dynamic configs. */
export async function incrementalAlterConfigs(ctx: AdminContext, type: ConfigResourceType, name: string, ops: readonly AlterConfigOperation[], options: { validateOnly?: boolean } = {}): Promise<void> {
  const resource = { type, name };
  const outcomes = await settleItems<string, ItemOutcome>(ctx.client, [name], (n) => n, async () => {
    const { response } = await call(ctx.client, configTarget(resource), ApiKey.IncrementalAlterConfigs, 1, () => ({
      resources: [{
        resourceType: resourceTypeCode(type),
        resourceName: name,
        configs: ops.map((o) => ({ name: o.name, configOperation: configOpCode(o.op), value: o.op === 'delete' ? null : (o.value ?? null) })),
      }],
      validateOnly: options.validateOnly ?? false,
    }));
    const r = response.responses[0];
    return new Map([[name, r ? { errorCode: r.errorCode, errorMessage: r.errorMessage } : { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }]]);
  });
  const o = outcomes.get(name);
  check(o?.errorCode, `alter configs of ${type} ${name}`, o?.errorMessage);
}

/**
 * The legacy AlterConfigs: replaces the resource's whole set of dynamic configs with `configs`
 * (configs not listed return to their defaults).
 */
export async function alterConfigs(ctx: AdminContext, type: ConfigResourceType, name: string, configs: Record<string, string | null> | readonly { name: string; value: string | null }[], options: { validateOnly?: boolean } = {}): Promise<void> {
  const list = Array.isArray(configs)
    ? (configs as readonly { name: string; value: string | null }[]).map((c) => ({ name: c.name, value: c.value }))
    : Object.entries(configs as Record<string, string | null>).map(([n, value]) => ({ name: n, value }));
  const resource = { type, name };
  const outcomes = await settleItems<string, ItemOutcome>(ctx.client, [name], (n) => n, async () => {
    const { response } = await call(ctx.client, configTarget(resource), ApiKey.AlterConfigs, 2, () => ({
      resources: [{ resourceType: resourceTypeCode(type), resourceName: name, configs: list }],
      validateOnly: options.validateOnly ?? false,
    }));
    const r = response.responses[0];
    return new Map([[name, r ? { errorCode: r.errorCode, errorMessage: r.errorMessage } : { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }]]);
  });
  const o = outcomes.get(name);
  check(o?.errorCode, `alter configs of ${type} ${name}`, o?.errorMessage);
}

function configTarget(r: { type: ConfigResourceType; name: string }): Target {
  if ((r.type === 'broker' || r.type === 'broker-logger') && /^\d+$/.test(r.name)) return Number(r.name);
  return 'any';
}
