/**
 * The broker's services as handlers see them. One object per broker, built at startup; each
 * service owns its own state.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { LogManager } from '../storage/log-manager.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { HandlerRegistry } from './handlers/handler-registry.js';
import type { MetadataStore } from './metadata/metadata-store.js';
import type { ReplicaManager } from './replica/replica-manager.js';
import type { TopicManager } from './topics/topic-manager.js';
import type { FetchSessionCache } from './fetch/fetch-session-cache.js';
import type { GroupCoordinator } from './group/group-coordinator.js';
import type { InternalTopicLog } from './coordinator/internal-topic-log.js';

export interface BrokerServices {
  nodeId: number;
  config: BrokerConfig;
  clock: Clock;
  logger: Logger;
  metadata: MetadataStore;
  logs: LogManager;
  replicas: ReplicaManager;
  topics: TopicManager;
  fetchSessions: FetchSessionCache;
  handlers: HandlerRegistry;
  groups: GroupCoordinator;
  /** __transaction_state, once the transaction coordinator exists. */
  transactionLog?: InternalTopicLog;
}
