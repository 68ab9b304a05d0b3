/**
 * Query scan rate against a consumer reading the same range, in the same run: a `gregor serve`
 * process holding N JSON records of about 200 bytes in three partitions; a query over all of them
 * with a predicate no record matches (so every record is scanned and none is sent back), timed to
 * its last line; then Gregor's consumer reading every record of the same range into this process.
 * Medians of three runs each.
 *
 *   npm run build && node dist/bench/query.bench.js [records=300000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '../src/client/admin/admin.js';
import { Consumer } from '../src/client/consumer/index.js';
import { KafkaClient } from '../src/client/kafka-client.js';
import { Producer } from '../src/client/producer/index.js';

const n = Number(process.argv[2] ?? 300_000);
const port = 19700 + Math.floor(Math.random() * 100);
const httpPort = port + 100;
const dir = mkdtempSync(join(tmpdir(), 'gregor-query-bench-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const broker = spawn(process.execPath, ['bin/gregor.js', 'serve', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`,
  '--override', `http.listeners=http://127.0.0.1:${httpPort}`], { stdio: 'ignore' });
try {
  let client: KafkaClient | undefined;
  for (let i = 0; i < 100 && !client; i++) client = await KafkaClient.connect({ bootstrap: [`127.0.0.1:${port}`] }).catch(async () => void (await new Promise((r) => setTimeout(r, 100))));
  if (!client) throw new Error('the broker did not start');
  await new Admin(client).createTopics([{ name: 'scan', numPartitions: 3, replicationFactor: 1 }]);
  const producer = new Producer(client, { acks: 1, lingerMs: 5, batchSize: 65_536, compression: 'lz4' });
  const pad = 'x'.repeat(120);
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i += 1000) {
    sends.push(producer.send('scan', Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({
      key: `user-${(i + j) % 1000}`, value: JSON.stringify({ n: i + j, amount: (i + j) % 500, country: 'FR', pad }),
    }))));
  }
  await Promise.all(sends);
  await producer.close();

  const queryRuns: { seconds: number; scanned: number; bytes: number }[] = [];
  const consumerRuns: { seconds: number; bytes: number }[] = [];
  for (let run = 0; run < 3; run++) {
    const started = process.hrtime.bigint();
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/query/topics/scan?where=${encodeURIComponent('amount > 999')}&limit=1`)).text();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const done = JSON.parse(text.trim().split('\n').pop()!) as { recordsScanned: number; bytesScanned: number };
    queryRuns.push({ seconds, scanned: done.recordsScanned, bytes: done.bytesScanned });

    const consumer = new Consumer(client, { autoOffsetReset: 'earliest' });
    consumer.assign([0, 1, 2].map((partition) => ({ topic: 'scan', partition })));
    const t0 = process.hrtime.bigint();
    let got = 0;
    let bytes = 0;
    while (got < n) {
      for (const r of await consumer.poll(500)) {
        got++;
        bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
      }
    }
    consumerRuns.push({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, bytes });
    await consumer.close();
  }
  const q = median(queryRuns.map((r) => r.seconds));
  const c = median(consumerRuns.map((r) => r.seconds));
  const scanned = queryRuns[0]!.scanned;
  console.log(`\n${n} records (~${Math.round(consumerRuns[0]!.bytes / n)} B of key and value each, lz4 batches), 3 partitions, one broker\n`);
  console.log('| reader | seconds | records/s | MB/s (record bytes) |');
  console.log('|---|---:|---:|---:|');
  console.log(`| query, every record scanned, none matching (scanned ${scanned}) | ${q.toFixed(2)} | ${Math.round(scanned / q).toLocaleString('en-US')} | ${(consumerRuns[0]!.bytes / q / 1e6).toFixed(1)} |`);
  console.log(`| Gregor's consumer, every record into the client | ${c.toFixed(2)} | ${Math.round(n / c).toLocaleString('en-US')} | ${(consumerRuns[0]!.bytes / c / 1e6).toFixed(1)} |`);
  console.log(`\nquery / consumer: ${(c / q).toFixed(2)}`);
  client.close();
} finally {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
