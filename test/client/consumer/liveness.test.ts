/**
 * Group liveness: heartbeats keep a member in its group while the application does not poll;
 * not polling for longer than the rebalance timeout (max.poll.interval.ms) makes the member
 * leave, its partitions lost, and the next poll rejoins; a static member (group.instance.id)
 * closes without leaving, and its successor takes the same partitions without a rebalance.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Producer } from 'kafkajs';
import type { RebalanceEvent } from '../../../src/client/consumer/index.js';
import type { TestBroker } from '../../support/broker.js';
import { adminAndProducer, createTopic, newConsumer, pollUntil, startBroker, waitFor } from './helpers.js';

const TOPIC = 'alive';

describe('group liveness', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    broker = await startBroker();
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await createTopic(admin, TOPIC, 2);
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('heartbeats run without polls; a poll interval longer than the rebalance timeout leaves the group', async () => {
    const events: RebalanceEvent[] = [];
    const { consumer, client } = await newConsumer(broker.bootstrap, {
      groupId: 'liveness', sessionTimeoutMs: 1000, heartbeatIntervalMs: 100, rebalanceTimeoutMs: 2500,
      onRebalance: (e) => {
        events.push(e);
      },
    });
    try {
      consumer.subscribe([TOPIC]);
      await pollUntil(consumer, () => consumer.assignment().length === 2, 10_000, 'the assignment');
      const generation = consumer.generationId;
      // not polling for longer than the session timeout (but within the poll interval): still a member
      await sleep(1800);
      assert.deepEqual(await consumer.poll(50), []);
      assert.equal(consumer.generationId, generation);
      assert.deepEqual(events.map((e) => e.type), ['assigned']);

      // past the poll interval: the heartbeat timer leaves the group
      const memberId = consumer.memberId;
      await waitFor(() => consumer.memberId === '', { timeoutMs: 6000, what: 'the member to leave once the poll interval passed' });
      await pollUntil(consumer, () => consumer.assignment().length === 2 && consumer.generationId > generation, 10_000, 'the rejoin');
      assert.notEqual(consumer.memberId, memberId);
      assert.deepEqual(events.map((e) => e.type), ['assigned', 'lost', 'assigned']);
    } finally {
      await consumer.close();
      client.close();
    }
  });

  it('a static member closes without leaving and its successor resumes without a rebalance', async () => {
    await producer.send({ topic: TOPIC, messages: [{ partition: 0, value: 's1' }, { partition: 1, value: 's2' }], acks: -1 });
    const options = { groupId: 'static', groupInstanceId: 'instance-1', sessionTimeoutMs: 6000 };
    const first = await newConsumer(broker.bootstrap, options);
    first.consumer.subscribe([TOPIC]);
    const read = await pollUntil(first.consumer, (r) => r.length >= 2);
    assert.deepEqual(read.map((r) => r.value?.toString()).sort(), ['s1', 's2']);
    const generation = first.consumer.generationId;
    await first.consumer.close();
    first.client.close();

    await producer.send({ topic: TOPIC, messages: [{ partition: 0, value: 's3' }], acks: -1 });
    const second = await newConsumer(broker.bootstrap, options);
    try {
      second.consumer.subscribe([TOPIC]);
      const more = await pollUntil(second.consumer, (r) => r.length >= 1);
      assert.deepEqual(more.map((r) => r.value?.toString()), ['s3'], 'it resumes after the commit made on close');
      assert.equal(second.consumer.generationId, generation, 'the group did not rebalance');
      assert.equal(second.consumer.assignment().length, 2);
    } finally {
      await second.consumer.close();
      second.client.close();
    }
  });
});
