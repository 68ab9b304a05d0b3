/**
 * Isolation levels against a kafkajs transactional producer: read_committed never returns
 * records of aborted transactions, stops at the last stable offset while a transaction is open
 * and reads its records once it commits; read_uncommitted sees everything. Neither returns the
 * transaction markers, though the position moves past them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import type { TestBroker } from '../../support/broker.js';
import { adminAndProducer, createTopic, newConsumer, pollUntil, quietKafka, startBroker } from './helpers.js';

const TOPIC = 'txn';
const tp = { topic: TOPIC, partition: 0 };

describe('isolation levels', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  let txProducer: Producer;

  before(async () => {
    broker = await startBroker();
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await createTopic(admin, TOPIC, 1);
    txProducer = quietKafka(broker.bootstrap, 'tx-producer').producer({ transactionalId: 'consumer-test-tx', idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
  });
  after(async () => {
    await txProducer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('read_committed skips aborted transactions and waits for open ones', async () => {
    await producer.send({ topic: TOPIC, messages: [{ partition: 0, value: 'plain-1' }], acks: -1 });
    let tx = await txProducer.transaction();
    await tx.send({ topic: TOPIC, messages: [{ partition: 0, value: 'aborted-1' }, { partition: 0, value: 'aborted-2' }] });
    await tx.abort();
    tx = await txProducer.transaction();
    await tx.send({ topic: TOPIC, messages: [{ partition: 0, value: 'committed-1' }, { partition: 0, value: 'committed-2' }] });
    await tx.commit();
    await producer.send({ topic: TOPIC, messages: [{ partition: 0, value: 'plain-2' }], acks: -1 });

    const committed = await newConsumer(broker.bootstrap, { isolationLevel: 'read_committed' });
    const uncommitted = await newConsumer(broker.bootstrap, { isolationLevel: 'read_uncommitted' });
    try {
      committed.consumer.assign([tp]);
      uncommitted.consumer.assign([tp]);
      // 1 + 2 + marker + 2 + marker + 1 = offsets 0..7
      const rc = await pollUntil(committed.consumer, () => committed.consumer.position(TOPIC, 0) === 8, 10_000, 'read_committed to reach the end');
      assert.deepEqual(rc.map((r) => r.value?.toString()), ['plain-1', 'committed-1', 'committed-2', 'plain-2']);
      const ru = await pollUntil(uncommitted.consumer, () => uncommitted.consumer.position(TOPIC, 0) === 8, 10_000, 'read_uncommitted to reach the end');
      assert.deepEqual(ru.map((r) => r.value?.toString()), ['plain-1', 'aborted-1', 'aborted-2', 'committed-1', 'committed-2', 'plain-2']);

      // an open transaction: read_uncommitted sees it at once, read_committed only after the commit
      tx = await txProducer.transaction();
      await tx.send({ topic: TOPIC, messages: [{ partition: 0, value: 'pending-1' }] });
      const early = await pollUntil(uncommitted.consumer, (r) => r.length >= 1);
      assert.deepEqual(early.map((r) => r.value?.toString()), ['pending-1']);
      assert.deepEqual(await committed.consumer.poll(300), [], 'nothing past the last stable offset');
      assert.equal(committed.consumer.position(TOPIC, 0), 8);
      await tx.commit();
      const late = await pollUntil(committed.consumer, (r) => r.length >= 1);
      assert.deepEqual(late.map((r) => r.value?.toString()), ['pending-1']);

      // seekToEnd with read_committed is the last stable offset, past the commit marker
      committed.consumer.seekToEnd();
      await committed.consumer.poll(100);
      assert.equal(committed.consumer.position(TOPIC, 0), 10);
    } finally {
      await committed.consumer.close();
      await uncommitted.consumer.close();
      committed.client.close();
      uncommitted.client.close();
    }
  });
});
