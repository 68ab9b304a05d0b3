/**
 * The BROKER resource of both alter APIs: this broker's dynamic settings (its id as the name) or
 * the cluster-wide dynamic defaults (the empty name). Legacy AlterConfigs replaces the resource's
 * whole dynamic set; IncrementalAlterConfigs applies SET, DELETE, APPEND and SUBTRACT to it
 * (APPEND and SUBTRACT only on list settings, starting from the setting's default when it has no
 * dynamic value, as Kafka does). The result is checked against Kafka's dynamic-config rules; a
 * change that breaks them is INVALID_REQUEST with Kafka's message. validateOnly stops after the
 * checks.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { BROKER_CONFIG_BY_NAME } from '../config/broker-config-defs.js';
import { DYNAMIC_ONLY_CONFIG_DEFS } from '../config/dynamic-broker-config.js';
import type { RequestContext } from './api-handler.js';
import { checkNodeIdName, ConfigOperation, NO_ERROR, resourceError, type ResourceError } from './config-resources.js';

interface ConfigChange {
  name: string;
  value: string | null;
  configOperation: number;
}

const DYNAMIC_ONLY_NAMES = new Set(DYNAMIC_ONLY_CONFIG_DEFS.map((d) => d.name));

function listParts(text: string | null | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The resource's dynamic set after the operations, or the error that stops them. */
function applyOps(current: Record<string, string>, changes: readonly ConfigChange[]): Record<string, string> | ResourceError {
  const next = new Map(Object.entries(current));
  for (const c of changes) {
    switch (c.configOperation) {
      case ConfigOperation.SET:
        next.set(c.name, c.value!);
        break;
      case ConfigOperation.DELETE:
        next.delete(c.name);
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const def = BROKER_CONFIG_BY_NAME.get(c.name);
        const verb = c.configOperation === ConfigOperation.APPEND ? 'append' : 'subtract';
        if (!def && !DYNAMIC_ONLY_NAMES.has(c.name)) return resourceError(ErrorCode.INVALID_CONFIG, `Unknown config name: ${c.name}`);
        if (def?.type !== 'list') return resourceError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${c.name}`);
        const parts = listParts(next.get(c.name) ?? def.default);
        const given = listParts(c.value);
        const result = c.configOperation === ConfigOperation.APPEND
          ? [...parts, ...given.filter((v) => !parts.includes(v))]
          : parts.filter((v) => !given.includes(v));
        next.set(c.name, result.join(','));
        break;
      }
      default:
        return resourceError(ErrorCode.INVALID_REQUEST, `Unknown operations type ${c.configOperation}`);
    }
  }
  return Object.fromEntries(next);
}

async function replace(perBroker: boolean, next: Record<string, string>, validateOnly: boolean, ctx: RequestContext): Promise<ResourceError> {
  const problem = await ctx.services.dynamicConfig.replace(perBroker, next, validateOnly);
  return problem === undefined ? NO_ERROR : resourceError(ErrorCode.INVALID_REQUEST, problem);
}

/** AlterConfigs on a BROKER resource. */
export async function alterBrokerConfigs(
  resourceName: string, configs: readonly { name: string; value: string | null }[], validateOnly: boolean, ctx: RequestContext,
): Promise<ResourceError> {
  const perBroker = resourceName !== '';
  if (perBroker) {
    const id = checkNodeIdName(resourceName, ctx.services.nodeId);
    if (id.errorCode !== ErrorCode.NONE) return id;
  }
  return replace(perBroker, Object.fromEntries(configs.map((c) => [c.name, c.value!])), validateOnly, ctx);
}

/** IncrementalAlterConfigs on a BROKER resource. */
export async function incrementalAlterBrokerConfigs(
  resourceName: string, changes: readonly ConfigChange[], validateOnly: boolean, ctx: RequestContext,
): Promise<ResourceError> {
  const perBroker = resourceName !== '';
  if (perBroker) {
    const id = checkNodeIdName(resourceName, ctx.services.nodeId);
    if (id.errorCode !== ErrorCode.NONE) return id;
  }
  const next = applyOps(ctx.services.dynamicConfig.current(perBroker), changes);
  if ('errorCode' in next) return next as ResourceError;
  return replace(perBroker, next, validateOnly, ctx);
}
