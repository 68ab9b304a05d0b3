/**
 * Partition reassignment on a three-broker cluster (etcd and brokers as real processes): Kafka's
 * kafka-reassign-partitions flow (--execute, --list, --verify) moving a partition to other
 * brokers under an idempotent acks=all producer, with nothing lost or duplicated and the old
 * replica's log deleted; a move cancelled while in progress; the replication factor raised
 * through kafkajs's admin; and a broker that was down while its replica was moved away deleting
 * the stray log when it starts. A target broker is frozen (SIGSTOP) to hold a move in progress.
 * Skipped, with the reason printed, without etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { connectedAdmin } from '../support/clients/groups.js';
import { waitFor } from '../support/clients/wait.js';
import { readPartition } from '../support/clients/raw-client.js';
import { expectOk, KAFKA_BIN_DIR, sh } from '../support/cli.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the reassignment tests: ${missing}`);

const FIRST_SEGMENT = '00000000000000000000.log';

describe('partition reassignment across three brokers', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  let dir: string;

  before(async () => {
    cluster = await startTestCluster(3, { 'replica.lag.time.max.ms': '1500', 'replica.fetch.backoff.ms': '200' });
    dir = mkdtempSync(join(tmpdir(), 'gregor-reassign-'));
  });
  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function createOn(topic: string, replicas: number[]): Promise<void> {
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      await admin.createTopics({ topics: [{ topic, replicaAssignment: [{ partition: 0, replicas }] }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  async function partitionState(topic: string, via = 0): Promise<{ leader: number; replicas: number[]; isr: number[] }> {
    const t = (await cluster.metadata(via)).topics.find((x) => x.name === topic)!;
    const p = t.partitions[0]!;
    return { leader: p.leaderId, replicas: p.replicaNodes, isr: [...p.isrNodes].sort() };
  }

  function logDir(node: number, topic: string): string {
    return `${cluster.brokers[node]!.dataDir}/${topic}-0`;
  }

  function segment(node: number, topic: string): Buffer {
    try {
      return readFileSync(`${logDir(node, topic)}/${FIRST_SEGMENT}`);
    } catch {
      return Buffer.alloc(0);
    }
  }

  async function tool(args: string, via = 1): Promise<string> {
    return expectOk('kafka-reassign-partitions', await sh(`./kafka-reassign-partitions.sh --bootstrap-server ${cluster.brokers[via]!.bootstrap} ${args}`, { cwd: KAFKA_BIN_DIR })).stdout;
  }

  /** Two of brokers 1 and 2: one that is not the controller (to freeze) and the other one. */
  async function freezableAndOther(): Promise<[number, number]> {
    return (await cluster.controller(0)) === 1 ? [2, 1] : [1, 2];
  }

  function plan(name: string, topic: string, replicas: number[]): string {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas, log_dirs: replicas.map(() => 'any') }] }));
    return file;
  }

  it('kafka-reassign-partitions moves a partition from broker 0 to brokers 1 and 2 under an idempotent acks=all producer: nothing lost or duplicated, the old log deleted', async () => {
    await createOn('moving', [0]);
    const kafka = new Kafka({
      clientId: 'reassign', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const acked: string[] = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop && i < 100_000; i++) {
        await producer.send({ topic: 'moving', acks: -1, messages: [{ partition: 0, value: `m-${i}` }] });
        acked.push(`m-${i}`);
      }
    })();
    const ackedAtLeast = (n: number, what: string) => waitFor(() => (acked.length >= n ? true : undefined), { timeoutMs: 30_000, intervalMs: 20, what });
    try {
      await ackedAtLeast(100, '100 acknowledged records before the move');
      const file = plan('move', 'moving', [1, 2]);
      const [frozen, other] = await freezableAndOther();
      cluster.brokers[frozen]!.pause();
      try {
        const started = await tool(`--reassignment-json-file ${file} --execute`, other);
        assert.match(started, /Current partition replica assignment\s+\{"version":1,"partitions":\[\{"topic":"moving","partition":0,"replicas":\[0\],"log_dirs":\["any"\]\}\]\}/);
        assert.match(started, /Successfully started partition reassignment for moving-0/);
        assert.match(await tool('--list', other), /Current partition reassignments:\nmoving-0: replicas: 1,2,0\. adding: 1,2\. removing: 0\./);
        assert.match(await tool(`--reassignment-json-file ${file} --verify`, other), /Reassignment of partition moving-0 is still in progress\./);
        assert.equal((await partitionState('moving')).leader, 0, 'the old replica leads until the new ones are in sync');
      } finally {
        cluster.brokers[frozen]!.resume();
      }
      await waitFor(async () => ((await partitionState('moving', 1)).replicas.join(',') === '1,2' ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 100, what: 'the move to finish' });
      const moved = await partitionState('moving', 1);
      assert.ok([1, 2].includes(moved.leader), `leader ${moved.leader}`);
      assert.deepEqual(moved.isr, [1, 2]);
      assert.match(await tool(`--reassignment-json-file ${file} --verify`), /Reassignment of partition moving-0 is completed\./);
      assert.match(await tool('--list'), /No partition reassignments found\./);
      const before = acked.length;
      await ackedAtLeast(before + 50, '50 more acknowledged records on the new leader');
    } finally {
      stop = true;
      await load;
      await producer.disconnect();
    }
    const leader = (await partitionState('moving', 1)).leader;
    const contents = await readPartition(cluster.brokers[leader]!.port, 'moving', 0);
    const values = contents.records.map((r) => r.value?.toString() ?? '');
    assert.deepEqual(values, acked, 'every acknowledged record, once, in order');
    await waitFor(() => {
      const a = segment(1, 'moving');
      return a.length > 0 && a.equals(segment(2, 'moving')) ? true : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: 'the new replicas to be byte-identical' });
    await waitFor(() => (existsSync(logDir(0, 'moving')) ? undefined : true), { timeoutMs: 15_000, intervalMs: 100, what: 'broker 0 to delete its old replica' });
  });

  it('a move cancelled while in progress leaves the partition on its original broker, which keeps taking acks=all writes', async () => {
    await createOn('cancelled', [0]);
    const [target] = await freezableAndOther();
    const admin = await connectedAdmin(cluster.brokers[0]!.bootstrap);
    cluster.brokers[target]!.pause();
    try {
      await admin.alterPartitionReassignments({ topics: [{ topic: 'cancelled', partitionAssignment: [{ partition: 0, replicas: [target] }] }] });
      const listed = await admin.listPartitionReassignments({});
      assert.deepEqual(listed.topics, [{ name: 'cancelled', partitions: [{ partition: 0, replicas: [target, 0], addingReplicas: [target], removingReplicas: [0] }] }]);
      const file = plan('cancel', 'cancelled', [target]);
      assert.match(await tool(`--reassignment-json-file ${file} --cancel`, 0), /Successfully cancelled partition reassignment for: cancelled-0/);
      assert.deepEqual(await partitionState('cancelled'), { leader: 0, replicas: [0], isr: [0] });
      assert.deepEqual((await admin.listPartitionReassignments({})).topics, []);
    } finally {
      cluster.brokers[target]!.resume();
      await admin.disconnect();
    }
    const kafka = new Kafka({ clientId: 'cancelled', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const [r] = await producer.send({ topic: 'cancelled', acks: -1, messages: [{ partition: 0, value: 'after-cancel' }] });
      assert.equal(r!.errorCode, 0);
    } finally {
      await producer.disconnect();
    }
    await cluster.waitForBrokers([0, 1, 2]);
    await waitFor(() => (existsSync(logDir(target, 'cancelled')) ? undefined : true), { timeoutMs: 15_000, intervalMs: 100, what: 'the target broker to drop the replica it was adding' });
  });

  it('kafkajs raises the replication factor from 1 to 3: the new replicas catch up byte for byte and join the ISR', async () => {
    await createOn('widened', [2]);
    const kafka = new Kafka({ clientId: 'widened', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: 'widened', acks: -1, messages: Array.from({ length: 300 }, (_, i) => ({ partition: 0, value: `w-${i}` })) });
    } finally {
      await producer.disconnect();
    }
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      await admin.alterPartitionReassignments({ topics: [{ topic: 'widened', partitionAssignment: [{ partition: 0, replicas: [2, 0, 1] }] }] });
    } finally {
      await admin.disconnect();
    }
    await waitFor(async () => {
      const s = await partitionState('widened');
      return s.replicas.join(',') === '2,0,1' && s.isr.length === 3 ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'three in-sync replicas' });
    assert.equal((await partitionState('widened')).leader, 2);
    await waitFor(() => {
      const bytes = [0, 1, 2].map((n) => segment(n, 'widened'));
      return bytes[0]!.length > 0 && bytes.every((b) => b.equals(bytes[0]!)) ? true : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: 'byte-identical replicas' });
  });

  it('a broker that was down while its replica moved away deletes the stray log when it starts', async () => {
    await createOn('stray', [0, 1]);
    await waitFor(async () => ((await partitionState('stray')).isr.length === 2 ? true : undefined), { timeoutMs: 15_000, intervalMs: 100, what: 'both replicas in sync' });
    await waitFor(() => (existsSync(logDir(0, 'stray')) ? true : undefined), { timeoutMs: 5000, intervalMs: 50, what: 'broker 0 to hold a replica' });
    await cluster.brokers[0]!.stop();
    try {
      // (kafkajs's admin refuses to work while any partition of the cluster is offline, as those on broker 0 now are)
      assert.match(await tool(`--reassignment-json-file ${plan('stray', 'stray', [1, 2])} --execute`), /Successfully started partition reassignment for stray-0/);
      await waitFor(async () => ((await partitionState('stray', 1)).replicas.join(',') === '1,2' ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 100, what: 'the move away from the stopped broker' });
      assert.ok(existsSync(logDir(0, 'stray')), 'the stopped broker still has the log on disk');
    } finally {
      await cluster.brokers[0]!.start();
      await cluster.waitForBrokers([0, 1, 2], 1);
    }
    await waitFor(() => (existsSync(logDir(0, 'stray')) ? undefined : true), { timeoutMs: 15_000, intervalMs: 100, what: 'the restarted broker to delete the stray log' });
  });
});
