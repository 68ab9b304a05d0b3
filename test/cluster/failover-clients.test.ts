/**
 * Failover as clients see it, on a three-broker cluster (etcd and brokers as real processes):
 * librdkafka producers (confluent-kafka, acks=all, one idempotent and one not) write while
 * partition leaders are killed with SIGKILL and a kafkajs consumer group reads along; afterwards
 * every acknowledged record is in the log at the offset its delivery report gave (the idempotent
 * producer's exactly once, in order) and every record the consumer saw is still there at the
 * offset it saw it. A transaction open when its coordinator is killed commits on the new
 * coordinator, and read_committed readers see it exactly once. A consumer-protocol group (KIP-848)
 * keeps its member, epoch and partitions when its coordinator is killed; a share group (KIP-932)
 * does not get acknowledged records again when the partition's leader is killed. Skipped, with the
 * reason printed, without etcd or confluent-kafka.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';
import { connectedAdmin } from '../support/clients/groups.js';
import { waitFor } from '../support/clients/wait.js';
import { readPartition } from '../support/clients/raw-client.js';
import { PYTHON } from '../support/clients/python.js';
import { run, startBackground } from '../support/clients/process.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { Consumer, ShareConsumer, type ShareRecord } from '../../src/client/consumer/index.js';
import { ApiKey } from '../../src/protocol/generated/api-registry.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the client failover tests: ${missing}`);

/** Two librdkafka producers until the stop file appears; prints one JSON line per acknowledged record. */
const PRODUCERS = `
import json, os, sys, time
from confluent_kafka import Producer
p = json.loads(sys.argv[1])
common = {"bootstrap.servers": p["bootstrap"], "acks": "all", "message.timeout.ms": 120000, "retry.backoff.ms": 100,
          "linger.ms": 5, "topic.metadata.refresh.interval.ms": 1000}
producers = {"i": Producer(dict(common, **{"enable.idempotence": True})), "p": Producer(common)}
def report(err, msg):
    if err is None:
        print(json.dumps({"v": msg.value().decode(), "p": msg.partition(), "o": msg.offset()}), flush=True)
    else:
        print(json.dumps({"error": str(err), "v": msg.value().decode()}), file=sys.stderr, flush=True)
deadline = time.time() + p["maxSeconds"]
n = 0
while not os.path.exists(p["stopFile"]) and time.time() < deadline and n < 200000:
    for name, producer in producers.items():
        producer.produce(p["topic"], value=("%s-%d" % (name, n)).encode(), partition=n % 3, on_delivery=report)
        producer.poll(0)
    n += 1
    time.sleep(0.004)
for producer in producers.values():
    left = producer.flush(120)
    if left:
        print(json.dumps({"error": "%d unflushed" % left}), file=sys.stderr, flush=True)
`;

async function confluentKafkaProblem(): Promise<string | undefined> {
  const r = await run(PYTHON, ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 });
  return r.code === 0 ? undefined : `confluent-kafka unavailable: ${PYTHON} cannot import confluent_kafka`;
}

