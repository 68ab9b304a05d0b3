/**
 * Where the broker's CPU goes: runs a Gregor broker under `node --cpu-prof` for one workload at a
 * time and prints, per workload, the load's throughput, the broker's CPU seconds per MiB and a
 * summary of its profile (self time per area and the top functions; cpuprofile-summary.ts).
 * The load comes from librdkafka's rdkafka_performance (bench/tools/build-rdkafka-performance.sh
 * builds it from Debian's source package), 1 KiB records into 6 partitions, linger 5 ms, 64 KiB
 * batches, as in the performance issue's harness:
 *   produce-acks1, produce-acksall: RECORDS records each into a fresh topic;
 *   consume: a second broker run over the acks=1 data, consumed from the start.
 *
 *   npm run build && node dist/bench/profile.bench.js [records=300000] [rdkafka_performance path]
 *
 * The raw .cpuprofile files are kept under the printed directory (open them in Chrome's DevTools).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, summarise } from './profile/cpuprofile-summary.js';

const records = Number(process.argv[2] ?? 300_000);
const perf = process.argv[3] ?? '/tmp/rdkafka-perf/rdkafka_performance';
const RECORD = 1024;
const PARTITIONS = 6;
const port = 19800 + Math.floor(Math.random() * 150);
const bootstrap = `127.0.0.1:${port}`;
const root = mkdtempSync(join(tmpdir(), 'gregor-profile-'));
const data = join(root, 'data');
const LOAD_FLAGS = ['-X', 'linger.ms=5', '-X', 'batch.size=65536', '-X', 'queue.buffering.max.messages=1000000'];

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

async function startBroker(profileDir: string | null): Promise<ChildProcess> {
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'bin/gregor.js', 'serve',
    '--override', `listeners=PLAINTEXT://${bootstrap}`, '--override', `log.dirs=${data}`, '--override', 'group.initial.rebalance.delay.ms=0',
    '--override', `num.partitions=${PARTITIONS}`,
  ];
  const child = spawn(process.execPath, [...args, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.setEncoding('utf8');
  let out = '';
  child.stdout!.on('data', (d: string) => (out += d));
  (child as ChildProcess & { logText: () => string }).logText = () => out;
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const r = spawnSync('kcat', ['-b', bootstrap, '-L', '-m', '1'], { stdio: 'ignore' });
    if (r.status === 0) return child;
  }
  throw new Error('the broker did not start');
}

async function stopBroker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

function load(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(perf, ['-b', bootstrap, '-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  if (r.status !== 0) throw new Error(`rdkafka_performance ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function profiled(name: string, run: () => number): Promise<void> {
  const dir = join(root, name);
  mkdirSync(dir);
  const broker = await startBroker(dir);
  const cpuBefore = cpuSeconds(broker.pid!);
  const seconds = run();
  const cpu = cpuSeconds(broker.pid!) - cpuBefore;
  await stopBroker(broker);
  const mib = (records * RECORD) / (1 << 20);
  const totals = (broker as ChildProcess & { logText: () => string }).logText().split('\n').filter((l) => l.includes('storage totals')).map((l) => JSON.parse(l) as { fsyncs: number; kibPerFsync: number }).pop();
  const fsyncs = totals ? `; ${totals.fsyncs} fsyncs (${(totals.fsyncs / seconds).toFixed(0)}/s, ${totals.kibPerFsync} KiB each)` : '';
  console.log(`\n${name}: ${(records / seconds).toFixed(0)} rec/s, ${(mib / seconds).toFixed(0)} MiB/s; broker CPU ${cpu.toFixed(1)} s = ${((cpu * 1000) / mib).toFixed(1)} ms per MiB (${((100 * cpu) / seconds).toFixed(0)}% of one core)${fsyncs}\n`);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file) console.log(formatSummary(name, summarise(join(dir, file), 20)));
}

if (!existsSync(perf)) {
  console.error(`no rdkafka_performance at ${perf}: build it with bench/tools/build-rdkafka-performance.sh`);
  process.exit(2);
}
console.log(`profiles under ${root}`);
const topic = (name: string): string[] => ['-t', name];
await profiled('produce-acks1', () => load(['-P', ...topic('perf1'), '-s', String(RECORD), '-c', String(records), '-a', '1', ...LOAD_FLAGS]));
await profiled('produce-acksall', () => load(['-P', ...topic('perfall'), '-s', String(RECORD), '-c', String(records), '-a', '-1', ...LOAD_FLAGS]));
const partitions = Array.from({ length: PARTITIONS }, (_, i) => ['-p', String(i)]).flat();
await profiled('consume', () => load(['-C', ...topic('perf1'), ...partitions, '-o', 'beginning', '-c', String(records), '-X', 'fetch.wait.max.ms=100']));
