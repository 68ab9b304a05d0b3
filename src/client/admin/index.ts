/** The admin client: topics, configs, groups, offsets and the cluster, over a KafkaClient. */
export * from './admin.js';
export { CONFIG_SOURCE_NAMES } from './configs.js';
export { decodeConsumerAssignment, decodeConsumerSubscription, type ConsumerAssignment, type ConsumerSubscription } from './consumer-protocol.js';
