/**
 * The leader's replication state without a cluster: a follower proposed to join the ISR counts
 * for the high watermark from the moment it is proposed (Kafka's maximal ISR), so records the
 * leader takes while the change is being written are not committed without it; a replica
 * reassigned away is stopped and its log deleted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/common/clock.js';
import { MemoryFileSystem } from '../../../src/storage/fs/memory-file-system.js';
import { fixedConfig, LogManager } from '../../../src/storage/log-manager.js';
import { BrokerConfig } from '../../../src/broker/config/broker-config.js';
import { ReplicaManager } from '../../../src/broker/replica/replica-manager.js';
import type { TopicMetadata } from '../../../src/broker/metadata/metadata-store.js';
import { makeBatch } from '../../support/batches.js';

function setup() {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const logs = new LogManager({ fs, clock, dataDirs: ['/data'], configFor: fixedConfig({}), retentionCheckIntervalMs: 1000 });
  logs.startup();
  const replicas = new ReplicaManager(logs, BrokerConfig.fromMap({ 'node.id': '0', 'log.dirs': '/data' }), 0, clock);
  return { fs, clock, logs, replicas };
}

const topic = (replicas: number[], isr: number[], leader = 0, partitionEpoch = 1): TopicMetadata => ({
  name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', internal: false, configs: {},
  partitions: [{ partition: 0, replicas, isr, leader, leaderEpoch: 0, partitionEpoch }],
});

test('a follower proposed to join the ISR holds the high watermark back until the proposal settles', () => {
  const { replicas } = setup();
  const proposals: { isr: number[]; settled?: () => void }[] = [];
  replicas.setIsrProposal((_p, isr, settled) => proposals.push({ isr, settled }));
  replicas.addTopic(topic([0, 1], [0]));
  const p = replicas.get('t', 0)!;
  p.append(makeBatch({ values: ['a', 'b'] }));
  assert.equal(p.highWatermark, 2, 'alone in the ISR, the leader commits at once');

  replicas.followerFetched(p, 1, 2);
  assert.deepEqual(proposals.map((x) => x.isr), [[0, 1]], 'the caught-up follower is proposed');
  assert.deepEqual(p.maximalIsr, [0, 1]);

  p.append(makeBatch({ values: ['c'] }));
  assert.equal(p.highWatermark, 2, 'not committed while the joining follower lacks it');
  replicas.followerFetched(p, 1, 3);
  assert.equal(p.highWatermark, 3, 'committed once the joining follower has it');

  p.append(makeBatch({ values: ['d'] }));
  proposals[0]!.settled!();
  assert.equal(p.highWatermark, 4, 'a refused proposal stops counting the follower');
  assert.deepEqual(p.maximalIsr, [0]);
});

test('a written ISR change replaces the proposal; a replica reassigned away is stopped and its log deleted', async () => {
  const { replicas, logs } = setup();
  replicas.setIsrProposal(() => undefined);
  replicas.addTopic(topic([0, 1], [0]));
  const p = replicas.get('t', 0)!;
  p.append(makeBatch({ values: ['a'] }));
  replicas.followerFetched(p, 1, 1);
  replicas.updateLeadership(topic([0, 1], [0, 1], 0, 2));
  assert.deepEqual(p.isr, [0, 1]);
  assert.deepEqual(p.maximalIsr, [0, 1]);

  replicas.updateLeadership(topic([1], [1], 1, 3));
  assert.equal(replicas.replica('t', 0), undefined);
  assert.equal(p.stopped, true);
  for (let i = 0; i < 10 && logs.get('t', 0); i++) await new Promise((r) => setImmediate(r));
  assert.equal(logs.get('t', 0), undefined, 'the log is gone');
});

test('at startup, logs of partitions this broker is no longer a replica of are deleted; others are kept', () => {
  const { replicas, logs } = setup();
  logs.getOrCreate('t', 0);
  logs.getOrCreate('t', 1);
  logs.getOrCreate('unknown', 0);
  const t: TopicMetadata = {
    ...topic([0], [0]),
    partitions: [
      { partition: 0, replicas: [0, 1], isr: [0, 1], leader: 0, leaderEpoch: 0, partitionEpoch: 0 },
      { partition: 1, replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0 },
    ],
  };
  assert.deepEqual(replicas.removeStrayLogs([t]), [{ topic: 't', partition: 1 }]);
  assert.ok(logs.get('t', 0));
  assert.equal(logs.get('t', 1), undefined);
  assert.ok(logs.get('unknown', 0), 'a topic the metadata does not know is left alone');
});
