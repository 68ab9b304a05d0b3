/**
 * EtcdView: a broker's local copy of the cluster metadata kept in etcd, built from one read of the
 * prefix and then advanced by the watch, event by event, in revision order. Each applied event
 * yields the MetadataChange to announce. Values that do not parse are skipped (and reported), so a
 * foreign or damaged key cannot stop a broker.
 *
 * The controller is part of the view too: the candidates of the controller election, and the one
 * whose key is oldest (lowest create revision) leads, exactly the rule etcd's election follows, so
 * every broker names the same controller once it has applied the same revisions.
 *
 * Contract: owned by the EtcdMetadataStore; plain data, no I/O.
 */
import type { AclBinding } from '../../protocol/acl/acl-binding.js';
import { ENTITY_TYPES, type BrokerEndpoint, type DynamicBrokerConfigs, type EntityType, type MetadataChange, type TopicMetadata } from '../../broker/metadata/metadata-store.js';
import type { EtcdKeys } from './etcd-keys.js';
import type { WatchedKv } from './etcd-watch.js';

export interface Versioned<T> {
  value: T;
  modRevision: string;
}

export class EtcdView {
  readonly topics = new Map<string, Versioned<TopicMetadata>>();
  readonly brokers = new Map<number, BrokerEndpoint>();
  readonly brokerConfigs: DynamicBrokerConfigs = { defaults: {}, byBroker: {} };
  readonly entities: Record<EntityType, Map<string, Record<string, string>>> = { users: new Map(), clients: new Map(), ips: new Map(), groups: new Map() };
  /** ACL bindings by their key id. */
  readonly acls = new Map<string, AclBinding>();
  clusterId: string | undefined;
  /** The etcd revision the view reflects. */
  revision = 0;
  /** Controller candidates by key: create revision and node id. */
  private readonly candidates = new Map<string, { createRevision: bigint; nodeId: number }>();
  /** Registered brokers whose candidacy ended: dying or leaving, given no new replicas. */
  private readonly leaving = new Set<number>();
  private controller = -1;

  constructor(private readonly keys: EtcdKeys, private readonly onBadValue: (key: string, e: unknown) => void) {}

  /** The keys of everything the view holds (to find what a fresh snapshot no longer has). */
  keysHeld(): string[] {
    return [
      ...[...this.topics.keys()].map((n) => this.keys.topic(n)),
      ...[...this.brokers.keys()].map((id) => this.keys.broker(id)),
      ...this.candidates.keys(),
      ...ENTITY_TYPES.flatMap((t) => [...this.entities[t].keys()].map((n) => this.keys.entityConfigs(t, n))),
      ...[...this.acls.keys()].map((id) => this.keys.acl(id)),
    ];
  }

  brokerList(): BrokerEndpoint[] {
    return [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /**
   * Registered brokers, less those whose election candidacy ended while they stayed registered:
   * a broker that died loses its two leases (registration and candidacy) up to a renewal period
   * apart, and one withdrawing for a controlled shutdown leaves the election first.
   */
  placeableBrokers(): BrokerEndpoint[] {
    return this.brokerList().filter((b) => !this.leaving.has(b.nodeId));
  }

  /** The node id of the oldest controller candidate, -1 while there is none. */
  controllerId(): number {
    return this.controller;
  }

  private recomputeController(): MetadataChange | undefined {
    let oldest: { createRevision: bigint; nodeId: number } | undefined;
    for (const c of this.candidates.values()) if (!oldest || c.createRevision < oldest.createRevision) oldest = c;
    const id = oldest?.nodeId ?? -1;
    if (id === this.controller) return undefined;
    this.controller = id;
    return { kind: 'controller', controllerId: id };
  }

  /** Applies a put; returns the change to announce, if it is one the broker cares about. */
  put(kv: WatchedKv): MetadataChange | undefined {
    const { key, value: raw, modRevision } = kv;
    const k = this.keys.parse(key);
    try {
      switch (k.kind) {
        case 'controller-candidate': {
          const text = raw.toString('utf8');
          if (!/^\d+$/.test(text)) throw new Error(`not a node id: ${text}`);
          this.candidates.set(key, { createRevision: BigInt(kv.createRevision), nodeId: Number(text) });
          this.leaving.delete(Number(text));
          return this.recomputeController();
        }
        case 'cluster-id':
          this.clusterId = raw.toString('utf8');
          return undefined;
        case 'broker': {
          const before = this.brokerList();
          if (!this.brokers.has(k.nodeId)) this.leaving.delete(k.nodeId);
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
        case 'entity-configs':
          this.entities[k.entityType].set(k.name, JSON.parse(raw.toString('utf8')) as Record<string, string>);
          return { kind: 'entityConfigs', entityType: k.entityType, name: k.name };
        case 'acl':
          this.acls.set(k.id, JSON.parse(raw.toString('utf8')) as AclBinding);
          return { kind: 'acls' };
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
      case 'controller-candidate': {
        const gone = this.candidates.get(key);
        this.candidates.delete(key);
        const stillCandidate = gone !== undefined && [...this.candidates.values()].some((c) => c.nodeId === gone.nodeId);
        if (gone && !stillCandidate && this.brokers.has(gone.nodeId)) this.leaving.add(gone.nodeId);
        return this.recomputeController();
      }
      case 'broker': {
        this.leaving.delete(k.nodeId);
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
      case 'entity-configs':
        if (!this.entities[k.entityType].delete(k.name)) return undefined;
        return { kind: 'entityConfigs', entityType: k.entityType, name: k.name };
      case 'acl':
        return this.acls.delete(k.id) ? { kind: 'acls' } : undefined;
      default:
        return undefined;
    }
  }
}
