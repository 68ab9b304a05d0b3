/**
 * Seed 004's consumer-group walkthrough against Gregor: topic payment-done with 3 partitions and
 * group my-app3, in its three cases (as many consumers as partitions, more partitions than
 * consumers, more consumers than partitions), keyed messages (user1) all reaching one consumer,
 * and the seed's own programs (consumer.ts, index.ts, producer.ts, producer-user.ts) run as
 * written with only the broker address changed. Seed 001's consumer (group-1 on users) too.
 *
 * The group cases use in-process kafkajs consumers with short session and heartbeat settings;
 * who owns which partition is read both from each consumer (its GROUP_JOIN assignment) and from
 * the broker (DescribeGroups, the assignment decoded here), and checked against which messages
 * each consumer was actually handed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { javaPartitionFor } from '../../support/clients/murmur2.js';
import { readPartition } from '../../support/clients/raw-client.js';
import {
  SEED_001_BROKER, SEED_001_CREATE_TOPIC_JS, SEED_001_PRODUCER_JS, SEED_004_BROKER, SEED_004_PRODUCER_TS, runNodeScript,
  startNodeModule, withBroker,
} from '../../support/clients/seeds.js';
import {
  SEED_001_CONSUMER_JS, SEED_004_CONSUMER_TS, SEED_004_GROUP_BROKER, SEED_004_INDEX_TS, SEED_004_PRODUCER_USER_TS, seed001Received,
  seed004Printed, startNodeScript,
} from '../../support/clients/group-seeds.js';
import {
  GROUP_TEST_BROKER_OVERRIDES, TrackedConsumer, committedOffsets, connectedAdmin, connectedProducer, createTopic, describeGroup, duplicates,
  producePerPartition, sorted, stopAll, waitForCommittedToEnd, waitForStableGroup,
} from '../../support/clients/groups.js';
import { waitFor } from '../../support/clients/wait.js';

const TOPIC = 'payment-done';
const GROUP = 'my-app3';
const PARTITIONS = 3;

describe('seed 004: group my-app3 on payment-done (3 partitions)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const consumers: TrackedConsumer[] = [];
  /** Every value produced to payment-done, in order. */
  const produced: string[] = [];

  const start = async (name: string): Promise<TrackedConsumer> => {
    const c = await TrackedConsumer.start(broker.bootstrap, GROUP, name, [TOPIC]);
    consumers.push(c);
    return c;
  };
  const consumedByGroup = (): string[] => consumers.flatMap((c) => c.values(TOPIC));
  const waitAllConsumed = async (): Promise<void> => {
    await waitFor(() => consumedByGroup().length >= produced.length, { timeoutMs: 15_000, what: `all ${produced.length} messages to be consumed` });
    await waitForCommittedToEnd(admin, GROUP, TOPIC);
    const positions = consumers.flatMap((c) => c.consumed.map((m) => `${m.topic}-${m.partition}@${m.offset}`));
    assert.deepEqual(duplicates(positions), [], 'no message is consumed twice within the group');
    assert.deepEqual(sorted(consumedByGroup()), sorted(produced), 'every message is consumed');
  };
  /** Each consumer was handed messages only from the partitions it owns now or owned before. */
  const checkOwnership = (c: TrackedConsumer, since: number, owned: readonly number[]): void => {
    const partitions = new Set(c.consumed.slice(since).map((m) => m.partition));
    for (const p of partitions) assert.ok(owned.includes(p), `${c.name} consumed from partition ${p} but owns ${JSON.stringify(owned)}`);
  };

  before(async () => {
    broker = await startTestBroker(GROUP_TEST_BROKER_OVERRIDES);
    admin = await connectedAdmin(broker.bootstrap);
    producer = await connectedProducer(broker.bootstrap);
    await createTopic(admin, TOPIC, PARTITIONS);
  });
  after(async () => {
    await stopAll(consumers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('equal numbers: each of 3 consumers owns exactly one partition and reads only it', async () => {
    const [a, b, c] = [await start('consumer-a'), await start('consumer-b'), await start('consumer-c')];
    const view = await waitForStableGroup(broker.port, GROUP, [a!, b!, c!], TOPIC, PARTITIONS);
    assert.equal(view.protocolType, 'consumer');
    for (const x of [a!, b!, c!]) assert.equal(x.partitions(TOPIC).length, 1, `${x.name} owns ${JSON.stringify(x.partitions(TOPIC))}`);
    assert.deepEqual([a!, b!, c!].flatMap((x) => x.partitions(TOPIC)).sort(), [0, 1, 2]);

    produced.push(...await producePerPartition(producer, TOPIC, PARTITIONS, 5, 'equal'));
    await waitAllConsumed();
    for (const x of [a!, b!, c!]) {
      const [p] = x.partitions(TOPIC);
      assert.deepEqual(x.values(TOPIC), [0, 1, 2, 3, 4].map((i) => `equal-p${p}-${i}`), `${x.name} reads its partition ${p}, in order`);
    }
  });

  it('keyed messages (user1) all reach the consumer that owns their partition', async () => {
    const userPartition = javaPartitionFor('user1', PARTITIONS);
    const owner = consumers.find((c) => c.partitions(TOPIC).includes(userPartition));
    assert.ok(owner, `some consumer owns partition ${userPartition}`);
    const before = new Map(consumers.map((c) => [c, c.consumed.length]));

    // seed 004's producer-user.ts, as written, twice (it never disconnects: end it once its
    // record is stored), then more user1 messages from kafkajs's default partitioner.
    for (let run = 0; run < 2; run++) {
      const hw = (await readPartition(broker.port, TOPIC, userPartition)).highWatermark;
      const program = startNodeModule(withBroker(SEED_004_PRODUCER_USER_TS, SEED_004_GROUP_BROKER, broker.bootstrap));
      try {
        await waitFor(async () => (await readPartition(broker.port, TOPIC, userPartition)).highWatermark > hw, { timeoutMs: 15_000, intervalMs: 100, what: 'producer-user.ts to store its record' });
      } finally {
        await program.stop();
      }
      produced.push('hi there');
    }
    const keyed = Array.from({ length: 6 }, (_, i) => `user1-payment-${i}`);
    await producer.send({ topic: TOPIC, messages: keyed.map((value) => ({ key: 'user1', value })), acks: -1 });
    produced.push(...keyed);

    await waitFor(() => consumers.reduce((n, c) => n + c.consumed.length - before.get(c)!, 0) >= keyed.length + 2, { timeoutMs: 15_000, what: 'the user1 messages to be consumed' });
    for (const c of consumers) {
      const got = c.consumed.slice(before.get(c)!);
      if (c === owner) {
        assert.deepEqual(got.map((m) => [m.key, m.value]), [['user1', 'hi there'], ['user1', 'hi there'], ...keyed.map((v) => ['user1', v])]);
        assert.ok(got.every((m) => m.partition === userPartition));
      } else {
        assert.deepEqual(got, [], `${c.name} gets none of user1's messages`);
      }
    }
    await waitAllConsumed();
  });

  it('more partitions than consumers: with 2 consumers one owns 2 partitions, the other 1', async () => {
    const leaving = consumers.find((c) => c.name === 'consumer-c')!;
    await leaving.stop();
    const [a, b] = consumers.filter((c) => c !== leaving);
    const marks = new Map([[a!, a!.consumed.length], [b!, b!.consumed.length]]);
    await waitForStableGroup(broker.port, GROUP, [a!, b!], TOPIC, PARTITIONS);
    assert.deepEqual([a!.partitions(TOPIC).length, b!.partitions(TOPIC).length].sort(), [1, 2]);

    produced.push(...await producePerPartition(producer, TOPIC, PARTITIONS, 4, 'more-partitions'));
    await waitAllConsumed();
    for (const x of [a!, b!]) {
      checkOwnership(x, marks.get(x)!, x.partitions(TOPIC));
      const fresh = x.values(TOPIC).filter((v) => v.startsWith('more-partitions-'));
      assert.deepEqual(sorted(fresh), sorted(x.partitions(TOPIC).flatMap((p) => [0, 1, 2, 3].map((i) => `more-partitions-p${p}-${i}`))));
    }
  });

  it('more consumers than partitions: with 4 consumers one is idle and reads nothing', async () => {
    await start('consumer-d');
    await start('consumer-e');
    const active = consumers.filter((c) => c.name !== 'consumer-c');
    assert.equal(active.length, 4);
    const marks = new Map(active.map((c) => [c, c.consumed.length]));
    const view = await waitForStableGroup(broker.port, GROUP, active, TOPIC, PARTITIONS);
    assert.equal(view.members.length, 4);
    const sizes = active.map((c) => c.partitions(TOPIC).length).sort();
    assert.deepEqual(sizes, [0, 1, 1, 1]);
    const idle = active.find((c) => c.partitions(TOPIC).length === 0)!;
    assert.deepEqual(view.members.find((m) => m.memberId === idle.memberId)?.assignment[TOPIC] ?? [], [], 'the broker stored an empty assignment for the idle member');

    produced.push(...await producePerPartition(producer, TOPIC, PARTITIONS, 3, 'more-consumers'));
    await waitAllConsumed();
    assert.equal(idle.consumed.length, marks.get(idle), `${idle.name} (idle) reads nothing`);
    for (const x of active) checkOwnership(x, marks.get(x)!, x.partitions(TOPIC));
    // the new members started from the group's commits, not from the beginning: nothing re-read
    const newcomers = active.filter((c) => c.name === 'consumer-d' || c.name === 'consumer-e');
    for (const x of newcomers) assert.ok(x.values(TOPIC).every((v) => v.startsWith('more-consumers-')), `${x.name} read only new messages: ${JSON.stringify(x.values(TOPIC))}`);
  });
});

describe('seed 004 programs as written: consumer.ts, index.ts and producer.ts in group my-app3', () => {
  let broker: TestBroker;
  let admin: Admin;

  before(async () => {
    broker = await startTestBroker();
    admin = await connectedAdmin(broker.bootstrap);
  });
  after(async () => {
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('each "hi there" is printed exactly once across the group\'s two processes', async () => {
    const consumer = startNodeModule(withBroker(SEED_004_CONSUMER_TS, SEED_004_GROUP_BROKER, broker.bootstrap), [], 60_000);
    let index: ReturnType<typeof startNodeModule> | undefined;
    const printed = (): [string, string][] => [...seed004Printed(consumer.output().stdout), ...seed004Printed(index?.output().stdout ?? '')];
    const produceOnce = async (): Promise<void> => {
      const hw = (await readPartition(broker.port, 'quickstart-events', 0).catch(() => ({ highWatermark: 0 }))).highWatermark;
      const program = startNodeModule(withBroker(SEED_004_PRODUCER_TS, SEED_004_BROKER, broker.bootstrap));
      try {
        await waitFor(async () => ((await readPartition(broker.port, 'quickstart-events', 0).catch(() => undefined))?.highWatermark ?? 0) > hw, { timeoutMs: 15_000, intervalMs: 100, what: 'producer.ts to store its record' });
      } finally {
        await program.stop();
      }
    };
    try {
      // consumer.ts joins my-app3 (creating quickstart-events through its metadata request)
      await waitFor(async () => (await describeGroup(broker.port, GROUP)).state === 'Stable', { timeoutMs: 20_000, intervalMs: 100, what: 'consumer.ts to join my-app3' });
      await produceOnce();
      await waitFor(() => printed().length >= 1, { timeoutMs: 15_000, what: 'consumer.ts to print offset 0' });
      await waitFor(async () => (await committedOffsets(admin, GROUP, 'quickstart-events'))[0] === 1, { timeoutMs: 15_000, what: 'my-app3 to commit offset 1' });

      // index.ts produces "hi there" (offset 1) and joins the same group: one partition, so one of
      // the two processes owns it and the other is idle
      index = startNodeModule(withBroker(SEED_004_INDEX_TS, SEED_004_GROUP_BROKER, broker.bootstrap), [], 60_000);
      await waitFor(async () => {
        const g = await describeGroup(broker.port, GROUP);
        return g.state === 'Stable' && g.members.length === 2;
      }, { timeoutMs: 30_000, intervalMs: 100, what: 'my-app3 to be Stable with consumer.ts and index.ts' });
      await waitFor(() => printed().length >= 2, { timeoutMs: 15_000, what: 'offset 1 to be printed' });
      await produceOnce();
      await waitFor(() => printed().length >= 3, { timeoutMs: 15_000, what: 'offset 2 to be printed' });
      await waitFor(async () => (await committedOffsets(admin, GROUP, 'quickstart-events'))[0] === 3, { timeoutMs: 15_000, what: 'my-app3 to commit offset 3' });

      const g = await describeGroup(broker.port, GROUP);
      const owners = g.members.filter((m) => (m.assignment['quickstart-events'] ?? []).length > 0);
      assert.equal(owners.length, 1, 'one member owns quickstart-events-0, the other is idle');
      assert.ok(g.members.every((m) => m.subscription.includes('quickstart-events')));
    } finally {
      await consumer.stop();
      await index?.stop();
    }
    const all = printed().sort((x, y) => Number(x[0]) - Number(y[0]));
    assert.deepEqual(all, [['0', 'hi there'], ['1', 'hi there'], ['2', 'hi there']], `printed: ${consumer.output().stdout} | ${index?.output().stdout}`);
    // both ran until they were stopped; kafkajs logs the rebalance (a Heartbeat answered
    // REBALANCE_IN_PROGRESS, then a rejoin) and nothing else goes wrong
    for (const p of [consumer, index!]) {
      assert.deepEqual(await p.exited, { code: null, signal: 'SIGTERM' }, p.output().stderr);
      const logged = p.output().stderr.split('\n').filter((l) => l.trim() !== '');
      const unexpected = logged.filter((l) => !/rebalancing/.test(l));
      assert.deepEqual(unexpected, [], 'nothing but the rebalance is logged');
    }
  });
});

describe('seed 001: consumer.js in group group-1 reads users', () => {
  let broker: TestBroker;
  let admin: Admin;

  before(async () => {
    broker = await startTestBroker();
    admin = await connectedAdmin(broker.bootstrap);
  });
  after(async () => {
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('prints every message with its partition and commits to the end', async () => {
    const created = await runNodeScript(withBroker(SEED_001_CREATE_TOPIC_JS, SEED_001_BROKER, broker.bootstrap));
    assert.match(created.stdout, /topic created successfully/, created.stdout + created.stderr);
    const names = ['Alice', 'Zed', 'Mallory', 'Nina'];
    for (const name of names) {
      const r = await runNodeScript(withBroker(SEED_001_PRODUCER_JS, SEED_001_BROKER, broker.bootstrap), [name]);
      assert.match(r.stdout, /send successfully/, r.stdout + r.stderr);
    }
    const consumer = startNodeScript(withBroker(SEED_001_CONSUMER_JS, SEED_001_BROKER, broker.bootstrap));
    try {
      await waitFor(() => seed001Received(consumer.output().stdout).length >= names.length, { timeoutMs: 20_000, what: 'consumer.js to print every message' });
      await waitForCommittedToEnd(admin, 'group-1', 'users');
    } finally {
      await consumer.stop();
    }
    const received = seed001Received(consumer.output().stdout);
    assert.deepEqual(received.sort((x, y) => x.value.localeCompare(y.value)), [
      { value: 'Alice', partition: 0 }, { value: 'Mallory', partition: 0 }, { value: 'Nina', partition: 1 }, { value: 'Zed', partition: 1 },
    ]);
    assert.doesNotMatch(consumer.output().stderr, /something went wrong/);
    assert.deepEqual(await committedOffsets(admin, 'group-1', 'users'), [2, 2]);
  });
});
