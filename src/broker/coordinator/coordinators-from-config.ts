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
import { ASSIGNOR_CLASS_NAMES } from '../config/broker-config-defs.js';
import { ConfigError } from '../../common/config/config-def.js';
import { GroupConfigs } from '../group/group-configs.js';
import type { ConsumerGroupConfig } from '../group/consumer-groups/consumer-group-coordinator.js';

/** A setting that must lie within two others (Kafka's group.consumer.min/max pairs). */
function bounded(config: BrokerConfig, name: string, min: string, max: string): number {
  const v = config.int(name);
  if (v < config.int(min)) throw new ConfigError(name, `must be greater than or equal to ${min} (${config.int(min)})`);
  if (v > config.int(max)) throw new ConfigError(name, `must be less than or equal to ${max} (${config.int(max)})`);
  return v;
}

export function consumerGroupConfig(config: BrokerConfig): ConsumerGroupConfig {
  const sessionTimeoutMs = bounded(config, 'group.consumer.session.timeout.ms', 'group.consumer.min.session.timeout.ms', 'group.consumer.max.session.timeout.ms');
  const heartbeatIntervalMs = bounded(config, 'group.consumer.heartbeat.interval.ms', 'group.consumer.min.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms');
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new ConfigError('group.consumer.heartbeat.interval.ms', 'must be less than group.consumer.session.timeout.ms');
  const assignors = [...new Set((config.list('group.consumer.assignors') ?? []).map((a) => ASSIGNOR_CLASS_NAMES[a] ?? a))];
  return { sessionTimeoutMs, heartbeatIntervalMs, maxSize: config.int('group.consumer.max.size'), assignors, migrationPolicy: config.str('group.consumer.migration.policy') ?? 'bidirectional' };
}

/** A group's own numeric setting (GROUP config resources), undefined when it has none. */
function perGroup(configs: GroupConfigs): (groupId: string, name: string) => number | undefined {
  return (groupId, name) => {
    const v = configs.overrides(groupId)[name];
    return v === undefined ? undefined : Number(v);
  };
}

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
  const groupConfigs = new GroupConfigs(config, s.metadata);
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
    consumer: { ...consumerGroupConfig(config), perGroup: perGroup(groupConfigs) },
    share: {
      perGroup: perGroup(groupConfigs),
      sessionTimeoutMs: config.int('group.share.session.timeout.ms'),
      heartbeatIntervalMs: config.int('group.share.heartbeat.interval.ms'),
      maxSize: config.int('group.share.max.size'),
    },
    topics: () => s.metadata.topics().map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.length, internal: t.internal })),
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
