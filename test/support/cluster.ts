/**
 * Test support: a Gregor cluster of real processes: one etcd (test/support/etcd.ts) and N brokers
 * (`gregor serve` children, node ids 0..N-1, each on its own free 127.0.0.1 port and temporary
 * data directory) sharing a fresh metadata prefix. Brokers can be crashed (SIGKILL by pid) and
 * started again on the same port and data. `withRaw` (re-exported) talks to one broker directly.
 */
import { brokerProcess, type BrokerProcess } from './clients/broker-process.js';
import { waitFor } from './clients/wait.js';
import { withRaw } from './clients/txn-raw.js';
import { startEtcd, type TestEtcd } from './etcd.js';

export { withRaw };

export interface TestCluster {
  etcd: TestEtcd;
  /** brokers[i] is node i. */
  brokers: BrokerProcess[];
  /** Every broker's address, comma-separated. */
  bootstrap: string;
  /** Asks broker `via` for the cluster's metadata (all topics). */
  metadata(via?: number): Promise<ClusterMetadata>;
  /** The controller as broker `via` sees it (-1 while none). */
  controller(via?: number): Promise<number>;
  /** Waits until broker `via` lists exactly these node ids as live brokers. */
  waitForBrokers(ids: number[], via?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterMetadata {
  brokers: { nodeId: number; port: number }[];
  controllerId: number;
  topics: { name: string; errorCode: number; partitions: { partitionIndex: number; leaderId: number; replicaNodes: number[]; isrNodes: number[]; errorCode: number }[] }[];
}

let clusterCounter = 0;

/** A cluster suite runs many tests on the same brokers; on a loaded machine that takes minutes. */
const BROKER_LIFETIME_MS = 900_000;

/** Settings for every broker, or per broker (by node id and client port). */
export type ClusterOverrides = Record<string, string> | ((nodeId: number, port: number) => Record<string, string>);

export async function startTestCluster(size: number, overrides: ClusterOverrides = {}): Promise<TestCluster> {
  const etcd = await startEtcd();
  const prefix = `/gregor-cluster-test/${process.pid}-${clusterCounter++}`;
  const brokers: BrokerProcess[] = [];
  try {
    for (let id = 0; id < size; id++) {
      brokers.push(await brokerProcess((port) => ({
        'node.id': String(id),
        'metadata.store': `etcd://${etcd.endpoint.replace('http://', '')}`,
        'metadata.store.prefix': prefix,
        'group.min.session.timeout.ms': '1000',
        ...(typeof overrides === 'function' ? overrides(id, port) : overrides),
      }), BROKER_LIFETIME_MS));
    }
    await Promise.all(brokers.map((b) => b.start()));
  } catch (e) {
    for (const b of brokers) await b.destroy().catch(() => undefined);
    await etcd.stop();
    throw e;
  }
  const metadata = (via = 0): Promise<ClusterMetadata> => withRaw(brokers[via]!.port, async (c) => {
    const r = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    return {
      brokers: r.brokers.map((b) => ({ nodeId: b.nodeId, port: b.port })).sort((a, b) => a.nodeId - b.nodeId),
      controllerId: r.controllerId ?? -1,
      topics: r.topics.map((t) => ({ name: t.name ?? '', errorCode: t.errorCode, partitions: t.partitions })),
    };
  });
  const cluster: TestCluster = {
    etcd,
    brokers,
    bootstrap: brokers.map((b) => b.bootstrap).join(','),
    metadata,
    controller: async (via = 0) => (await metadata(via)).controllerId,
    async waitForBrokers(ids, via = 0, timeoutMs = 20_000) {
      const want = [...ids].sort((a, b) => a - b).join(',');
      await waitFor(async () => {
        const md = await metadata(via).catch(() => undefined);
        return md !== undefined && md.controllerId >= 0 && md.brokers.map((b) => b.nodeId).join(',') === want ? true : undefined;
      }, { timeoutMs, intervalMs: 100, what: `broker ${via} to list brokers ${want} and a controller` });
    },
    async stop() {
      if (process.env.CLUSTER_TEST_LOGS) for (const b of brokers) console.log(`--- broker on ${b.port}\n${b.output()}`);
      await Promise.all(brokers.map((b) => b.destroy().catch(() => undefined)));
      await etcd.stop();
    },
  };
  await cluster.waitForBrokers(brokers.map((_, i) => i));
  return cluster;
}
