/**
 * Consumer groups with the eager protocol: a subscriber reads everything from the beginning,
 * commits, and a new member of the group resumes after the commit; two members split a topic
 * the way Kafka's range and round-robin assignors do for their member-id order; a third member
 * triggers a rebalance and every message is read exactly once across the group; the leader
 * notices a subscribed topic's new partitions and rebalances.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import type { TestBroker } from '../../support/broker.js';
import { Poller, adminAndProducer, createTopic, duplicates, newConsumer, pollUntil, produce, startBroker, stopAll, waitFor, waitForSplit } from './helpers.js';

describe('consumer groups (eager)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const pollers: Poller[] = [];
  const start = async (group: string, topics: string[], assignors: ('range' | 'roundrobin')[], name: string): Promise<Poller> => {
    const p = await Poller.start(broker.bootstrap, topics, { groupId: group, assignors }, name);
    pollers.push(p);
    return p;
  };

  before(async () => {
    broker = await startBroker();
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await Promise.all([createTopic(admin, 'ledger', 2), createTopic(admin, 'four', 4), createTopic(admin, 'three', 3)]);
  });
  after(async () => {
    await stopAll(pollers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('reads everything from the beginning, commits, and a new member resumes after the commit', async () => {
    const batch1 = await produce(producer, 'ledger', 2, 10, 'b1');
    const first = await newConsumer(broker.bootstrap, { groupId: 'ledger-app', enableAutoCommit: false });
    first.consumer.subscribe(['ledger']);
    const read1 = await pollUntil(first.consumer, (r) => r.length >= batch1.length);
    assert.deepEqual(read1.map((r) => r.value?.toString()).sort(), [...batch1].sort());
    assert.equal(first.consumer.protocol, 'range');
    assert.equal(first.consumer.rebalanceProtocol, 'eager');
    await first.consumer.commit();
    assert.deepEqual((await first.consumer.committed()).map((c) => c.offset), [10, 10]);
    await first.consumer.close();
    first.client.close();

    const batch2 = await produce(producer, 'ledger', 2, 5, 'b2');
    const second = await newConsumer(broker.bootstrap, { groupId: 'ledger-app' });
    second.consumer.subscribe(['ledger']);
    const read2 = await pollUntil(second.consumer, (r) => r.length >= batch2.length);
    // nothing more arrives: no re-reads of batch1
    read2.push(...await second.consumer.poll(300));
    assert.deepEqual(read2.map((r) => r.value?.toString()).sort(), [...batch2].sort());
    assert.ok(read2.every((r) => r.offset >= 10));
    await second.consumer.close(); // auto-commit on close
    second.client.close();

    const check = await newConsumer(broker.bootstrap, { groupId: 'ledger-app' });
    check.consumer.assign([{ topic: 'ledger', partition: 0 }, { topic: 'ledger', partition: 1 }]);
    assert.deepEqual((await check.consumer.committed()).map((c) => c.offset), [15, 15], 'close committed the positions');
    await check.consumer.close();
    check.client.close();
  });

  for (const assignor of ['range', 'roundrobin'] as const) {
    it(`two members split two topics as Kafka's ${assignor} assignor does`, async () => {
      const group = `split-${assignor}`;
      const a = await start(group, ['four', 'three'], [assignor], `${assignor}-a`);
      const b = await start(group, ['four', 'three'], [assignor], `${assignor}-b`);
      await waitForSplit([a, b], 7);
      const [low, high] = [a, b].sort((x, y) => (x.consumer.memberId < y.consumer.memberId ? -1 : 1));
      assert.equal(a.consumer.protocol, assignor);
      if (assignor === 'range') {
        assert.deepEqual(low!.assigned(), ['four-0', 'four-1', 'three-0', 'three-1']);
        assert.deepEqual(high!.assigned(), ['four-2', 'four-3', 'three-2']);
      } else {
        assert.deepEqual(low!.assigned(), ['four-0', 'four-2', 'three-0', 'three-2']);
        assert.deepEqual(high!.assigned(), ['four-1', 'four-3', 'three-1']);
      }
      await stopAll([a, b]);
    });
  }

  it('a member with no protocol in common with the group gets INCONSISTENT_GROUP_PROTOCOL from poll', async () => {
    const a = await start('picky', ['ledger'], ['range'], 'picky-a');
    await waitFor(() => a.assigned().length === 2, { what: 'the first member to join' });
    const b = await newConsumer(broker.bootstrap, { groupId: 'picky', assignors: ['roundrobin'] });
    try {
      b.consumer.subscribe(['ledger']);
      await assert.rejects(b.consumer.poll(1000), (e: Error & { kafkaCode?: number }) => e.kafkaCode === 23 && /INCONSISTENT_GROUP_PROTOCOL/.test(e.message));
    } finally {
      await b.consumer.close();
      b.client.close();
      await a.stop();
    }
  });

  it('the leader rebalances when a subscribed topic gains partitions', async () => {
    await createTopic(admin, 'grows', 2);
    const a = await Poller.start(broker.bootstrap, ['grows'], { groupId: 'growing', metadataMaxAgeMs: 200 }, 'grows-a');
    pollers.push(a);
    await waitFor(() => a.assigned().length === 2, { what: 'the first assignment' });
    const generation = a.consumer.generationId;
    await admin.createPartitions({ topicPartitions: [{ topic: 'grows', count: 3 }] });
    await waitFor(() => a.assigned().length === 3, { timeoutMs: 10_000, what: 'the new partition to be assigned' });
    assert.ok(a.consumer.generationId > generation);
    await producer.send({ topic: 'grows', messages: [{ partition: 2, value: 'in-the-new-partition' }], acks: -1 });
    await waitFor(() => a.values().includes('in-the-new-partition'), { what: 'a record of the new partition' });
    await a.stop();
  });

  it('a third member triggers a rebalance; every message is read exactly once across the group', async () => {
    const group = 'exactly-once';
    const produced = await produce(producer, 'four', 4, 10, 'x1');
    const a = await start(group, ['four'], ['range'], 'eo-a');
    const b = await start(group, ['four'], ['range'], 'eo-b');
    await waitForSplit([a, b], 4);
    await waitFor(() => a.records.length + b.records.length >= produced.length, { what: 'the first batch' });

    // produce while the third member joins and after it has
    const during = produce(producer, 'four', 4, 10, 'x2');
    const c = await start(group, ['four'], ['range'], 'eo-c');
    produced.push(...await during);
    await waitForSplit([a, b, c], 4);
    const sizes = [a, b, c].sort((x, y) => (x.consumer.memberId < y.consumer.memberId ? -1 : 1)).map((p) => p.assigned());
    assert.deepEqual(sizes.map((s) => s.length), [2, 1, 1], 'range over three members: 2, 1, 1 by member id');
    assert.ok(a.events.some((e) => e.type === 'revoked') && b.events.some((e) => e.type === 'revoked'), 'the old members had their partitions revoked');
    produced.push(...await produce(producer, 'four', 4, 10, 'x3'));

    const all = () => [a, b, c].flatMap((p) => p.values());
    await waitFor(() => all().length >= produced.length, { timeoutMs: 15_000, what: 'the group to read everything' });
    await stopAll([a, b, c]);
    const positions = [a, b, c].flatMap((p) => p.positions());
    assert.deepEqual(duplicates(positions), [], 'no record is read twice');
    assert.deepEqual(all().sort(), [...produced].sort());
  });
});
