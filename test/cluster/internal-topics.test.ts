/**
 * Internal topics in a cluster follow Kafka: __consumer_offsets is created only once
 * offsets.topic.replication.factor (3 by default) brokers are live, and until then FindCoordinator
 * answers COORDINATOR_NOT_AVAILABLE, naming the setting. (A single broker with the embedded store
 * caps the factor instead; the group tests cover that.) Skipped, with the reason printed, without etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the internal-topic cluster tests: ${missing}`);

describe('internal topics on a two-broker cluster', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster(2);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a group has no coordinator until offsets.topic.replication.factor brokers are live', async () => {
    await withRaw(cluster.brokers[0]!.port, async (c) => {
      const r = await c.request(10, 3, { key: 'waiting-group', keyType: 0 });
      assert.equal(r.errorCode, 15, 'COORDINATOR_NOT_AVAILABLE');
      assert.match(r.errorMessage ?? '', /needs 3 live brokers \(offsets\.topic\.replication\.factor\); 2 are live/);
    });
    const md = await cluster.metadata(1);
    assert.equal(md.topics.some((t) => t.name === '__consumer_offsets'), false);
  });
});
