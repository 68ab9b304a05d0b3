/**
 * How closely client quotas hold a client to its rate: a Gregor broker with producer_byte_rate
 * and consumer_byte_rate set for one client id, loaded by librdkafka's rdkafka_performance
 * (bench/tools/build-rdkafka-performance.sh), which honours throttle_time_ms as every Kafka
 * client does. Each direction runs twice, with N and 2N MiB; the marginal rate
 * (N MiB over the difference of the two durations) cancels the burst a quota lets through at
 * the start (the rate is measured over 10 s or more), and is reported with its ratio to the quota.
 *
 *   npm run build && node dist/bench/quota.bench.js [quota MiB/s = 2] [N MiB = 24]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quotaMiB = Number(process.argv[2] ?? 2);
const n = Number(process.argv[3] ?? 24);
const perf = process.env.RDKAFKA_PERFORMANCE ?? '/tmp/rdkafka-perf/rdkafka_performance';
const port = 19400 + Math.floor(Math.random() * 100);
const bootstrap = `127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'gregor-quota-bench-'));
const CLIENT = 'quota-bench';

function run(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(perf, ['-b', bootstrap, '-q', '-X', `client.id=${CLIENT}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  if (r.status !== 0) throw new Error(`rdkafka_performance ${args.join(' ')}: ${r.stderr?.toString()}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (!existsSync(perf)) {
  console.error(`no rdkafka_performance at ${perf}: build it with bench/tools/build-rdkafka-performance.sh`);
  process.exit(2);
}
const broker = spawn(process.execPath, ['bin/gregor.js', 'serve', '--override', `listeners=PLAINTEXT://${bootstrap}`, '--override', `log.dirs=${dir}`, '--override', 'num.partitions=1'], { stdio: 'ignore' });
try {
  for (let i = 0; i < 100 && spawnSync('kcat', ['-b', bootstrap, '-L', '-m', '1'], { stdio: 'ignore' }).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  const rate = Math.round(quotaMiB * 1024 * 1024);
  const set = spawnSync(process.execPath, ['bin/gregor.js', 'kafka-configs', '--bootstrap-server', bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', CLIENT,
    '--add-config', `producer_byte_rate=${rate},consumer_byte_rate=${rate}`], { encoding: 'utf8' });
  if (set.status !== 0) throw new Error(set.stderr);
  const msgs = (mib: number): string => String(mib * 1024);
  const produce = (topic: string, mib: number): number => run(['-P', '-t', topic, '-s', '1024', '-c', msgs(mib), '-a', '1', '-X', 'linger.ms=5', '-X', 'batch.size=65536']);
  // each topic is consumed by a fresh client run, so its quota rate starts anew as the producer's did
  const consume = (topic: string, mib: number): number => run(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', msgs(mib), '-X', 'fetch.max.bytes=1048576', '-X', 'message.max.bytes=1048576', '-X', 'max.partition.fetch.bytes=262144']);
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 12_000)); // let the previous run's rate expire
  const p1 = produce('quota-a', n);
  await pause();
  const p2 = produce('quota-b', 2 * n);
  await pause();
  const c1 = consume('quota-a', n);
  await pause();
  const c2 = consume('quota-b', 2 * n);
  const line = (what: string, t1: number, t2: number): string => {
    const marginal = n / (t2 - t1);
    return `| ${what} | ${quotaMiB.toFixed(2)} | ${(n / t1).toFixed(2)} | ${((2 * n) / t2).toFixed(2)} | ${marginal.toFixed(2)} | ${(marginal / quotaMiB).toFixed(2)} |`;
  };
  console.log(`\nquota ${quotaMiB} MiB/s for client.id=${CLIENT}; runs of ${n} and ${2 * n} MiB of 1 KiB records\n`);
  console.log('| direction | quota MiB/s | run of N: MiB/s | run of 2N: MiB/s | marginal MiB/s | marginal / quota |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(line('produce', p1, p2));
  console.log(line('consume', c1, c2));
} finally {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
