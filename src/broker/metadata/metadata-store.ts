/**
 * The cluster metadata the broker serves from: the cluster id, the live brokers, the controller,
 * and every topic with its id, partitions (replicas, leader, leader epoch, in-sync replicas,
 * partition epoch) and configuration overrides, plus dynamic broker configs and producer-id blocks.
 *
 * The broker depends only on this interface; the cluster layer implements it (embedded on one
 * node, etcd on many) and the command that starts the broker wires one in.
 *
 * Reads are synchronous, from the store's local view, which only ever moves forward: every applied
 * change raises `epoch` and is announced to the `onChange` listeners, in order, after the view has
 * changed. A change made through this interface resolves once it is durable in the store and
 * applied to the local view (so a caller sees its own write). Writes that must not race carry what
 * they expect (partition epochs) and are refused when the store has moved on.
 */
export interface PartitionMetadata {
  partition: number;
  replicas: number[];
  isr: number[];
  /** The leader's node id, -1 when the partition has none (offline). */
  leader: number;
  /** Raised with every change of leader. */
  leaderEpoch: number;
  /** Raised with every change of the partition (leader, ISR, replicas): what AlterPartition compares. */
  partitionEpoch: number;
  /**
   * While the partition is being reassigned (AlterPartitionReassignments): the replicas joining
   * and the replicas leaving. `replicas` then holds both the target replicas and the leaving ones.
   * Absent or empty when no reassignment is in progress.
   */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

export interface TopicMetadata {
  name: string;
  topicId: string; // 22-character base64url UUID
  internal: boolean;
  partitions: PartitionMetadata[];
  configs: Record<string, string>;
}

export interface ListenerEndpoint {
  name: string;
  host: string;
  port: number;
}

export interface BrokerEndpoint {
  nodeId: number;
  /** The endpoint other brokers and (by default) clients reach this broker on. */
  host: string;
  port: number;
  rack: string | null;
  /** Every advertised listener, by name (Metadata answers with the client's own listener). */
  listeners?: ListenerEndpoint[];
  /** The broker's HTTP listener (http://host:port), where other brokers send it topic queries. */
  http?: string;
}

/** What changed in the view (announced after the view has changed). */
export type MetadataChange =
  | { kind: 'topic'; name: string; before: TopicMetadata | undefined; after: TopicMetadata | undefined }
  | { kind: 'brokers'; before: BrokerEndpoint[]; after: BrokerEndpoint[] }
  | { kind: 'controller'; controllerId: number }
  | { kind: 'brokerConfigs' }
  | { kind: 'entityConfigs'; entityType: EntityType; name: string }
  | { kind: 'acls' };

/**
 * Kafka's client entities that carry settings of their own: users (SCRAM credentials, quotas),
 * client ids and IP addresses (quotas). A user+client pair is the user entity named
 * `<user>/clients/<client>`; `<default>` names the default entity, as in Kafka's config paths.
 * Groups carry the group-level settings of Kafka's GROUP config resources (KIP-848, KIP-932).
 */
export type EntityType = 'users' | 'clients' | 'ips' | 'groups';
export const ENTITY_TYPES: readonly EntityType[] = ['users', 'clients', 'ips', 'groups'];
/** The entity types client quotas apply to. */
export const QUOTA_ENTITY_TYPES: readonly EntityType[] = ['users', 'clients', 'ips'];
export const DEFAULT_ENTITY = '<default>';

/** A partition change that applies only if the partition is still at `expectedEpoch`. */
export interface PartitionUpdate {
  expectedEpoch: number;
  next: PartitionMetadata;
}

/** A write the store refused because the metadata moved on (a stale controller or leader). */
export class StaleMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleMetadataError';
  }
}

/** A controller write refused because this broker is not (or no longer) the controller. */
export class NotControllerError extends StaleMetadataError {
  constructor(message: string) {
    super(message);
    this.name = 'NotControllerError';
  }
}

/** The store cannot be reached or did not answer in time; the change may be retried. */
export class MetadataUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataUnavailableError';
  }
}

/**
 * Dynamic broker configuration (Kafka's BROKER config resources): the cluster-wide defaults and
 * each broker's own settings, by node id.
 */
export interface DynamicBrokerConfigs {
  defaults: Record<string, string>;
  byBroker: Record<string, Record<string, string>>;
}

import type { AclBinding } from '../../protocol/acl/acl-binding.js';

export interface MetadataStore {
  readonly clusterId: string;
  /** Raised by every change applied to the local view. */
  readonly epoch: number;
  /** The live (registered) brokers. */
  brokers(): BrokerEndpoint[];
  /**
   * The brokers new replicas may be placed on: the live ones, less any that is on its way out
   * (in a cluster: its controller candidacy ended while it is still registered, as when it has
   * just died and one of its two leases lapsed before the other, or is shutting down).
   */
  placeableBrokers(): BrokerEndpoint[];
  /** The elected controller, -1 while none is known. */
  controllerId(): number;
  topics(): TopicMetadata[];
  topic(name: string): TopicMetadata | undefined;
  topicById(topicId: string): TopicMetadata | undefined;
  createTopic(topic: TopicMetadata): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  addPartitions(name: string, partitions: PartitionMetadata[]): Promise<void>;
  /**
   * Replaces existing partitions of a topic, each only if it is still at its expected partition
   * epoch; rejects with StaleMetadataError otherwise (and then changes none of them).
   */
  updatePartitions(name: string, updates: PartitionUpdate[]): Promise<void>;
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<void>;
  dynamicBrokerConfigs(): DynamicBrokerConfigs;
  /** Replaces the dynamic settings of one broker (`nodeId`) or, with null, the cluster defaults. */
  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>): Promise<void>;
  /** Settings of every entity of a type, by entity name (empty entities are absent). */
  entityConfigs(entityType: EntityType): Record<string, Record<string, string>>;
  /** Replaces one entity's settings; an empty record removes the entity. */
  setEntityConfigs(entityType: EntityType, name: string, configs: Record<string, string>): Promise<void>;
  /** Every ACL binding (see broker/security/acl/acl-binding.ts). */
  acls(): AclBinding[];
  /** Adds bindings (one already present stays once). */
  addAcls(bindings: readonly AclBinding[]): Promise<void>;
  /** Removes bindings (absent ones are ignored). */
  removeAcls(bindings: readonly AclBinding[]): Promise<void>;
  /** Reserves `size` producer ids, durably and never twice; resolves to the first of them. */
  allocateProducerIds(size: number): Promise<bigint>;
  /** Calls `listener` after every change of the local view, in order. */
  onChange(listener: (change: MetadataChange) => void): void;
  /** Resolves once `condition` holds for the local view (checked now and after each change), or rejects after timeoutMs. */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<void>;
  /** Announces this broker as live (after its logs are loaded); a second broker with its node id is refused. */
  register(): Promise<void>;
  /** Stops watching and withdraws this broker's registration. */
  close(): Promise<void>;
}
