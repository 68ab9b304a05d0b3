/**
 * Replication on a three-broker cluster (etcd and brokers as real processes): replicas that are
 * byte-identical after acks=all, ISR shrink and min.insync.replicas while followers are frozen
 * (SIGSTOP) and the ISR growing back after they thaw, acknowledged records surviving SIGKILLs of
 * partition leaders under an idempotent acks=all producer, and an old leader that returns after
 * its uncommitted suffix was superseded truncating it (its log ends up byte-identical to the new
 * leader's). Skipped, with the reason printed, without etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';
import { connectedAdmin } from '../support/clients/groups.js';
import { producerBatch } from '../support/clients/txn-raw.js';
import { waitFor } from '../support/clients/wait.js';
import { readPartition } from '../support/clients/raw-client.js';
import { expectOk, KAFKA_BIN_DIR, sh } from '../support/cli.js';
import { kcatMissing, kcatProduce } from '../support/clients/kcat.js';
import { kafkaPython, runPython } from '../support/clients/python.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the replication tests: ${missing}`);

const FIRST_SEGMENT = '00000000000000000000.log';

describe('replication across three brokers', { skip: missing ?? false }, () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster(3, { 'replica.lag.time.max.ms': '1500', 'replica.fetch.backoff.ms': '200' });
  });
  after(async () => {
    await cluster?.stop();
  });

  async function createTopic(topic: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 3, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  }

  async function partitionState(topic: string, partition: number, via = 0): Promise<{ leader: number; replicas: number[]; isr: number[] }> {
    const t = (await cluster.metadata(via)).topics.find((x) => x.name === topic)!;
    const p = t.partitions.find((x) => x.partitionIndex === partition)!;
    return { leader: p.leaderId, replicas: p.replicaNodes, isr: [...p.isrNodes].sort() };
  }

  function segmentBytes(node: number, topic: string, partition: number): Buffer {
    try {
      return readFileSync(`${cluster.brokers[node]!.dataDir}/${topic}-${partition}/${FIRST_SEGMENT}`);
    } catch {
      return Buffer.alloc(0);
    }
  }

  async function waitForIdenticalReplicas(topic: string, partition: number, nodes: number[]): Promise<Buffer> {
    let bytes: Buffer[] = [];
    await waitFor(() => {
      bytes = nodes.map((n) => segmentBytes(n, topic, partition));
      return bytes[0]!.length > 0 && bytes.every((b) => b.equals(bytes[0]!)) ? true : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: `${topic}-${partition} to be byte-identical on nodes ${nodes.join(',')}` }).catch((e: Error) => {
      throw new Error(`${e.message}; sizes ${bytes.map((b) => b.length).join(', ')}`);
    });
    return bytes[0]!;
  }

  async function produceRaw(node: number, topic: string, partition: number, values: string[], acks: number): Promise<number> {
    return withRaw(cluster.brokers[node]!.port, async (c) => {
      const r = await c.request(0, 9, {
        transactionalId: null, acks, timeoutMs: 5000,
        topicData: [{ name: topic, partitionData: [{ index: partition, records: producerBatch(values, { producerId: -1n, producerEpoch: -1, baseSequence: -1 }) }] }],
      }, 15_000);
      return r.responses[0]!.partitionResponses[0]!.errorCode;
    });
  }

  it('acks=all at replication factor 3: every replica holds byte-identical segments and the ISR is complete', async () => {
    await createTopic('replicated', 3);
    const kafka = new Kafka({ clientId: 'replication-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: 'replicated', acks: -1, messages: Array.from({ length: 20 }, (_, j) => ({ key: `k-${i}-${j}`, value: `v-${i}-${j}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    let total = 0;
    for (let p = 0; p < 3; p++) {
      const s = await partitionState('replicated', p);
      assert.deepEqual(s.isr, [0, 1, 2]);
      const bytes = await waitForIdenticalReplicas('replicated', p, [0, 1, 2]);
      assert.ok(bytes.length > 0);
      const contents = await readPartition(cluster.brokers[s.leader]!.port, 'replicated', p);
      total += contents.records.length;
      assert.equal(contents.highWatermark, contents.records.length);
    }
    assert.equal(total, 200);
  });

  it('librdkafka (kcat, acks=all) writes and kafka-python reads a replication-factor-3 topic through any broker', async (t) => {
    const noKcat = kcatMissing();
    const python = await kafkaPython();
    if (noKcat || typeof python === 'string') {
      t.skip(noKcat ?? (python as string));
      return;
    }
    await createTopic('rf3-clients', 3);
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `key-${i}`, value: `kcat-${i}` }));
    await kcatProduce(cluster.brokers[1]!.bootstrap, 'rf3-clients', messages, { extra: ['-X', 'acks=all'] });
    for (let p = 0; p < 3; p++) await waitForIdenticalReplicas('rf3-clients', p, [0, 1, 2]);
    const script = `
import json, sys
from kafka import KafkaConsumer
p = json.loads(sys.argv[1])
consumer = KafkaConsumer("rf3-clients", bootstrap_servers=p["bootstrap"], auto_offset_reset="earliest", consumer_timeout_ms=8000, group_id="rf3-python")
seen = []
for m in consumer:
    seen.append(m.value.decode())
    if len(seen) == 60:
        break
consumer.commit()
consumer.close()
print(json.dumps(seen))
`;
    const [seen] = await runPython<string[]>(script, { bootstrap: cluster.brokers[2]!.bootstrap }, 60_000);
    assert.deepEqual([...seen!].sort(), messages.map((m) => m.value).sort());
  });

  it('frozen followers leave the ISR: min.insync.replicas=2 refuses acks=all; thawed, they catch up and rejoin', async () => {
    await createTopic('min-isr', 1, { 'min.insync.replicas': '2' });
    const { leader, replicas } = await partitionState('min-isr', 0);
    const followers = replicas.filter((r) => r !== leader);
    assert.equal(await produceRaw(leader, 'min-isr', 0, ['before'], -1), 0);
    for (const f of followers) cluster.brokers[f]!.pause();
    try {
      await waitFor(async () => ((await partitionState('min-isr', 0, leader)).isr.join(',') === String(leader) ? true : undefined),
        { timeoutMs: 15_000, intervalMs: 100, what: 'the ISR to shrink to the leader' });
      assert.equal(await produceRaw(leader, 'min-isr', 0, ['refused'], -1), 19, 'NOT_ENOUGH_REPLICAS');
      assert.equal(await produceRaw(leader, 'min-isr', 0, ['acks-one'], 1), 0, 'acks=1 is still taken');
    } finally {
      for (const f of followers) cluster.brokers[f]!.resume();
    }
    await waitFor(async () => ((await partitionState('min-isr', 0, leader)).isr.length === 3 ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 100, what: 'the thawed followers to rejoin the ISR' });
    assert.equal(await produceRaw(leader, 'min-isr', 0, ['after'], -1), 0);
    const bytes = await waitForIdenticalReplicas('min-isr', 0, [0, 1, 2]);
    assert.ok(bytes.includes(Buffer.from('acks-one')));
    await cluster.waitForBrokers([0, 1, 2]);
  });

  it('a broker stopped with SIGTERM hands its leaderships to in-sync replicas before it exits (controlled shutdown)', async () => {
    await createTopic('handover', 3);
    const victim = (await partitionState('handover', 0)).leader;
    const other = (victim + 1) % 3;
    const led = async (): Promise<number[]> => {
      const t = (await cluster.metadata(other)).topics.find((x) => x.name === 'handover')!;
      return t.partitions.filter((p) => p.leaderId === victim).map((p) => p.partitionIndex);
    };
    assert.ok((await led()).length > 0);
    const started = Date.now();
    await cluster.brokers[victim]!.stop();
    try {
      const elapsed = Date.now() - started;
      assert.deepEqual(await led(), [], 'nothing is led by the stopped broker the moment it has exited');
      const after = (await cluster.metadata(other)).topics.find((x) => x.name === 'handover')!;
      assert.ok(after.partitions.every((p) => p.leaderId >= 0 && p.errorCode === 0), 'every partition has a live leader');
      assert.ok(elapsed < 10_000, `the stop took ${elapsed} ms`);
      assert.equal(await produceRaw(after.partitions[0]!.leaderId, 'handover', 0, ['after-handover'], -1), 0);
    } finally {
      await cluster.brokers[victim]!.start();
      await cluster.waitForBrokers([0, 1, 2], other);
    }
  });

  it('no acknowledged record is lost or duplicated when partition leaders are killed under an idempotent acks=all producer', async () => {
    await createTopic('under-fire', 3);
    const kafka = new Kafka({
      clientId: 'under-fire', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const acked: string[][] = [[], [], []];
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop && i < 100_000; i++) {
        const partition = i % 3;
        const value = `p${partition}-${i}`;
        await producer.send({ topic: 'under-fire', acks: -1, messages: [{ partition, value }] });
        acked[partition]!.push(value);
      }
    })();
    try {
      for (let kill = 0; kill < 2; kill++) {
        await waitFor(() => (acked.every((a) => a.length > (kill + 1) * 20) ? true : undefined), { timeoutMs: 30_000, intervalMs: 50, what: 'records to be acknowledged' });
        const victim = (await partitionState('under-fire', kill)).leader;
        await cluster.brokers[victim]!.crash();
        await waitFor(async () => {
          const s = await partitionState('under-fire', kill, (victim + 1) % 3).catch(() => undefined);
          return s && s.leader >= 0 && s.leader !== victim ? true : undefined;
        }, { timeoutMs: 20_000, intervalMs: 100, what: `a new leader for under-fire-${kill}` });
        if (kill === 0) {
          // the dead broker's partitions are under-replicated until it is back (Kafka's tool filter)
          const survivor = cluster.brokers[(victim + 1) % 3]!.bootstrap;
          await waitFor(async () => {
            const under = expectOk('kafka-topics', await sh(`./kafka-topics.sh --describe --under-replicated-partitions --topic under-fire --bootstrap-server ${survivor}`, { cwd: KAFKA_BIN_DIR }));
            return under.stdout.split('\n').filter((l) => l.includes('Partition:')).length === 3 && under.stdout.includes(`Offline: ${victim}`) ? true : undefined;
          }, { timeoutMs: 20_000, intervalMs: 500, what: 'kafka-topics to list the three partitions as under-replicated' });
          const unavailable = expectOk('kafka-topics', await sh(`./kafka-topics.sh --describe --unavailable-partitions --topic under-fire --bootstrap-server ${survivor}`, { cwd: KAFKA_BIN_DIR }));
          assert.equal(unavailable.stdout, '', 'every partition still has a leader');
        }
        const before = acked.map((a) => a.length);
        await waitFor(() => (acked.every((a, p) => a.length > before[p]! + 5) ? true : undefined), { timeoutMs: 30_000, intervalMs: 50, what: 'acknowledgements after the failover' });
        await cluster.brokers[victim]!.start();
        await cluster.waitForBrokers([0, 1, 2], (victim + 1) % 3);
      }
    } finally {
      stop = true;
      await load.catch(() => undefined);
      await producer.disconnect();
    }
    await waitFor(async () => {
      const under = expectOk('kafka-topics', await sh(`./kafka-topics.sh --describe --under-replicated-partitions --topic under-fire --bootstrap-server ${cluster.bootstrap}`, { cwd: KAFKA_BIN_DIR }));
      return under.stdout === '' ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'nothing to be under-replicated once every broker is back' });
    for (let p = 0; p < 3; p++) {
      const s = await partitionState('under-fire', p);
      const read = (await readPartition(cluster.brokers[s.leader]!.port, 'under-fire', p)).records.map((r) => r.value ?? '');
      assert.equal(new Set(read).size, read.length, `no duplicates in partition ${p}`);
      const positions = acked[p]!.map((v) => read.indexOf(v));
      assert.ok(positions.every((x) => x >= 0), `every acknowledged record of partition ${p} is there (${acked[p]!.length} acknowledged, ${read.length} stored)`);
      assert.ok(positions.every((x, i) => i === 0 || x > positions[i - 1]!), `partition ${p} keeps the acknowledged order`);
    }
  });

  it('a rolling restart of all three brokers (SIGTERM, one at a time) under an idempotent producer and a consumer group loses and duplicates nothing', async () => {
    await createTopic('rolling', 3);
    const kafka = new Kafka({
      clientId: 'rolling', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const consumed: string[] = [];
    const consumer = kafka.consumer({ groupId: 'rolling-group', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['rolling'], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { consumed.push(message.value?.toString() ?? ''); } });
    const acked: string[] = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop && i < 100_000; i++) {
        await producer.send({ topic: 'rolling', acks: -1, messages: [{ partition: i % 3, value: `r-${i}` }] });
        acked.push(`r-${i}`);
      }
    })();
    try {
      for (const node of [0, 1, 2]) {
        const other = (node + 1) % 3;
        await waitFor(() => (acked.length > (node + 1) * 30 ? true : undefined), { timeoutMs: 30_000, intervalMs: 50, what: 'records to be acknowledged' });
        await cluster.brokers[node]!.stop();
        await cluster.brokers[node]!.start();
        await cluster.waitForBrokers([0, 1, 2], other);
        await waitFor(async () => {
          const t = (await cluster.metadata(other)).topics.find((x) => x.name === 'rolling')!;
          return t.partitions.every((p) => p.isrNodes.length === 3) ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 100, what: `node ${node} to rejoin every ISR` });
      }
    } finally {
      stop = true;
      await load.catch(() => undefined);
      await producer.disconnect();
    }
    try {
      await waitFor(() => (acked.every((v) => consumed.includes(v)) ? true : undefined), { timeoutMs: 30_000, intervalMs: 100, what: 'the group to consume every acknowledged record' });
    } finally {
      await consumer.disconnect();
    }
    const stored: string[] = [];
    for (let p = 0; p < 3; p++) {
      const s = await partitionState('rolling', p);
      stored.push(...(await readPartition(cluster.brokers[s.leader]!.port, 'rolling', p)).records.map((r) => r.value ?? ''));
    }
    assert.equal(new Set(stored).size, stored.length, 'no record is stored twice');
    assert.ok(acked.every((v) => stored.includes(v)), `all ${acked.length} acknowledged records are stored`);
  });

  it('a follower that returns after the leader deleted what it still needed restarts at the leader\'s log start and rejoins the ISR', async () => {
    await createTopic('moved-start', 1);
    const { leader, replicas } = await partitionState('moved-start', 0);
    const follower = replicas.find((r) => r !== leader)!;
    assert.equal(await produceRaw(leader, 'moved-start', 0, ['a', 'b'], -1), 0);
    await cluster.brokers[follower]!.crash();
    await waitFor(async () => (!(await partitionState('moved-start', 0, leader)).isr.includes(follower) ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 100, what: 'the killed follower to leave the ISR' });
    for (let i = 0; i < 5; i++) assert.equal(await produceRaw(leader, 'moved-start', 0, [`c${i}`, `d${i}`], -1), 0);
    await withRaw(cluster.brokers[leader]!.port, async (c) => {
      const r = await c.request(21, 2, { topics: [{ name: 'moved-start', partitions: [{ partitionIndex: 0, offset: 10n }] }], timeoutMs: 5000 });
      assert.equal(r.topics[0]?.partitions[0]?.errorCode, 0);
      assert.equal(r.topics[0]?.partitions[0]?.lowWatermark, 10n);
    });
    assert.equal(await produceRaw(leader, 'moved-start', 0, ['e'], -1), 0);
    await cluster.brokers[follower]!.start();
    await waitFor(async () => ((await partitionState('moved-start', 0, leader)).isr.length === 3 ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 100, what: 'the returned follower to rejoin the ISR' });
    const contents = await readPartition(cluster.brokers[leader]!.port, 'moved-start', 0, 10);
    assert.deepEqual(contents.records.map((r) => r.value), ['c4', 'd4', 'e']);
    assert.ok(existsSync(`${cluster.brokers[follower]!.dataDir}/moved-start-0/00000000000000000010.log`), 'the follower\'s log restarted at offset 10');
    await cluster.waitForBrokers([0, 1, 2], leader);
  });

  it('an old leader that comes back truncates its uncommitted suffix and ends byte-identical to the new leader', async () => {
    await createTopic('diverge', 1);
    const { leader, replicas } = await partitionState('diverge', 0);
    const followers = replicas.filter((r) => r !== leader);
    assert.equal(await produceRaw(leader, 'diverge', 0, ['committed-1', 'committed-2'], -1), 0);
    await waitForIdenticalReplicas('diverge', 0, [0, 1, 2]);
    for (const f of followers) cluster.brokers[f]!.pause();
    // the followers' fetches already waiting at the leader end empty after replica.fetch.wait.max.ms
    // (500 ms); frozen, they send no new one, so what is produced next stays on the leader alone
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(await produceRaw(leader, 'diverge', 0, ['uncommitted-suffix'], 1), 0);
    await cluster.brokers[leader]!.crash();
    for (const f of followers) cluster.brokers[f]!.resume();
    const survivor = followers[0]!;
    await waitFor(async () => {
      const s = await partitionState('diverge', 0, survivor).catch(() => undefined);
      return s && s.leader >= 0 && s.leader !== leader ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'a follower to take over' });
    const newLeader = (await partitionState('diverge', 0, survivor)).leader;
    assert.equal(await produceRaw(newLeader, 'diverge', 0, ['new-leader-1', 'new-leader-2'], -1), 0);
    assert.ok(segmentBytes(leader, 'diverge', 0).includes(Buffer.from('uncommitted-suffix')), 'the old leader still has its suffix on disk');
    await cluster.brokers[leader]!.start();
    await cluster.waitForBrokers([0, 1, 2], survivor);
    const bytes = await waitForIdenticalReplicas('diverge', 0, [0, 1, 2]);
    assert.ok(!bytes.includes(Buffer.from('uncommitted-suffix')));
    const values = (await readPartition(cluster.brokers[newLeader]!.port, 'diverge', 0)).records.map((r) => r.value);
    assert.deepEqual(values, ['committed-1', 'committed-2', 'new-leader-1', 'new-leader-2']);
  });
});
