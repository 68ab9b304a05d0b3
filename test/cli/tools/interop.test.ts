/**
 * The console tools against other clients, through a broker started here:
 *
 *   - `gregor produce` (keys, headers) -> kcat reads the same keys, values, headers, in order;
 *   - keyed lines (--property parse.key=true) land where kafkajs's default partitioner and kcat
 *     with -X partitioner=murmur2_random put the same keys, which is Java's murmur2 partition;
 *   - kcat produces -> `gregor consume` prints them, in Kafka's print.* format and as --json,
 *     with the partitions and offsets kcat reports;
 *   - `gregor produce` -> a kafkajs consumer group reads them; a `gregor consume` started
 *     without --max-messages ends cleanly (exit 0) when stopped with SIGINT.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMissing, kcatProduce, type KcatRecord } from '../../support/clients/kcat.js';
import { javaPartitionFor } from '../../support/clients/murmur2.js';
import { expectOk, gregor, lines, startGregor } from '../../support/cli.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const skip = kcatMissing() ?? false;
if (skip) console.log(`# interop.test: skipped: ${skip}`);

const PARTITIONS = 6;
const KEYS = [...Array.from({ length: 24 }, (_, i) => `user-${i}`), 'a', 'abc', 'abcde', 'ключ', 'Zoë', '🚀rocket'];

function byPosition(a: { partition: number; offset: number }, b: { partition: number; offset: number }): number {
  return a.partition - b.partition || a.offset - b.offset;
}

describe('console tools and other clients', { skip }, () => {
  let broker: TestBroker;
  let b: string;

  before(async () => {
    broker = await startTestBroker();
    b = broker.bootstrap;
    for (const topic of ['keyed', 'from-kcat', 'to-kafkajs']) {
      expectOk(`create ${topic}`, await gregor(['topics', 'create', topic, '--partitions', String(PARTITIONS), '-b', b]));
    }
  });
  after(async () => {
    await broker?.stop();
  });

  it('gregor produce with keys and headers: kcat reads the same records, each key on Java\'s partition', async () => {
    const input = KEYS.map((k, i) => `source:gregor,seq:${i}\t${k}:gregor|${k}`).join('\n') + '\n';
    const r = expectOk('produce', await gregor(['produce', 'keyed', '-b', b, '--property', 'parse.key=true', '--property', 'key.separator=:', '--property', 'parse.headers=true'], { input }));
    assert.equal(r.stderr, '');
    const read = (await kcatConsume(b, 'keyed')).filter((m) => m.value?.startsWith('gregor|'));
    assert.equal(read.length, KEYS.length);
    for (const m of read) {
      const key = m.value!.slice('gregor|'.length);
      assert.equal(m.key, key, 'the key travelled with its value');
      assert.equal(m.partition, javaPartitionFor(key, PARTITIONS), `partition of ${JSON.stringify(key)}`);
      assert.deepEqual(m.headers, [['source', 'gregor'], ['seq', String(KEYS.indexOf(key))]]);
    }
    // Within a partition, the lines keep their order.
    for (let p = 0; p < PARTITIONS; p++) {
      const seqs = read.filter((m) => m.partition === p).sort(byPosition).map((m) => Number(m.headers[1]![1]));
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `order in partition ${p}`);
    }
  });

  it('kafkajs (default partitioner) and kcat (murmur2_random) put every key where gregor produce did', async () => {
    const producer = new Kafka({ brokers: [b], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'keyed', acks: -1, messages: KEYS.map((key) => ({ key, value: `kafkajs|${key}` })) });
    } finally {
      await producer.disconnect();
    }
    await kcatProduce(b, 'keyed', KEYS.map((key) => ({ key, value: `kcat|${key}` })), { extra: ['-X', 'partitioner=murmur2_random'] });
    const all = await kcatConsume(b, 'keyed');
    const placement = (client: string): Map<string, number> => {
      const m = new Map<string, number>();
      for (const r of all) if (r.value?.startsWith(`${client}|`)) m.set(r.key!, r.partition);
      return m;
    };
    const gregorPlaced = placement('gregor');
    assert.equal(gregorPlaced.size, KEYS.length);
    assert.ok(new Set(gregorPlaced.values()).size >= 4, 'the keys spread over the partitions');
    assert.deepEqual(placement('kafkajs'), gregorPlaced, 'kafkajs agrees');
    assert.deepEqual(placement('kcat'), gregorPlaced, 'kcat agrees');
  });

  it('kcat produces; gregor consume prints the records with print.* properties and as --json', async () => {
    await kcatProduce(b, 'from-kcat', KEYS.map((key) => ({ key, value: `v-${key}` })), { headers: [['origin', 'kcat']], extra: ['-X', 'partitioner=murmur2_random'] });
    await kcatProduce(b, 'from-kcat', [{ value: 'no key here' }, { value: 'nor here' }], { partition: 2 });
    const truth = (await kcatConsume(b, 'from-kcat')).sort(byPosition);
    const n = KEYS.length + 2;
    assert.equal(truth.length, n);

    const text = expectOk('consume', await gregor(['consume', 'from-kcat', '-b', b, '--from-beginning', '--max-messages', String(n),
      '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true',
      '--property', 'print.headers=true', '--property', 'key.separator=|']));
    assert.match(text.stderr, new RegExp(`Processed a total of ${n} messages`));
    const printed = text.stdout.split('\n').slice(0, -1).map((l) => {
      const m = /^Partition:(\d+)\tOffset:(\d+)\t(.*?)\t(.*?)\|(.*)$/.exec(l);
      assert.ok(m, `a print.* line: ${JSON.stringify(l)}`);
      return { partition: Number(m[1]), offset: Number(m[2]), headers: m[3], key: m[4], value: m[5] };
    }).sort(byPosition);
    assert.deepEqual(printed, truth.map((t) => ({
      partition: t.partition, offset: t.offset,
      headers: t.headers.length === 0 ? 'NO_HEADERS' : t.headers.map(([k, v]) => `${k}:${v}`).join(','),
      key: t.key ?? 'null', value: t.value ?? '',
    })));

    const json = expectOk('consume --json', await gregor(['consume', 'from-kcat', '-b', b, '--from-beginning', '--max-messages', String(n), '--json']));
    const records = lines(json.stdout).map((l) => JSON.parse(l) as { topic: string; partition: number; offset: number; key: string | null; value: string | null; headers: Record<string, string | null>; timestamp: number }).sort(byPosition);
    assert.deepEqual(records.map((r) => ({ ...r, headers: Object.entries(r.headers) })), truth.map((t: KcatRecord) => ({
      topic: 'from-kcat', partition: t.partition, offset: t.offset, timestamp: t.timestamp,
      key: t.key, value: t.value ?? '', headers: t.headers,
    })));
  });

  it('gregor produce -> a kafkajs consumer group reads every record; gregor consume stops cleanly on SIGINT', async () => {
    const values = KEYS.map((k, i) => `${k}=${i}`);
    expectOk('produce', await gregor(['produce', 'to-kafkajs', '-b', b, '--property', 'parse.key=true', '--property', 'key.separator=='], { input: values.join('\n') + '\n' }));

    const kafka = new Kafka({ brokers: [b], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'kafkajs-reader', maxWaitTimeInMs: 100 });
    const got: { key: string; value: string; partition: number }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'to-kafkajs', fromBeginning: true });
      let resolveAll!: () => void;
      const all = new Promise<void>((r) => (resolveAll = r));
      await consumer.run({
        eachMessage: async ({ message, partition }) => {
          got.push({ key: message.key!.toString(), value: message.value!.toString(), partition });
          if (got.length === values.length) resolveAll();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`kafkajs read ${got.length} of ${values.length}`)), 20_000)))]);
      clearTimeout(timer);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(got.map((g) => `${g.key}=${g.value}`).sort(), [...values].sort());
    for (const g of got) assert.equal(g.partition, javaPartitionFor(g.key, PARTITIONS));

    // The same records through gregor consume, which runs until interrupted.
    const running = startGregor(['consume', 'to-kafkajs', '-b', b, '--from-beginning', '--follow', '--property', 'print.key=true', '--property', 'key.separator==']);
    try {
      await running.waitForOutput((out) => lines(out).length >= values.length, 'every record');
    } finally {
      const exit = await running.stop('SIGINT');
      assert.deepEqual(exit, { code: 0, signal: null }, `exit on SIGINT\n${running.stderr()}`);
    }
    assert.deepEqual(lines(running.stdout()).sort(), [...values].sort());
    assert.match(running.stderr(), new RegExp(`^Processed a total of ${values.length} messages\n$`));
  });
});

describe('gregor consume', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  it('reads to the end and stops unless --follow; --offset, --timestamp and --format choose where and how', async () => {
    const b = broker.bootstrap;
    const file = join(tmpdir(), `gregor-lines-${process.pid}.txt`);
    writeFileSync(file, 'k1:one\nk2:two\nk3:three\n');
    const produced = await gregor(['produce', 'ends', '-b', b, '--file', file, '--key-separator', ':', '--header', 'src=file']);
    assert.equal(produced.code, 0, produced.stderr);
    const all = await gregor(['consume', 'ends', '-b', b, '--from-beginning', '--format', 'key-value']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(all.stdout.trim().split('\n'), ['k1\tone', 'k2\ttwo', 'k3\tthree']);
    const fromOne = await gregor(['consume', 'ends', '-b', b, '--offset', '1', '--format', 'json']);
    const records = fromOne.stdout.trim().split('\n').map((l) => JSON.parse(l) as { offset: number; key: string; headers: Record<string, string> });
    assert.deepEqual(records.map((r) => r.offset), [1, 2]);
    assert.equal(records[0]!.headers.src, 'file');
    const byTime = await gregor(['consume', 'ends', '-b', b, '--timestamp', '2000-01-01T00:00:00Z']);
    assert.deepEqual(byTime.stdout.trim().split('\n'), ['one', 'two', 'three']);
    const future = await gregor(['consume', 'ends', '-b', b, '--timestamp', String(Date.now() + 3_600_000)]);
    assert.equal(future.stdout.trim(), '', 'nothing at or after a future time');
  });
});
