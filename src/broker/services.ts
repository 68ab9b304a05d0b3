/**
 * The broker's services as handlers see them. One object per broker, built at startup; each
 * service owns its own state.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { LogManager } from '../storage/log-manager.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { DynamicConfigManager } from './config/dynamic-config-manager.js';
import type { HandlerRegistry } from './handlers/handler-registry.js';
import type { MetadataStore } from './metadata/metadata-store.js';
import type { ReplicaManager } from './replica/replica-manager.js';
import type { TopicManager } from './topics/topic-manager.js';
import type { ReassignmentManager } from './topics/reassignment-manager.js';
import type { FetchSessionCache } from './fetch/fetch-session-cache.js';
import type { ReadBufferPool } from '../storage/read-buffer-pool.js';
import type { GroupCoordinator } from './group/group-coordinator.js';
import type { SharePartitionManager } from './group/share-groups/share-partition-manager.js';
import type { InternalTopicLog } from './coordinator/internal-topic-log.js';
import type { ProducerIdManager } from './producer/producer-id-manager.js';
import type { InitProducerIdRequest } from '../protocol/generated/messages/InitProducerIdRequest.js';
import type { InitProducerIdResponse } from '../protocol/generated/messages/InitProducerIdResponse.js';
import type { TopicPartitionRef, TransactionMetadata } from './txn/txn-metadata.js';
import type { Authorizer } from './security/acl/authorizer.js';
import type { QuotaManager } from './quota/quota-manager.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';
import type { SchemaIds } from './produce/schema-validation.js';

/** What the transaction coordinator offers other handlers. */
export interface TransactionService {
  initProducerId(request: InitProducerIdRequest, version: number): Promise<InitProducerIdResponse>;
  addPartitions(
    transactionalId: string, producerId: bigint, epoch: number, partitions: TopicPartitionRef[], version: number,
    exists: (p: TopicPartitionRef) => boolean,
  ): Promise<Map<string, number>>;
  addOffsets(transactionalId: string, producerId: bigint, epoch: number, groupId: string, version: number): Promise<number>;
  endTxn(transactionalId: string, producerId: bigint, epoch: number, commit: boolean, version: number): Promise<number>;
  get(transactionalId: string): TransactionMetadata | undefined;
  /** NOT_COORDINATOR when this broker does not coordinate the id. */
  coordinatorError(transactionalId: string): number;
  all(): TransactionMetadata[];
}

export interface BrokerServices {
  nodeId: number;
  config: BrokerConfig;
  dynamicConfig: DynamicConfigManager;
  clock: Clock;
  logger: Logger;
  metadata: MetadataStore;
  logs: LogManager;
  replicas: ReplicaManager;
  topics: TopicManager;
  reassignments: ReassignmentManager;
  fetchSessions: FetchSessionCache;
  /** Buffers fetches read record bytes into, given back once each response is written. */
  readBuffers: ReadBufferPool;
  handlers: HandlerRegistry;
  /** ACL authorization (allows everything unless authorizer.class.name is set). */
  authorizer: Authorizer;
  /** Client quotas (producer/consumer byte rates, request time, controller mutations). */
  quotas: QuotaManager;
  /** The broker's metrics (served on /metrics). */
  metrics: BrokerMetrics;
  groups: GroupCoordinator;
  /** Share groups' share-partition state for the partitions this broker leads. */
  shares: SharePartitionManager;
  producerIds: ProducerIdManager;
  /** The schema registry's ids, for topics that validate records against it. */
  schemaIds?: SchemaIds;
  /** __transaction_state and the transaction coordinator, once they exist. */
  transactionLog?: InternalTopicLog;
  transactions?: TransactionService;
}
