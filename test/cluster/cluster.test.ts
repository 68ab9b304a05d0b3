/**
 * A cluster of three brokers and etcd, all real processes started by the test: topics spread over
 * the brokers, clients of three kinds (kafkajs, librdkafka through kcat, kafka-python) routing by
 * Metadata through any bootstrap broker, consumer groups and transactions whose partitions sit on
 * every broker, Kafka's and Gregor's tools, paging DescribeTopicPartitions, etcd going away and
 * coming back, and, last, brokers killed with SIGKILL: the controller (another takes over) and a
 * partition leader (gone after its lease, back with its data after a restart).
 * Skipped, with the reason printed, without etcd; the kcat and python parts also need those.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';
import { kcatConsume, kcatMissing } from '../support/clients/kcat.js';
import { kafkaPython, runPython } from '../support/clients/python.js';
import { javaPartitionFor } from '../support/clients/murmur2.js';
import { connectedAdmin, connectedProducer, stopAll, TrackedConsumer } from '../support/clients/groups.js';
import { consumeValues, transactionalProducer, txnKafka } from '../support/clients/txn-kafkajs.js';
import { producerBatch } from '../support/clients/txn-raw.js';
import { gregor, sh, expectOk, KAFKA_BIN_DIR } from '../support/cli.js';
import { waitFor } from '../support/clients/wait.js';
import { freePort } from '../support/clients/broker-process.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the cluster tests: ${missing}`);
const noKcat = kcatMissing();

/** Java's String.hashCode, as Kafka maps a group id to its __consumer_offsets partition. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

describe('a three-broker cluster on etcd', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  let consoleUrl = '';
  let httpPorts: number[] = [];

  before(async () => {
    httpPorts = [await freePort(), await freePort(), await freePort()];
    consoleUrl = `http://127.0.0.1:${httpPorts[2]}/ui/api`;
    cluster = await startTestCluster(3, (id) => ({
      'leader.imbalance.check.interval.seconds': '1',
      'http.listeners': `http://127.0.0.1:${httpPorts[id]}`,
    }));
  });
  after(async () => {
    await cluster?.stop();
  });

  async function createTopic(name: string, partitions: number, via: number): Promise<void> {
    const admin = await connectedAdmin(cluster.brokers[via]!.bootstrap);
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true }), true);
    } finally {
      await admin.disconnect();
    }
  }

  async function leaders(topic: string, via = 0): Promise<number[]> {
    const t = (await cluster.metadata(via)).topics.find((x) => x.name === topic);
    assert.ok(t, `${topic} is in the metadata of broker ${via}`);
    return [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => p.leaderId);
  }

  it('a topic created through a non-controller broker gets partitions led by all three, and every broker reports the same', async () => {
    const controller = await cluster.controller();
    const via = [0, 1, 2].find((i) => i !== controller)!;
    await createTopic('spread', 6, via);
    const seen = await Promise.all([0, 1, 2].map((i) => leaders('spread', i)));
    assert.deepEqual(seen[1], seen[0]);
    assert.deepEqual(seen[2], seen[0]);
    assert.deepEqual([...new Set(seen[0])].sort(), [0, 1, 2]);
    const md = await cluster.metadata(2);
    assert.deepEqual(md.brokers.map((b) => b.port), cluster.brokers.map((b) => b.port));
    assert.equal(md.controllerId, controller);
    await withRaw(cluster.brokers[via]!.port, async (c) => {
      const r = await c.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
      assert.equal(r.errorCode, 0);
      assert.equal(r.controllerId, controller);
      assert.deepEqual(r.brokers.map((b) => [b.brokerId, b.port]).sort((a, b) => a[0]! - b[0]!), cluster.brokers.map((b, i) => [i, b.port]));
    });
  });

  it("broker 2's web console shows every broker and the controller, and reads and writes partitions led by the others", async () => {
    const get = async (path: string) => (await fetch(`${consoleUrl}${path}`)).json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const overview = await get('/overview');
    assert.deepEqual(overview.brokers.map((b: { id: number; port: number }) => [b.id, b.port]), cluster.brokers.map((b, i) => [i, b.port]));
    assert.deepEqual([overview.controllerId, overview.servedBy], [await cluster.controller(), 2]);
    const topic = await get('/topics/spread');
    const leadersSeen = topic.partitions.map((p: { leader: number }) => p.leader);
    assert.deepEqual(leadersSeen, await leaders('spread'));
    for (const p of topic.partitions.filter((x: { leader: number }) => x.leader !== 2).slice(0, 2)) {
      const res = await fetch(`${consoleUrl}/topics/spread/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ partition: p.partition, value: `via console to ${p.partition}` }) });
      assert.equal(res.status, 201);
      const read = await get(`/topics/spread/messages?partitions=${p.partition}&value=via%20console`);
      assert.deepEqual(read.records.map((r: { value: { text: string } }) => r.value.text), [`via console to ${p.partition}`]);
    }
  });

  it('a query asked of one broker is evaluated on each partition\'s leader, where the data is', async () => {
    await createTopic('queried', 6, 0);
    const producer = await connectedProducer(cluster.brokers[0]!.bootstrap);
    await producer.send({ topic: 'queried', messages: Array.from({ length: 60 }, (_, n) => ({ key: `k${n}`, value: JSON.stringify({ n }), partition: n % 6 })) });
    await producer.disconnect();
    const text = await (await fetch(`http://127.0.0.1:${httpPorts[2]}/query/topics/queried?where=${encodeURIComponent('n >= 30')}`)).text();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { value?: string; done?: boolean; evaluatedBy?: number[]; recordsScanned?: number });
    const done = lines.pop()!;
    assert.deepEqual(lines.map((l) => (JSON.parse(l.value!) as { n: number }).n).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 30));
    assert.deepEqual([...done.evaluatedBy!].sort(), [...new Set(await leaders('queried'))].sort());
    assert.equal(done.recordsScanned, 60);
  });

  it('the schema registry is one registry across the brokers: concurrent registrations get distinct ids that every broker serves', async () => {
    const register = async (broker: number, subject: string, schema: object) => {
      const res = await fetch(`http://127.0.0.1:${httpPorts[broker]}/subjects/${subject}/versions`, { method: 'POST', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ schema: JSON.stringify(schema) }) });
      return ((await res.json()) as { id: number }).id;
    };
    const record = (name: string) => ({ type: 'record', name, fields: [{ name: 'v', type: 'int' }] });
    const ids = await Promise.all([register(0, 'alpha-value', record('Alpha')), register(1, 'beta-value', record('Beta')), register(2, 'gamma-value', record('Gamma'))]);
    assert.equal(new Set(ids).size, 3, `distinct ids ${ids}`);
    for (const broker of [0, 1, 2]) {
      const subjects = await (await fetch(`http://127.0.0.1:${httpPorts[broker]}/subjects`)).json();
      assert.deepEqual(subjects, ['alpha-value', 'beta-value', 'gamma-value'], `broker ${broker}`);
      const beta = await (await fetch(`http://127.0.0.1:${httpPorts[broker]}/schemas/ids/${ids[1]}`)).json() as { schema: string };
      assert.deepEqual(JSON.parse(beta.schema), record('Beta'));
    }
    const md = await cluster.metadata(0);
    assert.equal(md.topics.find((t) => t.name === '_schemas')?.partitions[0]?.replicaNodes.length, 3, '_schemas is replicated on all three');
  });

  it('a broker refuses produce and fetch for partitions it does not lead with NOT_LEADER_OR_FOLLOWER, and takes them where it leads', async () => {
    const byPartition = await leaders('spread');
    const partition = byPartition.findIndex((l) => l !== 0);
    const batch = producerBatch(['misrouted'], { producerId: -1n, producerEpoch: -1, baseSequence: -1 });
    await withRaw(cluster.brokers[0]!.port, async (c) => {
      const r = await c.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'spread', partitionData: [{ index: partition, records: batch }] }] });
      assert.equal(r.responses[0]?.partitionResponses[0]?.errorCode, 6);
      const f = await c.request(1, 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'spread', partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      assert.equal(f.responses[0]?.partitions[0]?.errorCode, 6);
    });
    const leader = byPartition[partition]!;
    await withRaw(cluster.brokers[leader]!.port, async (c) => {
      const r = await c.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'spread', partitionData: [{ index: partition, records: batch }] }] });
      assert.equal(r.responses[0]?.partitionResponses[0]?.errorCode, 0);
    });
  });

  it('kafkajs produces keyed records through one broker and kcat reads every one, in its key\'s partition, through another', { skip: noKcat ?? false }, async () => {
    await createTopic('keyed', 6, 1);
    const producer = await connectedProducer(cluster.brokers[2]!.bootstrap);
    const messages = Array.from({ length: 120 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    try {
      await producer.send({ topic: 'keyed', acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
    const records = await kcatConsume(cluster.brokers[1]!.bootstrap, 'keyed', { timeoutMs: 20_000 });
    assert.equal(records.length, 120);
    for (const r of records) assert.equal(r.partition, javaPartitionFor(r.key!, 6), `${r.key} in partition ${r.partition}`);
    assert.deepEqual(records.map((r) => r.value).sort(), messages.map((m) => m.value).sort());
    assert.deepEqual([...new Set(records.map((r) => r.partition))].sort(), [0, 1, 2, 3, 4, 5]);
  });

  it('kafka-python creates a topic, produces and consumes through a single bootstrap broker', async (t) => {
    const info = await kafkaPython();
    if (typeof info === 'string') {
      t.skip(info);
      return;
    }
    const script = `
import json, sys
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
p = json.loads(sys.argv[1])
admin = KafkaAdminClient(bootstrap_servers=p["bootstrap"])
admin.create_topics([NewTopic("py-topic", num_partitions=6, replication_factor=1)])
admin.close()
producer = KafkaProducer(bootstrap_servers=p["bootstrap"], acks="all")
for i in range(60):
    producer.send("py-topic", key=("k%d" % i).encode(), value=("v%d" % i).encode())
producer.flush()
producer.close()
consumer = KafkaConsumer("py-topic", bootstrap_servers=p["bootstrap"], auto_offset_reset="earliest", consumer_timeout_ms=8000, group_id=None)
seen = {}
for m in consumer:
    seen.setdefault(m.partition, []).append(m.value.decode())
    if sum(len(v) for v in seen.values()) == 60:
        break
consumer.close()
print(json.dumps({str(k): v for k, v in seen.items()}))
`;
    const [seen] = await runPython<Record<string, string[]>>(script, { bootstrap: cluster.brokers[1]!.bootstrap }, 60_000);
    const values = Object.values(seen!).flat();
    assert.equal(values.length, 60);
    assert.deepEqual(new Set(values), new Set(Array.from({ length: 60 }, (_, i) => `v${i}`)));
    assert.deepEqual([...new Set(await leaders('py-topic'))].sort(), [0, 1, 2]);
    assert.ok(Object.keys(seen!).length >= 3, `records in ${Object.keys(seen!).length} partitions`);
  });

  it('a consumer group splits a topic spread over the brokers; its coordinator is the leader of the group\'s __consumer_offsets partition', async () => {
    await createTopic('grouped', 6, 0);
    const producer = await connectedProducer(cluster.bootstrap);
    const values = Array.from({ length: 60 }, (_, i) => `g-${i}`);
    try {
      await producer.send({ topic: 'grouped', acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
    } finally {
      await producer.disconnect();
    }
    const group = 'split-across-brokers';
    const consumers = [
      await TrackedConsumer.start(cluster.brokers[0]!.bootstrap, group, 'c0', ['grouped']),
      await TrackedConsumer.start(cluster.brokers[2]!.bootstrap, group, 'c1', ['grouped']),
    ];
    try {
      await waitFor(() => {
        const all = consumers.flatMap((c) => c.values('grouped'));
        const owned = consumers.map((c) => c.partitions('grouped'));
        return all.length >= 60 && owned.every((o) => o.length === 3) ? true : undefined;
      }, { timeoutMs: 30_000, intervalMs: 50, what: 'both members to get three partitions and the 60 records between them' });
      const all = consumers.flatMap((c) => c.values('grouped'));
      assert.deepEqual([...all].sort(), [...values].sort());
      assert.deepEqual([...consumers[0]!.partitions('grouped'), ...consumers[1]!.partitions('grouped')].sort(), [0, 1, 2, 3, 4, 5]);
    } finally {
      await stopAll(consumers);
    }
    const offsetsTopic = (await cluster.metadata()).topics.find((t) => t.name === '__consumer_offsets');
    assert.ok(offsetsTopic);
    const partition = Math.abs(javaHash(group)) % offsetsTopic.partitions.length;
    const leader = offsetsTopic.partitions.find((p) => p.partitionIndex === partition)!.leaderId;
    assert.deepEqual([...new Set(offsetsTopic.partitions.map((p) => p.leaderId))].sort(), [0, 1, 2]);
    for (const via of [0, 1, 2]) {
      await withRaw(cluster.brokers[via]!.port, async (c) => {
        const r = await c.request(10, 3, { key: group, keyType: 0 });
        assert.equal(r.errorCode, 0);
        assert.equal(r.nodeId, leader);
      });
    }
    const other = [0, 1, 2].find((i) => i !== leader)!;
    await withRaw(cluster.brokers[other]!.port, async (c) => {
      const r = await c.request(9, 7, { groupId: group, topics: null, requireStable: false });
      assert.equal(r.errorCode, 16, 'a broker that does not coordinate the group answers NOT_COORDINATOR');
    });
    const admin = await connectedAdmin(cluster.brokers[other]!.bootstrap);
    try {
      const committed = await admin.fetchOffsets({ groupId: group, topics: ['grouped'] });
      const sum = committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
      assert.equal(sum, 60, 'the committed offsets add up to every record');
    } finally {
      await admin.disconnect();
    }
  });

  it('transactions over partitions on every broker commit and abort: read_committed sees exactly the committed records', async () => {
    await createTopic('txn-spread', 6, 2);
    const kafka: Kafka = txnKafka(cluster.brokers[1]!.bootstrap);
    const producer = await transactionalProducer(kafka, 'spanning-txn');
    const records = (tag: string): { topic: string; messages: { partition: number; value: string }[] }[] =>
      [{ topic: 'txn-spread', messages: Array.from({ length: 6 }, (_, partition) => ({ partition, value: `${tag}-${partition}` })) }];
    try {
      const committed = await producer.transaction();
      await committed.sendBatch({ topicMessages: records('committed') });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.sendBatch({ topicMessages: records('aborted') });
      await aborted.abort();
      const sentinel = await producer.transaction();
      await sentinel.send({ topic: 'txn-spread', messages: [{ partition: 0, value: 'sentinel' }] });
      await sentinel.commit();
    } finally {
      await producer.disconnect();
    }
    const readCommitted = await consumeValues(txnKafka(cluster.brokers[0]!.bootstrap), 'txn-spread', {
      readUncommitted: false, until: (v) => v.includes('sentinel') && v.length >= 7,
    });
    assert.deepEqual([...readCommitted].sort(), [...Array.from({ length: 6 }, (_, p) => `committed-${p}`), 'sentinel'].sort());
    const readAll = await consumeValues(txnKafka(cluster.brokers[2]!.bootstrap), 'txn-spread', {
      readUncommitted: true, until: (v) => v.length >= 13,
    });
    assert.equal(readAll.filter((v) => v.startsWith('aborted-')).length, 6);
    assert.deepEqual([...new Set(await leaders('txn-spread'))].sort(), [0, 1, 2]);
  });

  it('an explicit replica assignment to brokers 0 and 1 is taken; one naming an unknown broker is INVALID_REPLICA_ASSIGNMENT', async () => {
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: 'assigned', replicaAssignment: [{ partition: 0, replicas: [0, 1] }, { partition: 1, replicas: [2, 0] }] }] }), true);
      const t = (await cluster.metadata()).topics.find((x) => x.name === 'assigned')!;
      const byIndex = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
      assert.deepEqual(byIndex.map((p) => p.replicaNodes), [[0, 1], [2, 0]]);
      assert.deepEqual(byIndex.map((p) => p.leaderId), [0, 2]);
    } finally {
      await admin.disconnect();
    }
    await withRaw(cluster.brokers[1]!.port, async (c) => {
      const r = await c.request(19, 7, {
        topics: [{ name: 'assigned-badly', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0, 7] }], configs: [] }],
        timeoutMs: 5000, validateOnly: false,
      });
      assert.equal(r.topics[0]?.errorCode, 39);
    });
  });

  it('DescribeTopicPartitions pages through topics and partitions with its cursor', async () => {
    await withRaw(cluster.brokers[2]!.port, async (c) => {
      const first = await c.request(75, 0, { topics: [{ name: 'spread' }, { name: 'keyed' }, { name: 'nope' }], responsePartitionLimit: 4, cursor: null });
      assert.deepEqual(first.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]), [['keyed', 0, [0, 1, 2, 3]]]);
      assert.deepEqual(first.nextCursor, { topicName: 'keyed', partitionIndex: 4 });
      const second = await c.request(75, 0, { topics: [{ name: 'spread' }, { name: 'keyed' }, { name: 'nope' }], responsePartitionLimit: 4, cursor: first.nextCursor });
      assert.deepEqual(second.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]), [['keyed', 0, [4, 5]], ['nope', 3, []], ['spread', 0, [0, 1]]]);
      assert.deepEqual(second.nextCursor, { topicName: 'spread', partitionIndex: 2 });
      const leadersSeen = second.topics.find((t) => t.name === 'spread')!.partitions.map((p) => p.leaderId);
      assert.deepEqual(leadersSeen, (await leaders('spread')).slice(0, 2));
    });
  });

  it('kafka-topics --describe and gregor topics describe show each partition\'s leader and replicas on every broker', async () => {
    const expected = await leaders('spread');
    const kafka = expectOk('kafka-topics', await sh(`./kafka-topics.sh --describe --topic spread --bootstrap-server ${cluster.brokers[1]!.bootstrap}`, { cwd: KAFKA_BIN_DIR }));
    const rows = kafka.stdout.split('\n').filter((l) => /\tPartition: \d+/.test(l));
    assert.equal(rows.length, 6);
    for (const row of rows) {
      const [, p, leader, replicas] = /Partition: (\d+)\tLeader: (\d+)\tReplicas: ([\d,]+)/.exec(row)!;
      assert.equal(Number(leader), expected[Number(p)]);
      assert.equal(replicas, leader);
    }
    const native = expectOk('gregor topics describe', await gregor(['topics', 'describe', 'spread', '-b', cluster.brokers[2]!.bootstrap]));
    assert.match(native.stdout, /Leader: 2/);
    assert.match(native.stdout, /Leader: 0/);
    assert.match(native.stdout, /Leader: 1/);
  });

  it('with etcd gone, produce and fetch go on and topic creation fails with a retriable error; when etcd returns, creation works again', async () => {
    const byPartition = await leaders('spread');
    const leader = byPartition[0]!;
    await cluster.etcd.pause();
    try {
      const batch = producerBatch(['while-etcd-is-down'], { producerId: -1n, producerEpoch: -1, baseSequence: -1 });
      await withRaw(cluster.brokers[leader]!.port, async (c) => {
        const r = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'spread', partitionData: [{ index: 0, records: batch }] }] });
        assert.equal(r.responses[0]?.partitionResponses[0]?.errorCode, 0);
        const created = await c.request(19, 7, {
          topics: [{ name: 'during-outage', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
        }, 30_000);
        assert.ok([7, 41, 5].includes(created.topics[0]!.errorCode), `a retriable error, got ${created.topics[0]!.errorCode}`);
      });
    } finally {
      await cluster.etcd.restart();
    }
    await waitFor(async () => {
      const r = await withRaw(cluster.brokers[1]!.port, (c) => c.request(19, 7, {
        topics: [{ name: 'after-outage', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
      }, 15_000)).catch(() => undefined);
      return r && (r.topics[0]!.errorCode === 0 || r.topics[0]!.errorCode === 36) ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200, what: 'a topic to be created after etcd returned' });
    await cluster.waitForBrokers([0, 1, 2], 2);
    for (const via of [0, 1, 2]) {
      await waitFor(async () => ((await cluster.metadata(via)).topics.some((t) => t.name === 'after-outage') ? true : undefined),
        { timeoutMs: 15_000, intervalMs: 100, what: `broker ${via} to see the topic created after the outage` });
    }
    assert.equal((await leaders('after-outage', 0)).length, 3);
  });

  it('the controller killed with SIGKILL: another broker is elected and creates a topic within seconds', async () => {
    const old = await cluster.controller();
    assert.ok(old >= 0);
    const survivors = [0, 1, 2].filter((i) => i !== old);
    const killedAt = Date.now();
    await cluster.brokers[old]!.crash();
    await waitFor(async () => {
      const r = await withRaw(cluster.brokers[survivors[0]!]!.port, (c) => c.request(19, 7, {
        topics: [{ name: 'after-failover', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
      }, 15_000)).catch(() => undefined);
      return r && (r.topics[0]!.errorCode === 0 || r.topics[0]!.errorCode === 36) ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'a topic to be created after the controller was killed' });
    const elapsed = Date.now() - killedAt;
    const controller = await cluster.controller(survivors[1]);
    assert.ok(survivors.includes(controller), `the new controller ${controller} is a survivor`);
    assert.deepEqual([...new Set(await leaders('after-failover', survivors[1]))].sort(), survivors);
    console.log(`controller ${old} killed; topic created through node ${survivors[0]} after ${elapsed} ms`);
    await cluster.brokers[old]!.start();
    await cluster.waitForBrokers([0, 1, 2], survivors[0]);
  });

  it('a killed broker leaves Metadata after its lease; its single-replica partitions go offline, its groups move to a replica that has their offsets; restarted, it leads its partitions again with its data', async () => {
    // the previous test restarted a broker: its partitions may still be getting their leader back
    const byPartition = await waitFor(async () => {
      const l = await leaders('keyed');
      return l.every((x) => x >= 0) ? l : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: 'every partition of keyed to have a leader' });
    const group = 'split-across-brokers';
    const offsetsTopic = (await cluster.metadata()).topics.find((t) => t.name === '__consumer_offsets')!;
    const groupPartition = Math.abs(javaHash(group)) % offsetsTopic.partitions.length;
    // the group's coordinator dies: its offsets, replicated, are served by the next leader
    const victim = offsetsTopic.partitions.find((p) => p.partitionIndex === groupPartition)!.leaderId;
    assert.ok(byPartition.includes(victim), `node ${victim} leads partitions of 'keyed' too`);
    const other = [0, 1, 2].find((i) => i !== victim)!;
    const committedSum = async (via: number): Promise<number> => withRaw(cluster.brokers[via]!.port, async (c) => {
      const found = await c.request(10, 3, { key: group, keyType: 0 });
      assert.equal(found.errorCode, 0);
      return withRaw(found.port ?? -1, async (coordinator) => {
        const fetched = await coordinator.request(9, 7, { groupId: group, topics: null, requireStable: false });
        assert.equal(fetched.errorCode, 0);
        return (fetched.topics ?? []).filter((t) => t.name === 'grouped').flatMap((t) => t.partitions).reduce((n, p) => n + Number(p?.committedOffset ?? 0), 0);
      });
    });
    const before = noKcat ? undefined : await kcatConsume(cluster.brokers[other]!.bootstrap, 'keyed', { timeoutMs: 20_000 });
    await cluster.brokers[victim]!.crash();
    await cluster.waitForBrokers([0, 1, 2].filter((i) => i !== victim), other, 15_000);
    await waitFor(async () => {
      const t = (await cluster.metadata(other)).topics.find((x) => x.name === 'keyed')!;
      const mine = t.partitions.filter((p) => p.replicaNodes.includes(victim));
      return mine.length > 0 && mine.every((p) => p.leaderId === -1 && p.errorCode === 5) ? true : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: `the partitions of node ${victim} to be reported without a leader` });
    const failover = await waitFor(async () => {
      const t = (await cluster.metadata(other)).topics.find((x) => x.name === '__consumer_offsets')!;
      const leader = t.partitions.find((p) => p.partitionIndex === groupPartition)!.leaderId;
      return leader >= 0 && leader !== victim ? leader : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: 'the group\'s __consumer_offsets partition to fail over' });
    assert.notEqual(failover, victim);
    assert.equal(await waitFor(async () => (await committedSum(other).catch(() => undefined)) || undefined, { timeoutMs: 15_000, intervalMs: 200, what: 'the new coordinator to serve the offsets' }), 60,
      'the new coordinator has every committed offset');
    await cluster.brokers[victim]!.start();
    await cluster.waitForBrokers([0, 1, 2], other);
    let seen: number[] = [];
    await waitFor(async () => {
      seen = await leaders('keyed', other);
      return seen.join(',') === byPartition.join(',') ? true : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: `node ${victim} to lead its partitions again` }).catch((e: Error) => {
      throw new Error(`${e.message}: leaders ${seen.join(',')}, expected ${byPartition.join(',')}`);
    });
    if (before) {
      const afterRestart = await kcatConsume(cluster.brokers[other]!.bootstrap, 'keyed', { timeoutMs: 20_000 });
      assert.deepEqual(afterRestart.map((r) => `${r.partition}/${r.offset}/${r.value}`).sort(), before.map((r) => `${r.partition}/${r.offset}/${r.value}`).sort());
    }
    // asked through the restarted broker (the coordinator may be moving back to its preferred
    // replica meanwhile, answering NOT_COORDINATOR for a moment, which clients retry)
    assert.equal(await waitFor(async () => (await committedSum(victim).catch(() => undefined)) || undefined, { timeoutMs: 15_000, intervalMs: 200, what: 'the offsets through the restarted broker' }), 60);
    // preferred-leader balancing gives every partition back to its first replica once that one is
    // in sync again (the victim itself may have been leading only after an earlier failover)
    const preferred = await waitFor(async () => {
      const t = (await cluster.metadata(other)).topics.find((x) => x.name === '__consumer_offsets')!;
      const p = t.partitions.find((x) => x.partitionIndex === groupPartition)!;
      return p.isrNodes.length === 3 && p.leaderId === p.replicaNodes[0] ? p.leaderId : undefined;
    }, { timeoutMs: 45_000, intervalMs: 200, what: 'the group\'s partition to be led by its preferred replica again' });
    await withRaw(cluster.brokers[victim]!.port, async (c) => {
      const r = await c.request(10, 3, { key: group, keyType: 0 });
      assert.deepEqual([r.errorCode, r.nodeId], [0, preferred]);
    });
    assert.equal(await waitFor(async () => (await committedSum(other).catch(() => undefined)) || undefined, { timeoutMs: 15_000, intervalMs: 200, what: 'the offsets from the preferred coordinator' }), 60);
  });
});
