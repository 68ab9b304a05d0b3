/**
 * What the config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) and CreateTopics
 * share: Kafka's resource-type, config-source and config-type codes, the effective configuration
 * of a topic and of this broker as config entries with their sources and synonym chains, and the
 * check of a BROKER / BROKER_LOGGER resource name.
 *
 * Sources and synonyms follow Kafka's DescribeConfigs: a topic setting's synonyms are its topic
 * override (TOPIC_CONFIG), then the broker settings that supply its default as set in the
 * properties file (STATIC_BROKER_CONFIG), then those broker settings' own defaults
 * (DEFAULT_CONFIG), with the leading entries that are not the topic setting's primary broker
 * setting dropped. The entry's source is the first synonym's, or DEFAULT_CONFIG without any.
 * Kafka's dropping has a visible quirk that is kept for fidelity: retention.ms on a broker that
 * sets only log.retention.hours reports no broker synonyms and source DEFAULT_CONFIG, although its
 * value is the one log.retention.hours gives (CreateTopics' effective configs, which Kafka
 * computes differently, report STATIC_BROKER_CONFIG there).
 *
 * Dynamic broker settings come first in those chains: this broker's own (DYNAMIC_BROKER_CONFIG),
 * then the cluster default (DYNAMIC_DEFAULT_BROKER_CONFIG). Broker settings that cannot change at
 * runtime are reported read-only.
 */
import type { ConfigDef, ConfigType } from '../../common/config/config-def.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { TOPIC_CONFIG_BY_NAME, TOPIC_CONFIG_DEFS } from '../../storage/log-config.js';
import type { BrokerConfig } from '../config/broker-config.js';

/** ConfigResource.Type codes. */
export const ResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

/** DescribeConfigsResponse.ConfigSource codes. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;

/** DescribeConfigsResponse.ConfigType codes. */
const CONFIG_TYPE_CODE: Record<ConfigType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
  password: 9,
};

/** IncrementalAlterConfigs operation codes (AlterConfigOp.OpType). */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  sensitive: boolean;
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string;
}

export function configTypeCode(def: ConfigDef): number {
  return CONFIG_TYPE_CODE[def.type] ?? 0;
}

/** A setting's text as Kafka prints its parsed value: list elements trimmed and comma-joined. */
export function canonicalText(def: ConfigDef | undefined, text: string | null): string | null {
  if (text === null || !def) return text;
  if (def.type === 'list') return text.trim() === '' ? '' : text.split(',').map((s) => s.trim()).join(',');
  if (def.type !== 'string' && def.type !== 'password') return text.trim();
  return text;
}

function isSensitive(def: ConfigDef): boolean {
  return def.type === 'password' || def.sensitive === true;
}

/** The broker settings Kafka treats as one setting with alternatives (BrokerConfigSynonyms). */
const BROKER_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
];

function brokerSynonymNames(name: string): readonly string[] {
  const group = BROKER_SYNONYM_GROUPS.find((g) => g.includes(name));
  if (group) return group;
  if (name === 'log.flush.interval.ms') return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
  return [name];
}

const LAYER_ORDER = ['DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG'] as const;

/**
 * Kafka's synonym list of broker setting `name` over the candidate names: layer by layer (dynamic
 * per-broker, dynamic default, properties file, Kafka's default), each layer's candidates in
 * order, dropping entries before the first one named `name`.
 */
function brokerSynonyms(config: BrokerConfig, name: string, candidates: readonly string[], sensitive: boolean): ConfigSynonym[] {
  const out: ConfigSynonym[] = [];
  for (const layer of LAYER_ORDER) {
    for (const n of candidates) {
      const found = config.layers(n).find((l) => l.source === layer);
      if (found) out.push({ name: n, value: sensitive ? null : found.text, source: ConfigSource[layer] });
    }
  }
  const first = out.findIndex((s) => s.name === name);
  return first < 0 ? [] : out.slice(first);
}

/** The effective value of a topic setting: its override, else the broker's default for it. */
export function topicConfigValue(config: BrokerConfig, overrides: Readonly<Record<string, string>>, name: string): string {
  const def = TOPIC_CONFIG_BY_NAME.get(name);
  const override = overrides[name];
  if (override !== undefined) return canonicalText(def, override) ?? override;
  return canonicalText(def, config.topicDefault(name).text) ?? '';
}

/** Every topic setting of a topic with these overrides, as DescribeConfigs reports it. */
export function describeTopicConfigs(config: BrokerConfig, overrides: Readonly<Record<string, string>>): ConfigEntry[] {
  return TOPIC_CONFIG_DEFS.map((def) => {
    const sensitive = isSensitive(def);
    const value = topicConfigValue(config, overrides, def.name);
    const serverNames = def.serverSynonyms ?? [];
    const primary = serverNames[0];
    const synonyms = primary === undefined ? [] : brokerSynonyms(config, primary, brokerSynonymNames(primary), sensitive);
    if (overrides[def.name] !== undefined) {
      synonyms.unshift({ name: def.name, value: sensitive ? null : value, source: ConfigSource.TOPIC_CONFIG });
    }
    return {
      name: def.name,
      value: sensitive ? null : value,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: false,
      sensitive,
      synonyms,
      configType: configTypeCode(def),
      documentation: def.doc,
    };
  });
}

/**
 * The effective configs of a new topic as CreateTopics (v5+) reports them: the source is where
 * the value came from (override, a broker setting from the properties file, or Kafka's default).
 */
