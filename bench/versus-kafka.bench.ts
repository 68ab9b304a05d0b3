/**
 * Gregor and Apache Kafka side by side on this machine, in one run, with load generators neither
 * wrote: librdkafka's rdkafka_performance (bench/tools/build-rdkafka-performance.sh) for
 * throughput and a confluent-kafka probe for end-to-end latency. Kafka runs only when KAFKA_HOME
 * names a Kafka distribution (see ../shared/notes/real-kafka-2.4.1.md); it is warmed up first.
 *
 * Both brokers: one process each on 127.0.0.1, 6 partitions per topic, a fresh topic per run,
 * group.initial.rebalance.delay.ms=0; Kafka with -Xmx1G and its defaults (no fsync), Gregor with
 * its defaults (acks=all on one broker waits for fsync). Loads: 1 KiB and 100 B records, linger
 * 5 ms, 64 KiB batches. Runs alternate between the brokers, ROUNDS rounds, medians reported with
 * the broker's CPU seconds per MiB (all its threads, from /proc) and its peak RSS. The machine's
 * loopback, buffered-write and fsync rates are measured in the same run, and during every workload
 * the broker's, the load generator's and the whole machine's CPU use (bench/broker/cpu-usage.ts),
 * which says whether the cores were the limit. The latency probe sleeps between sends (a spinning
 * sender would hold Python's GIL and delay its own consumer thread by the switch interval).
 *
 *   npm run build && KAFKA_HOME=/path/to/kafka node dist/bench/versus-kafka.bench.js [records=300000] [rounds=3]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineBusySeconds, machineCpu, processCpuSeconds, reapedChildrenCpuSeconds } from './broker/cpu-usage.js';
import { diskWriteMBps, loopbackMBps } from './broker/machine-limits.js';

const records = Number(process.argv[2] ?? 300_000);
const rounds = Number(process.argv[3] ?? 3);
const perf = process.env.RDKAFKA_PERFORMANCE ?? '/tmp/rdkafka-perf/rdkafka_performance';
const kafkaHome = process.env.KAFKA_HOME;
const PARTITIONS = 6;
const root = mkdtempSync(join(tmpdir(), 'gregor-vs-kafka-'));
const LOAD = ['-X', 'linger.ms=5', '-X', 'batch.size=65536', '-X', 'queue.buffering.max.messages=2000000'];

interface Broker {
  name: string;
  bootstrap: string;
  pid: number;
  stop(): Promise<void>;
}

function peakRssMiB(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

async function waitReady(bootstrap: string, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (spawnSync('kcat', ['-b', bootstrap, '-L', '-m', '2'], { stdio: 'ignore' }).status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}

async function startGregor(port: number): Promise<Broker> {
  const dir = join(root, 'gregor');
  const child = spawn(process.execPath, [
    'bin/gregor.js', 'serve', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`,
    '--override', 'group.initial.rebalance.delay.ms=0', '--override', `num.partitions=${PARTITIONS}`,
  ], { stdio: 'ignore' });
  const bootstrap = `127.0.0.1:${port}`;
  await waitReady(bootstrap, 'Gregor');
  return { name: 'Gregor', bootstrap, pid: child.pid!, stop: stopper(child, 'SIGTERM') };
}

async function startKafka(home: string, port: number, zkPort: number): Promise<{ kafka: Broker; zk: () => Promise<void> }> {
  const dir = join(root, 'kafka');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'zookeeper.properties'), `dataDir=${dir}/zk\nclientPort=${zkPort}\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\nadmin.enableServer=false\n`);
  writeFileSync(join(dir, 'server.properties'), [
    'broker.id=0', `listeners=PLAINTEXT://127.0.0.1:${port}`, `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    `log.dirs=${dir}/logs`, `zookeeper.connect=127.0.0.1:${zkPort}`, `num.partitions=${PARTITIONS}`,
    'offsets.topic.replication.factor=1', 'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
  ].join('\n') + '\n');
  const env = { ...process.env, KAFKA_HEAP_OPTS: '-Xmx1G -Xms1G', LOG_DIR: join(dir, 'log4j') };
  const zk = spawn(join(home, 'bin/zookeeper-server-start.sh'), [join(dir, 'zookeeper.properties')], { stdio: 'ignore', env });
  await new Promise((r) => setTimeout(r, 3000));
  const kafka = spawn(join(home, 'bin/kafka-server-start.sh'), [join(dir, 'server.properties')], { stdio: 'ignore', env });
  const bootstrap = `127.0.0.1:${port}`;
  await waitReady(bootstrap, 'Kafka');
  return { kafka: { name: 'Kafka', bootstrap, pid: kafka.pid!, stop: stopper(kafka, 'SIGTERM') }, zk: stopper(zk, 'SIGTERM') };
}

interface LoadRun {
  /** Seconds the generator measured itself: from its first send (producing) or first received message (consuming) to the last. */
  seconds: number;
  /** Seconds the whole generator process took, client start-up and shutdown included. */
  wallSeconds: number;
}

