/**
 * The Producer against a real broker: Java-compatible key placement (checked against kcat with
 * librdkafka's murmur2 partitioner), sticky keyless records, every compression codec read back
 * by kcat, acks 0/1/all, idempotence through a proxy that loses Produce responses, batching by
 * linger.ms and batch.size (counted in the stored batches), topic auto-creation, retries across a
 * broker restart, flush and close.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/admin/admin.js';
import { ClientError } from '../../../src/client/client-error.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { partitionForKey } from '../../../src/client/partitioner.js';
import { Producer, incrementSequence, type CompressionName } from '../../../src/client/producer/producer.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { FaultProxy, resentBatches } from '../../support/clients/fault-proxy.js';
import { kcatConsume, kcatMissing, kcatProduce } from '../../support/clients/kcat.js';
import { javaPartitionFor } from '../../support/clients/murmur2.js';
import { readPartition } from '../../support/clients/raw-client.js';
import { waitFor } from '../../support/clients/wait.js';

const noKcat = kcatMissing();
if (noKcat) console.log(`# skipping kcat cross-checks: ${noKcat}`);

let tb: TestBroker;
let client: KafkaClient;
let admin: Admin;

before(async () => {
  tb = await startTestBroker();
  client = await KafkaClient.connect({ bootstrap: [tb.bootstrap], clientId: 'producer-test', retryBackoffMs: 50 });
  admin = new Admin(client);
});

after(async () => {
  client?.close();
  await tb?.stop();
});

async function allRecords(topic: string, partitions: number): Promise<{ partition: number; key: string | null; value: string | null; offset: number }[]> {
  const out = [];
  for (let p = 0; p < partitions; p++) {
    for (const r of (await readPartition(tb.port, topic, p)).records) out.push({ partition: p, key: r.key, value: r.value, offset: r.offset });
  }
  return out;
}

const KEYS = [
  'key', '21', 'foobar', 'a', 'ab', 'abc', 'abcd', 'abcde', 'ключ', 'Zoë', '🚀rocket',
  ...Array.from({ length: 40 }, (_, i) => `user-${i}`),
];

describe('partitioning', () => {
  test('keyed records land where Java\'s murmur2 puts them, as kcat with partitioner=murmur2_random does', async () => {
    await admin.createTopics([{ name: 'keyed', numPartitions: 6 }, { name: 'keyed-kcat', numPartitions: 6 }]);
    const producer = new Producer(client, { lingerMs: 2 });
    const results = await producer.send('keyed', KEYS.map((key) => ({ key, value: `ours|${key}` })));
    await producer.close();
    for (let i = 0; i < KEYS.length; i++) {
      const key = KEYS[i]!;
      assert.equal(results[i]!.partition, partitionForKey(key, 6), key);
      assert.equal(results[i]!.partition, javaPartitionFor(key, 6), `${key} (independent murmur2)`);
    }
    // Kafka's known values: murmur2("key") = -1079937367 -> (2^31 - 1079937367) % 6.
    assert.equal(results[0]!.partition, (-1079937367 & 0x7fffffff) % 6);
    const stored = await allRecords('keyed', 6);
    assert.equal(stored.length, KEYS.length);
    for (const r of stored) assert.equal(r.partition, partitionForKey(r.key!, 6), `stored ${r.key}`);

    if (noKcat) return;
    await kcatProduce(tb.bootstrap, 'keyed-kcat', KEYS.map((key) => ({ key, value: `kcat|${key}` })), { extra: ['-X', 'partitioner=murmur2_random'] });
    const kcatPlaced = new Map((await kcatConsume(tb.bootstrap, 'keyed-kcat')).map((r) => [r.key, r.partition]));
    assert.equal(kcatPlaced.size, KEYS.length);
    for (let i = 0; i < KEYS.length; i++) assert.equal(results[i]!.partition, kcatPlaced.get(KEYS[i]!), `kcat placed ${KEYS[i]} elsewhere`);
  });

  test('keyless records stick to one partition per batch and move on when it is sent', async () => {
    await admin.createTopics([{ name: 'sticky', numPartitions: 4 }]);
    const producer = new Producer(client, { lingerMs: 10 });
    const used: number[] = [];
    for (let round = 0; round < 4; round++) {
      const results = await producer.send('sticky', Array.from({ length: 20 }, (_, i) => ({ value: `r${round}-${i}` })));
      const partitions = new Set(results.map((r) => r.partition));
      assert.equal(partitions.size, 1, `round ${round}: one partition for the whole batch`);
      used.push(results[0]!.partition);
    }
    for (let i = 1; i < used.length; i++) assert.notEqual(used[i], used[i - 1], `after a batch is sent the next goes elsewhere: ${used.join(',')}`);
    // Small batches: the partition changes each time a batch fills up, so records come in runs.
    const small = new Producer(client, { lingerMs: 50, batchSize: 400 });
    const results = await small.send('sticky', Array.from({ length: 30 }, (_, i) => ({ value: `small-${String(i).padStart(3, '0')}-${'x'.repeat(60)}` })));
    await small.close();
    await producer.close();
    const runs = results.reduce<number[]>((acc, r, i) => (i === 0 || r.partition !== results[i - 1]!.partition ? [...acc, r.partition] : acc), []);
    assert.ok(runs.length >= 3, `records spread over batches: ${runs.join(',')}`);
    for (let i = 1; i < runs.length; i++) assert.notEqual(runs[i], runs[i - 1]);
  });

  test('an explicit partition wins; one outside the topic is refused', async () => {
    const producer = new Producer(client);
    const [r] = await producer.send('sticky', [{ key: 'key', value: 'explicit', partition: 3 }]);
    assert.equal(r!.partition, 3);
    await assert.rejects(producer.send('sticky', [{ value: 'nowhere', partition: 4 }]), (e) => e instanceof ClientError && e.code === 'INVALID_ARGUMENT');
    await producer.close();
  });
});

describe('compression', () => {
  const codecs: [CompressionName, number][] = [['none', 0], ['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]];
  for (const [codec, id] of codecs) {
    test(`${codec} batches are stored compressed and read back by kcat`, async () => {
      const topic = `codec-${codec}`;
      await admin.createTopics([{ name: topic, numPartitions: 1 }]);
      const producer = new Producer(client, { compression: codec, lingerMs: 20 });
      const records = Array.from({ length: 25 }, (_, i) => ({
        key: `k${i}`,
        value: `${codec} value ${i} ${'abc'.repeat(i)}`,
        headers: i % 2 === 0 ? { h: `v${i}`, codec } : [['h', Buffer.from(`v${i}`)], ['empty', null]] as [string, Buffer | null][],
      }));
      const results = await producer.send(topic, records);
      await producer.close();
      assert.deepEqual(results.map((r) => r.offset), records.map((_, i) => i));
      const { batches, records: stored } = await readPartition(tb.port, topic, 0);
      assert.ok(batches.length >= 1);
      assert.ok(batches.every((b) => b.codec === id), `codec ids ${batches.map((b) => b.codec).join(',')}`);
      assert.deepEqual(stored.map((r) => r.value), records.map((r) => r.value));
      if (noKcat) return;
      const read = await kcatConsume(tb.bootstrap, topic);
      assert.deepEqual(read.map((r) => [r.key, r.value]), records.map((r) => [r.key, r.value]));
      assert.deepEqual(read[0]!.headers, [['h', 'v0'], ['codec', codec]]);
      assert.deepEqual(read[1]!.headers, [['h', 'v1'], ['empty', null]]);
    });
  }
});

describe('acknowledgements', () => {
  test('acks=0 resolves with offset -1 and the records arrive', async () => {
    await admin.createTopics([{ name: 'acks0', numPartitions: 1 }]);
    const producer = new Producer(client, { acks: 0 });
    const results = await producer.send('acks0', Array.from({ length: 10 }, (_, i) => ({ value: `a0-${i}` })));
    assert.deepEqual(results.map((r) => r.offset), Array(10).fill(-1));
    await producer.close();
    const stored = await waitFor(async () => {
      const c = await readPartition(tb.port, 'acks0', 0);
      return c.records.length === 10 ? c.records : undefined;
    }, { what: 'the acks=0 records' });
    assert.deepEqual(stored.map((r) => r.value), Array.from({ length: 10 }, (_, i) => `a0-${i}`));
  });

  for (const acks of [1, -1, 'all'] as const) {
    test(`acks=${acks} resolves with the offsets the records got`, async () => {
      const topic = `acks${acks}`;
      await admin.createTopics([{ name: topic, numPartitions: 1 }]);
      const producer = new Producer(client, { acks });
      const first = await producer.send(topic, [{ value: 'one' }, { value: 'two' }]);
      const second = await producer.send(topic, [{ value: 'three' }]);
      await producer.close();
      assert.deepEqual([...first, ...second].map((r) => [r.partition, r.offset]), [[0, 0], [0, 1], [0, 2]]);
      assert.deepEqual((await readPartition(tb.port, topic, 0)).records.map((r) => r.value), ['one', 'two', 'three']);
    });
  }

  test('an idempotent producer needs acks=all; acks is -1, 0, 1 or all', () => {
    assert.throws(() => new Producer(client, { idempotent: true, acks: 1 }), (e) => e instanceof ClientError && e.code === 'INVALID_ARGUMENT');
    assert.throws(() => new Producer(client, { acks: 2 }), (e) => e instanceof ClientError && e.code === 'INVALID_ARGUMENT');
  });
});

describe('idempotence', () => {
  let proxy: FaultProxy;
  let proxied: KafkaClient;

  before(async () => {
    proxy = await FaultProxy.start({ host: '127.0.0.1', port: tb.port });
    proxied = await KafkaClient.connect({ bootstrap: [proxy.bootstrap], clientId: 'idempotence-test', retryBackoffMs: 20 });
    await admin.createTopics([{ name: 'idem', numPartitions: 1 }, { name: 'not-idem', numPartitions: 1 }]);
  });

  after(async () => {
    proxied?.close();
    await proxy?.close();
  });

  test('a batch re-sent after its response was lost is written once, with its original offsets', async () => {
    const producer = new Producer(proxied, { idempotent: true, lingerMs: 0 });
    const first = await producer.send('idem', [{ value: 'i0' }, { value: 'i1' }]);
    proxy.dropProduceResponses(1, 'close');
    const second = await producer.send('idem', [{ value: 'i2' }, { value: 'i3' }, { value: 'i4' }]);
    const third = await producer.send('idem', [{ value: 'i5' }]);
    await producer.close();
    assert.deepEqual([...first, ...second, ...third].map((r) => r.offset), [0, 1, 2, 3, 4, 5]);
    assert.equal(proxy.droppedCount, 1);
    const resent = resentBatches(proxy.produces).filter((b) => b.topic === 'idem');
    assert.equal(resent.length, 1, 'the batch whose response was lost was sent again unchanged');
    assert.equal(resent[0]!.baseSequence, 2);
    const sent = proxy.produces.flatMap((p) => p.batches).filter((b) => b.topic === 'idem');
    assert.ok(sent.every((b) => b.producerId >= 0n && b.producerEpoch >= 0), 'every batch carries the producer id');
    assert.deepEqual([...new Set(sent.map((b) => b.baseSequence))], [0, 2, 5], 'sequences number the records');
    const stored = (await readPartition(tb.port, 'idem', 0)).records.map((r) => r.value);
    assert.deepEqual(stored, ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'], 'no duplicates');
  });

  test('without idempotence the same lost response duplicates the batch (the test can tell)', async () => {
    const producer = new Producer(proxied, { lingerMs: 0 });
    await producer.send('not-idem', [{ value: 'n0' }]);
    proxy.dropProduceResponses(1, 'close');
    await producer.send('not-idem', [{ value: 'n1' }]);
    await producer.close();
    const stored = (await readPartition(tb.port, 'not-idem', 0)).records.map((r) => r.value);
    assert.deepEqual(stored, ['n0', 'n1', 'n1']);
  });

  test('sequence numbers wrap from 2^31-1 to 0 as in Kafka', () => {
    assert.equal(incrementSequence(0, 5), 5);
    assert.equal(incrementSequence(0x7fffffff - 2, 2), 0x7fffffff);
    assert.equal(incrementSequence(0x7fffffff - 2, 3), 0);
    assert.equal(incrementSequence(0x7fffffff, 1), 0);
  });
});

describe('batching', () => {
  test('records sent within linger.ms share one batch', async () => {
    await admin.createTopics([{ name: 'linger', numPartitions: 1 }]);
    const producer = new Producer(client, { lingerMs: 100 });
    const sends = Array.from({ length: 10 }, (_, i) => producer.send('linger', [{ value: `l${i}` }]));
    const results = (await Promise.all(sends)).flat();
    assert.deepEqual(results.map((r) => r.offset), Array.from({ length: 10 }, (_, i) => i));
    const { batches } = await readPartition(tb.port, 'linger', 0);
    assert.deepEqual(batches.map((b) => b.recordCount), [10], 'one batch of ten records');

    // Without lingering, records sent one after another each get their own batch.
    const eager = new Producer(client, { lingerMs: 0 });
    for (let i = 0; i < 5; i++) await eager.send('linger', [{ value: `e${i}` }]);
    const after = await readPartition(tb.port, 'linger', 0);
    assert.deepEqual(after.batches.map((b) => b.recordCount), [10, 1, 1, 1, 1, 1]);
    await producer.close();
    await eager.close();
  });

  test('batch.size closes a batch once it is full', async () => {
    await admin.createTopics([{ name: 'sized', numPartitions: 1 }]);
    const producer = new Producer(client, { lingerMs: 1000, batchSize: 1024 });
    const started = Date.now();
    const results = await producer.send('sized', Array.from({ length: 40 }, (_, i) => ({ partition: 0, value: `${i}`.padEnd(100, '.') })));
    assert.equal(results.length, 40);
    const { batches } = await readPartition(tb.port, 'sized', 0);
    assert.ok(batches.length >= 4 && batches.length <= 10, `40 records of ~140 bytes in 1 KiB batches: ${batches.map((b) => b.recordCount).join(',')}`);
    assert.ok(batches.slice(0, -1).every((b) => b.recordCount >= 5), 'full batches hold several records');
    // Full batches do not wait for linger.ms; only the last, partial one does.
    assert.ok(Date.now() - started < 3000);
    await producer.close();
  });

  test('one Produce request carries the ready batches of several partitions', async () => {
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: tb.port });
    const viaProxy = await KafkaClient.connect({ bootstrap: [proxy.bootstrap], clientId: 'multi-partition' });
    try {
      await admin.createTopics([{ name: 'spread', numPartitions: 3 }]);
      const producer = new Producer(viaProxy, { lingerMs: 50 });
      await producer.send('spread', [0, 1, 2].flatMap((partition) => [{ partition, value: 'a' }, { partition, value: 'b' }]));
      await producer.close();
      const produces = proxy.produces.filter((p) => p.batches.some((b) => b.topic === 'spread'));
      assert.equal(produces.length, 1);
      assert.deepEqual(produces[0]!.batches.map((b) => [b.partition, b.recordCount]).sort(), [[0, 2], [1, 2], [2, 2]]);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });
});

describe('topics, retries and lifecycle', () => {
  test('a missing topic is created through Metadata auto-creation', async () => {
    const producer = new Producer(client);
    const [r] = await producer.send('auto-created', [{ key: 'k', value: 'v' }]);
    await producer.close();
    assert.deepEqual(r, { topic: 'auto-created', partition: 0, offset: 0 });
    assert.equal((await admin.describeTopics(['auto-created']))[0]!.partitions.length, 1);
  });

  test('without auto-creation a missing topic fails after timeoutMs', async () => {
    const producer = new Producer(client, { allowAutoTopicCreation: false, timeoutMs: 300 });
    await assert.rejects(producer.send('never-created', [{ value: 'v' }]), (e) => e instanceof ClientError && e.kafkaCode === 3);
    await producer.close();
  });

  test('sends retry across a broker restart', async () => {
    await admin.createTopics([{ name: 'restarted', numPartitions: 2 }]);
    const producer = new Producer(client, { idempotent: true, timeoutMs: 20_000 });
    await producer.send('restarted', [{ key: 'a', value: 'before' }]);
    await tb.restart();
    const [r] = await producer.send('restarted', [{ key: 'a', value: 'after' }]);
    await producer.close();
    assert.equal(r!.offset, 1);
    const p = partitionForKey('a', 2);
    assert.deepEqual((await readPartition(tb.port, 'restarted', p)).records.map((x) => x.value), ['before', 'after']);
  });

  test('flush waits for buffered records; close refuses new ones', async () => {
    await admin.createTopics([{ name: 'flushed', numPartitions: 1 }]);
    const producer = new Producer(client, { lingerMs: 60_000 });
    let acknowledged = false;
    const pending = producer.send('flushed', [{ value: 'f', timestamp: 1234, headers: { a: 'b' } }, { value: null, key: 'tomb' }]).then((r) => {
      acknowledged = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(acknowledged, false, 'still lingering');
    await producer.flush();
    assert.equal(acknowledged, true);
    assert.deepEqual((await pending).map((r) => r.offset), [0, 1]);
    const stored = (await readPartition(tb.port, 'flushed', 0)).records;
    assert.equal(stored[0]!.timestamp, 1234);
    assert.equal(stored[1]!.value, null, 'a null value is a tombstone');
    await producer.close();
    await assert.rejects(producer.send('flushed', [{ value: 'late' }]), /closed/);
  });
});
