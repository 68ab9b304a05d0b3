/**
 * DeleteTopics against a real broker: kafkajs's deleteTopics, deletion by topic id (v6), the
 * per-topic errors, internal topics, and a broker with delete.topic.enable=false.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { ZERO_UUID } from '../../../src/protocol/wire/codec-support.js';
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
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

async function create(client: RawClient, name: string, partitions = 1): Promise<string> {
  const r = await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE, `creating ${name}`);
  return r.topics[0]!.topicId!;
}

test('kafkajs deleteTopics removes the topics, their metadata and their partition directories', async () => {
  await admin.createTopics({ topics: [{ topic: 'doomed-a', numPartitions: 2 }, { topic: 'doomed-b', numPartitions: 1 }] });
  assert.ok(existsSync(join(tb.dataDir, 'doomed-a-1')));
  await admin.deleteTopics({ topics: ['doomed-a', 'doomed-b'] });
  const topics = await admin.listTopics();
  assert.ok(!topics.includes('doomed-a') && !topics.includes('doomed-b'));
  assert.deepEqual(readdirSync(tb.dataDir).filter((n) => n.startsWith('doomed-')), []);
});

test('kafkajs deleteTopics of an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION', async () => {
  assert.equal(await kafkajsErrorType(() => admin.deleteTopics({ topics: ['never-was'], timeout: 1000 })), 'UNKNOWN_TOPIC_OR_PARTITION');
});

test('v6 deletes by topic id; an unknown id gets UNKNOWN_TOPIC_ID', async () => {
  const id = await create(raw, 'by-id');
  const r = await raw.send(ApiKey.DeleteTopics, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 5000 });
  assert.deepEqual(r.responses.map((x) => [x.name, x.topicId, x.errorCode]), [['by-id', id, ErrorCode.NONE]]);
  assert.ok(!(await admin.listTopics()).includes('by-id'));
  const again = await raw.send(ApiKey.DeleteTopics, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 5000 });
  assert.deepEqual(again.responses.map((x) => [x.name, x.topicId, x.errorCode]), [[null, id, ErrorCode.UNKNOWN_TOPIC_ID]]);
});

test('invalid requests per topic: name and id, neither, duplicates; others in the request still go', async () => {
  const id = await create(raw, 'kept');
  await create(raw, 'gone');
  const r = await raw.send(ApiKey.DeleteTopics, 6, {
    topics: [
      { name: 'kept', topicId: id },
      { name: null, topicId: ZERO_UUID },
      { name: 'dup', topicId: ZERO_UUID },
      { name: 'dup', topicId: ZERO_UUID },
      { name: 'gone', topicId: ZERO_UUID },
      { name: 'missing', topicId: ZERO_UUID },
    ],
    timeoutMs: 5000,
  });
  const got = r.responses.map((x) => [x.name, x.errorCode]);
  const order = (a: unknown[], b: unknown[]): number => String(a[0]).localeCompare(String(b[0]));
  assert.deepEqual(got.sort(order), [
    ['kept', ErrorCode.INVALID_REQUEST],
    [null, ErrorCode.INVALID_REQUEST],
    ['dup', ErrorCode.INVALID_REQUEST],
    ['gone', ErrorCode.NONE],
    ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ].sort(order));
  assert.match(r.responses.find((x) => x.name === 'kept')!.errorMessage ?? '', /both topic name and topic id/);
  const topics = await admin.listTopics();
  assert.ok(topics.includes('kept') && !topics.includes('gone'));
});

test('old versions delete by name (v1, v5 with error messages)', async () => {
  await create(raw, 'old-one');
  const v1 = await raw.send(ApiKey.DeleteTopics, 1, { topicNames: ['old-one', 'nope'], timeoutMs: 5000 });
  const byName = Object.fromEntries(v1.responses.map((x) => [x.name, x.errorCode]));
  assert.deepEqual(byName, { nope: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'old-one': ErrorCode.NONE });
  const v5 = await raw.send(ApiKey.DeleteTopics, 5, { topicNames: ['nope'], timeoutMs: 5000 });
  assert.equal(v5.responses[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.ok((v5.responses[0]!.errorMessage ?? '').length > 0);
});

test('internal topics are refused with INVALID_TOPIC_EXCEPTION and survive', async () => {
  const md = await raw.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  if (!md.topics.some((t) => t.name === '__consumer_offsets')) await create(raw, '__consumer_offsets');
  const r = await raw.send(ApiKey.DeleteTopics, 5, { topicNames: ['__consumer_offsets'], timeoutMs: 5000 });
  assert.equal(r.responses[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.match(r.responses[0]!.errorMessage ?? '', /internal topic/);
  assert.ok((await admin.listTopics()).includes('__consumer_offsets'));
});

test('with delete.topic.enable=false: TOPIC_DELETION_DISABLED (INVALID_REQUEST before v3, so for kafkajs), nothing deleted', async () => {
  const locked = await startTestBroker({ 'delete.topic.enable': 'false' });
  const lockedRaw = await rawClient(locked);
  const lockedAdmin = await kafkajsAdmin(locked);
  try {
    await create(lockedRaw, 'stays');
    const v2 = await lockedRaw.send(ApiKey.DeleteTopics, 2, { topicNames: ['stays'], timeoutMs: 5000 });
    assert.equal(v2.responses[0]!.errorCode, ErrorCode.INVALID_REQUEST);
    const v6 = await lockedRaw.send(ApiKey.DeleteTopics, 6, { topics: [{ name: 'stays', topicId: ZERO_UUID }], timeoutMs: 5000 });
    assert.equal(v6.responses[0]!.errorCode, ErrorCode.TOPIC_DELETION_DISABLED);
    // kafkajs speaks DeleteTopics v0-v1, where Kafka answers a disabled deletion with INVALID_REQUEST
    assert.equal(await kafkajsErrorType(() => lockedAdmin.deleteTopics({ topics: ['stays'], timeout: 1000 })), 'INVALID_REQUEST');
    assert.ok((await lockedAdmin.listTopics()).includes('stays'));
  } finally {
    await lockedAdmin.disconnect();
    lockedRaw.close();
    await locked.stop();
  }
});
