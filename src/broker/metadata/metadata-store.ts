/**
 * The cluster metadata the broker serves from: the cluster id, brokers, and every topic with its
 * id, partitions (replicas, leader, leader epoch, in-sync replicas) and configuration overrides.
 *
 * The broker depends only on this interface; the cluster layer implements it (embedded on one
 * node, a consensus store on many) and the command that starts the broker wires one in. Every
 * change resolves only once it is durable.
 */
export interface PartitionMetadata {
  partition: number;
  replicas: number[];
  isr: number[];
  leader: number;
  leaderEpoch: number;
}

export interface TopicMetadata {
  name: string;
  topicId: string; // 22-character base64url UUID
  internal: boolean;
  partitions: PartitionMetadata[];
  configs: Record<string, string>;
}

export interface BrokerEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/**
 * Dynamic broker configuration (Kafka's BROKER config resources): the cluster-wide defaults and
 * each broker's own settings, by node id.
 */
export interface DynamicBrokerConfigs {
  defaults: Record<string, string>;
  byBroker: Record<string, Record<string, string>>;
}

export interface MetadataStore {
  readonly clusterId: string;
  brokers(): BrokerEndpoint[];
  controllerId(): number;
  topics(): TopicMetadata[];
  topic(name: string): TopicMetadata | undefined;
  topicById(topicId: string): TopicMetadata | undefined;
  createTopic(topic: TopicMetadata): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  addPartitions(name: string, partitions: PartitionMetadata[]): Promise<void>;
  /** Replaces existing partitions of a topic (leader, leader epoch, ISR, replicas). */
  updatePartitions(name: string, partitions: PartitionMetadata[]): Promise<void>;
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<void>;
  dynamicBrokerConfigs(): DynamicBrokerConfigs;
  /** Replaces the dynamic settings of one broker (`nodeId`) or, with null, the cluster defaults. */
  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>): Promise<void>;
  /** Reserves `size` producer ids, durably and never twice; resolves to the first of them. */
  allocateProducerIds(size: number): Promise<bigint>;
}
