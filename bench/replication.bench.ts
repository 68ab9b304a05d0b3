/**
 * Replication benchmark, in one run on one machine:
 *
 *  1. The machine's limits: loopback TCP and buffered disk writes (bench/broker/machine-limits.ts).
 *  2. Throughput of acks=all: librdkafka (kcat -P, linger 5 ms) writing RECORDS records of
 *     1 KiB to a 3-partition topic, first on one broker (replication factor 1, acks=all waits for
 *     fsync), then on three local brokers with etcd (replication factor 3, acks=all waits for
 *     both followers).
 *  3. Failover: on the three brokers, KILLS times: the leader of a replicated partition is killed
 *     with SIGKILL while a raw client sends a one-record acks=all produce every 20 ms to whatever
 *     broker its metadata names; the sample is the time from the kill to the first acknowledged
 *     produce on the new leader. The killed broker is restarted (and rejoins the ISR) before the
 *     next kill. Meanwhile a second raw client writes distinct one-record acks=all produces to the
 *     same partition without pause; at the end every one it saw acknowledged must be in the log
 *     exactly once and in order (the run fails otherwise).
 *
 * Run: `npm run build && node dist/bench/replication.bench.js [kills] [records]` (defaults 20 and
 * 100000). Needs kcat and etcd. Results go in docs/benchmarks-cluster.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, withRaw, type TestCluster } from '../test/support/cluster.js';
import { brokerProcess } from '../test/support/clients/broker-process.js';
import { run } from '../test/support/clients/process.js';
import { producerBatch } from '../test/support/clients/txn-raw.js';
import { readPartition } from '../test/support/clients/raw-client.js';
import { diskWriteMBps, loopbackMBps } from './broker/machine-limits.js';

const kills = Number(process.argv[2] ?? 20);
const records = Number(process.argv[3] ?? 100_000);
const RECORD_BYTES = 1024;

async function createTopic(port: number, name: string, rf: number): Promise<void> {
  await withRaw(port, (c) => c.request(19, 7, {
    topics: [{ name, numPartitions: 3, replicationFactor: rf, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false,
  }, 20_000));
  await new Promise((r) => setTimeout(r, 500));
}

async function kcatThroughput(bootstrap: string, topic: string, input: string): Promise<number> {
  const started = performance.now();
  const r = await run('kcat', ['-b', bootstrap, '-P', '-t', topic, '-l', '-X', 'acks=all', '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'queue.buffering.max.messages=1000000', input], { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`kcat failed: ${r.stderr}`);
  return performance.now() - started;
}

async function leaderOf(c: TestCluster, via: number, topic: string, partition: number): Promise<number> {
  const md = await c.metadata(via);
  return md.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.leaderId ?? -1;
}

async function produceOnce(port: number, topic: string, value = 'probe'): Promise<number> {
  return withRaw(port, async (c) => {
    const r = await c.request(0, 9, {
      transactionalId: null, acks: -1, timeoutMs: 2000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: producerBatch([value], { producerId: -1n, producerEpoch: -1, baseSequence: -1 }) }] }],
    }, 3000);
    return r.responses[0]!.partitionResponses[0]!.errorCode;
  }).catch(() => -1);
}

async function failoverSample(c: TestCluster, topic: string): Promise<number> {
  const leader = await leaderOf(c, 0, topic, 0);
  const survivors = [0, 1, 2].filter((i) => i !== leader);
  const killedAt = performance.now();
  await c.brokers[leader]!.crash();
  for (let i = 0; i < 3000; i++) {
    const now = await leaderOf(c, survivors[0]!, topic, 0).catch(() => -1);
    if (now >= 0 && now !== leader && (await produceOnce(c.brokers[now]!.port, topic)) === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - killedAt;
  await c.brokers[leader]!.start();
  await c.waitForBrokers([0, 1, 2], survivors[0]);
  for (let i = 0; i < 300; i++) {
    const t = (await c.metadata(survivors[0])).topics.find((x) => x.name === topic)!;
    if (t.partitions.every((p) => p.isrNodes.length === 3)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return ms;
}

const work = mkdtempSync(join(tmpdir(), 'gregor-replication-bench-'));
try {
  const input = join(work, 'records.txt');
  const line = 'x'.repeat(RECORD_BYTES - 1);
  writeFileSync(input, Array.from({ length: records }, () => line).join('\n') + '\n');
  const mib = (records * RECORD_BYTES) / (1024 * 1024);
  const loopback = await loopbackMBps();
  const disk = diskWriteMBps(work, 256, false);
  console.log(`machine: loopback ${loopback.toFixed(0)} MB/s, disk buffered writes ${disk.toFixed(0)} MB/s`);

  const single = await brokerProcess({ 'group.initial.rebalance.delay.ms': '0' });
  await single.start();
  await createTopic(single.port, 'rf1', 1);
  await kcatThroughput(single.bootstrap, 'rf1', input);
  const rf1Ms = await kcatThroughput(single.bootstrap, 'rf1', input);
  await single.destroy();
  const rf1 = mib / (rf1Ms / 1000);
  console.log(`acks=all, RF 1 on one broker: ${(records / (rf1Ms / 1000)).toFixed(0)} rec/s, ${rf1.toFixed(0)} MiB/s (${((rf1 * 1.048576 * 100) / disk).toFixed(0)}% of disk)`);

  const cluster = await startTestCluster(3);
  try {
    await createTopic(cluster.brokers[0]!.port, 'rf3', 3);
    await kcatThroughput(cluster.bootstrap, 'rf3', input);
    const rf3Ms = await kcatThroughput(cluster.bootstrap, 'rf3', input);
    const rf3 = mib / (rf3Ms / 1000);
    console.log(`acks=all, RF 3 on three brokers: ${(records / (rf3Ms / 1000)).toFixed(0)} rec/s, ${rf3.toFixed(0)} MiB/s (${(rf3 / rf1).toFixed(2)} of RF 1; ${((rf3 * 3 * 1.048576 * 100) / disk).toFixed(0)}% of disk counting all three copies)`);

    await createTopic(cluster.brokers[0]!.port, 'failover', 3);
    const acked: string[] = [];
    let writing = true;
    const writer = (async () => {
      let leader = -1;
      for (let n = 0; writing && n < 10_000_000; n++) {
        for (let via = 0; leader < 0 && via < 3; via++) leader = await leaderOf(cluster, via, 'failover', 0).catch(() => -1);
        if (leader < 0 || (await produceOnce(cluster.brokers[leader]!.port, 'failover', `w-${n}`)) !== 0) {
          leader = -1;
          await new Promise((r) => setTimeout(r, 20));
        } else {
          acked.push(`w-${n}`);
        }
      }
    })();
    const samples: number[] = [];
    try {
      for (let k = 0; k < kills; k++) {
        const ms = await failoverSample(cluster, 'failover');
        samples.push(ms);
        console.log(`kill ${k + 1}: first acknowledged produce on the new leader after ${ms.toFixed(0)} ms`);
      }
    } finally {
      writing = false;
      await writer;
    }
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(`\nfailover over ${samples.length} kills: min ${sorted[0]!.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    const stored = (await readPartition(cluster.brokers[await leaderOf(cluster, 0, 'failover', 0)]!.port, 'failover', 0)).records.map((r) => r.value?.toString() ?? '');
    const positions = acked.map((v) => stored.indexOf(v));
    const lost = positions.filter((x) => x < 0).length;
    const twice = stored.filter((v) => v.startsWith('w-')).length - new Set(stored.filter((v) => v.startsWith('w-'))).size;
    const outOfOrder = positions.filter((x, i) => i > 0 && x >= 0 && x < positions[i - 1]!).length;
    console.log(`records acknowledged during the kills: ${acked.length}; lost ${lost}, stored twice ${twice}, out of order ${outOfOrder}`);
    if (lost + twice + outOfOrder > 0) process.exitCode = 1;
  } finally {
    await cluster.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
