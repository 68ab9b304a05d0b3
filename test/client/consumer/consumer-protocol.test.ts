/**
 * The consumer group protocol (KIP-848) with Gregor's consumer (groupProtocol 'consumer'): three
 * members split six partitions; a member leaving and another joining move only the partitions
 * that must move while the others keep reading; a regex subscription picks up a topic created
 * later; a static member restarting keeps its partitions without the group changing epoch;
 * commits made with member epochs survive a broker restart and a new member resumes after them;
 * a live classic group (kafkajs members) is upgraded when a member of the new protocol joins, and
 * the classic members go on consuming inside it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { waitFor } from '../../support/clients/wait.js';
import { Poller, adminAndProducer, createTopic, duplicates, newConsumer, pollUntil, produce, quietKafka, stopAll } from './helpers.js';
import type { ConsumerOptions } from '../../../src/client/consumer/index.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';

const NEW: ConsumerOptions = { groupProtocol: 'consumer' };

/** Waits until the pollers hold disjoint assignments covering `expected` partitions. */
async function waitForCover(pollers: Poller[], expected: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => {
    if (pollers.some((p) => p.error)) throw pollers.find((p) => p.error)!.error;
    const all = pollers.flatMap((p) => p.assigned());
    return all.length === expected && new Set(all).size === expected && pollers.every((p) => p.assigned().length > 0);
  }, { timeoutMs, what: `${pollers.length} consumers to split ${expected} partitions` });
}

