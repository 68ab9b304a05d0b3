/**
 * gregor perf produce / consume (kafka-producer-perf-test / kafka-consumer-perf-test) against a
 * broker started here: the figures they report are plausible and agree with what the topic holds
 * afterwards, checked with kafkajs (end offsets) and kcat (the records themselves).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMissing } from '../../support/clients/kcat.js';
import { endOffsets, expectOk, gregor, lines } from '../../support/cli.js';

const skip = kcatMissing() ?? false;
if (skip) console.log(`# perf.test: skipped: ${skip}`);

const PRODUCE_LINE = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;

async function totalEnd(bootstrap: string, topic: string): Promise<number> {
  return [...(await endOffsets(bootstrap, topic)).values()].reduce((a, b) => a + b, 0);
}

describe('perf produce / consume', { skip }, () => {
  let broker: TestBroker;
  let b: string;

  before(async () => {
    broker = await startTestBroker();
    b = broker.bootstrap;
    expectOk('create', await gregor(['topics', 'create', 'perf', '--partitions', '3', '-b', b]));
  });
  after(async () => {
    await broker?.stop();
  });

  it('perf produce --num-records 2000 --record-size 100 --throughput -1 writes 2000 records of 100 bytes and reports plausible figures', async () => {
    const started = Date.now();
    const r = expectOk('perf produce', await gregor(['perf', 'produce', 'perf', '--num-records', '2000', '--record-size', '100', '--throughput', '-1', '-b', b]));
    const wall = (Date.now() - started) / 1000;
    const last = lines(r.stdout).at(-1)!;
    const m = PRODUCE_LINE.exec(last);
    assert.ok(m, `the summary line: ${JSON.stringify(last)}`);
    const [count, rps, mbps, avg, max, p50, p95, p99, p999] = m.slice(1).map(Number) as [number, number, number, number, number, number, number, number, number];
    assert.equal(count, 2000);
    assert.ok(rps > 0 && mbps > 0, 'rates are positive');
    // The rate is over at most the command's own run time, and MB/s follows from it.
    assert.ok(rps >= 2000 / wall, `${rps} records/s is at least 2000 over ${wall} s`);
    assert.ok(Math.abs(mbps - (rps * 100) / 1048576) <= 0.01 + mbps * 0.01, `${mbps} MB/s is ${rps} records/s of 100 bytes`);
    assert.ok(avg >= 0 && avg <= max, `avg ${avg} <= max ${max}`);
    assert.ok(p50 <= p95 && p95 <= p99 && p99 <= p999 && p999 <= max, `percentiles ${p50} <= ${p95} <= ${p99} <= ${p999} <= ${max}`);
    assert.ok(max <= wall * 1000, `max latency ${max} ms within the run of ${wall} s`);

    // What the topic holds: exactly 2000 records of 100 bytes.
    assert.equal(await totalEnd(b, 'perf'), 2000);
    const records = await kcatConsume(b, 'perf', { timeoutMs: 30_000 });
    assert.equal(records.length, 2000);
    assert.ok(records.every((x) => x.value?.length === 100), 'every value has --record-size bytes');
  });

  it('perf consume --messages 2000 reads the 2000 records and reports them in Kafka\'s format', async () => {
    const r = expectOk('perf consume', await gregor(['perf', 'consume', 'perf', '--messages', '2000', '-b', b]));
    const out = lines(r.stdout);
    assert.equal(out[0], 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec');
    const f = out[1]!.split(', ');
    assert.equal(f.length, 6, out[1]);
    const [start, end] = [Date.parse(f[0]!), Date.parse(f[1]!)];
    assert.ok(Number.isFinite(start) && Number.isFinite(end) && end >= start, `times ${f[0]} .. ${f[1]}`);
    assert.equal(Number(f[4]), 2000, 'messages consumed');
    assert.equal(Number(f[2]), Number(((2000 * 100) / 1048576).toFixed(4)), 'MB consumed is 2000 x 100 bytes');
    assert.ok(Number(f[3]) > 0 && Number(f[5]) > 0, 'rates are positive');
    const secs = Math.max(0.001, (end - start) / 1000);
    assert.ok(Math.abs(Number(f[5]) - 2000 / secs) <= 2000 / secs * 0.05 + 1, `nMsg.sec ${f[5]} is 2000 over ${secs} s`);
  });

  it('kafka-producer-perf-test with --throughput and --producer-props, then kafka-consumer-perf-test --json over everything', async () => {
    const r = expectOk('producer perf', await gregor(['kafka-producer-perf-test', '--topic', 'perf', '--num-records', '300', '--record-size', '50',
      '--throughput', '1000', '--producer-props', `bootstrap.servers=${b}`, 'acks=all', '--json']));
    const res = JSON.parse(lines(r.stdout).at(-1)!) as { records: number; recordsPerSec: number; mbPerSec: number; avgLatencyMs: number; maxLatencyMs: number; p50: number; p99: number };
    assert.equal(res.records, 300);
    assert.ok(res.recordsPerSec > 0, 'a positive rate');
    // 300 records at 1000/s take at least ~0.3 s: the limit holds (with slack for timer granularity).
    assert.ok(res.recordsPerSec <= 1200, `${res.recordsPerSec} records/s under --throughput 1000`);
    assert.equal(await totalEnd(b, 'perf'), 2300);

    const c = expectOk('consumer perf', await gregor(['kafka-consumer-perf-test', '--bootstrap-server', b, '--topic', 'perf', '--messages', '2300', '--json']));
    const cons = JSON.parse(lines(c.stdout).at(-1)!) as { messages: number; mb: number; mbPerSec: number; messagesPerSec: number; seconds: number };
    assert.equal(cons.messages, 2300);
    assert.ok(Math.abs(cons.mb - (2000 * 100 + 300 * 50) / 1048576) < 1e-9, `MB ${cons.mb}`);
    assert.ok(cons.mbPerSec > 0 && cons.messagesPerSec > 0 && cons.seconds > 0);
  });

  it('perf consume asked for more than the topic holds stops after --timeout and reports what it read', async () => {
    const c = await gregor(['perf', 'consume', 'perf', '--messages', '5000', '--timeout', '1000', '--json', '-b', b]);
    assert.equal(c.code, 0, c.stderr);
    const cons = JSON.parse(lines(c.stdout).at(-1)!) as { messages: number };
    assert.equal(cons.messages, 2300, 'everything there is, and no more');
  });
});
