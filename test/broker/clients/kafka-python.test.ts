/**
 * kafka-python 2.0.2 against Gregor: seed 002's KafkaProducer with a JSON value serializer,
 * JSON values with and without keys and headers under each compression type kafka-python can use
 * here, read back with a group-less KafkaConsumer (assign + seek_to_beginning).
 *
 * kafka-python compresses gzip with the standard library; snappy, lz4 and zstd need the optional
 * python-snappy, lz4 and zstandard packages, and their cases are skipped (with the reason) where
 * kafka.codec says they are missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMissing } from '../../support/clients/kcat.js';
import { kafkaPython, runPython, PYTHON, type KafkaPythonInfo } from '../../support/clients/python.js';
import { readPartition } from '../../support/clients/raw-client.js';
import { SEED_002_BROKER, SEED_002_PRODUCER_PY, withBroker } from '../../support/clients/seeds.js';
import { run, checkOk } from '../../support/clients/process.js';

const probe = await kafkaPython();
const skip = typeof probe === 'string' ? probe : false;
if (skip) console.log(`# skipping kafka-python tests: ${skip}`);
const info = typeof probe === 'string' ? undefined : probe;

const PRODUCE = `
import json, sys
from kafka import KafkaProducer
p = json.loads(sys.argv[1])
# linger so that all messages share one batch: kafka-python sends a batch uncompressed when
# compressing it would not make it smaller, which small batches of short values often are
options = {'linger_ms': 200}
if p.get('compression'):
    options['compression_type'] = p['compression']
producer = KafkaProducer(
bootstrap_servers=p['bootstrap'],
value_serializer=lambda x: json.dumps(x).encode('utf-8'),
**options
)
futures = []
for m in p['messages']:
    key = None if m['key'] is None else m['key'].encode('utf-8')
    headers = [(k, v.encode('utf-8')) for k, v in m['headers']]
    futures.append(producer.send(p['topic'], m['value'], key=key, headers=headers))
producer.flush(timeout=15)
for f in futures:
    md = f.get(timeout=15)
    print(json.dumps({'topic': md.topic, 'partition': md.partition, 'offset': md.offset}))
producer.close(timeout=5)
`;

const CONSUME = `
import json, sys, time
from kafka import KafkaConsumer, TopicPartition
p = json.loads(sys.argv[1])
consumer = KafkaConsumer(
bootstrap_servers=p['bootstrap'],
enable_auto_commit=False,
value_deserializer=lambda x: json.loads(x.decode('utf-8'))
)
partitions = [TopicPartition(p['topic'], i) for i in p['partitions']]
consumer.assign(partitions)
consumer.seek_to_beginning(*partitions)
seen = 0
deadline = time.time() + p['timeoutMs'] / 1000.0
while seen < p['count'] and time.time() < deadline:
    for tp, messages in consumer.poll(timeout_ms=100).items():
        for m in messages:
            print(json.dumps({
                'partition': m.partition, 'offset': m.offset,
                'key': None if m.key is None else m.key.decode('utf-8'),
                'value': m.value,
                'headers': [[k, v.decode('utf-8')] for k, v in m.headers],
            }), flush=True)
            seen += 1
consumer.close()
`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface PyMessage {
  key: string | null;
  value: Json;
  headers: [string, string][];
}

interface Consumed extends PyMessage {
  partition: number;
  offset: number;
}

const MESSAGES: PyMessage[] = [
  { key: null, value: { key: 'value' }, headers: [] },
  { key: 'user-1', value: { id: 1, name: 'Zoë ☃', tags: ['a', 'b'], nested: { ok: true, n: null } }, headers: [['source', 'kafka-python']] },
  { key: 'user-2', value: 'just a string with a\ttab', headers: [] },
  { key: null, value: [1, 2.5, -3, 'four'], headers: [['h1', 'one'], ['h2', 'двa']] },
  { key: 'user-1', value: 42, headers: [] },
  { key: 'ключ', value: { temperature: 21.5, unit: 'C' }, headers: [['trace', 'x=y']] },
  { key: 'bulk', value: 'compressible '.repeat(200), headers: [] },
];

const CODECS: [string | null, number][] = [[null, 0], ['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]];

function codecProblem(codec: string | null, i: KafkaPythonInfo | undefined): string | false {
  if (codec === null || i === undefined) return false;
  const has = i.codecs[codec as keyof KafkaPythonInfo['codecs']];
  const pkg: Record<string, string> = { snappy: 'python-snappy', lz4: 'lz4', zstd: 'zstandard' };
  return has ? false : `kafka-python ${i.version} cannot use ${codec} here: the python package ${pkg[codec] ?? codec} is not installed for ${PYTHON}`;
}

describe('kafka-python', { skip }, () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  it('seed 002: the KafkaProducer with value_serializer=json sends {"key": "value"} to my_topic', async () => {
    const r = checkOk('seed 002', await run(PYTHON, ['-'], { input: withBroker(SEED_002_PRODUCER_PY, SEED_002_BROKER, broker.bootstrap), timeoutMs: 30_000 }));
    assert.equal(r.stderr.trim(), '');
    const contents = await readPartition(broker.port, 'my_topic', 0);
    assert.deepEqual(contents.records.map((x) => ({ offset: x.offset, key: x.key, value: x.value })), [{ offset: 0, key: null, value: '{"key": "value"}' }]);
    const [read] = await runPython<Consumed>(CONSUME, { bootstrap: broker.bootstrap, topic: 'my_topic', partitions: [0], count: 1, timeoutMs: 15_000 });
    assert.deepEqual(read, { partition: 0, offset: 0, key: null, value: { key: 'value' }, headers: [] });
  });

  for (const [codec, codecId] of CODECS) {
    const name = codec ?? 'none';
    it(`compression_type=${name}: JSON values with and without keys and headers are read back equal`, { skip: codecProblem(codec, info) }, async () => {
      const topic = `kafka-python-${name}`;
      const produced = await runPython<{ topic: string; partition: number; offset: number }>(
        PRODUCE, { bootstrap: broker.bootstrap, topic, compression: codec, messages: MESSAGES },
      );
      assert.deepEqual(produced, MESSAGES.map((_, offset) => ({ topic, partition: 0, offset })));

      const stored = await readPartition(broker.port, topic, 0);
      assert.equal(stored.highWatermark, MESSAGES.length);
      assert.deepEqual([...new Set(stored.batches.map((b) => b.codec))], [codecId], `stored with codec ${codecId}`);

      const consumed = await runPython<Consumed>(CONSUME, { bootstrap: broker.bootstrap, topic, partitions: [0], count: MESSAGES.length, timeoutMs: 15_000 });
      assert.deepEqual(consumed, MESSAGES.map((m, offset) => ({ partition: 0, offset, ...m })));
    });
  }

  it('kcat reads kafka-python\'s records with the same keys, JSON values and headers', { skip: kcatMissing() ?? false }, async () => {
    const topic = 'kafka-python-none';
    const records = await kcatConsume(broker.bootstrap, topic, { partition: 0 });
    assert.deepEqual(
      records.map((r) => ({ offset: r.offset, key: r.key, value: JSON.parse(r.value ?? 'null') as Json, headers: r.headers })),
      MESSAGES.map((m, offset) => ({ offset, key: m.key, value: m.value, headers: m.headers })),
    );
  });
});
