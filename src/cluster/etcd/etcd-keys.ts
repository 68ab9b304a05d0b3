/**
 * Where Gregor's cluster metadata lives in etcd, under one prefix per cluster (so several clusters
 * can share one etcd). Every value is JSON except the cluster id and the producer-id counter.
 *
 *   <prefix>/cluster-id                      the cluster id (22-character base64url)
 *   <prefix>/brokers/<node id>               BrokerEndpoint of a live broker, under its lease
 *   <prefix>/topics/<topic name>             TopicMetadata: id, configs and every partition
 *   <prefix>/configs/brokers/<id|<default>>  dynamic broker configs of one broker / the default
 *   <prefix>/configs/<users|clients|ips>/<name>  settings of a client entity (SCRAM credentials,
 *                                            quotas); a user+client pair is <user>/clients/<client>
 *   <prefix>/acls/<hash of the binding>     one ACL binding (JSON)
 *   <prefix>/producer-ids                    first producer id not yet handed out (decimal)
 *   <prefix>/election/controller/<lease>     controller candidates (value: node id), each under its
 *                                            campaign's lease; the oldest key (lowest create
 *                                            revision) is the controller
 *
 * A topic is one key so that creating it (with all its partitions) is a single atomic put and
 * any change to it is a compare-and-swap on that key's modification revision.
 */
import { ENTITY_TYPES, type EntityType } from '../../broker/metadata/metadata-store.js';

export const DEFAULT_CONFIG_KEY = '<default>';

export type KeyKind =
  | { kind: 'cluster-id' }
  | { kind: 'broker'; nodeId: number }
  | { kind: 'topic'; name: string }
  | { kind: 'broker-configs'; nodeId: number | null }
  | { kind: 'entity-configs'; entityType: EntityType; name: string }
  | { kind: 'acl'; id: string }
  | { kind: 'producer-ids' }
  | { kind: 'controller-candidate' }
  | { kind: 'other' };

export class EtcdKeys {
  readonly root: string;

  constructor(prefix: string) {
    this.root = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  }

  get clusterId(): string {
    return `${this.root}/cluster-id`;
  }

  broker(nodeId: number): string {
    return `${this.root}/brokers/${nodeId}`;
  }

  topic(name: string): string {
    return `${this.root}/topics/${name}`;
  }

  brokerConfigs(nodeId: number | null): string {
    return `${this.root}/configs/brokers/${nodeId === null ? DEFAULT_CONFIG_KEY : nodeId}`;
  }

  entityConfigs(entityType: EntityType, name: string): string {
    return `${this.root}/configs/${entityType}/${name}`;
  }

  acl(id: string): string {
    return `${this.root}/acls/${id}`;
  }

  get producerIds(): string {
    return `${this.root}/producer-ids`;
  }

  /** The namespace the controller election runs in. */
  get electionNamespace(): string {
    return `${this.root}/`;
  }

  /** Everything of this cluster (for the initial read and the watch). */
  get all(): string {
    return `${this.root}/`;
  }

  parse(key: string): KeyKind {
    if (!key.startsWith(`${this.root}/`)) return { kind: 'other' };
    const rest = key.slice(this.root.length + 1);
    if (rest === 'cluster-id') return { kind: 'cluster-id' };
    if (rest === 'producer-ids') return { kind: 'producer-ids' };
    const [head, ...tail] = rest.split('/');
    const name = tail.join('/');
    if (head === 'brokers' && /^\d+$/.test(name)) return { kind: 'broker', nodeId: Number(name) };
    if (head === 'topics' && name !== '') return { kind: 'topic', name };
    if (head === 'election' && tail[0] === 'controller' && tail.length === 2 && tail[1] !== '') return { kind: 'controller-candidate' };
    if (head === 'configs' && tail[0] === 'brokers' && tail.length === 2) {
      const id = tail[1]!;
      if (id === DEFAULT_CONFIG_KEY) return { kind: 'broker-configs', nodeId: null };
      if (/^\d+$/.test(id)) return { kind: 'broker-configs', nodeId: Number(id) };
    }
    if (head === 'acls' && tail.length === 1 && tail[0] !== '') return { kind: 'acl', id: tail[0]! };
    if (head === 'configs' && ENTITY_TYPES.includes(tail[0] as EntityType) && tail.length >= 2 && tail[1] !== '') {
      return { kind: 'entity-configs', entityType: tail[0] as EntityType, name: tail.slice(1).join('/') };
    }
    return { kind: 'other' };
  }
}
