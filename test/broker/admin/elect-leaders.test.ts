/**
 * ElectLeaders on one broker, as Kafka's tools send it (kafka-leader-election.sh): every partition
 * already has its preferred leader, so named partitions answer ELECTION_NOT_NEEDED, unknown ones
 * UNKNOWN_TOPIC_OR_PARTITION, and the all-partitions form answers no partition at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
    topics: [{ name: 'elect', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
});

after(async () => {
  raw.close();
  await tb.stop();
});

test('named partitions: ELECTION_NOT_NEEDED, unknown ones UNKNOWN_TOPIC_OR_PARTITION (v0, v1, v2)', async () => {
  for (const version of [0, 1, 2]) {
    for (const electionType of [0, 1]) {
      if (version === 0 && electionType === 1) continue;
      const r = await raw.send(ApiKey.ElectLeaders, version, {
        electionType, timeoutMs: 5000,
        topicPartitions: [{ topic: 'elect', partitions: [0, 1, 9] }, { topic: 'no-such-topic', partitions: [0] }],
      });
      assert.equal(r.errorCode ?? ErrorCode.NONE, ErrorCode.NONE);
      const codes = r.replicaElectionResults.map((t) => [t.topic, t.partitionResult.map((p) => [p.partitionId, p.errorCode])]);
      assert.deepEqual(codes, [
        ['elect', [[0, ErrorCode.ELECTION_NOT_NEEDED], [1, ErrorCode.ELECTION_NOT_NEEDED], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
        ['no-such-topic', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ], `v${version} type ${electionType}`);
    }
  }
});

test('all partitions (null): every topic listed, no partition needs an election', async () => {
  const r = await raw.send(ApiKey.ElectLeaders, 2, { electionType: 0, timeoutMs: 5000, topicPartitions: null });
  const elect = r.replicaElectionResults.find((t) => t.topic === 'elect');
  assert.ok(elect);
  assert.deepEqual(elect.partitionResult, []);
});

test('an unknown election type is INVALID_REQUEST', async () => {
  const r = await raw.send(ApiKey.ElectLeaders, 1, { electionType: 5, timeoutMs: 5000, topicPartitions: [{ topic: 'elect', partitions: [0] }] });
  assert.equal(r.errorCode, ErrorCode.INVALID_REQUEST);
});
