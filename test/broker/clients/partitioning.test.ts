/**
 * Keyed messages land on the same partition whichever client produces them, and that partition
 * is the Java client's: toPositive(Utils.murmur2(keyBytes)) % numPartitions, computed here by an
 * independent implementation (test/support/clients/murmur2.ts).
 *
 *   kafkajs 2: its DefaultPartitioner is the Java-compatible murmur2 one.
 *   kcat: librdkafka's default partitioner is consistent_random (CRC32 of the key), which does
 *         NOT match Java; `-X partitioner=murmur2_random` selects Java's murmur2 for keyed
 *         messages (random for null keys), which is what the test uses.
 *   kafka-python: its DefaultPartitioner is murmur2 with the sign bit cleared, as Java.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatMissing, kcatProduce } from '../../support/clients/kcat.js';
import { javaPartitionFor, murmur2 } from '../../support/clients/murmur2.js';
import { kafkaPython, runPython } from '../../support/clients/python.js';
import { ensureTopic, readPartition, supportedApis } from '../../support/clients/raw-client.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const PARTITIONS = 6;
const TOPIC = 'keyed';
const CREATE_TOPICS = 19;

const KEYS = [
  ...Array.from({ length: 30 }, (_, i) => `user-${i}`),
  // Every length modulo 4, so each tail case of murmur2 is exercised.
  'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh',
  // Multi-byte UTF-8 and bytes >= 0x80 in every position of a 4-byte block.
  'ключ', 'Zoë', '日本語キー', '🚀rocket', 'ü', 'üü', 'üüü',
  'order#2024-06-01T12:00:00Z', 'a-little-bit-long-string', 'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8',
];

const kcatSkip = kcatMissing() ?? false;
const pythonProbe = await kafkaPython();
const pythonSkip = typeof pythonProbe === 'string' ? pythonProbe : false;

const KAFKA_PYTHON_PRODUCE = `
import json, sys
from kafka import KafkaProducer
p = json.loads(sys.argv[1])
producer = KafkaProducer(bootstrap_servers=p['bootstrap'])
futures = [(k, producer.send(p['topic'], ('kafka-python|' + k).encode('utf-8'), key=k.encode('utf-8'))) for k in p['keys']]
producer.flush(timeout=15)
for k, f in futures:
    md = f.get(timeout=15)
    print(json.dumps({'key': k, 'partition': md.partition}))
producer.close(timeout=5)
`;

/** Where each `${client}|${key}` value landed, read straight from every partition. */
async function placements(port: number, client: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (let p = 0; p < PARTITIONS; p++) {
    const { records } = await readPartition(port, TOPIC, p);
    for (const r of records) {
      if (!r.value?.startsWith(`${client}|`)) continue;
      assert.equal(r.key, r.value.slice(client.length + 1), 'the key travelled with its value');
      const list = out.get(r.key!) ?? [];
      list.push(p);
      out.set(r.key!, list);
    }
  }
  return out;
}

function assertJavaPlacement(client: string, placed: Map<string, number[]>): void {
  assert.equal(placed.size, KEYS.length, `${client}: every key was stored`);
  for (const key of KEYS) {
    assert.deepEqual(placed.get(key), [javaPartitionFor(key, PARTITIONS)], `${client}: key ${JSON.stringify(key)}`);
  }
}

describe('keyed partitioning is the same for every client', () => {
  let broker: TestBroker;
  const seen = new Map<string, Map<string, number[]>>();

  before(async () => {
    broker = await startTestBroker({ 'num.partitions': String(PARTITIONS) });
    if ((await supportedApis(broker.port)).has(CREATE_TOPICS)) {
      const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        assert.equal(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] }), true);
      } finally {
        await admin.disconnect();
      }
    }
    // Without CreateTopics the topic is auto-created with num.partitions.
    assert.equal(await ensureTopic(broker.port, TOPIC), PARTITIONS);
  });
  after(async () => {
    await broker?.stop();
  });

  it('the murmur2 helper reproduces Kafka\'s Utils.murmur2 test vectors', () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [s, h] of vectors) assert.equal(murmur2(Buffer.from(s)), h, s);
    // The keys spread over the partitions, so agreement below is not by accident.
    assert.ok(new Set(KEYS.map((k) => javaPartitionFor(k, PARTITIONS))).size >= 5);
  });

  it('kafkajs (default partitioner) puts each key on Java\'s partition', async () => {
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, acks: -1, messages: KEYS.map((key) => ({ key, value: `kafkajs|${key}` })) });
    } finally {
      await producer.disconnect();
    }
    const placed = await placements(broker.port, 'kafkajs');
    assertJavaPlacement('kafkajs', placed);
    seen.set('kafkajs', placed);
  });

  it('kcat (-X partitioner=murmur2_random) puts each key on Java\'s partition', { skip: kcatSkip }, async () => {
    await kcatProduce(broker.bootstrap, TOPIC, KEYS.map((key) => ({ key, value: `kcat|${key}` })), { extra: ['-X', 'partitioner=murmur2_random'] });
    const placed = await placements(broker.port, 'kcat');
    assertJavaPlacement('kcat', placed);
    seen.set('kcat', placed);
  });

  it('kafka-python (default partitioner) puts each key on Java\'s partition', { skip: pythonSkip }, async () => {
    const reported = await runPython<{ key: string; partition: number }>(KAFKA_PYTHON_PRODUCE, { bootstrap: broker.bootstrap, topic: TOPIC, keys: KEYS });
    assert.deepEqual(reported, KEYS.map((key) => ({ key, partition: javaPartitionFor(key, PARTITIONS) })), 'partitions kafka-python reported');
    const placed = await placements(broker.port, 'kafka-python');
    assertJavaPlacement('kafka-python', placed);
    seen.set('kafka-python', placed);
  });

  it('every client that ran chose the same partition for every key', async () => {
    assert.ok(seen.has('kafkajs'));
    const [first, ...others] = [...seen.entries()];
    for (const [client, placed] of others) assert.deepEqual(placed, first![1], `${client} agrees with ${first![0]}`);
    // The topic holds exactly what was produced, nothing more.
    let total = 0;
    for (let p = 0; p < PARTITIONS; p++) total += (await readPartition(broker.port, TOPIC, p)).records.length;
    assert.equal(total, KEYS.length * seen.size);
  });
});
