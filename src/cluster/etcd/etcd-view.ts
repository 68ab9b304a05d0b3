/**
 * EtcdView: a broker's local copy of the cluster metadata kept in etcd, built from one read of the
 * prefix and then advanced by the watch, event by event, in revision order. Each applied event
 * yields the MetadataChange to announce. Values that do not parse are skipped (and reported), so a
 * foreign or damaged key cannot stop a broker.
 *
 * Contract: owned by the EtcdMetadataStore; plain data, no I/O.
 */
import type { BrokerEndpoint, DynamicBrokerConfigs, MetadataChange, TopicMetadata } from '../../broker/metadata/metadata-store.js';
import type { EtcdKeys } from './etcd-keys.js';

export interface Versioned<T> {
  value: T;
  modRevision: string;
}

export class EtcdView {
  readonly topics = new Map<string, Versioned<TopicMetadata>>();
  readonly brokers = new Map<number, BrokerEndpoint>();
  readonly brokerConfigs: DynamicBrokerConfigs = { defaults: {}, byBroker: {} };
  clusterId: string | undefined;
  /** The etcd revision the view reflects. */
  revision = 0;

  constructor(private readonly keys: EtcdKeys, private readonly onBadValue: (key: string, e: unknown) => void) {}

  brokerList(): BrokerEndpoint[] {
    return [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /** Applies a put; returns the change to announce, if it is one the broker cares about. */
  put(key: string, raw: Buffer, modRevision: string): MetadataChange | undefined {
    const k = this.keys.parse(key);
    try {
      switch (k.kind) {
        case 'cluster-id':
          this.clusterId = raw.toString('utf8');
          return undefined;
        case 'broker': {
          const before = this.brokerList();
          this.brokers.set(k.nodeId, JSON.parse(raw.toString('utf8')) as BrokerEndpoint);
          return { kind: 'brokers', before, after: this.brokerList() };
        }
        case 'topic': {
          const before = this.topics.get(k.name)?.value;
          const after = JSON.parse(raw.toString('utf8')) as TopicMetadata;
          this.topics.set(k.name, { value: after, modRevision });
          return { kind: 'topic', name: k.name, before, after };
        }
        case 'broker-configs': {
          const configs = JSON.parse(raw.toString('utf8')) as Record<string, string>;
          if (k.nodeId === null) this.brokerConfigs.defaults = configs;
          else this.brokerConfigs.byBroker[String(k.nodeId)] = configs;
          return { kind: 'brokerConfigs' };
        }
        default:
          return undefined;
      }
    } catch (e) {
      this.onBadValue(key, e);
      return undefined;
    }
  }

  /** Applies a delete; returns the change to announce, if any. */
  delete(key: string): MetadataChange | undefined {
    const k = this.keys.parse(key);
    switch (k.kind) {
      case 'broker': {
        if (!this.brokers.has(k.nodeId)) return undefined;
        const before = this.brokerList();
        this.brokers.delete(k.nodeId);
        return { kind: 'brokers', before, after: this.brokerList() };
      }
      case 'topic': {
        const before = this.topics.get(k.name)?.value;
        if (!before) return undefined;
        this.topics.delete(k.name);
        return { kind: 'topic', name: k.name, before, after: undefined };
      }
      case 'broker-configs':
        if (k.nodeId === null) this.brokerConfigs.defaults = {};
        else delete this.brokerConfigs.byBroker[String(k.nodeId)];
        return { kind: 'brokerConfigs' };
      default:
        return undefined;
    }
  }
}