export function effectiveTopicConfigs(config: BrokerConfig, overrides: Readonly<Record<string, string>>): ConfigEntry[] {
  return TOPIC_CONFIG_DEFS.map((def) => {
    const sensitive = isSensitive(def);
    const value = topicConfigValue(config, overrides, def.name);
    const source = overrides[def.name] !== undefined ? ConfigSource.TOPIC_CONFIG : ConfigSource[config.topicDefault(def.name).source];
    return {
      name: def.name, value: sensitive ? null : value, source, readOnly: false, sensitive, synonyms: [],
      configType: configTypeCode(def), documentation: def.doc,
    };
  });
}

function brokerEntry(config: BrokerConfig, name: string, text: string | null, def: ConfigDef, perBroker: boolean): ConfigEntry {
  const sensitive = isSensitive(def);
  const synonyms = brokerSynonyms(config, name, brokerSynonymNames(name), sensitive)
    .filter((s) => perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  return {
    name,
    value: sensitive ? null : canonicalText(def, text),
    source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    readOnly: def.dynamic === undefined,
    sensitive,
    synonyms,
    configType: configTypeCode(def),
    documentation: def.doc,
  };
}

/** Every setting of this broker, as DescribeConfigs reports it for the broker's own id. */
export function describeBrokerConfigs(config: BrokerConfig): ConfigEntry[] {
  return config.entries().map(({ name, text, def }) => brokerEntry(config, name, text, def, true));
}

/**
 * The cluster-wide dynamic defaults (the broker resource with the empty name), as Kafka describes
 * them: only the settings set there, with their dynamic-default synonyms. Custom names (settings
 * Gregor does not know) are listed as strings.
 */
export function describeDynamicDefaults(config: BrokerConfig): ConfigEntry[] {
  return Object.entries(config.dynamicLayers.defaults).map(([name, text]) => {
    const def = config.setting(name)?.def ?? { name, type: 'string' as const, default: null, doc: '' };
    return brokerEntry(config, name, text, def, false);
  });
}

export interface ResourceError {
  errorCode: number;
  errorMessage: string | null;
}

export const NO_ERROR: ResourceError = { errorCode: ErrorCode.NONE, errorMessage: null };

export function resourceError(errorCode: number, errorMessage: string | null): ResourceError {
  return { errorCode, errorMessage };
}

/** Whether `text` parses as a Java int (Integer.parseInt: optional sign, digits, 32-bit range). */
export function isInt32Text(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647;
}

/** Checks that a BROKER or BROKER_LOGGER resource names this node (as Kafka words it). */
export function checkNodeIdName(name: string, nodeId: number): ResourceError {
  if (!isInt32Text(name)) {
    return resourceError(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`);
  }
  if (Number(name) !== nodeId) return resourceError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${nodeId}, but received ${name}`);
  return NO_ERROR;
}

/** Kafka's log4j level names and pino's levels, for the BROKER_LOGGER resource. */
const PINO_TO_LOG4J: Record<string, string> = {
  trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL', silent: 'OFF',
};
export const LOG4J_LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const;

export function log4jLevelOf(pinoLevel: string): string {
  return PINO_TO_LOG4J[pinoLevel] ?? pinoLevel.toUpperCase();
}

export function pinoLevelOf(log4jLevel: string): string | undefined {
  if (log4jLevel === 'ALL') return 'trace';
  return Object.entries(PINO_TO_LOG4J).find(([, l]) => l === log4jLevel)?.[0];
}

/** Gregor has one logger: Kafka's name for the root logger. */
export const ROOT_LOGGER = 'root';

/** The resources that appear more than once in an alter request (Kafka refuses each copy). */
export function duplicateResources<T extends { resourceType: number; resourceName: string }>(resources: readonly T[]): Set<T> {
  const seen = new Map<string, T>();
  const dup = new Set<T>();
  for (const r of resources) {
    const key = `${r.resourceType}\u0000${r.resourceName}`;
    const prior = seen.get(key);
    if (prior) {
      dup.add(prior);
      dup.add(r);
    } else {
      seen.set(key, r);
    }
  }
  return dup;
}

/** Checks common to both alter APIs: duplicate keys, null values where a value is needed. */
export function checkAlterEntries(configs: readonly { name: string; value: string | null; needsValue: boolean }[]): ResourceError {
  const names = configs.map((c) => c.name);
  if (new Set(names).size !== names.length) return resourceError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
  const nulls = configs.filter((c) => c.needsValue && c.value === null).map((c) => c.name);
  if (nulls.length > 0) return resourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
  return NO_ERROR;
}

/** The name check of a TOPIC resource in the alter APIs. */
export function checkTopicResourceName(name: string, problem: (name: string) => string | undefined): ResourceError {
  if (name === '') return resourceError(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
  const p = problem(name);
  return p ? resourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, p) : NO_ERROR;
}


/** Resource types Kafka accepts in the alter APIs that Gregor does not store configs for. */
export function unsupportedResourceType(type: number): ResourceError | undefined {
  if (type === ResourceType.CLIENT_METRICS) return resourceError(ErrorCode.INVALID_REQUEST, 'Resource type CLIENT_METRICS is not supported by this broker');
  return undefined;
}

/**
 * Alters each resource with `alterOne`, refusing resources named twice in one request, and
 * shapes the per-resource results as both alter APIs answer them.
 */
export async function alterEach<R extends { resourceType: number; resourceName: string }>(
  resources: readonly R[],
  alterOne: (r: R) => Promise<{ errorCode: number; errorMessage: string | null }>,
): Promise<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }[]> {
  const duplicates = duplicateResources(resources);
  const responses = [];
  for (const r of resources) {
    const result = duplicates.has(r)
      ? resourceError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.')
      : await alterOne(r);
    responses.push({ ...result, resourceType: r.resourceType, resourceName: r.resourceName });
  }
  return responses;
}
