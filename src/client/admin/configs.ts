/**
 * Config resources and entries as the admin API presents them: resource types by name, config
 * sources by the names of Kafka's Admin API (ConfigEntry.ConfigSource, the names
 * kafka-configs.sh prints), config types, and the IncrementalAlterConfigs operations.
 */
import type { DescribeConfigsResponseDescribeConfigsResourceResult } from '../../protocol/generated/messages/DescribeConfigsResponse.js';
import { ClientError } from '../client-error.js';

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger' | 'group';

/** Kafka's ConfigResource.Type codes. */
const RESOURCE_TYPE_CODES: Record<ConfigResourceType, number> = {
  topic: 2,
  broker: 4,
  'broker-logger': 8,
  group: 32,
};

export function resourceTypeCode(type: ConfigResourceType): number {
  const code = RESOURCE_TYPE_CODES[type];
  if (code === undefined) throw new ClientError('INVALID_ARGUMENT', `unknown config resource type ${String(type)}`);
  return code;
}

/** Kafka's Admin ConfigEntry.ConfigSource names, indexed by the protocol's ConfigSource code. */
export const CONFIG_SOURCE_NAMES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_CLIENT_METRICS_CONFIG',
  'DYNAMIC_GROUP_CONFIG',
] as const;

export type ConfigSourceName = (typeof CONFIG_SOURCE_NAMES)[number];

export function configSourceName(code: number | undefined): ConfigSourceName {
  return (code !== undefined ? CONFIG_SOURCE_NAMES[code] : undefined) ?? 'UNKNOWN';
}

/** DescribeConfigsResponse ConfigType names, indexed by code. */
const CONFIG_TYPE_NAMES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] as const;

export type ConfigTypeName = (typeof CONFIG_TYPE_NAMES)[number];

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSourceName;
}

export interface ConfigEntry {
  name: string;
  /** null for sensitive configs and for configs without a value. */
  value: string | null;
  source: ConfigSourceName;
  readOnly: boolean;
  sensitive: boolean;
  isDefault: boolean;
  /** Empty unless synonyms were asked for (DescribeConfigs v1+). */
  synonyms: ConfigSynonym[];
  /** null unless documentation was asked for (DescribeConfigs v3+). */
  documentation: string | null;
  /** null before DescribeConfigs v3. */
  type: ConfigTypeName | null;
}

export function toConfigEntry(e: DescribeConfigsResponseDescribeConfigsResourceResult, version: number): ConfigEntry {
  // v0 has only isDefault; later versions name the source and isDefault follows from it.
  const source = version === 0 ? (e.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN') : configSourceName(e.configSource);
  return {
    name: e.name,
    value: e.value,
    source,
    readOnly: e.readOnly,
    sensitive: e.isSensitive,
    isDefault: version === 0 ? (e.isDefault ?? false) : source === 'DEFAULT_CONFIG',
    synonyms: (e.synonyms ?? []).map((s) => ({ name: s.name ?? '', value: s.value ?? null, source: configSourceName(s.source) })),
    documentation: e.documentation ?? null,
    type: version >= 3 && e.configType !== undefined ? (CONFIG_TYPE_NAMES[e.configType] ?? 'UNKNOWN') : null,
  };
}

export type ConfigOp = 'set' | 'delete' | 'append' | 'subtract';

/** IncrementalAlterConfigs operation codes (Kafka's AlterConfigOp.OpType). */
const CONFIG_OP_CODES: Record<ConfigOp, number> = { set: 0, delete: 1, append: 2, subtract: 3 };

export function configOpCode(op: ConfigOp): number {
  const code = CONFIG_OP_CODES[op];
  if (code === undefined) throw new ClientError('INVALID_ARGUMENT', `unknown config operation ${String(op)}`);
  return code;
}
