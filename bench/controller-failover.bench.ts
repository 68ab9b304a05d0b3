/**
 * Controller failover: how long a cluster cannot create topics after its controller dies.
 *
 * Starts etcd and three brokers (`gregor serve` processes, node ids 0-2, the default
 * broker.session.timeout.ms of 3 s), then ten times: finds the controller through Metadata, kills
 * it with SIGKILL, and sends CreateTopics to a surviving broker every 50 ms until one succeeds; the
 * time from the kill to that success is one sample. The killed broker is started again (same port
 * and data) before the next round, so every round starts from three live brokers.
 *
 * Run: `npm run build && node dist/bench/controller-failover.bench.js [rounds]`. Needs the etcd
 * binary (apt-get install etcd-server). Results go in docs/benchmarks-cluster.md.
 */
import { startTestCluster, withRaw } from '../test/support/cluster.js';

const rounds = Number(process.argv[2] ?? 10);
const RETRY_MS = 50;
const ROUND_LIMIT_MS = 60_000;

async function createTopic(port: number, name: string): Promise<boolean> {
  try {
    const r = await withRaw(port, (c) => c.request(19, 7, {
      topics: [{ name, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    }, 10_000));
    return r.topics[0]?.errorCode === 0;
  } catch {
    return false;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const cluster = await startTestCluster(3);
const samples: number[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    const controller = await cluster.controller();
    if (controller < 0) throw new Error('no controller before the kill');
    const survivor = [0, 1, 2].find((i) => i !== controller)!;
    const killedAt = performance.now();
    await cluster.brokers[controller]!.crash();
    let created = false;
    while (!created && performance.now() - killedAt < ROUND_LIMIT_MS) {
      created = await createTopic(cluster.brokers[survivor]!.port, `failover-${round}`);
      if (!created) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    if (!created) throw new Error(`round ${round}: no topic created within ${ROUND_LIMIT_MS} ms`);
    const ms = performance.now() - killedAt;
    samples.push(ms);
    console.log(`round ${round + 1}: killed controller ${controller}, created through node ${survivor} after ${ms.toFixed(0)} ms (new controller ${await cluster.controller(survivor)})`);
    await cluster.brokers[controller]!.start();
    await cluster.waitForBrokers([0, 1, 2], survivor);
  }
} finally {
  await cluster.stop();
}
const sorted = [...samples].sort((a, b) => a - b);
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
console.log(`\n${samples.length} kills: min ${sorted[0]!.toFixed(0)} ms, median ${percentile(sorted, 50).toFixed(0)} ms, mean ${mean.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
