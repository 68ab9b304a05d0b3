/**
 * Every Kafka-compatible tool, reachable as `gregor <name>`, `gregor <name>.sh`, and through the
 * `kafka-*` executables installed with Gregor (bin/kafka/).
 */
import type { Tool } from './tool.js';
import { kafkaTopics } from './kafka-topics.js';
import { kafkaConfigs } from './kafka-configs.js';
import { kafkaConsumerGroups } from './kafka-consumer-groups.js';
import { kafkaConsoleProducer } from './kafka-console-producer.js';
import { kafkaConsoleConsumer } from './kafka-console-consumer.js';
import { kafkaProducerPerfTest } from './kafka-producer-perf-test.js';
import { kafkaConsumerPerfTest } from './kafka-consumer-perf-test.js';
import { kafkaReassignPartitions } from './kafka-reassign-partitions.js';
import { kafkaAcls } from './kafka-acls.js';
import { kafkaShareGroups } from './kafka-share-groups.js';
import { kafkaConsoleShareConsumer } from './kafka-console-share-consumer.js';

export const TOOLS: readonly Tool[] = [
  kafkaTopics, kafkaConsoleProducer, kafkaConsoleConsumer, kafkaConsumerGroups, kafkaConfigs,
  kafkaProducerPerfTest, kafkaConsumerPerfTest, kafkaReassignPartitions, kafkaAcls, kafkaShareGroups, kafkaConsoleShareConsumer,
];

/** A tool by any of its names: kafka-topics, kafka-topics.sh, ./kafka-topics.sh, /path/kafka-topics.sh. */
export function findTool(name: string): Tool | undefined {
  const base = name.replace(/^.*\//, '').replace(/\.sh$/, '');
  return TOOLS.find((t) => t.name === base);
}
