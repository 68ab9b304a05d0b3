/**
 * Share groups (KIP-932) with Gregor's ShareConsumer: two members consume one partition in
 * parallel without duplicates while acknowledging; a member that dies holding records has them
 * delivered again after the acquisition lock; REJECT and the delivery-count limit archive
 * records; acknowledged state survives a broker restart; RELEASE makes a record available again
 * at once. The group is visible as a share group (ListGroups, ShareGroupDescribe).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ShareConsumer, type ShareConsumerOptions, type ShareRecord } from '../../../src/client/consumer/index.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { waitFor } from '../../support/clients/wait.js';
import { adminAndProducer, createTopic, duplicates } from './helpers.js';

describe('share groups with Gregor\'s share consumer', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const open: { consumer: ShareConsumer; client: KafkaClient }[] = [];

  const member = async (groupId: string, topics: string[], extra: Partial<ShareConsumerOptions> = {}): Promise<ShareConsumer> => {
    const client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: `share-${groupId}`, retryBackoffMs: 50 });
    const consumer = new ShareConsumer(client, { groupId, maxWaitMs: 200, ...extra });
    consumer.subscribe(topics);
    open.push({ consumer, client });
    return consumer;
  };
  const closeMember = async (c: ShareConsumer): Promise<void> => {
    const i = open.findIndex((o) => o.consumer === c);
    const [o] = open.splice(i, 1);
    await o!.consumer.close();
    o!.client.close();
  };
  /** Share groups start at the latest offset unless the group says earliest. */
  const earliest = async (groupId: string): Promise<void> => {
    const client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: 'share-configs' });
    try {
      const res = await client.send(ApiKey.IncrementalAlterConfigs, {
        resources: [{ resourceType: 32, resourceName: groupId, configs: [{ name: 'share.auto.offset.reset', configOperation: 0, value: 'earliest' }] }], validateOnly: false,
      });
      assert.equal(res.responses[0]!.errorCode, 0, res.responses[0]!.errorMessage ?? '');
    } finally {
      client.close();
    }
  };
  const send = async (topic: string, values: string[]): Promise<void> => {
    await producer.send({ topic, messages: values.map((value) => ({ value, partition: 0 })), acks: -1 });
  };
  const pollAll = async (c: ShareConsumer, until: (got: ShareRecord[]) => boolean, what: string, each?: (r: ShareRecord) => void): Promise<ShareRecord[]> => {
    const got: ShareRecord[] = [];
    await waitFor(async () => {
      const batch = await c.poll(100);
      for (const r of batch) each?.(r);
      got.push(...batch);
      return until(got);
    }, { timeoutMs: 20_000, what });
    return got;
  };

  before(async () => {
    broker = await startTestBroker({
      'group.share.record.lock.duration.ms': '1500',
      'group.share.delivery.count.limit': '3',
      'group.share.heartbeat.interval.ms': '200',
      'group.share.session.timeout.ms': '3000',
      'share.coordinator.state.topic.num.partitions': '3',
    });
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    for (const t of ['jobs', 'locks', 'poison', 'durable', 'release']) await createTopic(admin, t, 1);
  });
  after(async () => {
    for (const o of open.splice(0)) {
      await o.consumer.close().catch(() => undefined);
      o.client.close();
    }
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('two members consume one partition in parallel without duplicates', async () => {
    await earliest('workers');
    const values = Array.from({ length: 200 }, (_, i) => `job-${i}`);
    const a = await member('workers', ['jobs'], { maxPartitionBytes: 1024 });
    const b = await member('workers', ['jobs'], { maxPartitionBytes: 1024 });
    assert.deepEqual([...await a.poll(50), ...await b.poll(50)], []);
    // twenty batches of ten: each fetch acquires a few batches, so both members get work
    for (let i = 0; i < values.length; i += 10) await send('jobs', values.slice(i, i + 10));
    const seen = { a: [] as string[], b: [] as string[] };
    await waitFor(async () => {
      const [ra, rb] = await Promise.all([a.poll(100), b.poll(100)]);
      seen.a.push(...ra.map((r) => r.value!.toString()));
      seen.b.push(...rb.map((r) => r.value!.toString()));
      return seen.a.length + seen.b.length >= values.length;
    }, { timeoutMs: 30_000, what: 'all 200 jobs' });
    await a.commitSync();
    await b.commitSync();
    const all = [...seen.a, ...seen.b];
    assert.deepEqual(duplicates(all), []);
    assert.deepEqual([...all].sort(), [...values].sort());
    assert.ok(seen.a.length > 0 && seen.b.length > 0, `both members worked: ${seen.a.length} and ${seen.b.length}`);
    assert.deepEqual(a.assignment(), [{ topic: 'jobs', partition: 0 }]);
    assert.deepEqual(b.assignment(), [{ topic: 'jobs', partition: 0 }]);
    // the group is a share group with both members
    const client = open[0]!.client;
    const listed = await client.send(ApiKey.ListGroups, { statesFilter: [], typesFilter: ['share'] });
    assert.deepEqual(listed.groups.filter((g) => g.groupId === 'workers').map((g) => [g.groupType, g.groupState]), [['share', 'Stable']]);
    const described = (await client.send(ApiKey.ShareGroupDescribe, { groupIds: ['workers'], includeAuthorizedOperations: false })).groups[0]!;
    assert.equal(described.members.length, 2);
    assert.equal(described.assignorName, 'simple');
    await closeMember(a);
    await closeMember(b);
  });

  it('delivers records again after the lock of a member that died holding them', async () => {
    await earliest('lockers');
    await send('locks', ['l1', 'l2', 'l3']);
    const dying = await member('lockers', ['locks'], { acknowledgementMode: 'explicit' });
    const held = await pollAll(dying, (g) => g.length >= 3, 'the first delivery');
    assert.deepEqual(held.map((r) => [r.value!.toString(), r.deliveryCount]), [['l1', 1], ['l2', 1], ['l3', 1]]);
    // the member vanishes without acknowledging or leaving: its heartbeats stop with its process
    const d = open.find((o) => o.consumer === dying)!;
    open.splice(open.indexOf(d), 1);
    d.client.close();
    const other = await member('lockers', ['locks']);
    const again = await pollAll(other, (g) => g.length >= 3, 'redelivery after the lock expired');
    assert.deepEqual(again.map((r) => [r.value!.toString(), r.deliveryCount]), [['l1', 2], ['l2', 2], ['l3', 2]]);
    await closeMember(other);
  });

  it('archives rejected records and records that reach the delivery-count limit', async () => {
    await earliest('poison-eaters');
    await send('poison', ['bad', 'poison', 'good']);
    const c = await member('poison-eaters', ['poison'], { acknowledgementMode: 'explicit' });
    const deliveries: [string, number][] = [];
    await pollAll(c, () => deliveries.filter(([v]) => v === 'poison').length >= 3 && deliveries.some(([v]) => v === 'good'), 'three deliveries of poison', (r) => {
      const v = r.value!.toString();
      deliveries.push([v, r.deliveryCount]);
      if (v === 'bad') c.acknowledge(r, 'reject');
      else if (v === 'poison') c.acknowledge(r, 'release');
      else c.acknowledge(r, 'accept');
    });
    await c.commitSync();
    assert.deepEqual(deliveries.filter(([v]) => v === 'bad'), [['bad', 1]]);
    assert.deepEqual(deliveries.filter(([v]) => v === 'poison'), [['poison', 1], ['poison', 2], ['poison', 3]]);
    // nothing comes back: rejected and exhausted records are archived
    assert.deepEqual(await c.poll(500), []);
    await closeMember(c);
  });

  it('keeps acknowledged state across a broker restart', async () => {
    await earliest('survivors');
    await send('durable', ['d1', 'd2', 'd3', 'd4']);
    const c = await member('survivors', ['durable'], { acknowledgementMode: 'explicit' });
    const got = await pollAll(c, (g) => g.length >= 4, 'four records');
    c.acknowledge(got[0]!, 'accept');
    c.acknowledge(got[1]!, 'accept');
    c.acknowledge(got[2]!, 'reject');
    c.acknowledge(got[3]!, 'release');
    await c.commitSync();
    await closeMember(c);
    await broker.restart();
    await send('durable', ['d5']);
    const after = await member('survivors', ['durable']);
    const redelivered = await pollAll(after, (g) => g.length >= 2, 'what was not acknowledged');
    assert.deepEqual(redelivered.map((r) => r.value!.toString()).sort(), ['d4', 'd5']);
    assert.deepEqual(await after.poll(400), []);
    await closeMember(after);
  });

  it('makes a released record available to another member at once', async () => {
    await earliest('releasers');
    await send('release', ['r1']);
    const first = await member('releasers', ['release'], { acknowledgementMode: 'explicit' });
    const [r] = await pollAll(first, (g) => g.length >= 1, 'r1');
    first.acknowledge(r!, 'release');
    await first.commitSync();
    const second = await member('releasers', ['release']);
    const [again] = await pollAll(second, (g) => g.length >= 1, 'r1 again');
    assert.deepEqual([again!.value!.toString(), again!.deliveryCount], ['r1', 2]);
    await closeMember(first);
    await closeMember(second);
  });
});
