/**
 * The two ways consumer groups are used: publish/subscribe (every group reads every message of a
 * topic, independently) and a work queue (the members of one group split the partitions, so every
 * message is handled by exactly one of them). kafkajs consumers in this process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import {
  GROUP_TEST_BROKER_OVERRIDES, TrackedConsumer, committedOffsets, connectedAdmin, connectedProducer, createTopic, duplicates, endOffsets,
  producePerPartition, sorted, stopAll, waitForCommittedToEnd, waitForStableGroup,
} from '../../support/clients/groups.js';
import { waitFor } from '../../support/clients/wait.js';

describe('consumer groups: pub/sub and work queue', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const consumers: TrackedConsumer[] = [];

  before(async () => {
    broker = await startTestBroker(GROUP_TEST_BROKER_OVERRIDES);
    admin = await connectedAdmin(broker.bootstrap);
    producer = await connectedProducer(broker.bootstrap);
  });
  after(async () => {
    await stopAll(consumers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('pub/sub: two groups on one topic each receive every message', async () => {
    const topic = 'notifications';
    await createTopic(admin, topic, 3);
    const before = await producePerPartition(producer, topic, 3, 4, 'early');
    const email = await TrackedConsumer.start(broker.bootstrap, 'email-service', 'email-1', [topic]);
    const sms = [
      await TrackedConsumer.start(broker.bootstrap, 'sms-service', 'sms-1', [topic]),
      await TrackedConsumer.start(broker.bootstrap, 'sms-service', 'sms-2', [topic]),
    ];
    consumers.push(email, ...sms);
    await waitForStableGroup(broker.port, 'email-service', [email], topic, 3);
    await waitForStableGroup(broker.port, 'sms-service', sms, topic, 3);
    const later = await producePerPartition(producer, topic, 3, 4, 'late');
    const all = [...before, ...later];

    const smsValues = (): string[] => sms.flatMap((c) => c.values(topic));
    await waitFor(() => email.consumed.length >= all.length && smsValues().length >= all.length, { timeoutMs: 15_000, what: 'both groups to read every message' });
    await waitForCommittedToEnd(admin, 'email-service', topic);
    await waitForCommittedToEnd(admin, 'sms-service', topic);

    assert.deepEqual(sorted(email.values(topic)), sorted(all), 'email-service (one member) reads every message once');
    assert.deepEqual(sorted(smsValues()), sorted(all), 'sms-service (two members) reads every message once');
    assert.deepEqual(duplicates(smsValues()), []);
    // within sms-service the two members split the partitions
    assert.deepEqual(sms.flatMap((c) => c.partitions(topic)).sort(), [0, 1, 2]);
    for (const c of sms) assert.ok(c.partitions(topic).length > 0, `${c.name} owns a partition`);
    // each group has its own offsets; both are at the end
    const end = await endOffsets(admin, topic);
    assert.deepEqual(await committedOffsets(admin, 'email-service', topic), end);
    assert.deepEqual(await committedOffsets(admin, 'sms-service', topic), end);
  });

  it('work queue: three consumers split a 6-partition topic, two partitions each, and every message is consumed exactly once', async () => {
    const topic = 'jobs';
    const group = 'workers';
    await createTopic(admin, topic, 6);
    const workers = [
      await TrackedConsumer.start(broker.bootstrap, group, 'worker-1', [topic]),
      await TrackedConsumer.start(broker.bootstrap, group, 'worker-2', [topic]),
      await TrackedConsumer.start(broker.bootstrap, group, 'worker-3', [topic]),
    ];
    consumers.push(...workers);
    const view = await waitForStableGroup(broker.port, group, workers, topic, 6);
    assert.equal(view.members.length, 3);
    for (const w of workers) assert.equal(w.partitions(topic).length, 2, `${w.name} owns ${JSON.stringify(w.partitions(topic))}`);

    // keyed jobs: kafkajs's default partitioner spreads them over the partitions by key
    const jobs = Array.from({ length: 120 }, (_, i) => ({ key: `customer-${i % 17}`, value: `job-${i}` }));
    for (let i = 0; i < jobs.length; i += 30) await producer.send({ topic, messages: jobs.slice(i, i + 30), acks: -1 });
    const consumed = (): string[] => workers.flatMap((w) => w.values(topic));
    await waitFor(() => consumed().length >= jobs.length, { timeoutMs: 15_000, what: 'every job to be consumed' });
    await waitForCommittedToEnd(admin, group, topic);

    assert.deepEqual(duplicates(consumed()), [], 'no job is handled twice');
    assert.deepEqual(sorted(consumed()), sorted(jobs.map((j) => j.value)), 'every job is handled');
    const end = await endOffsets(admin, topic);
    assert.ok(end.filter((n) => n > 0).length >= 4, `the jobs are spread over the partitions: ${JSON.stringify(end)}`);
    for (const w of workers) {
      const mine = new Set(w.partitions(topic));
      assert.ok(w.consumed.every((m) => mine.has(m.partition)), `${w.name} handles only jobs of its partitions`);
      // one key, one partition: a customer's jobs are handled by one worker, in order
      for (const m of w.consumed) {
        const others = workers.filter((o) => o !== w).flatMap((o) => o.consumed);
        assert.ok(others.every((o) => o.key !== m.key), `${m.key} is handled by ${w.name} only`);
      }
    }
    const byKey = new Map<string, number[]>();
    for (const w of workers) for (const m of w.consumed) byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), Number(m.value!.slice(4))]);
    for (const [key, order] of byKey) assert.deepEqual(order, [...order].sort((a, b) => a - b), `${key}'s jobs are handled in order`);
  });
});