describe('consumer group protocol (KIP-848) with Gregor\'s consumer', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const pollers: Poller[] = [];
  const start = async (group: string, topics: string[], name: string, extra: ConsumerOptions = {}): Promise<Poller> => {
    const p = await Poller.start(broker.bootstrap, topics, { groupId: group, ...NEW, ...extra }, name);
    pollers.push(p);
    return p;
  };

  before(async () => {
    broker = await startTestBroker({
      'group.consumer.session.timeout.ms': '6000',
      'group.consumer.min.session.timeout.ms': '1000',
      'group.consumer.heartbeat.interval.ms': '200',
      'group.consumer.min.heartbeat.interval.ms': '100',
    });
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await Promise.all([createTopic(admin, 'six', 6), createTopic(admin, 'orders-eu', 2)]);
  });
  after(async () => {
    await stopAll(pollers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('three members split six partitions and read every record once', async () => {
    const values = await produce(producer, 'six', 6, 5, 'a');
    const group = [await start('split', ['six'], 'm1'), await start('split', ['six'], 'm2'), await start('split', ['six'], 'm3')];
    await waitForCover(group, 6);
    assert.deepEqual(group.map((p) => p.assigned().length), [2, 2, 2]);
    await waitFor(() => group.flatMap((p) => p.values()).length >= values.length, { timeoutMs: 10_000, what: 'all records' });
    const read = group.flatMap((p) => p.values());
    assert.deepEqual(duplicates(read), []);
    assert.deepEqual([...read].sort(), [...values].sort());
    // the broker describes the group with the new protocol's view
    const described = await admin.describeGroups(['split']);
    assert.equal(described.groups[0]!.protocolType, 'consumer');
    assert.equal(described.groups[0]!.protocol, 'uniform');
    assert.equal(described.groups[0]!.members.length, 3);
    await stopAll(group.splice(0));
  });

  it('a member leaves and another joins: only moved partitions are revoked, the others keep reading', async () => {
    const a = await start('churn', ['six'], 'a');
    const b = await start('churn', ['six'], 'b');
    const c = await start('churn', ['six'], 'c');
    await waitForCover([a, b, c], 6);
    const before = { a: a.assigned(), b: b.assigned() };
    a.events.length = 0;
    b.events.length = 0;
    await c.stop();
    await waitForCover([a, b], 6);
    // a and b kept what they had and only gained c's partitions
    for (const [p, had] of [[a, before.a], [b, before.b]] as const) {
      assert.ok(had.every((tp) => p.assigned().includes(tp)), `${p.name} kept ${had.join(',')}: now ${p.assigned().join(',')}`);
      assert.deepEqual(p.events.filter((e) => e.type !== 'assigned' && e.partitions.length > 0), []);
    }
    // records produced now reach both remaining members without a pause of the group
    const marker = await produce(producer, 'six', 6, 2, 'after-leave');
    await waitFor(() => marker.every((v) => a.values().includes(v) || b.values().includes(v)), { timeoutMs: 10_000, what: 'records after the leave' });
    const beforeJoin = { a: a.assigned(), b: b.assigned() };
    a.events.length = 0;
    b.events.length = 0;
    const d = await start('churn', ['six'], 'd');
    await waitForCover([a, b, d], 6);
    assert.deepEqual([a, b, d].map((p) => p.assigned().length).sort(), [2, 2, 2]);
    for (const [p, had] of [[a, beforeJoin.a], [b, beforeJoin.b]] as const) {
      const revoked = p.events.filter((e) => e.type === 'revoked').flatMap((e) => e.partitions.map((tp) => `${tp.topic}-${tp.partition}`));
      const kept = had.filter((tp) => p.assigned().includes(tp));
      assert.equal(revoked.length + kept.length, had.length, `${p.name} revoked only what moved`);
      assert.ok(p.events.every((e) => e.type !== 'lost'));
    }
    await stopAll([a, b, d]);
  });

  it('a regex subscription picks up a topic created later', async () => {
    const { consumer, client } = await newConsumer(broker.bootstrap, { groupId: 'regex', ...NEW });
    consumer.subscribePattern('orders-.*');
    const eu = await produce(producer, 'orders-eu', 2, 3, 'eu');
    const got = await pollUntil(consumer, (r) => r.length >= eu.length, 15_000, 'orders-eu');
    assert.deepEqual(got.map((r) => r.value!.toString()).sort(), [...eu].sort());
    await createTopic(admin, 'orders-us', 3);
    await createTopic(admin, 'invoices', 1);
    const us = await produce(producer, 'orders-us', 3, 2, 'us');
    await produce(producer, 'invoices', 1, 2, 'inv');
    const more = await pollUntil(consumer, (r) => r.length >= us.length, 15_000, 'orders-us');
    assert.deepEqual(more.map((r) => r.value!.toString()).sort(), [...us].sort());
    assert.deepEqual(consumer.assignment().map((tp) => tp.topic).filter((t) => t === 'invoices'), []);
    await consumer.close();
    client.close();
  });

  it('a static member restarts within its session and keeps its partitions', async () => {
    const s1 = await start('static', ['six'], 's1', { groupInstanceId: 'instance-1' });
    const s2 = await start('static', ['six'], 's2', { groupInstanceId: 'instance-2' });
    await waitForCover([s1, s2], 6);
    const had = s1.assigned();
    const epochBefore = s2.consumer.generationId;
    await s1.stop();
    pollers.splice(pollers.indexOf(s1), 1);
    const again = await start('static', ['six'], 's1-again', { groupInstanceId: 'instance-1' });
    await waitFor(() => again.assigned().length === had.length, { timeoutMs: 10_000, what: 'the restarted static member to get partitions' });
    assert.deepEqual(again.assigned(), had);
    // the other member was never asked to change
    assert.equal(s2.assigned().length, 3);
    assert.equal(s2.consumer.generationId, epochBefore);
    await stopAll([again, s2]);
  });

  it('commits with member epochs survive a broker restart and a new member resumes after them', async () => {
    await createTopic(admin, 'resume', 2);
    const first = await produce(producer, 'resume', 2, 4, 'r1');
    const one = await newConsumer(broker.bootstrap, { groupId: 'resume-app', ...NEW, enableAutoCommit: false });
    one.consumer.subscribe(['resume']);
    const read = await pollUntil(one.consumer, (r) => r.length >= first.length, 15_000, 'first batch');
    assert.deepEqual(read.map((r) => r.value!.toString()).sort(), [...first].sort());
    await one.consumer.commit();
    assert.deepEqual((await one.consumer.committed()).map((c) => c.offset), [4, 4]);
    await one.consumer.close();
    one.client.close();
    await broker.restart();
    const second = await produce(producer, 'resume', 2, 3, 'r2');
    const two = await newConsumer(broker.bootstrap, { groupId: 'resume-app', ...NEW });
    two.consumer.subscribe(['resume']);
    const read2 = await pollUntil(two.consumer, (r) => r.length >= second.length, 15_000, 'second batch');
    read2.push(...await two.consumer.poll(300));
    assert.deepEqual(read2.map((r) => r.value!.toString()).sort(), [...second].sort());
    await two.consumer.close();
    two.client.close();
  });

  it('upgrades a live classic group: kafkajs members keep consuming beside a member of the new protocol', async () => {
    await createTopic(admin, 'upgrade', 6);
    const kafka = quietKafka(broker.bootstrap, 'classic-members');
    const classic = [kafka.consumer({ groupId: 'upgrading', heartbeatInterval: 200, sessionTimeout: 10_000, maxWaitTimeInMs: 100 }),
      kafka.consumer({ groupId: 'upgrading', heartbeatInterval: 200, sessionTimeout: 10_000, maxWaitTimeInMs: 100 })];
    const seen: string[][] = [[], []];
    const owned: Set<number>[] = [new Set(), new Set()];
    let modern: Poller | undefined;
    for (const [i, c] of classic.entries()) {
      c.on(c.events.GROUP_JOIN, (e) => {
        owned[i] = new Set((e.payload.memberAssignment.upgrade ?? []) as number[]);
      });
      await c.connect();
      await c.subscribe({ topics: ['upgrade'], fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => { seen[i]!.push(message.value!.toString()); } });
    }
    try {
      await waitFor(() => owned[0]!.size + owned[1]!.size === 6 && owned[0]!.size > 0 && owned[1]!.size > 0, { timeoutMs: 20_000, what: 'the classic group to split the topic' });
      const before = await produce(producer, 'upgrade', 6, 2, 'before');
      await waitFor(() => before.every((v) => seen[0]!.includes(v) || seen[1]!.includes(v)), { timeoutMs: 15_000, what: 'the classic members to read' });
      modern = await start('upgrading', ['upgrade'], 'modern');
      const m = modern;
      await waitFor(() => m.assigned().length === 2 && owned[0]!.size === 2 && owned[1]!.size === 2, { timeoutMs: 30_000, what: 'three members with two partitions each' });
      const union = new Set([...owned[0]!, ...owned[1]!, ...m.assigned().map((tp) => Number(tp.split('-')[1]))]);
      assert.equal(union.size, 6);
      const after = await produce(producer, 'upgrade', 6, 3, 'after');
      await waitFor(() => after.every((v) => seen[0]!.includes(v) || seen[1]!.includes(v) || m.values().includes(v)), { timeoutMs: 20_000, what: 'every record after the upgrade' });
      const client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: 'upgrade-check' });
      try {
        const listed = await client.send(ApiKey.ListGroups, { statesFilter: [], typesFilter: [] });
        assert.equal(listed.groups.find((g) => g.groupId === 'upgrading')?.groupType, 'consumer');
        const d = (await client.send(ApiKey.ConsumerGroupDescribe, { groupIds: ['upgrading'], includeAuthorizedOperations: false })).groups[0]!;
        assert.equal(d.members.length, 3);
      } finally {
        client.close();
      }
    } finally {
      for (const c of classic) await c.disconnect().catch(() => undefined);
    }
    // with the classic members gone, the new member takes the whole topic
    await waitFor(() => modern!.assigned().length === 6, { timeoutMs: 20_000, what: 'the remaining member to own all six partitions' });
  });
});
