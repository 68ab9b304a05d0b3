/**
 * Fetching from followers (KIP-392) on a three-broker cluster with racks r0, r1, r2 and Kafka's
 * RackAwareReplicaSelector: the leader names an in-sync follower in the consumer's rack as its
 * preferred read replica (and answers at once, without records); that follower serves consumer
 * fetches (v11+) up to its high watermark, refuses older fetch versions with
 * NOT_LEADER_OR_FOLLOWER, and answers an offset past its log end with OFFSET_OUT_OF_RANGE only to
 * a client that sent its leader epoch. librdkafka (kcat with client.rack) follows the redirection
 * and reads every record. Skipped, with the reason printed, without etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';
import { connectedAdmin } from '../support/clients/groups.js';
import { recordsIn } from '../support/batches.js';
import { KCAT, kcatMissing } from '../support/clients/kcat.js';
import { run } from '../support/clients/process.js';
import { waitFor } from '../support/clients/wait.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the follower-fetching tests: ${missing}`);

const NOT_LEADER_OR_FOLLOWER = 6;
const OFFSET_OUT_OF_RANGE = 1;
const RECORDS = 50;

interface FetchAnswer {
  errorCode: number;
  preferredReadReplica: number;
  highWatermark: number;
  values: string[];
}

describe('fetching from followers (KIP-392)', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  let leader = -1;
  let leaderEpoch = -1;
  let follower = -1;

  before(async () => {
    cluster = await startTestCluster(3, (id) => ({
      'broker.rack': `r${id}`,
      'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
    }));
    const admin = await connectedAdmin(cluster.bootstrap);
    try {
      await admin.createTopics({ topics: [{ topic: 'nearby', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const kafka = new Kafka({ clientId: 'nearby', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: 'nearby', acks: -1, messages: Array.from({ length: RECORDS }, (_, i) => ({ partition: 0, value: `n-${i}` })) });
    } finally {
      await producer.disconnect();
    }
    const md = await cluster.metadata(0);
    const p = md.topics.find((t) => t.name === 'nearby')!.partitions[0]!;
    leader = p.leaderId;
    follower = p.replicaNodes.find((r) => r !== leader)!;
    leaderEpoch = await withRaw(cluster.brokers[0]!.port, async (c) => {
      const r = await c.request(3, 12, { topics: [{ name: 'nearby', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return r.topics[0]!.partitions[0]!.leaderEpoch ?? -1;
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  async function fetchFrom(node: number, o: { version?: number; rack?: string; offset?: number; epoch?: number } = {}): Promise<FetchAnswer> {
    return withRaw(cluster.brokers[node]!.port, async (c) => {
      const r = await c.request(1, o.version ?? 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'nearby', partitions: [{ partition: 0, currentLeaderEpoch: o.epoch ?? -1, fetchOffset: BigInt(o.offset ?? 0), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: o.rack ?? '',
      });
      const p = r.responses[0]!.partitions[0]!;
      return {
        errorCode: p.errorCode, preferredReadReplica: p.preferredReadReplica ?? -1, highWatermark: Number(p.highWatermark),
        values: p.records && p.records.length > 0 ? recordsIn(p.records).map((x) => x.value?.toString() ?? '') : [],
      };
    });
  }

  it('the leader sends a consumer in a follower\'s rack to that follower, and keeps one in its own rack or naming none', async () => {
    // the follower's fetch state (log start, log end) must have reached the leader
    const redirected = await waitFor(async () => {
      const a = await fetchFrom(leader, { rack: `r${follower}`, epoch: leaderEpoch });
      return a.preferredReadReplica === follower ? a : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, what: 'the leader to name the follower' });
    assert.equal(redirected.errorCode, 0);
    assert.deepEqual(redirected.values, [], 'a redirected partition comes back without records');
    assert.equal(redirected.highWatermark, RECORDS);
    for (const rack of [`r${leader}`, '', 'elsewhere']) {
      const a = await fetchFrom(leader, { rack });
      assert.equal(a.preferredReadReplica, -1, `rack '${rack}'`);
      assert.equal(a.values.length, RECORDS);
    }
  });

  it('a follower serves consumer fetches from v11 up to its high watermark, not older versions, and says out of range only to clients that know the leader epoch', async () => {
    const fromFollower = await waitFor(async () => {
      const a = await fetchFrom(follower, { rack: `r${follower}` });
      return a.values.length === RECORDS ? a : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, what: 'the follower to serve every committed record' });
    assert.equal(fromFollower.errorCode, 0);
    assert.equal(fromFollower.preferredReadReplica, -1, 'a follower does not redirect');
    assert.deepEqual(fromFollower.values, Array.from({ length: RECORDS }, (_, i) => `n-${i}`));
    assert.equal((await fetchFrom(follower, { version: 10 })).errorCode, NOT_LEADER_OR_FOLLOWER);
    assert.equal((await fetchFrom(follower, { version: 11 })).values.length, RECORDS);
    const past = await fetchFrom(follower, { offset: RECORDS + 100 });
    assert.deepEqual([past.errorCode, past.values], [0, []], 'no epoch: perhaps stale metadata, so no reset');
    assert.equal((await fetchFrom(follower, { offset: RECORDS + 100, epoch: leaderEpoch })).errorCode, OFFSET_OUT_OF_RANGE);
  });

  it('librdkafka with client.rack follows the leader to the follower in its rack and reads every record', async (t) => {
    const noKcat = kcatMissing();
    if (noKcat) {
      t.skip(noKcat);
      return;
    }
    await waitFor(async () => ((await fetchFrom(leader, { rack: `r${follower}` })).preferredReadReplica === follower ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 100, what: 'the leader to name the follower' });
    const r = await run(KCAT, [
      '-b', cluster.brokers[leader]!.bootstrap, '-C', '-t', 'nearby', '-p', '0', '-o', 'beginning', '-e', '-f', '%s\\n',
      '-X', `client.rack=r${follower}`, '-X', 'fetch.wait.max.ms=50', '-d', 'fetch',
    ], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), Array.from({ length: RECORDS }, (_, i) => `n-${i}`));
    assert.match(r.stderr, new RegExp(`migrating from broker ${leader} to ${follower} \\(leader is ${leader}\\): preferred replica updated`));
    const enqueued = r.stderr.split('\n').filter((l) => / Enqueue \d+ message/.test(l));
    assert.ok(enqueued.length > 0 && enqueued.every((l) => l.includes(`${cluster.brokers[follower]!.bootstrap}/${follower}: Enqueue`)), enqueued.join('\n'));
  });
});
