/**
 * kcat (librdkafka) against Gregor: metadata listing, producing and consuming without a
 * consumer group, keys, headers, explicit partitions, every compression codec, and the -o
 * start offsets.
 *
 * The broker gives auto-created topics 3 partitions so that explicit partitions mean something.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { KCAT, kcatConsume, kcatMetadata, kcatMissing, kcatProduce } from '../../support/clients/kcat.js';
import { checkOk, run } from '../../support/clients/process.js';
import { ensureTopic, produceBatch, readPartition, supportedApis } from '../../support/clients/raw-client.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import type { CompressionType } from '../../../src/protocol/compression/index.js';

const skip = kcatMissing() ?? false;
if (skip) console.log(`# skipping kcat tests: ${skip}`);

const VALUES = [
  'plain ascii',
  'tab\tseparated\tfields',
  'unicode: ☃ ünïcødé 日本語 🚀',
  'two\nlines',
  '{"json":true,"n":[1,2,3]}',
  'trailing spaces   ',
];

const CODEC_IDS: Record<string, number> = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const FIND_COORDINATOR = 10;

describe('kcat', { skip }, () => {
  let broker: TestBroker;
  let apis: Map<number, { min: number; max: number }>;

  before(async () => {
    broker = await startTestBroker({ 'num.partitions': '3' });
    apis = await supportedApis(broker.port);
  });
  after(async () => {
    await broker?.stop();
  });

  it('-L lists the broker and the topics with their partitions', async () => {
    await kcatProduce(broker.bootstrap, 'listed-a', [{ value: 'a' }], { partition: 0 });
    await kcatProduce(broker.bootstrap, 'listed-b', [{ value: 'b' }], { partition: 2 });
    const md = await kcatMetadata(broker.bootstrap);
    assert.equal(md.brokers.length, 1);
    const [self] = md.brokers;
    assert.equal(self!.name, `127.0.0.1:${broker.port}`);
    for (const name of ['listed-a', 'listed-b']) {
      const topic = md.topics.find((t) => t.topic === name);
      assert.ok(topic, `${name} is listed`);
      assert.equal(topic.error, undefined);
      assert.deepEqual(topic.partitions.map((p) => p.partition).sort(), [0, 1, 2]);
      for (const p of topic.partitions) {
        assert.equal(p.leader, self!.id);
        assert.deepEqual(p.replicas.map((r) => r.id), [self!.id]);
        assert.deepEqual(p.isrs.map((r) => r.id), [self!.id]);
      }
    }
    // The human-readable listing says the same.
    const text = checkOk('kcat -L', await run(KCAT, ['-b', broker.bootstrap, '-L'], { timeoutMs: 15_000 })).stdout;
    assert.match(text, new RegExp(`broker ${self!.id} at 127\\.0\\.0\\.1:${broker.port}`));
    assert.match(text, /topic "listed-a" with 3 partitions/);
    assert.match(text, /topic "listed-b" with 3 partitions/);
  });

  it('-P -K -H / -C round-trips keys, values with tabs, newlines and unicode, and headers', async () => {
    const topic = 'roundtrip';
    const messages = VALUES.map((value, i) => ({ key: i % 2 === 0 ? `key-${i}` : `ключ\t${i}`, value }));
    const headers: [string, string][] = [['trace-id', 'abc=123'], ['lang', '日本語'], ['trace-id', 'second']];
    await kcatProduce(broker.bootstrap, topic, messages, { partition: 1, headers });
    const records = await kcatConsume(broker.bootstrap, topic, { partition: 1 });
    assert.deepEqual(
      records.map((r) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value, headers: r.headers })),
      messages.map((m, offset) => ({ partition: 1, offset, key: m.key, value: m.value, headers })),
    );
    // Without -K the messages have null keys.
    await kcatProduce(broker.bootstrap, topic, [{ value: 'no key' }], { partition: 1 });
    const [last] = await kcatConsume(broker.bootstrap, topic, { partition: 1, offset: String(messages.length) });
    assert.deepEqual({ offset: last!.offset, key: last!.key, value: last!.value, headers: last!.headers }, { offset: messages.length, key: null, value: 'no key', headers: [] });
  });

  it('-p puts messages on the partition asked for, and -C -p reads only that partition', async () => {
    const topic = 'explicit-partitions';
    for (const partition of [2, 0, 1, 2]) {
      await kcatProduce(broker.bootstrap, topic, [{ value: `to-${partition}-a` }, { value: `to-${partition}-b` }], { partition });
    }
    const expected: Record<number, string[]> = {
      0: ['to-0-a', 'to-0-b'],
      1: ['to-1-a', 'to-1-b'],
      2: ['to-2-a', 'to-2-b', 'to-2-a', 'to-2-b'],
    };
    for (const partition of [0, 1, 2]) {
      const records = await kcatConsume(broker.bootstrap, topic, { partition });
      assert.deepEqual(records.map((r) => [r.partition, r.offset, r.value]), expected[partition]!.map((v, offset) => [partition, offset, v]));
    }
    // Without -p kcat reads every partition.
    const all = await kcatConsume(broker.bootstrap, topic);
    assert.equal(all.length, 8);
    assert.deepEqual([...new Set(all.map((r) => r.partition))].sort(), [0, 1, 2]);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`-P -z ${codec}: batches are stored as sent and read back identical`, async (t) => {
      const topic = `codec-${codec}`;
      // Repetitive values so that compression pays off and librdkafka keeps it.
      const messages = Array.from({ length: 25 }, (_, i) => ({
        key: `k${i % 5}`,
        value: `${VALUES[i % VALUES.length]} | ${'compressible '.repeat(10)}#${i}`,
      }));
      await kcatProduce(broker.bootstrap, topic, messages, { partition: 2, compression: codec, headers: [['codec', codec]] });
      const records = await kcatConsume(broker.bootstrap, topic, { partition: 2 });
      assert.deepEqual(
        records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, headers: r.headers })),
        messages.map((m, offset) => ({ offset, key: m.key, value: m.value, headers: [['codec', codec]] })),
      );
      const stored = await readPartition(broker.port, topic, 2);
      assert.equal(stored.highWatermark, messages.length);
      assert.equal(stored.batches.reduce((n, b) => n + b.recordCount, 0), messages.length);
      let expected = CODEC_IDS[codec]!;
      if (codec === 'lz4' && !apis.has(FIND_COORDINATOR)) {
        // librdkafka enables LZ4 only for brokers that advertise FindCoordinator (its proxy for
        // Kafka >= 0.8.2, rdkafka_feature.c) and otherwise sends the batch uncompressed.
        t.diagnostic('FindCoordinator is not served yet, so librdkafka sends lz4 batches uncompressed');
        expected = 0;
      }
      assert.deepEqual([...new Set(stored.batches.map((b) => b.codec))], [expected], `batches stored with codec ${expected}`);
      // Starting inside a batch: the broker returns the whole batch, kcat skips what precedes the offset.
      const tail = await kcatConsume(broker.bootstrap, topic, { partition: 2, offset: '10' });
      assert.deepEqual(tail.map((r) => [r.offset, r.value]), messages.slice(10).map((m, i) => [10 + i, m.value]));
    });

    it(`-C decompresses ${codec} batches produced by another client`, async () => {
      const topic = `raw-codec-${codec}`;
      await ensureTopic(broker.port, topic);
      const inputs = VALUES.map((v, i) => ({ key: i === 0 ? null : `key-${i}`, value: `${v} ${'again '.repeat(8)}`, headers: [{ key: 'h', value: Buffer.from(`${codec}-${i}`) }] }));
      const batch = buildRecordBatch(
        inputs.map((x, i) => ({ key: x.key === null ? null : Buffer.from(x.key), value: Buffer.from(x.value), headers: x.headers, timestamp: 1_700_000_000_000n + BigInt(i) })),
        { compression: CODEC_IDS[codec] as CompressionType },
      );
      const produced = await produceBatch(broker.port, topic, 0, batch);
      assert.equal(produced.errorCode, 0);
      const records = await kcatConsume(broker.bootstrap, topic, { partition: 0 });
      assert.deepEqual(
        records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
        inputs.map((x, i) => ({ offset: i, key: x.key, value: x.value, headers: [['h', `${codec}-${i}`]], timestamp: 1_700_000_000_000 + i })),
      );
      // -o s@<ms>: the first record with a timestamp at or after it (ListOffsets by timestamp),
      // found inside the compressed batch.
      const fromTime = await kcatConsume(broker.bootstrap, topic, { partition: 0, offset: `s@${1_700_000_000_000 + 3}` });
      assert.deepEqual(fromTime.map((r) => r.offset), [3, 4, 5]);
    });
  }

  describe('-o start offsets', () => {
    const topic = 'offsets';
    const values = Array.from({ length: 10 }, (_, i) => `v${i}`);

    before(async () => {
      await kcatProduce(broker.bootstrap, topic, values.map((value) => ({ value })), { partition: 0 });
    });

    const cases: [string, string, number | undefined, number[]][] = [
      ['beginning', 'beginning', undefined, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
      ['an absolute offset', '4', undefined, [4, 5, 6, 7, 8, 9]],
      ['an absolute offset with -c 3', '4', 3, [4, 5, 6]],
      ['-2 (two from the end)', '-2', undefined, [8, 9]],
      ['the last offset', '9', undefined, [9]],
      ['end', 'end', undefined, []],
    ];
    for (const [name, offset, count, offsets] of cases) {
      it(`-o ${offset}: ${name}`, async () => {
        const records = await kcatConsume(broker.bootstrap, topic, { partition: 0, offset, ...(count === undefined ? {} : { count }) });
        assert.deepEqual(records.map((r) => [r.offset, r.value]), offsets.map((o) => [o, values[o]]));
      });
    }
  });

  it('old protocol versions (no ApiVersions, broker.version.fallback=0.9.0): message sets up- and down-converted', async () => {
    // librdkafka then sends Produce v1 with magic-0 message sets and fetches with Fetch v1, which
    // the broker answers with magic-0 messages converted from its v2 batches.
    const legacy = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0'];
    const topic = 'old-protocol';
    await kcatProduce(broker.bootstrap, topic, [{ key: 'new-1', value: 'modern one' }, { key: 'new-2', value: 'modern two' }], { partition: 0, headers: [['h', 'v']] });
    await kcatProduce(broker.bootstrap, topic, [{ key: 'old-1', value: 'legacy ☃ one' }, { key: 'old-2', value: 'legacy\ttwo' }], { partition: 0, compression: 'gzip', extra: legacy });
    const expected = [['new-1', 'modern one'], ['new-2', 'modern two'], ['old-1', 'legacy ☃ one'], ['old-2', 'legacy\ttwo']];

    const viaOld = await kcatConsume(broker.bootstrap, topic, { partition: 0, extra: legacy });
    assert.deepEqual(viaOld.map((r) => [r.offset, r.key, r.value, r.headers]), expected.map(([k, v], i) => [i, k, v, []]));

    const viaNew = await kcatConsume(broker.bootstrap, topic, { partition: 0 });
    assert.deepEqual(viaNew.map((r) => [r.offset, r.key, r.value]), expected.map(([k, v], i) => [i, k, v]));
    assert.deepEqual(viaNew.map((r) => r.headers), [[['h', 'v']], [['h', 'v']], [], []]);
    // Magic-0 messages carry no timestamp: the up-converted records have none (-1), as in Kafka.
    assert.ok(viaNew[0]!.timestamp > 0 && viaNew[1]!.timestamp > 0);
    assert.deepEqual([viaNew[2]!.timestamp, viaNew[3]!.timestamp], [-1, -1]);
  });

  it('-e exits once the end is reached, on an empty partition too, and says where it stopped', async () => {
    await kcatProduce(broker.bootstrap, 'ends', [{ value: 'only' }], { partition: 0 });
    const args = ['-b', broker.bootstrap, '-C', '-t', 'ends', '-o', 'beginning', '-e', '-f', '%p:%o:%s\\n', '-X', 'fetch.wait.max.ms=50'];
    const r = checkOk('kcat -C -e', await run(KCAT, args, { timeoutMs: 15_000 }));
    assert.ok(r.elapsedMs < 10_000, `kcat exited after ${r.elapsedMs} ms`);
    assert.equal(r.stdout, '0:0:only\n');
    assert.match(r.stderr, /Reached end of topic ends \[0\] at offset 1/);
    assert.match(r.stderr, /Reached end of topic ends \[1\] at offset 0/);
    assert.match(r.stderr, /Reached end of topic ends \[2\] at offset 0/);
  });
});
