/**
 * AlterPartitionReassignments and ListPartitionReassignments on one broker: the only target a
 * single broker can take is itself, so a move to it finishes at once and nothing is listed;
 * targets naming other brokers, empty targets and unknown partitions get Kafka's codes, a cancel
 * with nothing in progress NO_REASSIGNMENT_IN_PROGRESS. kafkajs's admin calls get the same.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

let tb: TestBroker;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker();
  raw = await rawClient(tb);
  const created = await raw.send(ApiKey.CreateTopics, 7, {
    topics: [{ name: 'moving', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
});

after(async () => {
  raw.close();
  await tb.stop();
});

test('per-partition codes: done at once onto this broker, bad targets, unknown partitions, cancel with nothing in progress', async () => {
  const self = tb.broker.services.nodeId;
  const r = await raw.send(ApiKey.AlterPartitionReassignments, 0, {
    timeoutMs: 5000,
    topics: [
      { name: 'moving', partitions: [
        { partitionIndex: 0, replicas: [self] },
        { partitionIndex: 1, replicas: [self + 7] },
        { partitionIndex: 5, replicas: [self] },
      ] },
      { name: 'moving', partitions: [{ partitionIndex: 0, replicas: null }, { partitionIndex: 1, replicas: [] }] },
      { name: 'nowhere', partitions: [{ partitionIndex: 0, replicas: [self] }] },
    ],
  });
  assert.equal(r.errorCode, ErrorCode.NONE);
  const codes = r.responses.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]);
  assert.deepEqual(codes, [
    ['moving', [[0, ErrorCode.NONE], [1, ErrorCode.INVALID_REPLICA_ASSIGNMENT], [5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ['moving', [[0, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS], [1, ErrorCode.INVALID_REPLICA_ASSIGNMENT]]],
    ['nowhere', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
  ]);
  assert.match(r.responses[0]!.partitions[1]!.errorMessage ?? '', new RegExp(`broker ${self + 7}, but no such broker is registered`));
  const listed = await raw.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 5000, topics: null });
  assert.equal(listed.errorCode, ErrorCode.NONE);
  assert.deepEqual(listed.topics, []);
  const named = await raw.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 5000, topics: [{ name: 'moving', partitionIndexes: [0, 1] }, { name: 'nowhere', partitionIndexes: [0] }] });
  assert.deepEqual(named.topics, []);
});

test('kafkajs alterPartitionReassignments / listPartitionReassignments', async () => {
  const kafka = new Kafka({ brokers: [`127.0.0.1:${tb.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterPartitionReassignments({ topics: [{ topic: 'moving', partitionAssignment: [{ partition: 1, replicas: [tb.broker.services.nodeId] }] }] });
    assert.deepEqual(await admin.listPartitionReassignments({}), { topics: [] });
    await assert.rejects(
      admin.alterPartitionReassignments({ topics: [{ topic: 'moving', partitionAssignment: [{ partition: 1, replicas: [tb.broker.services.nodeId + 3] }] }] }),
      (e: Error & { type?: string }) => /INVALID_REPLICA_ASSIGNMENT|replica assignment/i.test(`${e.name} ${e.type ?? ''} ${e.message} ${JSON.stringify(e)}`),
    );
  } finally {
    await admin.disconnect();
  }
});
