/**
 * Group-level settings (Kafka's GROUP config resources, KIP-848 and KIP-932): a group may override
 * the broker's defaults for its sessions and heartbeats, and a share group chooses where it starts
 * reading and how long its acquisition locks last. Stored as the group's entity settings in the
 * cluster metadata (so every broker sees them); set with IncrementalAlterConfigs / AlterConfigs
 * and read with DescribeConfigs on resource type GROUP (32), e.g.
 * `kafka-configs --entity-type groups --entity-name G --alter --add-config share.auto.offset.reset=earliest`.
 *
 * Each setting's default is the broker setting named in `brokerDefault`; a group value must lie
 * within the broker's min/max where Kafka has them.
 */
import { ConfigError, oneOf, parseConfigValue, type ConfigDef } from '../../common/config/config-def.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { MetadataStore } from '../metadata/metadata-store.js';

interface GroupConfigDef extends ConfigDef {
  /** The broker setting that is the default; absent when the default is `default`. */
  brokerDefault?: string;
  /** Broker settings bounding the value (inclusive). */
  bounds?: [string, string];
}

export const GROUP_CONFIG_DEFS: readonly GroupConfigDef[] = [
  { name: 'consumer.session.timeout.ms', type: 'int', default: '45000', brokerDefault: 'group.consumer.session.timeout.ms',
    bounds: ['group.consumer.min.session.timeout.ms', 'group.consumer.max.session.timeout.ms'], doc: 'Session timeout of this consumer-protocol group\'s members.' },
  { name: 'consumer.heartbeat.interval.ms', type: 'int', default: '5000', brokerDefault: 'group.consumer.heartbeat.interval.ms',
    bounds: ['group.consumer.min.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms'], doc: 'Heartbeat interval of this consumer-protocol group\'s members.' },
  { name: 'share.session.timeout.ms', type: 'int', default: '45000', brokerDefault: 'group.share.session.timeout.ms', doc: 'Session timeout of this share group\'s members.' },
  { name: 'share.heartbeat.interval.ms', type: 'int', default: '5000', brokerDefault: 'group.share.heartbeat.interval.ms', doc: 'Heartbeat interval of this share group\'s members.' },
  { name: 'share.record.lock.duration.ms', type: 'int', default: '30000', brokerDefault: 'group.share.record.lock.duration.ms', doc: 'Acquisition lock duration of this share group\'s records.' },
  { name: 'share.auto.offset.reset', type: 'string', default: 'latest', validate: oneOf('latest', 'earliest'),
    doc: 'Where a share group starts reading a partition it has no state for: latest (new records only) or earliest.' },
];

const BY_NAME = new Map(GROUP_CONFIG_DEFS.map((d) => [d.name, d]));

/** The problem with setting `name` to `text` for a group, or undefined. */
export function groupConfigProblem(config: BrokerConfig, name: string, text: string): string | undefined {
  const def = BY_NAME.get(name);
  if (!def) return `Unknown group config name: ${name}`;
  try {
    const v = parseConfigValue(def, text);
    const problem = def.validate?.(v);
    if (problem) return `Invalid value ${text} for configuration ${name}: ${problem}`;
    if (def.bounds && typeof v === 'number') {
      const [min, max] = def.bounds.map((b) => config.int(b)) as [number, number];
      if (v < min || v > max) return `Invalid value ${text} for configuration ${name}: it must be between ${min} and ${max} (${def.bounds.join(' and ')})`;
    }
    return undefined;
  } catch (e) {
    return e instanceof ConfigError ? e.message : String(e);
  }
}

/** A group's effective settings: its overrides, else the broker defaults. */
export class GroupConfigs {
  /** Every group's settings as of metadata epoch `seenEpoch` (reading them copies them all). */
  private cached: Record<string, Record<string, string>> = {};
  private seenEpoch = -1;

  constructor(private readonly config: BrokerConfig, private readonly metadata: MetadataStore) {}

  overrides(groupId: string): Record<string, string> {
    if (this.seenEpoch !== this.metadata.epoch) {
      this.cached = this.metadata.entityConfigs('groups');
      this.seenEpoch = this.metadata.epoch;
    }
    return this.cached[groupId] ?? {};
  }

  text(groupId: string, name: string): string {
    const override = this.overrides(groupId)[name];
    if (override !== undefined) return override;
    const def = BY_NAME.get(name)!;
    return def.brokerDefault ? String(this.config.int(def.brokerDefault)) : (def.default ?? '');
  }

  int(groupId: string, name: string): number {
    return Number(this.text(groupId, name));
  }
}
