/**
 * HTTP produce throughput against the Kafka protocol, in the same run: a `gregor serve` process,
 * and this process producing N records of a given size to a one-partition topic either through
 * Gregor's own producer over the Kafka protocol, or through the REST API's streaming produce (one
 * HTTP connection with chunked encoding: records written as concatenated JSON as fast as the
 * socket takes them, one delivery report read back per record). Both use acks=all through the
 * same producer code (the REST API's runs inside the broker), so the ratio is the cost of HTTP and
 * JSON. Each path runs three times alternately; medians are reported, with loopback throughput.
 *
 *   npm run build && node dist/bench/rest-produce.bench.js [records=100000] [sizes=100,1024]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '../src/client/admin/admin.js';
import { KafkaClient } from '../src/client/kafka-client.js';
import { Producer } from '../src/client/producer/index.js';
import { loopbackMBps } from './broker/machine-limits.js';

const n = Number(process.argv[2] ?? 100_000);
const sizes = (process.argv[3] ?? '100,1024').split(',').map(Number);
const port = 19500 + Math.floor(Math.random() * 100);
const httpPort = port + 100;
const dir = mkdtempSync(join(tmpdir(), 'gregor-rest-bench-'));

async function viaKafka(client: KafkaClient, topic: string, value: Buffer): Promise<number> {
  const producer = new Producer(client, { acks: -1, lingerMs: 5, batchSize: 65_536 });
  const started = process.hrtime.bigint();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < n; i += 1000) inFlight.push(producer.send(topic, Array.from({ length: Math.min(1000, n - i) }, () => ({ value }))));
  await Promise.all(inFlight);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.close();
  return seconds;
}

function viaHttp(clusterId: string, topic: string, value: Buffer): Promise<number> {
  const line = JSON.stringify({ value: { type: 'BINARY', data: value.toString('base64') } });
  const per = 200;
  const chunk = line.repeat(per);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let reports = 0;
    let failed = 0;
    const req = request({ host: '127.0.0.1', port: httpPort, method: 'POST', path: `/v3/clusters/${clusterId}/topics/${topic}/records`, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        for (let i = text.indexOf('"error_code":'); i >= 0; i = text.indexOf('"error_code":', i + 1)) {
          reports++;
          if (!text.startsWith('200', i + 13)) failed++;
        }
      });
      res.on('end', () => (failed > 0 ? reject(new Error(`${failed} records failed`)) : reports !== n ? reject(new Error(`${reports} reports for ${n} records`)) : resolve(Number(process.hrtime.bigint() - started) / 1e9)));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < n) {
        const count = Math.min(per, n - sent);
        sent += count;
        if (!req.write(count === per ? chunk : line.repeat(count))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const broker = spawn(process.execPath, ['bin/gregor.js', 'serve', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`,
  '--override', `http.listeners=http://127.0.0.1:${httpPort}`, '--override', 'num.partitions=1'], { stdio: 'ignore' });
try {
  let client: KafkaClient | undefined;
  for (let i = 0; i < 100 && !client; i++) client = await KafkaClient.connect({ bootstrap: [`127.0.0.1:${port}`] }).catch(async () => void (await new Promise((r) => setTimeout(r, 100))));
  if (!client) throw new Error('the broker did not start');
  const admin = new Admin(client);
  const clusterId = (await admin.describeCluster()).clusterId!;
  const loopback = await loopbackMBps(2);
  console.log(`\n${n} records per run, acks=all, one partition; loopback ${loopback.toFixed(0)} MB/s\n`);
  console.log('| record size | Kafka protocol rec/s | MB/s | HTTP streaming rec/s | MB/s | HTTP / Kafka |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const size of sizes) {
    const value = Buffer.alloc(size, 97);
    const kafka: number[] = [];
    const http: number[] = [];
    for (let run = 0; run < 3; run++) {
      const k = `kafka-${size}-${run}`;
      const h = `http-${size}-${run}`;
      await admin.createTopics([{ name: k, numPartitions: 1, replicationFactor: 1 }, { name: h, numPartitions: 1, replicationFactor: 1 }]);
      kafka.push(await viaKafka(client, k, value));
      http.push(await viaHttp(clusterId, h, value));
    }
    const kr = n / median(kafka);
    const hr = n / median(http);
    console.log(`| ${size} B | ${Math.round(kr).toLocaleString('en-US')} | ${((kr * size) / 1e6).toFixed(1)} | ${Math.round(hr).toLocaleString('en-US')} | ${((hr * size) / 1e6).toFixed(1)} | ${(hr / kr).toFixed(2)} |`);
  }
  client.close();
} finally {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
