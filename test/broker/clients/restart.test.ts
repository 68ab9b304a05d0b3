/**
 * A broker restart loses nothing that was acknowledged: records produced by kafkajs and kcat
 * are there afterwards with the same offsets, keys, values, headers and timestamps, and new
 * produces (from a producer that lived through the restart and from new ones) continue at the
 * next offsets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMissing, kcatProduce, type KcatRecord } from '../../support/clients/kcat.js';
import { readPartition, type PartitionContents } from '../../support/clients/raw-client.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const kcatSkip = kcatMissing();
if (kcatSkip) console.log(`# restart: the kcat parts are skipped: ${kcatSkip}`);

const TOPIC = 'durable';

describe('broker restart', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let before1: PartitionContents;
  let kcatBefore: KcatRecord[] = [];

  before(async () => {
    broker = await startTestBroker({ 'num.partitions': '2' });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 } });
    producer = kafka.producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('acknowledged produces from kafkajs and kcat get consecutive offsets', async () => {
    const acked: number[] = [];
    for (const acks of [-1, 1, -1]) {
      const [meta] = await producer.send({
        topic: TOPIC, acks,
        messages: [0, 1, 2].map((i) => ({ partition: 0, key: `kjs-${acks}-${i}`, value: `kafkajs acks=${acks} #${i}`, headers: { origin: 'kafkajs' }, timestamp: String(1_700_000_000_000 + acked.length * 3 + i) })),
      });
      assert.equal(meta!.errorCode, 0);
      acked.push(Number(meta!.baseOffset));
    }
    assert.deepEqual(acked, [0, 3, 6]);
    if (!kcatSkip) {
      await kcatProduce(broker.bootstrap, TOPIC, ['x', 'y', 'z'].map((v) => ({ key: `kcat-${v}`, value: `kcat ${v}\tтаб` })), { partition: 0, headers: [['origin', 'kcat']] });
      await kcatProduce(broker.bootstrap, TOPIC, [{ key: 'p1', value: 'kcat on partition 1' }], { partition: 1, compression: 'zstd' });
    }
    before1 = await readPartition(broker.port, TOPIC, 0);
    assert.equal(before1.highWatermark, kcatSkip ? 9 : 12);
    assert.deepEqual(before1.records.map((r) => r.offset), Array.from({ length: before1.highWatermark }, (_, i) => i));
    if (!kcatSkip) kcatBefore = await kcatConsume(broker.bootstrap, TOPIC);
  });

  it('after a restart every record is there with the same offset, key, value and timestamp', async () => {
    await broker.restart();
    const after1 = await readPartition(broker.port, TOPIC, 0);
    assert.equal(after1.highWatermark, before1.highWatermark);
    assert.deepEqual(after1.records, before1.records);
    assert.equal(after1.logStartOffset, 0);
    const p1 = await readPartition(broker.port, TOPIC, 1);
    assert.deepEqual(p1.records.map((r) => [r.offset, r.key, r.value]), kcatSkip ? [] : [[0, 'p1', 'kcat on partition 1']]);
  });

  it('kcat reads the same records, headers included, after the restart', { skip: kcatSkip ?? false }, async () => {
    const now = await kcatConsume(broker.bootstrap, TOPIC);
    const sorted = (rs: KcatRecord[]): KcatRecord[] => [...rs].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    assert.deepEqual(sorted(now), sorted(kcatBefore));
    assert.equal(now.filter((r) => r.headers.some(([k, v]) => k === 'origin' && v === 'kafkajs')).length, 9);
    assert.equal(now.filter((r) => r.headers.some(([k, v]) => k === 'origin' && v === 'kcat')).length, 3);
  });

  it('new produces continue at the next offsets: the same kafkajs producer, a new one, and kcat', async () => {
    const next = before1.highWatermark;
    // The producer connected before the restart reconnects by itself.
    const [m1] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, key: 'after', value: 'same producer after restart' }] });
    assert.equal(m1!.errorCode, 0);
    assert.equal(Number(m1!.baseOffset), next);

    const fresh = kafka.producer();
    await fresh.connect();
    try {
      const [m2] = await fresh.send({ topic: TOPIC, acks: 1, messages: [{ partition: 0, value: 'new producer a' }, { partition: 0, value: 'new producer b' }] });
      assert.equal(Number(m2!.baseOffset), next + 1);
    } finally {
      await fresh.disconnect();
    }
    let expectedEnd = next + 3;
    if (!kcatSkip) {
      await kcatProduce(broker.bootstrap, TOPIC, [{ value: 'kcat after restart' }], { partition: 0 });
      expectedEnd += 1;
    }
    const now = await readPartition(broker.port, TOPIC, 0);
    assert.equal(now.highWatermark, expectedEnd);
    assert.deepEqual(now.records.slice(0, next), before1.records);
    assert.deepEqual(
      now.records.slice(next).map((r) => [r.offset, r.value]),
      ['same producer after restart', 'new producer a', 'new producer b', ...(kcatSkip ? [] : ['kcat after restart'])].map((v, i) => [next + i, v]),
    );
  });

  it('a second restart keeps the records written after the first', async () => {
    const beforeSecond = await readPartition(broker.port, TOPIC, 0);
    await broker.restart();
    const afterSecond = await readPartition(broker.port, TOPIC, 0);
    assert.deepEqual(afterSecond, beforeSecond);
  });
});
