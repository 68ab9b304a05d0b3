/**
 * A compacted topic end to end: created with cleanup.policy=compact through the admin API,
 * written by a real client, cleaned by the broker's background cleaner; a consumer from the
 * beginning then sees only the newest value of each key in the cleaned segments, at the
 * original offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../support/broker.js';
import { kcatConsume, kcatMissing } from '../support/clients/kcat.js';
import { waitFor } from '../support/clients/wait.js';

test('keyed records on a compacted topic are compacted by the background cleaner', { timeout: 60_000 }, async (t) => {
  const missing = kcatMissing();
  if (missing) return t.skip(missing);
  const broker = await startTestBroker({ 'log.cleaner.backoff.ms': '100' });
  const kafka = new Kafka({ clientId: 'compaction-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  try {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'compacted', numPartitions: 1, configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.bytes', value: '400' },
        { name: 'min.cleanable.dirty.ratio', value: '0.01' },
      ] }],
    });
    await producer.connect();
    for (let round = 0; round < 5; round++) {
      for (const key of ['a', 'b', 'c']) {
        await producer.send({ topic: 'compacted', messages: [{ key, value: `${key}-${round}-${'.'.repeat(80)}` }] });
      }
    }
    await producer.send({ topic: 'compacted', messages: [{ key: 'z', value: 'last' }] });
    const compacted = await waitFor(async () => {
      const records = await kcatConsume(broker.bootstrap, 'compacted', { offset: 'beginning' });
      // the cleaner may take more than one pass to reach every segment: wait for all three keys
      const compactedAll = ['a', 'b', 'c'].every((key) => records.filter((r) => r.key === key).length < 5);
      return compactedAll ? records : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    const offsets = compacted.map((r) => r.offset);
    assert.deepEqual(offsets, [...offsets].sort((x, y) => x - y), 'offsets stay in order');
    assert.equal(compacted.at(-1)!.value, 'last');
    for (const key of ['a', 'b', 'c']) {
      const values = compacted.filter((r) => r.key === key).map((r) => r.value!.split('-')[1]);
      assert.ok(values.includes('4'), `the newest value of ${key} is kept`);
      assert.ok(values.length < 5, `${key} was compacted: ${values.join(',')}`);
    }
    assert.ok(compacted.find((r) => r.key === 'c' && r.value!.startsWith('c-4'))!.offset === 14, 'records keep their original offsets');
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await broker.stop();
  }
});
