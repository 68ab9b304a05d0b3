/**
 * DeleteRecords against a real broker: records produced with kcat -P (when the broker serves
 * Produce; otherwise appended in-process, with a note), then kafkajs's deleteTopicRecords and raw
 * requests: the log start offset moves and survives a restart, -1 means the high watermark, and
 * the per-partition errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { makeBatch } from '../../support/batches.js';
import { kafkajsAdmin, kcat, kcatAvailable, rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

let tb: TestBroker;
let admin: Admin;
let raw: RawClient;
let served: Map<number, { minVersion: number; maxVersion: number }>;

before(async () => {
  tb = await startTestBroker();
  admin = await kafkajsAdmin(tb);
  raw = await rawClient(tb);
  served = await raw.apiVersions();
  await admin.createTopics({
    topics: [
      { topic: 'trimmed', numPartitions: 2 },
      { topic: 'compacted', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

/** Puts `count` records into a partition: kcat -P over the wire when possible. */
async function fill(topic: string, partition: number, count: number): Promise<void> {
  if (served.has(ApiKey.Produce) && kcatAvailable()) {
    const input = Array.from({ length: count }, (_, i) => `m-${i}`).join('\n') + '\n';
    const r = await kcat(['-b', tb.bootstrap, '-P', '-t', topic, '-p', String(partition), '-X', 'message.timeout.ms=10000'], input);
    assert.equal(r.code, 0, `kcat -P failed: ${r.stderr}`);
  } else {
    console.log(`# note: ${served.has(ApiKey.Produce) ? 'kcat not installed' : 'the broker does not serve Produce yet'}; appending records in-process`);
    tb.broker.services.replicas.get(topic, partition)!.append(makeBatch({ count }));
  }
  const p = tb.broker.services.replicas.get(topic, partition)!;
  for (let i = 0; i < 100 && p.highWatermark < count; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(p.highWatermark, count);
}

function deleteRequest(topic: string, partitions: [number, bigint][]) {
  return { topics: [{ name: topic, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }], timeoutMs: 5000 };
}

test('kafkajs deleteTopicRecords moves the log start offset; ListOffsets and a restart agree', async () => {
  await fill('trimmed', 0, 10);
  await fill('trimmed', 1, 6);
  const p0 = () => tb.broker.services.replicas.get('trimmed', 0)!;
  if (served.has(ApiKey.ListOffsets)) {
    // kafkajs looks the leaders up in metadata it only loads for topics it has been asked about
    assert.equal((await admin.fetchTopicOffsets('trimmed')).find((o) => o.partition === 0)!.low, '0');
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '4' }] });
    const offsets = await admin.fetchTopicOffsets('trimmed');
    assert.deepEqual(offsets.find((o) => o.partition === 0), { partition: 0, offset: '10', high: '10', low: '4' });
  } else {
    console.log('# note: the broker does not serve ListOffsets, which kafkajs needs for deleteTopicRecords; using a raw request');
    const r = await raw.send(ApiKey.DeleteRecords, 1, deleteRequest('trimmed', [[0, 4n]]));
    assert.equal(r.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
  }
  assert.equal(p0().logStartOffset, 4);
  assert.equal(p0().logEndOffset, 10);
  if (served.has(ApiKey.Fetch) && served.has(ApiKey.ListOffsets) && kcatAvailable()) {
    const r = await kcat(['-b', tb.bootstrap, '-C', '-t', 'trimmed', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\\n']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map(Number), [4, 5, 6, 7, 8, 9], 'a consumer from the beginning starts at the new log start');
  }
  await tb.restart();
  assert.equal(tb.broker.services.replicas.get('trimmed', 0)!.logStartOffset, 4, 'the new log start offset survives a restart');
  raw.close();
  raw = await rawClient(tb);
});

test('raw DeleteRecords returns the low watermark; -1 means the high watermark; a lower offset changes nothing', async () => {
  const r = await raw.send(ApiKey.DeleteRecords, 2, deleteRequest('trimmed', [[0, 2n], [1, -1n]]));
  assert.deepEqual(r.topics[0]!.partitions.map((p) => [p.partitionIndex, p.lowWatermark, p.errorCode]), [
    [0, 4n, ErrorCode.NONE],
    [1, 6n, ErrorCode.NONE],
  ]);
  assert.equal(tb.broker.services.replicas.get('trimmed', 1)!.logStartOffset, 6);
});

test('errors: beyond the high watermark or below -1 OFFSET_OUT_OF_RANGE, unknown partitions, compacted topics', async () => {
  const r = await raw.send(ApiKey.DeleteRecords, 0, {
    topics: [
      { name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 11n }, { partitionIndex: 1, offset: -2n }, { partitionIndex: 7, offset: 0n }] },
      { name: 'absent', partitions: [{ partitionIndex: 0, offset: 0n }] },
      { name: 'compacted', partitions: [{ partitionIndex: 0, offset: -1n }] },
    ],
    timeoutMs: 5000,
  });
  assert.deepEqual(r.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.lowWatermark, p.errorCode])]), [
    ['trimmed', [[0, -1n, ErrorCode.OFFSET_OUT_OF_RANGE], [1, -1n, ErrorCode.OFFSET_OUT_OF_RANGE], [7, -1n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ['absent', [[0, -1n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ['compacted', [[0, -1n, ErrorCode.POLICY_VIOLATION]]],
  ]);
  assert.equal(tb.broker.services.replicas.get('trimmed', 0)!.logStartOffset, 4);
});

test('an offline log answers KAFKA_STORAGE_ERROR', async () => {
  const log = tb.broker.services.replicas.get('trimmed', 0)!.log;
  // Simulate a failed disk on this one log (the handler asks the log whether it is offline).
  Object.defineProperty(log, 'isOffline', { configurable: true, get: () => true });
  try {
    const r = await raw.send(ApiKey.DeleteRecords, 2, deleteRequest('trimmed', [[0, 5n]]));
    assert.deepEqual(r.topics[0]!.partitions.map((p) => [p.lowWatermark, p.errorCode]), [[-1n, ErrorCode.KAFKA_STORAGE_ERROR]]);
  } finally {
    delete (log as unknown as { isOffline?: boolean }).isOffline;
  }
  assert.equal(log.isOffline, false);
});