function rdkafka(bootstrap: string, args: string[]): LoadRun {
  const started = process.hrtime.bigint();
  const r = spawnSync(perf, ['-b', bootstrap, '-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  if (r.status !== 0) throw new Error(`rdkafka_performance ${args.join(' ')}: ${r.stderr?.toString()}`);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = r.stdout.toString().split('\n').filter((l) => / (produced|consumed) in \d+ms/.test(l) || /delivered .* in \d+ms/.test(l)).pop();
  const ms = summary ? Number(/ in (\d+)ms/.exec(summary)![1]) : 0;
  return { seconds: ms > 0 ? ms / 1000 : wallSeconds, wallSeconds };
}

interface Sample {
  recPerSec: number;
  mibPerSec: number;
  cpuMsPerMiB: number;
  /** The broker's CPU time as a share of one core over the generator's measured window. */
  brokerCores: number;
  /** The load generator's CPU time as a share of one core, same window. */
  loadCores: number;
  /** Share of all the machine's cores that were busy, same window. */
  machineBusy: number;
}

function measure(b: Broker, count: number, size: number, run: () => LoadRun): Sample {
  const before = processCpuSeconds(b.pid);
  const loadBefore = reapedChildrenCpuSeconds();
  const machineBefore = machineCpu();
  const { seconds } = run();
  const machineAfter = machineCpu();
  const cpu = processCpuSeconds(b.pid) - before;
  const load = reapedChildrenCpuSeconds() - loadBefore;
  const mib = (count * size) / (1 << 20);
  return {
    recPerSec: count / seconds, mibPerSec: mib / seconds, cpuMsPerMiB: (cpu * 1000) / mib,
    brokerCores: cpu / seconds, loadCores: load / seconds,
    machineBusy: Math.min(1, machineBusySeconds(machineBefore, machineAfter) / (seconds * machineAfter.cores)),
  };
}

interface Workload {
  name: string;
  size: number;
  count: number;
  run(b: Broker, topic: string): LoadRun;
  /** Fills the topic first, unmeasured (consumption). */
  prepare?(b: Broker, topic: string): void;
}

const partitions = Array.from({ length: PARTITIONS }, (_, i) => ['-p', String(i)]).flat();
const WORKLOADS: Workload[] = [
  { name: 'produce 1 KiB, acks=1', size: 1024, count: records, run: (b, t) => rdkafka(b.bootstrap, ['-P', '-t', t, '-s', '1024', '-c', String(records), '-a', '1', ...LOAD]) },
  { name: 'produce 1 KiB, acks=all', size: 1024, count: records, run: (b, t) => rdkafka(b.bootstrap, ['-P', '-t', t, '-s', '1024', '-c', String(records), '-a', '-1', ...LOAD]) },
  { name: 'produce 100 B, acks=1', size: 100, count: records * 3, run: (b, t) => rdkafka(b.bootstrap, ['-P', '-t', t, '-s', '100', '-c', String(records * 3), '-a', '1', ...LOAD]) },
  {
    name: 'consume 1 KiB from the start', size: 1024, count: records * 3,
    prepare: (b, t) => void rdkafka(b.bootstrap, ['-P', '-t', t, '-s', '1024', '-c', String(records * 3), '-a', '1', ...LOAD]),
    run: (b, t) => rdkafka(b.bootstrap, ['-C', '-t', t, ...partitions, '-o', 'beginning', '-c', String(records * 3), '-X', 'fetch.wait.max.ms=100']),
  },
];

const LATENCY_PROBE = `
import json, sys, time, threading
from confluent_kafka import Producer, Consumer
sys.setswitchinterval(0.0002)
bootstrap, topic, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
c = Consumer({"bootstrap.servers": bootstrap, "group.id": topic + "-probe", "auto.offset.reset": "earliest", "fetch.wait.max.ms": 5, "fetch.min.bytes": 1})
c.subscribe([topic])
p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
p.produce(topic, b"warmup"); p.flush(30)
deadline = time.time() + 30
while time.time() < deadline:
    m = c.poll(0.2)
    if m is not None and not m.error(): break
lat = []
done = threading.Event()
def consume():
    while not done.is_set():
        m = c.poll(0.05)
        if m is None or m.error() or m.value() == b"warmup": continue
        lat.append(time.perf_counter() - float(m.value().decode()))
t = threading.Thread(target=consume); t.start()
n = int(rate * seconds); start = time.perf_counter()
for i in range(n):
    target = start + i / rate
    wait = target - time.perf_counter()
    if wait > 0: time.sleep(wait)
    p.produce(topic, repr(time.perf_counter()).encode()); p.poll(0)
p.flush(30)
time.sleep(1.0); done.set(); t.join(); c.close()
lat.sort()
q = lambda f: lat[min(len(lat) - 1, int(len(lat) * f))] * 1000
print(json.dumps({"count": len(lat), "p50": q(0.5), "p99": q(0.99), "p999": q(0.999)}))
`;

function latency(b: Broker, topic: string): { count: number; p50: number; p99: number; p999: number } | undefined {
  const r = spawnSync('/usr/bin/python3', ['-', b.bootstrap, topic, '1000', '5'], { input: LATENCY_PROBE, timeout: 120_000 });
  if (r.status !== 0) {
    console.log(`  latency probe failed on ${b.name}: ${r.stderr.toString().trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(r.stdout.toString().trim().split('\n').pop()!) as { count: number; p50: number; p99: number; p999: number };
}

/** 4 KiB appends, each followed by fdatasync, for one second: the device's sync rate. */
function fsyncRate(dir: string): number {
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  let n = 0;
  const until = process.hrtime.bigint() + 1_000_000_000n;
  while (process.hrtime.bigint() < until) {
    writeSync(fd, block, 0, block.length, n * block.length);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  rmSync(path, { force: true });
  return n;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  if (!existsSync(perf)) {
    console.error(`no rdkafka_performance at ${perf}: build it with bench/tools/build-rdkafka-performance.sh (or set RDKAFKA_PERFORMANCE)`);
    process.exit(2);
  }
  const loopback = await loopbackMBps();
  const buffered = diskWriteMBps(root, 512, false);
  const fsyncs = fsyncRate(root);
  console.log(`machine: loopback ${loopback.toFixed(0)} MB/s; disk buffered writes ${buffered.toFixed(0)} MB/s; ${fsyncs.toFixed(0)} fdatasyncs/s (4 KiB appends)`);
  const brokers: Broker[] = [await startGregor(19500 + Math.floor(Math.random() * 200))];
  let stopZk: (() => Promise<void>) | undefined;
  if (kafkaHome) {
    const k = await startKafka(kafkaHome, 19710 + Math.floor(Math.random() * 100), 19820 + Math.floor(Math.random() * 100));
    brokers.push(k.kafka);
    stopZk = k.zk;
    console.log('warming Kafka up');
    for (let i = 0; i < 2; i++) rdkafka(k.kafka.bootstrap, ['-P', '-t', `warmup-${i}`, '-s', '1024', '-c', String(records), '-a', '1', ...LOAD]);
    rdkafka(k.kafka.bootstrap, ['-C', '-t', 'warmup-0', ...partitions, '-o', 'beginning', '-c', String(records)]);
  } else {
    console.log('KAFKA_HOME is not set: Gregor alone');
  }
  try {
    const results = new Map<string, Map<string, Sample[]>>();
    for (let round = 0; round < rounds; round++) {
      for (const w of WORKLOADS) {
        const order = round % 2 === 0 ? brokers : [...brokers].reverse();
        for (const b of order) {
          const topic = `vs-${WORKLOADS.indexOf(w)}-r${round}`;
          w.prepare?.(b, topic);
          const s = measure(b, w.count, w.size, () => w.run(b, topic));
          const byBroker = results.get(w.name) ?? new Map<string, Sample[]>();
          byBroker.set(b.name, [...(byBroker.get(b.name) ?? []), s]);
          results.set(w.name, byBroker);
          console.log(`  round ${round + 1} ${w.name} on ${b.name}: ${s.recPerSec.toFixed(0)} rec/s, ${s.mibPerSec.toFixed(0)} MiB/s, ${s.cpuMsPerMiB.toFixed(1)} ms CPU per MiB; broker ${pct(s.brokerCores)} of a core, load ${pct(s.loadCores)}, machine ${pct(s.machineBusy)} busy`);
        }
      }
    }
    // Each probe starts with the page cache written back (sync(1)): after gigabytes of unflushed
    // writes, ext4's first fdatasyncs write back everyone's dirty data, which a broker that
    // fsyncs for acks=all pays and one that does not is spared (docs/benchmarks.md).
    const lat = brokers.map((b) => {
      spawnSync('sync');
      return { b, l: latency(b, 'vs-latency') };
    });
    console.log(`\nmedians of ${rounds} rounds, ${records} records (100 B and consume: ${records * 3}); rates as the generator measured them (first send or first received record to the last)\n`);
    console.log(`| workload | ${brokers.map((b) => `${b.name} rec/s, MiB/s`).join(' | ')} |${brokers.length > 1 ? ' Gregor / Kafka |' : ''} ${brokers.map((b) => `${b.name} CPU ms/MiB`).join(' | ')} |${brokers.length > 1 ? ' CPU Gregor / Kafka |' : ''}`);
    console.log(`|---|${brokers.map(() => '---:').join('|')}|${brokers.length > 1 ? '---:|' : ''}${brokers.map(() => '---:').join('|')}|${brokers.length > 1 ? '---:|' : ''}`);
    for (const w of WORKLOADS) {
      const m = brokers.map((b) => {
        const s = results.get(w.name)!.get(b.name)!;
        return { rec: median(s.map((x) => x.recPerSec)), mib: median(s.map((x) => x.mibPerSec)), cpu: median(s.map((x) => x.cpuMsPerMiB)) };
      });
      const ratio = m.length > 1 ? ` ${(m[0]!.rec / m[1]!.rec).toFixed(2)} |` : '';
      const cpuRatio = m.length > 1 ? ` ${(m[0]!.cpu / m[1]!.cpu).toFixed(2)} |` : '';
      console.log(`| ${w.name} | ${m.map((x) => `${x.rec.toFixed(0)}, ${x.mib.toFixed(0)}`).join(' | ')} |${ratio} ${m.map((x) => x.cpu.toFixed(1)).join(' | ')} |${cpuRatio}`);
    }
    console.log(`\nCPU during each workload (medians): broker and load generator as shares of one core, the machine as a share of all ${machineCpu().cores} cores\n`);
    console.log(`| workload | ${brokers.map((b) => `${b.name}: broker, load, machine busy`).join(' | ')} |`);
    console.log(`|---|${brokers.map(() => '---:').join('|')}|`);
    for (const w of WORKLOADS) {
      const cells = brokers.map((b) => {
        const s = results.get(w.name)!.get(b.name)!;
        return `${pct(median(s.map((x) => x.brokerCores)))}, ${pct(median(s.map((x) => x.loadCores)))}, ${pct(median(s.map((x) => x.machineBusy)))}`;
      });
      console.log(`| ${w.name} | ${cells.join(' | ')} |`);
    }
    for (const { b, l } of lat) if (l) console.log(`end-to-end latency on ${b.name} (1,000 msg/s, acks=all, ${l.count} samples): p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, p99.9 ${l.p999.toFixed(2)} ms`);
    for (const b of brokers) console.log(`peak RSS of ${b.name}: ${peakRssMiB(b.pid).toFixed(0)} MiB`);
  } finally {
    for (const b of brokers) await b.stop();
    await stopZk?.();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