describe('failover as clients see it', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  let dir: string;

  before(async () => {
    cluster = await startTestCluster(3, {
      'replica.lag.time.max.ms': '1500', 'replica.fetch.backoff.ms': '200',
      'group.consumer.heartbeat.interval.ms': '300', 'group.consumer.min.heartbeat.interval.ms': '100',
      'group.share.heartbeat.interval.ms': '300',
    });
    dir = mkdtempSync(join(tmpdir(), 'gregor-failover-'));
  });
  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function createTopic(topic: string): Promise<void> {
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  async function leaderOf(topic: string, partition: number, via: number): Promise<number> {
    const t = (await cluster.metadata(via)).topics.find((x) => x.name === topic);
    return t?.partitions.find((p) => p.partitionIndex === partition)?.leaderId ?? -1;
  }

  it('librdkafka producers (acks=all, idempotent and not) under leader kills: every acknowledged record at its reported offset, and nothing a consumer saw disappears', async (t) => {
    const problem = await confluentKafkaProblem();
    if (problem) {
      t.skip(problem);
      return;
    }
    await createTopic('fire-rd');
    const kafka = new Kafka({ clientId: 'fire-rd', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const seen: { partition: number; offset: number; value: string }[] = [];
    const consumer = kafka.consumer({ groupId: 'fire-rd-readers', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['fire-rd'], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => { seen.push({ partition, offset: Number(message.offset), value: message.value?.toString() ?? '' }); } });
    const stopFile = join(dir, 'stop-producers');
    const producers = startBackground(PYTHON, ['-', JSON.stringify({ bootstrap: cluster.bootstrap, topic: 'fire-rd', stopFile, maxSeconds: 120 })], { input: PRODUCERS, timeoutMs: 240_000 });
    const acked = (): { v: string; p: number; o: number }[] => producers.output().stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { v: string; p: number; o: number });
    try {
      for (let kill = 0; kill < 2; kill++) {
        const before = acked().length;
        await waitFor(() => (acked().length > before + 150 ? true : undefined), { timeoutMs: 60_000, intervalMs: 50, what: 'records to be acknowledged' });
        const victim = await leaderOf('fire-rd', kill, 0);
        const other = (victim + 1) % 3;
        await cluster.brokers[victim]!.crash();
        await waitFor(async () => {
          const l = await leaderOf('fire-rd', kill, other).catch(() => -1);
          return l >= 0 && l !== victim ? true : undefined;
        }, { timeoutMs: 20_000, intervalMs: 100, what: `a new leader for fire-rd-${kill}` });
        const after = acked().length;
        await waitFor(() => (acked().length > after + 150 ? true : undefined), { timeoutMs: 60_000, intervalMs: 50, what: 'acknowledgements after the failover' });
        await cluster.brokers[victim]!.start();
        await cluster.waitForBrokers([0, 1, 2], other);
      }
    } finally {
      writeFileSync(stopFile, '');
      await producers.exited;
    }
    assert.ok(existsSync(stopFile));
    const records = acked();
    const stored: string[][] = [];
    for (let p = 0; p < 3; p++) {
      const leader = await leaderOf('fire-rd', p, 0);
      stored.push((await readPartition(cluster.brokers[leader]!.port, 'fire-rd', p)).records.map((r) => r.value?.toString() ?? ''));
    }
    for (const r of records) assert.equal(stored[r.p]![r.o], r.v, `acknowledged ${r.v} at fire-rd-${r.p}@${r.o}`);
    for (let p = 0; p < 3; p++) {
      const idempotent = stored[p]!.filter((v) => v.startsWith('i-'));
      assert.equal(new Set(idempotent).size, idempotent.length, `the idempotent producer's records are stored once in partition ${p}`);
      const order = idempotent.map((v) => Number(v.slice(2)));
      assert.ok(order.every((n, i) => i === 0 || n > order[i - 1]!), `the idempotent producer's records keep their order in partition ${p}`);
    }
    try {
      await waitFor(() => (records.every((r) => seen.some((s) => s.partition === r.p && s.offset === r.o)) ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 200, what: 'the consumer group to read every acknowledged record' });
    } finally {
      await consumer.disconnect();
    }
    for (const s of seen) assert.equal(stored[s.partition]![s.offset], s.value, `the consumer saw ${s.value} at fire-rd-${s.partition}@${s.offset}`);
    assert.ok(records.length > 600, `${records.length} records acknowledged`);
  });

  it('a transaction open when its coordinator is killed commits on the new coordinator; read_committed sees it once', async () => {
    await createTopic('txn-failover');
    const kafka = new Kafka({ clientId: 'txn-failover', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const producer = kafka.producer({ transactionalId: 'survivor', idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const coordinator = await withRaw(cluster.brokers[0]!.port, async (c) => {
      const r = await c.request(10, 4, { keyType: 1, coordinatorKeys: ['survivor'] });
      return r.coordinators?.[0]?.nodeId ?? -1;
    });
    assert.ok(coordinator >= 0, 'FindCoordinator names the transaction coordinator');
    const other = (coordinator + 1) % 3;
    const values = Array.from({ length: 12 }, (_, i) => `t-${i}`);
    try {
      const txn = await producer.transaction();
      await txn.send({ topic: 'txn-failover', messages: values.map((value, i) => ({ partition: i % 3, value })) });
      await cluster.brokers[coordinator]!.crash();
      await txn.commit();
    } finally {
      await producer.disconnect().catch(() => undefined);
      await cluster.brokers[coordinator]!.start();
      await cluster.waitForBrokers([0, 1, 2], other);
    }
    const reader = kafka.consumer({ groupId: 'txn-failover-readers', readUncommitted: false, maxWaitTimeInMs: 100 });
    const got: string[] = [];
    await reader.connect();
    await reader.subscribe({ topics: ['txn-failover'], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => { got.push(message.value?.toString() ?? ''); } });
    try {
      await waitFor(() => (got.length >= values.length ? true : undefined), { timeoutMs: 30_000, intervalMs: 100, what: 'read_committed to see the transaction' });
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await reader.disconnect();
    }
    assert.deepEqual([...got].sort(), [...values].sort());
  });

  it('a consumer-protocol group keeps its member, epoch and partitions when its coordinator is killed', async () => {
    await createTopic('kip848-failover');
    const client = await KafkaClient.connect({ bootstrap: cluster.bootstrap.split(','), clientId: 'kip848-failover', retryBackoffMs: 100 });
    const consumer = new Consumer(client, { groupId: 'kip848-failover', groupProtocol: 'consumer', autoOffsetReset: 'earliest', maxWaitMs: 100, retryBackoffMs: 100 });
    consumer.subscribe(['kip848-failover']);
    let stop = false;
    let pollError: unknown;
    const loop = (async () => {
      for (let i = 0; i < 100_000 && !stop; i++) await consumer.poll(100).catch((e: unknown) => void (pollError = e));
    })();
    try {
      await waitFor(() => consumer.assignment().length === 3, { timeoutMs: 20_000, what: 'the member to own all three partitions' });
      const memberId = consumer.memberId;
      const epoch = consumer.generationId;
      const coordinator = await client.coordinator('kip848-failover');
      await cluster.brokers[coordinator]!.crash();
      const other = (coordinator + 1) % 3;
      // another broker takes over the group from the replicated __consumer_offsets and knows the member
      await waitFor(async () => {
        const c = await KafkaClient.connect({ bootstrap: [`127.0.0.1:${cluster.brokers[other]!.port}`], clientId: 'describe', retryBackoffMs: 100 });
        try {
          const node = await c.coordinator('kip848-failover');
          if (node === coordinator) return false;
          const g = (await c.send(ApiKey.ConsumerGroupDescribe, { groupIds: ['kip848-failover'], includeAuthorizedOperations: false }, node)).groups[0]!;
          return g.errorCode === 0 && g.members.some((m) => m.memberId === memberId && m.memberEpoch === epoch);
        } catch {
          return false;
        } finally {
          c.close();
        }
      }, { timeoutMs: 30_000, intervalMs: 200, what: 'the new coordinator to know the member at its epoch' });
      // the member heartbeats on at the new coordinator without having to rejoin
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(consumer.memberId, memberId);
      assert.equal(consumer.generationId, epoch);
      assert.equal(consumer.assignment().length, 3);
      assert.equal(pollError, undefined);
      await cluster.brokers[coordinator]!.start();
      await cluster.waitForBrokers([0, 1, 2], other);
    } finally {
      stop = true;
      await loop;
      await consumer.close().catch(() => undefined);
      client.close();
    }
  });

  it('a share group does not get acknowledged records again when the partition\'s leader is killed', async () => {
    await createTopic('share-failover');
    const admin = await connectedAdmin(cluster.bootstrap);
    const kafka = new Kafka({ clientId: 'share-failover', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'share-failover', acks: -1, messages: ['s0', 's1', 's2', 's3', 's4', 's5'].map((value) => ({ value, partition: 0 })) });
    await producer.disconnect();
    await admin.disconnect();
    const client = await KafkaClient.connect({ bootstrap: cluster.bootstrap.split(','), clientId: 'share-failover', retryBackoffMs: 100 });
    try {
      const set = await client.send(ApiKey.IncrementalAlterConfigs, {
        resources: [{ resourceType: 32, resourceName: 'share-failover', configs: [{ name: 'share.auto.offset.reset', configOperation: 0, value: 'earliest' }] }], validateOnly: false,
      }, 'controller');
      assert.equal(set.responses[0]!.errorCode, 0, set.responses[0]!.errorMessage ?? '');
      const first = new ShareConsumer(client, { groupId: 'share-failover', acknowledgementMode: 'explicit', maxWaitMs: 100 });
      first.subscribe(['share-failover']);
      const got: ShareRecord[] = [];
      await waitFor(async () => {
        got.push(...await first.poll(200));
        return got.length >= 6;
      }, { timeoutMs: 30_000, what: 'six records' });
      for (const r of got) first.acknowledge(r, ['s0', 's1', 's2'].includes(r.value!.toString()) ? 'accept' : 'release');
      await first.commitSync();
      await first.close();
      const leader = await leaderOf('share-failover', 0, 0);
      const other = (leader + 1) % 3;
      await cluster.brokers[leader]!.crash();
      await waitFor(async () => (await leaderOf('share-failover', 0, other)) !== leader, { timeoutMs: 30_000, what: 'a new leader' });
      const second = new ShareConsumer(client, { groupId: 'share-failover', maxWaitMs: 100 });
      second.subscribe(['share-failover']);
      const again: ShareRecord[] = [];
      await waitFor(async () => {
        again.push(...await second.poll(200).catch(() => []));
        return again.length >= 3;
      }, { timeoutMs: 30_000, what: 'the released records from the new leader' });
      again.push(...await second.poll(500));
      assert.deepEqual(again.map((r) => [r.value!.toString(), r.deliveryCount]).sort(), [['s3', 2], ['s4', 2], ['s5', 2]]);
      await second.close();
      await cluster.brokers[leader]!.start();
      await cluster.waitForBrokers([0, 1, 2], other);
    } finally {
      client.close();
    }
  });
});
