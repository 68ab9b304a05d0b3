/**
 * CreatePartitions against a real broker: kafkajs's createPartitions, the errors for counts that
 * are not increases and unknown topics, assignments, validateOnly and duplicates (raw requests).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kafkajsAdmin, kafkajsErrorType, rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

let tb: TestBroker;
let admin: Admin;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker();
  admin = await kafkajsAdmin(tb);
  raw = await rawClient(tb);
  await admin.createTopics({ topics: [{ topic: 'grows', numPartitions: 2 }, { topic: 'fixed', numPartitions: 3 }] });
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

async function partitionCount(topic: string): Promise<number> {
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  return md.topics[0]!.partitions.length;
}

test('kafkajs createPartitions grows a topic; the new partitions are served and stored', async () => {
  await admin.createPartitions({ topicPartitions: [{ topic: 'grows', count: 4 }] });
  assert.equal(await partitionCount('grows'), 4);
  assert.ok(existsSync(join(tb.dataDir, 'grows-3')));
});

test('a count that is not an increase gets INVALID_PARTITIONS; an unknown topic UNKNOWN_TOPIC_OR_PARTITION', async () => {
  assert.equal(await kafkajsErrorType(() => admin.createPartitions({ topicPartitions: [{ topic: 'fixed', count: 2 }] })), 'INVALID_PARTITIONS');
  assert.equal(await kafkajsErrorType(() => admin.createPartitions({ topicPartitions: [{ topic: 'fixed', count: 3 }] })), 'INVALID_PARTITIONS');
  const r = await raw.send(ApiKey.CreatePartitions, 3, {
    topics: [{ name: 'fixed', count: 1, assignments: null }, { name: 'absent', count: 5, assignments: null }], timeoutMs: 5000, validateOnly: false,
  });
  assert.deepEqual(r.results.map((x) => [x.name, x.errorCode]), [['fixed', ErrorCode.INVALID_PARTITIONS], ['absent', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
  assert.ok((r.results[0]!.errorMessage ?? '').length > 0);
  assert.equal(await partitionCount('fixed'), 3);
});

test('assignments: one per new partition on known brokers, else INVALID_REPLICA_ASSIGNMENT', async () => {
  const bad = await raw.send(ApiKey.CreatePartitions, 1, {
    topics: [
      { name: 'fixed', count: 5, assignments: [{ brokerIds: [1] }] },
    ],
    timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(bad.results[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  const unknownBroker = await raw.send(ApiKey.CreatePartitions, 3, {
    topics: [{ name: 'fixed', count: 4, assignments: [{ brokerIds: [42] }] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(unknownBroker.results[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  const ok = await raw.send(ApiKey.CreatePartitions, 3, {
    topics: [{ name: 'fixed', count: 5, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(ok.results[0]!.errorCode, ErrorCode.NONE);
  assert.equal(await partitionCount('fixed'), 5);
});

test('validateOnly checks without growing; a topic named twice gets INVALID_REQUEST', async () => {
  const dry = await raw.send(ApiKey.CreatePartitions, 0, {
    topics: [{ name: 'grows', count: 10, assignments: null }], timeoutMs: 5000, validateOnly: true,
  });
  assert.equal(dry.results[0]!.errorCode, ErrorCode.NONE);
  assert.equal(await partitionCount('grows'), 4);
  const dup = await raw.send(ApiKey.CreatePartitions, 2, {
    topics: [{ name: 'grows', count: 6, assignments: null }, { name: 'grows', count: 7, assignments: null }], timeoutMs: 5000, validateOnly: false,
  });
  assert.deepEqual(dup.results.map((x) => [x.name, x.errorCode, x.errorMessage]), [['grows', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.']]);
  assert.equal(await partitionCount('grows'), 4);
});
