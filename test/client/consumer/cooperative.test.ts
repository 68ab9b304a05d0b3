/**
 * The cooperative protocol with the cooperative-sticky assignor: when a second member joins,
 * the first keeps the partitions it retains (it is never asked to give up everything), revokes
 * only the ones that move, and those reach the new member in the follow-up rebalance the
 * revoking member starts. No message is read twice or missed across the moves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import type { TestBroker } from '../../support/broker.js';
import { Poller, adminAndProducer, createTopic, duplicates, produce, startBroker, stopAll, waitFor, waitForSplit } from './helpers.js';

const TOPIC = 'sticky';

describe('cooperative-sticky', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const pollers: Poller[] = [];

  before(async () => {
    broker = await startBroker();
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await createTopic(admin, TOPIC, 4);
  });
  after(async () => {
    await stopAll(pollers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('a joining member takes only the moved partitions, revoked first', async () => {
    const produced = await produce(producer, TOPIC, 4, 10, 'c1');
    const options = { groupId: 'coop', assignors: ['cooperative-sticky' as const] };
    const first = await Poller.start(broker.bootstrap, [TOPIC], options, 'coop-first');
    pollers.push(first);
    await waitForSplit([first], 4);
    assert.equal(first.consumer.rebalanceProtocol, 'cooperative');
    assert.equal(first.consumer.protocol, 'cooperative-sticky');
    await waitFor(() => first.records.length >= produced.length, { what: 'the first member to read everything' });
    const before = first.assigned();

    const during = produce(producer, TOPIC, 4, 10, 'c2');
    const second = await Poller.start(broker.bootstrap, [TOPIC], options, 'coop-second');
    pollers.push(second);
    produced.push(...await during);
    await waitForSplit([first, second], 4);
    assert.equal(first.assigned().length, 2);
    assert.equal(second.assigned().length, 2);

    const revoked = first.events.filter((e) => e.type === 'revoked').flatMap((e) => e.partitions.map((tp) => `${tp.topic}-${tp.partition}`));
    assert.deepEqual(revoked.sort(), second.assigned(), 'the first member revoked exactly the partitions that moved');
    assert.ok(first.assigned().every((tp) => before.includes(tp)), 'it kept the others');
    assert.ok(!first.events.some((e) => e.type === 'lost'));
    // the moved partitions were assigned to nobody in the rebalance that revoked them
    const secondAssigned = second.events.filter((e) => e.type === 'assigned');
    assert.ok(secondAssigned.length >= 2, 'the second member got its partitions in a follow-up rebalance');
    assert.deepEqual(secondAssigned[0]!.partitions, []);

    produced.push(...await produce(producer, TOPIC, 4, 10, 'c3'));
    const all = () => [first, second].flatMap((p) => p.values());
    await waitFor(() => all().length >= produced.length, { timeoutMs: 15_000, what: 'the group to read everything' });
    await stopAll([first, second]);
    assert.deepEqual(duplicates([first, second].flatMap((p) => p.positions())), []);
    assert.deepEqual(all().sort(), [...produced].sort());
  });
});
