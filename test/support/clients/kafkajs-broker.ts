/**
 * Test support: KafkaJS's internal `Broker` class (node_modules/kafkajs/src/broker), which sends
 * single hand-made requests (JoinGroup, SyncGroup, OffsetCommit, CreateTopics, ...) the way
 * KafkaJS's own integration tests do, with KafkaJS's request versions and encoders.
 *
 * KafkaJS ships these modules without types; the few methods the tests call are typed here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-require-imports */
const BrokerClass = require('kafkajs/src/broker') as new (o: object) => KafkajsBroker;
const ConnectionPool = require('kafkajs/src/network/connectionPool') as new (o: object) => object;
const socketFactory = (require('kafkajs/src/network/socketFactory') as () => unknown)();
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as { createLogger(o: object): unknown; LEVELS: { NOTHING: number } };
const LoggerConsole = require('kafkajs/src/loggers/console') as unknown;
const assignerProtocol = require('kafkajs/src/consumer/assignerProtocol') as {
  MemberMetadata: { encode(o: { version: number; topics: string[] }): Buffer };
  MemberAssignment: { encode(o: { version: number; assignment: Record<string, number[]> }): Buffer };
};

export const MemberMetadata = assignerProtocol.MemberMetadata;
export const MemberAssignment = assignerProtocol.MemberAssignment;

export interface KafkajsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(o: { groupId: string }): Promise<{ coordinator: { host: string; port: number } }>;
  joinGroup(o: {
    groupId: string; sessionTimeout: number; rebalanceTimeout?: number; memberId?: string;
    groupProtocols: { name: string; metadata: Buffer }[];
  }): Promise<{ generationId: number; memberId: string; leaderId: string }>;
  syncGroup(o: { groupId: string; generationId: number; memberId: string; groupAssignment: { memberId: string; memberAssignment: Buffer }[] }):
    Promise<{ errorCode: number; memberAssignment: Buffer }>;
  offsetCommit(o: {
    groupId: string; groupGenerationId: number; memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; errorCode: number }[] }[] }>;
  offsetFetch(o: { groupId: string; topics: { topic: string; partitions: { partition: number }[] }[] }):
    Promise<{ responses: { topic: string; partitions: { partition: number; offset: string; errorCode: number }[] }[] }>;
  createTopics(o: { topics: object[]; validateOnly?: boolean; timeout?: number }): Promise<{ topicErrors: { topic: string; errorCode: number; errorMessage?: string }[] }>;
  describeConfigs(o: { resources: { type: number; name: string; configNames?: string[] | null }[]; includeSynonyms?: boolean }):
    Promise<{ resources: { errorCode: number; configEntries: { configName: string; configValue: string; isDefault?: boolean; configSource?: number }[] }[] }>;
  produce(o: { acks?: number; timeout?: number; topicData: { topic: string; partitions: { partition: number; messages: { key?: string; value: string; timestamp?: number }[] }[] }[] }):
    Promise<{ topics: { topicName: string; partitions: { partition: number; errorCode: number }[] }[] }>;
}

const logger = createLogger({ level: LEVELS.NOTHING, logCreator: LoggerConsole });

/** A connected KafkaJS Broker for 127.0.0.1:port. */
export async function kafkajsBroker(port: number, clientId = 'gregor-test'): Promise<KafkajsBroker> {
  const connectionPool = new ConnectionPool({
    socketFactory, clientId, connectionTimeout: 3000, requestTimeout: 30000, logger, host: '127.0.0.1', port,
  });
  const broker = new BrokerClass({ connectionPool, logger });
  await broker.connect();
  return broker;
}
