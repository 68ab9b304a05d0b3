/**
 * CreateTopics against a real broker: kafkajs's admin client (as in the crash-course seed), and raw
 * requests at chosen versions for exact error codes, validateOnly and the v5+ fields.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { ZERO_UUID } from '../../../src/protocol/wire/codec-support.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kafkajsAdmin, rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

let tb: TestBroker;
let admin: Admin;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker({ 'num.partitions': '3', 'log.segment.bytes': '2097152' });
  admin = await kafkajsAdmin(tb);
  raw = await rawClient(tb);
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

type Topic = { name: string; numPartitions?: number; replicationFactor?: number; assignments?: { partitionIndex: number; brokerIds: number[] }[]; configs?: { name: string; value: string | null }[] };

function createRequest(topics: Topic[], validateOnly = false) {
  return {
    topics: topics.map((t) => ({
      name: t.name, numPartitions: t.numPartitions ?? -1, replicationFactor: t.replicationFactor ?? -1,
      assignments: t.assignments ?? [], configs: t.configs ?? [],
    })),
    timeoutMs: 5000,
    validateOnly,
  };
}

test('kafkajs createTopics (the seed\'s call) creates a topic whose metadata shows its 2 partitions', async () => {
  const created = await admin.createTopics({ topics: [{ topic: 'users', numPartitions: 2 }] });
  assert.equal(created, true);
  const md = await admin.fetchTopicMetadata({ topics: ['users'] });
  assert.equal(md.topics[0]!.name, 'users');
  assert.deepEqual(md.topics[0]!.partitions.map((p) => p.partitionId).sort(), [0, 1]);
  assert.ok((await admin.listTopics()).includes('users'));
});

test('kafkajs createTopics of an existing topic reports false; raw v7 gives TOPIC_ALREADY_EXISTS with a message', async () => {
  assert.equal(await admin.createTopics({ topics: [{ topic: 'users', numPartitions: 2 }] }), false);
  const r = await raw.send(ApiKey.CreateTopics, 7, createRequest([{ name: 'users', numPartitions: 1 }]));
  const t = r.topics[0]!;
  assert.equal(t.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
  assert.match(t.errorMessage ?? '', /already exists/);
  assert.equal(t.numPartitions, -1);
  assert.equal(t.replicationFactor, -1);
  assert.equal(t.topicId, ZERO_UUID);
});

test('-1 takes num.partitions and the default replication factor; v5+ reports partitions, RF, topic id and effective configs', async () => {
  const r = await raw.send(ApiKey.CreateTopics, 7, createRequest([
    { name: 'defaults', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: 'compact, delete' }] },
  ]));
  const t = r.topics[0]!;
  assert.equal(t.errorCode, ErrorCode.NONE);
  assert.equal(t.errorMessage, null);
  assert.equal(t.numPartitions, 3);
  assert.equal(t.replicationFactor, 1);
  assert.notEqual(t.topicId, ZERO_UUID);
  const byName = new Map((t.configs ?? []).map((c) => [c.name, c]));
  assert.deepEqual(byName.get('retention.ms'), { name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false });
  assert.equal(byName.get('cleanup.policy')!.value, 'compact,delete');
  assert.deepEqual({ ...byName.get('segment.bytes') }, { name: 'segment.bytes', value: '2097152', readOnly: false, configSource: 4, isSensitive: false });
  assert.deepEqual({ ...byName.get('max.message.bytes') }, { name: 'max.message.bytes', value: '1048588', readOnly: false, configSource: 5, isSensitive: false });
  const md = await admin.fetchTopicMetadata({ topics: ['defaults'] });
  assert.equal(md.topics[0]!.partitions.length, 3);
});

test('errors per topic: replication factor, partitions, names, configs, duplicates, assignments', async () => {
  const r = await raw.send(ApiKey.CreateTopics, 5, createRequest([
    { name: 'too-many-replicas', numPartitions: 1, replicationFactor: 3 },
    { name: 'no-partitions', numPartitions: 0, replicationFactor: 1 },
    { name: 'bad name!', numPartitions: 1 },
    { name: 'unknown-config', configs: [{ name: 'no.such.config', value: '1' }] },
    { name: 'bad-value', configs: [{ name: 'retention.ms', value: 'soon' }] },
    { name: 'null-value', configs: [{ name: 'retention.ms', value: null }] },
    { name: 'twice' }, { name: 'twice' },
    { name: 'both-ways', numPartitions: 2, assignments: [{ partitionIndex: 0, brokerIds: [1] }] },
    { name: 'gap', assignments: [{ partitionIndex: 1, brokerIds: [1] }] },
  ]));
  const codes = Object.fromEntries(r.topics.map((t) => [t.name, t.errorCode]));
  assert.deepEqual(codes, {
    'too-many-replicas': ErrorCode.INVALID_REPLICATION_FACTOR,
    'no-partitions': ErrorCode.INVALID_PARTITIONS,
    'bad name!': ErrorCode.INVALID_TOPIC_EXCEPTION,
    'unknown-config': ErrorCode.INVALID_CONFIG,
    'bad-value': ErrorCode.INVALID_CONFIG,
    'null-value': ErrorCode.INVALID_CONFIG,
    twice: ErrorCode.INVALID_REQUEST,
    'both-ways': ErrorCode.INVALID_REQUEST,
    gap: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
  });
  assert.equal(r.topics.filter((t) => t.name === 'twice').length, 1, 'a duplicate name is reported once');
  assert.match(r.topics.find((t) => t.name === 'too-many-replicas')!.errorMessage ?? '', /replication factor of 3/);
  for (const t of r.topics) assert.equal(t.numPartitions, -1);
  const md = await raw.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const names = md.topics.map((t) => t.name);
  for (const t of r.topics) assert.ok(!names.includes(t.name), `${t.name} must not exist`);
});

test('manual assignments are checked as Kafka\'s controller checks them, with its messages', async () => {
  const r = await raw.send(ApiKey.CreateTopics, 7, createRequest([
    { name: 'unknown-broker', assignments: [{ partitionIndex: 0, brokerIds: [0, 1] }] },
    { name: 'empty-replicas', assignments: [{ partitionIndex: 0, brokerIds: [] }] },
    { name: 'same-broker-twice', assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] },
    { name: 'partition-twice', assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 0, brokerIds: [1] }] },
    { name: 'with-rf', replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] },
  ]));
  const byName = Object.fromEntries(r.topics.map((t) => [t.name, [t.errorCode, t.errorMessage]]));
  assert.deepEqual(byName, {
    'unknown-broker': [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 0, but no such broker is registered.'],
    'empty-replicas': [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
    'same-broker-twice': [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 1 more than once.'],
    'partition-twice': [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Found multiple manual partition assignments for partition 0'],
    'with-rf': [ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.'],
  });
});

test('manual assignments decide the partition count', async () => {
  const r = await raw.send(ApiKey.CreateTopics, 7, createRequest([
    { name: 'assigned', assignments: [0, 1, 2, 3].map((i) => ({ partitionIndex: i, brokerIds: [1] })) },
  ]));
  assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
  assert.equal(r.topics[0]!.numPartitions, 4);
  const md = await admin.fetchTopicMetadata({ topics: ['assigned'] });
  assert.equal(md.topics[0]!.partitions.length, 4);
});

test('validateOnly checks and reports but creates nothing (kafkajs and raw)', async () => {
  assert.equal(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'dry-run', numPartitions: 5 }] }), true);
  const r = await raw.send(ApiKey.CreateTopics, 7, createRequest([{ name: 'dry-run-raw', numPartitions: 5 }], true));
  assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
  assert.equal(r.topics[0]!.numPartitions, 5);
  const invalid = await raw.send(ApiKey.CreateTopics, 7, createRequest([{ name: 'dry-run-bad', numPartitions: 1, replicationFactor: 2 }], true));
  assert.equal(invalid.topics[0]!.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  const topics = await admin.listTopics();
  assert.ok(!topics.includes('dry-run') && !topics.includes('dry-run-raw'));
});

test('kafkajs configEntries become topic overrides', async () => {
  await admin.createTopics({ topics: [{ topic: 'with-configs', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
  const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'with-configs', configNames: ['retention.ms'] }] });
  assert.equal(d.resources[0]!.configEntries[0]!.configValue, '60000');
});

test('old versions: v0 (no error message) and v1 validateOnly still work', async () => {
  const v0 = await raw.send(ApiKey.CreateTopics, 0, createRequest([{ name: 'old-v0', numPartitions: 1, replicationFactor: 1 }, { name: 'users', numPartitions: 1, replicationFactor: 1 }]));
  assert.deepEqual(v0.topics.map((t) => [t.name, t.errorCode]), [['old-v0', ErrorCode.NONE], ['users', ErrorCode.TOPIC_ALREADY_EXISTS]]);
  const v1 = await raw.send(ApiKey.CreateTopics, 1, createRequest([{ name: 'old-v1', numPartitions: 1, replicationFactor: 1 }], true));
  assert.equal(v1.topics[0]!.errorCode, ErrorCode.NONE);
  assert.ok(!(await admin.listTopics()).includes('old-v1'));
});
