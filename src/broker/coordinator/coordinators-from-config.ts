/**
 * Building the group and transaction coordinators from broker configuration: their internal
 * topics' settings (__consumer_offsets, __transaction_state) and their timeouts. Used by the
 * broker at startup and by tests that assemble a coordinator without a network.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { ProducerIdManager } from '../producer/producer-id-manager.js';
import { GroupCoordinator } from '../group/group-coordinator.js';
import { TransactionCoordinator } from '../txn/transaction-coordinator.js';
import { InternalTopicLog } from './internal-topic-log.js';
import type { MarkerChannel } from '../txn/txn-markers.js';

export function groupCoordinatorFromConfig(
  config: BrokerConfig,
  s: { metadata: MetadataStore; topics: TopicManager; replicas: ReplicaManager; clock: Clock; logger: Logger },
): GroupCoordinator {
  const log = new InternalTopicLog({
    name: '__consumer_offsets',
    partitions: config.int('offsets.topic.num.partitions'),
    replicationFactor: config.int('offsets.topic.replication.factor'),
    replicationFactorSetting: 'offsets.topic.replication.factor',
    capAtLiveBrokers: config.str('metadata.store') === 'embedded',
    configs: {
      'cleanup.policy': 'compact',
      'compression.type': 'producer',
      'segment.bytes': String(config.int('offsets.topic.segment.bytes')),
    },
  }, s.metadata, s.topics, s.replicas, s.clock);
  return new GroupCoordinator({
    clock: s.clock,
    logger: s.logger,
    log,
    membership: {
      minSessionTimeoutMs: config.int('group.min.session.timeout.ms'),
      maxSessionTimeoutMs: config.int('group.max.session.timeout.ms'),
      initialRebalanceDelayMs: config.int('group.initial.rebalance.delay.ms'),
      maxGroupSize: config.int('group.max.size'),
    },
    offsets: {
      maxMetadataBytes: config.int('offset.metadata.max.bytes'),
      retentionMs: config.int('offsets.retention.minutes') * 60_000,
    },
    retentionCheckIntervalMs: config.int('offsets.retention.check.interval.ms'),
  });
}

export function transactionCoordinatorFromConfig(
  config: BrokerConfig,
  s: {
    metadata: MetadataStore; topics: TopicManager; replicas: ReplicaManager; clock: Clock; logger: Logger; groups: GroupCoordinator;
    producerIds: ProducerIdManager; markers?: MarkerChannel;
  },
): TransactionCoordinator {
  const log = new InternalTopicLog({
    name: '__transaction_state',
    partitions: config.int('transaction.state.log.num.partitions'),
    replicationFactor: config.int('transaction.state.log.replication.factor'),
    replicationFactorSetting: 'transaction.state.log.replication.factor',
    capAtLiveBrokers: config.str('metadata.store') === 'embedded',
    configs: {
      'cleanup.policy': 'compact',
      'compression.type': 'uncompressed',
      'segment.bytes': String(config.int('transaction.state.log.segment.bytes')),
      // capped at the replication factor the topic gets, when it is created
      'min.insync.replicas': String(config.int('transaction.state.log.min.isr')),
    },
  }, s.metadata, s.topics, s.replicas, s.clock);
  return new TransactionCoordinator({
    clock: s.clock, logger: s.logger, log, replicas: s.replicas, groups: s.groups, producerIds: s.producerIds,
    metadata: s.metadata, nodeId: config.nodeId, markers: s.markers,
    maxTimeoutMs: config.int('transaction.max.timeout.ms'),
    idExpirationMs: config.int('transactional.id.expiration.ms'),
    abortCheckIntervalMs: config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
  });
}
