/**
 * Broker benchmark with neutral load generators (librdkafka through kcat, and confluent-kafka
 * for latency), 1 KiB records, against a Gregor broker in its own process:
 *  - produce throughput with acks=1 and acks=all, consume throughput,
 *  - produce latency p50/p99 at a fixed rate with acks=all,
 *  - the broker's peak RSS,
 * next to loopback TCP and disk write throughput measured in the same run.
 *
 *   npm run build && node dist/bench/broker.bench.js [records=200000]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskWriteMBps, loopbackMBps } from './broker/machine-limits.js';

const RECORD = 1024;
const records = Number(process.argv[2] ?? 200_000);
const port = 19300 + Math.floor(Math.random() * 500);
const bootstrap = `127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'gregor-bench-'));

function kcat(args: string[], input?: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('kcat', ['-b', bootstrap, ...args], { input: input === undefined ? undefined : readFileSync(input), maxBuffer: 1 << 30, stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`kcat ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const LATENCY_SCRIPT = `
import sys, time, json
from confluent_kafka import Producer
rate, seconds, topic, bootstrap = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 0, 'enable.idempotence': False})
lat = []
def done(err, msg, t0):
    if err is None: lat.append(time.perf_counter() - t0)
value = b'x' * 1024
p.produce(topic, value)
p.flush(30)
n = int(rate * seconds)
start = time.perf_counter()
for i in range(n):
    target = start + i / rate
    while time.perf_counter() < target:
        p.poll(0)
    t0 = time.perf_counter()
    p.produce(topic, value, callback=lambda err, msg, t0=t0: done(err, msg, t0))
    p.poll(0)
p.flush(30)
lat.sort()
print(json.dumps({'count': len(lat), 'p50': lat[len(lat)//2]*1000, 'p99': lat[int(len(lat)*0.99)]*1000}))
`;

async function main(): Promise<void> {
  console.log(`records: ${records} x ${RECORD} B; data dir ${dir}`);
  const loop = await loopbackMBps();
  const disk = diskWriteMBps(dir, 512, false);
  const diskSync = diskWriteMBps(dir, 128, true);
  console.log(`machine: loopback ${loop.toFixed(0)} MB/s, disk write ${disk.toFixed(0)} MB/s, with fdatasync per MiB ${diskSync.toFixed(0)} MB/s`);

  const input = join(dir, 'records.txt');
  const line = 'x'.repeat(RECORD - 1) + '\n';
  writeFileSync(input, line.repeat(records));
  const broker = spawn(process.execPath, ['bin/gregor.js', 'serve', '--override', `listeners=PLAINTEXT://${bootstrap}`,
    '--override', `log.dirs=${join(dir, 'data')}`, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, GREGOR_LOG_LEVEL: 'warn' } });
  try {
    for (let i = 0; i < 100 && spawnSync('kcat', ['-b', bootstrap, '-L', '-m', '1'], { stdio: 'ignore' }).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const mb = (records * RECORD) / 1e6;
    const rows: [string, number, number][] = [];
    const producerOpts = ['-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'queue.buffering.max.kbytes=1048576'];
    const t1 = kcat(['-P', '-t', 'bench-acks1', '-X', 'acks=1', ...producerOpts, '-l', input]);
    rows.push(['produce acks=1 (kcat)', records / t1, mb / t1]);
    const tAll = kcat(['-P', '-t', 'bench-acksall', '-X', 'acks=all', ...producerOpts, '-l', input]);
    rows.push(['produce acks=all, fsync per batch group (kcat)', records / tAll, mb / tAll]);
    const tc = kcat(['-C', '-t', 'bench-acks1', '-o', 'beginning', '-e', '-q', '-X', 'fetch.max.bytes=52428800']);
    rows.push(['consume from the start (kcat)', records / tc, mb / tc]);
    for (const [name, rps, mbps] of rows) {
      console.log(`${name.padEnd(48)} ${rps.toFixed(0).padStart(9)} rec/s ${mbps.toFixed(0).padStart(6)} MB/s  ${(mbps / loop * 100).toFixed(1)}% of loopback, ${(mbps / disk * 100).toFixed(1)}% of disk`);
    }
    const lat = spawnSync('/usr/bin/python3', ['-c', LATENCY_SCRIPT, '1000', '5', 'bench-latency', bootstrap], { encoding: 'utf8' });
    if (lat.status === 0) {
      const l = JSON.parse(lat.stdout.trim().split('\n').at(-1)!) as { count: number; p50: number; p99: number };
      console.log(`produce latency, acks=all, 1000 rec/s for 5 s (confluent-kafka): p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms over ${l.count} records`);
    } else {
      console.log(`latency run skipped: ${lat.stderr.trim().split('\n').at(-1)}`);
    }
    console.log(`broker peak RSS: ${peakRssMiB(broker.pid!).toFixed(0)} MiB`);
  } finally {
    broker.kill('SIGTERM');
    await new Promise((r) => broker.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
