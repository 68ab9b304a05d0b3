/**
 * kafka-producer-perf-test: writes --num-records records of --record-size bytes as fast as
 * allowed (--throughput records/s, -1 for no limit) and reports records/s, MB/s and latency
 * percentiles, as Kafka's tool does; on a terminal a live progress line replaces the periodic
 * reports.
 */
import { UsageError } from '../support/options.js';
import { EXIT_OK } from '../support/output.js';
import { withClient } from '../support/connect.js';
import { keyValues } from '../support/options.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import { Producer } from '../../client/producer/producer.js';

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export const kafkaProducerPerfTest: Tool = {
  name: 'kafka-producer-perf-test',
  summary: 'measure produce throughput and latency',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'topic', value: 'topic', doc: 'The topic to write to (required).' },
    { name: 'num-records', value: 'n', doc: 'How many records to send (required).' },
    { name: 'record-size', value: 'bytes', doc: 'Size of each record (default 100).' },
    { name: 'throughput', value: 'records/s', doc: 'Rate limit; -1 for none (default -1).' },
    { name: 'producer-props', value: 'k=v', repeatable: true, doc: 'Producer settings: acks, compression.type, linger.ms, batch.size, enable.idempotence.' },
    { name: 'print-metrics', doc: 'Accepted for compatibility.' },
    { name: 'json', doc: 'Print the final result as JSON.' },
  ],
  examples: ['kafka-producer-perf-test --topic perf --num-records 100000 --record-size 1024 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=all'],
  async run(o, io) {
    const topic = o.get('topic');
    const total = Number(o.get('num-records'));
    if (!topic || !Number.isInteger(total) || total <= 0) throw new UsageError('--topic and a positive --num-records are required');
    const size = Number(o.get('record-size') ?? 100);
    const throughput = Number(o.get('throughput') ?? -1);
    const props = keyValues(o.all('producer-props').flatMap((p) => p.split(' ')), '\u0000');
    const bootstrap = props.get('bootstrap.servers') ? props.get('bootstrap.servers')!.split(',') : bootstrapOf(o);
    const acksText = props.get('acks') ?? '1';
    return withClient(bootstrap, async (kafka) => {
      const producer = new Producer(kafka, {
        acks: acksText === 'all' ? -1 : Number(acksText),
        compression: (props.get('compression.type') ?? 'none') as 'none',
        lingerMs: Number(props.get('linger.ms') ?? 5),
        // one batch per partition is in flight at a time, so larger batches than Kafka's 16 KiB
        // default keep the pipe full
        batchSize: Number(props.get('batch.size') ?? 1048576),
        idempotent: props.get('enable.idempotence') === 'true',
      });
      const value = Buffer.alloc(size, 0x61);
      const latencies: number[] = [];
      const start = Date.now();
      let lastReport = start;
      const inFlight = new Set<Promise<unknown>>();
      const tty = io.stderr.isTTY === true;
      const report = (done: number, final: boolean): void => {
        const secs = Math.max(0.001, (Date.now() - start) / 1000);
        const line = `${done} records sent, ${(done / secs).toFixed(1)} records/sec (${((done * size) / secs / 1048576).toFixed(2)} MB/sec)`;
        if (tty && !final) io.stderr.write(`\r[${'#'.repeat(Math.floor((done / total) * 30)).padEnd(30)}] ${line}`);
        else if (!tty && !final) io.stdout.write(`${line}.\n`);
      };
      for (let i = 0; i < total; i++) {
        if (throughput > 0) {
          const due = start + (i / throughput) * 1000;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const sentAt = Date.now();
        const p = producer.send(topic, [{ value }]).then(() => {
          latencies.push(Date.now() - sentAt);
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= 10_000) await Promise.race(inFlight);
        if (Date.now() - lastReport >= (tty ? 200 : 5000)) {
          report(latencies.length, false);
          lastReport = Date.now();
        }
      }
      await Promise.all(inFlight);
      await producer.close();
      if (tty) io.stderr.write('\n');
      const secs = Math.max(0.001, (Date.now() - start) / 1000);
      latencies.sort((a, b) => a - b);
      const avg = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
      const result = {
        records: total, recordsPerSec: total / secs, mbPerSec: (total * size) / secs / 1048576,
        avgLatencyMs: avg, maxLatencyMs: latencies.at(-1) ?? 0,
        p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), p999: percentile(latencies, 0.999),
      };
      if (o.has('json')) io.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        io.stdout.write(`${total} records sent, ${result.recordsPerSec.toFixed(1)} records/sec (${result.mbPerSec.toFixed(2)} MB/sec), ` +
          `${avg.toFixed(2)} ms avg latency, ${result.maxLatencyMs.toFixed(2)} ms max latency, ${result.p50} ms 50th, ${result.p95} ms 95th, ${result.p99} ms 99th, ${result.p999} ms 99.9th.\n`);
      }
      return EXIT_OK;
    });
  },
};
