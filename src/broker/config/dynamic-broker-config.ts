/**
 * Kafka's rules for dynamic broker configuration (what AlterConfigs and IncrementalAlterConfigs may
 * change on a BROKER resource at runtime), checked in Kafka's order with Kafka's messages:
 *
 *   1. a known setting that is not dynamic: "Cannot update these configs dynamically: Set(...)";
 *   2. a TLS store setting without a listener prefix: "These security configs can be dynamically
 *      updated only per-listener using the listener prefix: Set(...)";
 *   3. a value of the wrong type or out of range: "Invalid value v for configuration n: ...";
 *   4. on the cluster default (empty resource name), a per-broker setting: "Cannot update these
 *      configs at default cluster level, broker id must be specified: Set(...)";
 *   5. thread counts may at most double or halve in one change.
 *
 * Which settings are dynamic is declared with each setting (`ConfigDef.dynamic`). Names Gregor does
 * not know are accepted and kept (Kafka keeps such custom configs for plugins), as are
 * `listener.name.<listener>.<setting>` forms of dynamic settings, and the broker replication quotas,
 * which exist only as dynamic configs. Every failure is INVALID_REQUEST, as in Kafka (KAFKA-13609).
 */
import { checkedConfigValue, ConfigError, type ConfigDef } from '../../common/config/config-def.js';
import { LONG_MAX_TEXT } from '../../storage/log-config.js';
import { atLeast } from '../../common/config/config-def.js';
import { BROKER_CONFIG_BY_NAME } from './broker-config-defs.js';
import type { BrokerConfig } from './broker-config.js';

const LISTENER_PREFIXED = /^listener\.name\.[^.]*\.(.*)$/;

/** The TLS store settings Kafka reloads only per listener. */
const LISTENER_PREFIX_ONLY = new Set([
  'ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password', 'ssl.truststore.type',
  'ssl.truststore.location', 'ssl.truststore.password', 'ssl.keystore.certificate.chain', 'ssl.keystore.key',
  'ssl.truststore.certificates',
]);

/** Listener settings that stay cluster-wide even with a listener prefix. */
const CLUSTER_LEVEL_LISTENER_CONFIGS = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);

/** Settings that exist only as dynamic broker configs (replication quotas). */
export const DYNAMIC_ONLY_CONFIG_DEFS: readonly ConfigDef[] = [
  { name: 'leader.replication.throttled.rate', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0), doc: 'Replication bytes/s a leader may send to throttled replicas.' },
  { name: 'follower.replication.throttled.rate', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0), doc: 'Replication bytes/s a follower may fetch for throttled replicas.' },
  { name: 'replica.alter.log.dirs.io.max.bytes.per.second', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0), doc: 'Bytes/s for moving replicas between log directories.' },
];
const DYNAMIC_ONLY = new Map(DYNAMIC_ONLY_CONFIG_DEFS.map((d) => [d.name, d]));

const THREAD_COUNTS = ['num.io.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir', 'background.threads', 'num.network.threads'];

/** Scala's Set(...) rendering, which Kafka's messages use. */
function scalaSet(names: readonly string[]): string {
  return `Set(${names.join(', ')})`;
}

/** The setting a name refers to (its base for a listener-prefixed name), or undefined for a custom name. */
function defOf(name: string): { def: ConfigDef; prefixed: boolean } | undefined {
  const m = LISTENER_PREFIXED.exec(name);
  const base = m ? m[1]! : name;
  const def = BROKER_CONFIG_BY_NAME.get(base) ?? DYNAMIC_ONLY.get(base);
  return def ? { def, prefixed: m !== null } : undefined;
}

function isPerBroker(name: string, def: ConfigDef, prefixed: boolean): boolean {
  if (prefixed) return !CLUSTER_LEVEL_LISTENER_CONFIGS.has(def.name);
  return def.dynamic === 'per-broker';
}

/**
 * Why `props` (the whole new dynamic set of one BROKER resource) cannot be applied, or undefined.
 * `perBroker` is false for the cluster default; `current` gives the values thread counts move from
 * (without it, as when stored settings are loaded, thread counts are not compared).
 */
export function dynamicConfigProblem(props: Readonly<Record<string, string>>, perBroker: boolean, current?: BrokerConfig): string | undefined {
  const names = Object.keys(props);
  const known = names.map((n) => ({ name: n, found: defOf(n) }));
  const notDynamic = known.filter((k) => k.found && !k.found.prefixed && !k.found.def.dynamic && !DYNAMIC_ONLY.has(k.name)).map((k) => k.name);
  if (notDynamic.length > 0) return `Cannot update these configs dynamically: ${scalaSet(notDynamic)}`;
  const needPrefix = names.filter((n) => LISTENER_PREFIX_ONLY.has(n));
  if (needPrefix.length > 0) return `These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(needPrefix)}`;
  for (const { name, found } of known) {
    if (!found) continue;
    try {
      checkedConfigValue(found.def, props[name]!);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return `Invalid value ${props[name]} for configuration ${name}: ${e.message.slice(found.def.name.length + 2)}`;
    }
  }
  if (!perBroker) {
    const only = known.filter((k) => k.found && isPerBroker(k.name, k.found.def, k.found.prefixed)).map((k) => k.name);
    if (only.length > 0) return `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(only)}`;
  }
  return current ? threadCountProblem(props, current) : undefined;
}

function threadCountProblem(props: Readonly<Record<string, string>>, current: BrokerConfig): string | undefined {
  for (const name of THREAD_COUNTS) {
    if (props[name] === undefined) continue;
    const next = Number(props[name]);
    const old = current.int(name);
    if (next === old) continue;
    const prefix = `Dynamic thread count update validation failed for ${name}=${props[name]}`;
    if (next <= 0) return `${prefix}, value should be at least 1`;
    if (next < old / 2) return `${prefix}, value should be at least half the current value ${old}`;
    if (next > old * 2) return `${prefix}, value should not be greater than double the current value ${old}`;
  }
  if (props['log.cleaner.threads'] !== undefined) {
    const next = Number(props['log.cleaner.threads']);
    const old = current.int('log.cleaner.threads');
    if (next < 1) return 'Log cleaner threads should be at least 1';
    if (next < old / 2) return `Log cleaner threads cannot be reduced to less than half the current value ${old}`;
    if (next > old * 2) return `Log cleaner threads cannot be increased to more than double the current value ${old}`;
  }
  return undefined;
}

/** Whether a setting can change at runtime (DescribeConfigs reports the others read-only). */
export function isDynamicSetting(name: string): boolean {
  return BROKER_CONFIG_BY_NAME.get(name)?.dynamic !== undefined;
}
