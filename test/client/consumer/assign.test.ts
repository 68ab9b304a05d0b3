/**
 * A consumer without a group subscription: assign() and seek() read exact offsets,
 * seekToBeginning / seekToEnd and auto.offset.reset (including OFFSET_OUT_OF_RANGE after a seek
 * past the end) find positions through ListOffsets, pause() holds a partition back, and with a
 * groupId the positions are committed and read back by the next consumer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import type { TestBroker } from '../../support/broker.js';
import { kcatMissing, kcatProduce } from '../../support/clients/kcat.js';
import { adminAndProducer, createTopic, newConsumer, pollUntil, produce, startBroker } from './helpers.js';

const TOPIC = 'assigned';

describe('assign and seek (no group)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    broker = await startBroker();
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await createTopic(admin, TOPIC, 3);
    await produce(producer, TOPIC, 3, 20, 'v');
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('reads exact offsets after seek', async () => {
    const { consumer, client } = await newConsumer(broker.bootstrap, {});
    try {
      consumer.assign([{ topic: TOPIC, partition: 1 }, { topic: TOPIC, partition: 2 }]);
      consumer.seek(TOPIC, 1, 5);
      consumer.seek(TOPIC, 2, 18);
      const got = await pollUntil(consumer, (r) => r.filter((x) => x.partition === 1).length >= 15 && r.filter((x) => x.partition === 2).length >= 2);
      const p1 = got.filter((r) => r.partition === 1);
      const p2 = got.filter((r) => r.partition === 2);
      assert.deepEqual(p1.map((r) => r.offset), Array.from({ length: 15 }, (_, i) => i + 5));
      assert.deepEqual(p1.map((r) => r.value?.toString()), Array.from({ length: 15 }, (_, i) => `v-p1-${i + 5}`));
      assert.deepEqual(p2.map((r) => r.offset), [18, 19]);
      assert.ok(got.every((r) => r.topic === TOPIC && r.key === null && typeof r.timestamp === 'number' && r.timestamp > 0));
      assert.equal(consumer.position(TOPIC, 1), 20);
      assert.equal(consumer.highWatermark(TOPIC, 1), 20);

      // seek back: the same records again
      consumer.seek(TOPIC, 2, 10);
      const again = await pollUntil(consumer, (r) => r.filter((x) => x.partition === 2).length >= 10);
      assert.deepEqual(again.filter((r) => r.partition === 2).map((r) => r.offset), Array.from({ length: 10 }, (_, i) => i + 10));
      assert.throws(() => consumer.seek(TOPIC, 0, 0), /not assigned/);
    } finally {
      await consumer.close();
      client.close();
    }
  });

  it('seekToBeginning, seekToEnd, auto.offset.reset and pause', async () => {
    const { consumer, client } = await newConsumer(broker.bootstrap, { autoOffsetReset: 'latest' });
    try {
      consumer.assign([{ topic: TOPIC, partition: 0 }]);
      assert.deepEqual(await consumer.poll(300), [], 'latest: nothing old is read');
      assert.equal(consumer.position(TOPIC, 0), 20);
      consumer.seekToBeginning();
      const all = await pollUntil(consumer, (r) => r.length >= 20);
      assert.deepEqual(all.map((r) => r.offset), Array.from({ length: 20 }, (_, i) => i));
      consumer.seekToEnd([{ topic: TOPIC, partition: 0 }]);
      assert.deepEqual(await consumer.poll(200), []);

      // past the end: OFFSET_OUT_OF_RANGE, reset to latest
      consumer.seek(TOPIC, 0, 1000);
      await pollUntil(consumer, () => consumer.position(TOPIC, 0) === 20, 5000, 'the reset after OFFSET_OUT_OF_RANGE');

      consumer.pause([{ topic: TOPIC, partition: 0 }]);
      assert.deepEqual(consumer.paused(), [{ topic: TOPIC, partition: 0 }]);
      await producer.send({ topic: TOPIC, messages: [{ partition: 0, value: 'late' }], acks: -1 });
      assert.deepEqual(await consumer.poll(300), [], 'a paused partition returns nothing');
      consumer.resume([{ topic: TOPIC, partition: 0 }]);
      const late = await pollUntil(consumer, (r) => r.length >= 1);
      assert.deepEqual(late.map((r) => [r.offset, r.value?.toString()]), [[20, 'late']]);
    } finally {
      await consumer.close();
      client.close();
    }
  });

  it('reads keys, headers and compressed batches written by kcat', { skip: kcatMissing() }, async () => {
    await createTopic(admin, 'kcat-made', 1);
    await kcatProduce(broker.bootstrap, 'kcat-made', [{ key: 'k1', value: 'one' }, { key: 'k2', value: 'two' }], { partition: 0, compression: 'lz4', headers: [['h', 'x']] });
    const { consumer, client } = await newConsumer(broker.bootstrap, {});
    try {
      consumer.assign([{ topic: 'kcat-made', partition: 0 }]);
      const got = await pollUntil(consumer, (r) => r.length >= 2);
      assert.deepEqual(got.map((r) => [r.key?.toString(), r.value?.toString(), r.headers.map(([k, v]) => `${k}=${v?.toString()}`)]), [
        ['k1', 'one', ['h=x']],
        ['k2', 'two', ['h=x']],
      ]);
    } finally {
      await consumer.close();
      client.close();
    }
  });

  it('with a groupId, commits positions that the next consumer starts from', async () => {
    const first = await newConsumer(broker.bootstrap, { groupId: 'manual-assign', enableAutoCommit: false });
    first.consumer.assign([{ topic: TOPIC, partition: 1 }]);
    const read = await pollUntil(first.consumer, (r) => r.length >= 20);
    assert.equal(read[0]!.offset, 0, 'no commit yet: auto.offset.reset earliest');
    await first.consumer.commit([{ topic: TOPIC, partition: 1, offset: 12 }]);
    assert.deepEqual(await first.consumer.committed(), [{ topic: TOPIC, partition: 1, offset: 12, metadata: '' }]);
    await first.consumer.close();
    first.client.close();

    const second = await newConsumer(broker.bootstrap, { groupId: 'manual-assign', enableAutoCommit: false });
    try {
      second.consumer.assign([{ topic: TOPIC, partition: 1 }]);
      const resumed = await pollUntil(second.consumer, (r) => r.length >= 8);
      assert.deepEqual(resumed.map((r) => r.offset), [12, 13, 14, 15, 16, 17, 18, 19]);
    } finally {
      await second.consumer.close();
      second.client.close();
    }
  });
});
