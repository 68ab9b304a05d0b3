/**
 * Network faults between brokers on a three-broker cluster (etcd and brokers as real processes).
 * Each broker serves its inter-broker traffic on a second listener (REPLICATION, named by
 * inter.broker.listener.name) and advertises it through a fault proxy that can black-hole the
 * link: a cut broker stays alive, registered in etcd and reachable by clients, but no other
 * broker can fetch from it. Checked: followers cut off from their leader leave the ISR, acks=all
 * is refused under min.insync.replicas=2 while acks=1 goes on, and after healing they catch up
 * and rejoin byte for byte; a leader that is cut off and then dies takes its partition offline
 * (no out-of-sync replica takes over) and brings back every record it acknowledged alone.
 * Skipped, with the reason printed, without etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';
import { freePort } from '../support/clients/broker-process.js';
import { connectedAdmin } from '../support/clients/groups.js';
import { producerBatch } from '../support/clients/txn-raw.js';
import { waitFor } from '../support/clients/wait.js';
import { readPartition } from '../support/clients/raw-client.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the network-fault tests: ${missing}`);

const FIRST_SEGMENT = '00000000000000000000.log';
const NOT_ENOUGH_REPLICAS = 19;

describe('network faults between brokers', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  const proxies: FaultProxy[] = [];

  before(async () => {
    const replicationPorts: number[] = [];
    for (let id = 0; id < 3; id++) {
      replicationPorts.push(await freePort());
      proxies.push(await startFaultProxy(replicationPorts[id]!));
    }
    cluster = await startTestCluster(3, (id, port) => ({
      listeners: `PLAINTEXT://127.0.0.1:${port},REPLICATION://127.0.0.1:${replicationPorts[id]!}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},REPLICATION://127.0.0.1:${proxies[id]!.port}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT',
      'inter.broker.listener.name': 'REPLICATION',
      'replica.lag.time.max.ms': '1500',
      'replica.fetch.backoff.ms': '200',
      'replica.socket.timeout.ms': '2000',
    }));
  });
  after(async () => {
    await cluster?.stop();
    for (const p of proxies) await p.close();
  });

  async function createTopic(topic: string, configs: Record<string, string> = {}): Promise<void> {
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 3, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  }

  async function partitionState(topic: string, via: number): Promise<{ leader: number; isr: number[] }> {
    const p = (await cluster.metadata(via)).topics.find((x) => x.name === topic)!.partitions[0]!;
    return { leader: p.leaderId, isr: [...p.isrNodes].sort() };
  }

  async function produceRaw(node: number, topic: string, values: string[], acks: number): Promise<number> {
    return withRaw(cluster.brokers[node]!.port, async (c) => {
      const r = await c.request(0, 9, {
        transactionalId: null, acks, timeoutMs: 5000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: producerBatch(values, { producerId: -1n, producerEpoch: -1, baseSequence: -1 }) }] }],
      }, 15_000);
      return r.responses[0]!.partitionResponses[0]!.errorCode;
    });
  }

  function segment(node: number, topic: string): Buffer {
    try {
      return readFileSync(`${cluster.brokers[node]!.dataDir}/${topic}-0/${FIRST_SEGMENT}`);
    } catch {
      return Buffer.alloc(0);
    }
  }

  async function waitForIdentical(topic: string): Promise<Buffer> {
    let bytes: Buffer[] = [];
    await waitFor(() => {
      bytes = [0, 1, 2].map((n) => segment(n, topic));
      return bytes[0]!.length > 0 && bytes.every((b) => b.equals(bytes[0]!)) ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100, what: `${topic} to be byte-identical on every broker` });
    return bytes[0]!;
  }

  it('followers cut off from their leader leave the ISR: acks=all is refused under min.insync.replicas=2, acks=1 goes on; healed, they rejoin byte for byte', async () => {
    await createTopic('cut-off', { 'min.insync.replicas': '2' });
    const { leader } = await partitionState('cut-off', 0);
    assert.equal(await produceRaw(leader, 'cut-off', ['before'], -1), 0);
    proxies[leader]!.cut();
    try {
      await waitFor(async () => ((await partitionState('cut-off', leader)).isr.join(',') === String(leader) ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 100, what: 'the ISR to shrink to the cut-off leader' });
      assert.deepEqual((await cluster.metadata(leader)).brokers.map((b) => b.nodeId), [0, 1, 2], 'every broker is still alive and registered');
      assert.equal(await produceRaw(leader, 'cut-off', ['refused'], -1), NOT_ENOUGH_REPLICAS);
      assert.equal(await produceRaw(leader, 'cut-off', ['acks-one'], 1), 0);
    } finally {
      proxies[leader]!.heal();
    }
    await waitFor(async () => ((await partitionState('cut-off', leader)).isr.length === 3 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100, what: 'the followers to rejoin the ISR after healing' });
    assert.equal(await produceRaw(leader, 'cut-off', ['after'], -1), 0);
    const bytes = await waitForIdentical('cut-off');
    assert.ok(bytes.includes(Buffer.from('acks-one')));
    const values = (await readPartition(cluster.brokers[leader]!.port, 'cut-off', 0)).records.map((r) => r.value?.toString());
    assert.deepEqual(values, ['before', 'acks-one', 'after'], 'the refused batch was not written');
  });

  it('a leader cut off and then killed takes its partition offline instead of handing it to a stale follower, and brings back what it acknowledged alone', async () => {
    await createTopic('isolated');
    const { leader } = await partitionState('isolated', 0);
    const other = (leader + 1) % 3;
    assert.equal(await produceRaw(leader, 'isolated', ['shared'], -1), 0);
    proxies[leader]!.cut();
    try {
      await waitFor(async () => ((await partitionState('isolated', leader)).isr.join(',') === String(leader) ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 100, what: 'the ISR to shrink to the cut-off leader' });
      for (let i = 0; i < 5; i++) assert.equal(await produceRaw(leader, 'isolated', [`alone-${i}`], -1), 0, 'min.insync.replicas=1: the lone leader acknowledges');
      await cluster.brokers[leader]!.crash();
    } finally {
      proxies[leader]!.heal();
    }
    try {
      await waitFor(async () => {
        const s = await partitionState('isolated', other);
        return s.leader === -1 ? s : undefined;
      }, { timeoutMs: 20_000, intervalMs: 100, what: 'the partition to go offline' });
      assert.equal(await produceRaw(other, 'isolated', ['elsewhere'], -1) !== 0, true, 'no other broker takes writes for it');
    } finally {
      await cluster.brokers[leader]!.start();
    }
    await waitFor(async () => ((await partitionState('isolated', other)).leader === leader ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100, what: 'the returning broker to lead again' });
    const values = (await readPartition(cluster.brokers[leader]!.port, 'isolated', 0)).records.map((r) => r.value?.toString());
    assert.deepEqual(values, ['shared', 'alone-0', 'alone-1', 'alone-2', 'alone-3', 'alone-4']);
    await waitFor(async () => ((await partitionState('isolated', leader)).isr.length === 3 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100, what: 'the followers to rejoin' });
    await waitForIdentical('isolated');
    await cluster.waitForBrokers([0, 1, 2]);
  });
});
