/**
 * GROUP config resources (type 32) in DescribeConfigs, AlterConfigs and IncrementalAlterConfigs:
 * a group's own settings (broker/group/group-configs.ts). A group need not exist to be given
 * settings, as in Kafka; unknown names answer INVALID_CONFIG.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { GROUP_CONFIG_DEFS, GroupConfigs, groupConfigProblem } from '../group/group-configs.js';
import type { BrokerServices } from '../services.js';
import { ConfigSource, configTypeCode, NO_ERROR, resourceError, type ConfigEntry, type ResourceError } from './config-resources.js';

export function describeGroupConfigs(services: BrokerServices, groupId: string): ConfigEntry[] {
  const configs = new GroupConfigs(services.config, services.metadata);
  const overrides = configs.overrides(groupId);
  return GROUP_CONFIG_DEFS.map((def) => ({
    name: def.name,
    value: configs.text(groupId, def.name),
    source: overrides[def.name] !== undefined ? ConfigSource.GROUP_CONFIG : ConfigSource.DEFAULT_CONFIG,
    readOnly: false, sensitive: false, synonyms: [], configType: configTypeCode(def), documentation: def.doc,
  }));
}

/** Replaces (AlterConfigs) or edits (IncrementalAlterConfigs: null deletes) a group's settings. */
export async function alterGroupConfigs(
  services: BrokerServices, groupId: string, changes: readonly { name: string; value: string | null }[], replace: boolean, validateOnly: boolean,
): Promise<ResourceError> {
  if (groupId === '') return resourceError(ErrorCode.INVALID_REQUEST, 'Group name must not be empty.');
  const next: Record<string, string> = replace ? {} : { ...(services.metadata.entityConfigs('groups')[groupId] ?? {}) };
  for (const c of changes) {
    if (c.value === null) {
      delete next[c.name];
      continue;
    }
    const problem = groupConfigProblem(services.config, c.name, c.value);
    if (problem) return resourceError(ErrorCode.INVALID_CONFIG, problem);
    next[c.name] = c.value.trim();
  }
  if (validateOnly) return NO_ERROR;
  await services.metadata.setEntityConfigs('groups', groupId, next);
  return NO_ERROR;
}
