/**
 * Preferred-leader balancing, as a pure computation: a live broker leading too few of the
 * partitions that prefer it (more than leader.imbalance.per.broker.percentage) gets back those
 * where it is in sync, with a new leader epoch; below the threshold, or out of sync, nothing moves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preferredLeaderMoves } from '../../../src/cluster/controller/leader-balance.js';
import type { TopicMetadata } from '../../../src/broker/metadata/metadata-store.js';

function topic(name: string, parts: { replicas: number[]; leader: number; isr: number[] }[]): TopicMetadata {
  return {
    name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', internal: false, configs: {},
    partitions: parts.map((p, partition) => ({ partition, ...p, leaderEpoch: 4, partitionEpoch: 9 })),
  };
}

test('a broker that leads none of its preferred partitions gets the in-sync ones back', () => {
  const t = topic('t', [
    { replicas: [0, 1, 2], leader: 1, isr: [0, 1, 2] },
    { replicas: [0, 2, 1], leader: 2, isr: [2, 1] },
    { replicas: [1, 2, 0], leader: 1, isr: [1, 2, 0] },
  ]);
  const moves = preferredLeaderMoves([t], new Set([0, 1, 2]), 10);
  assert.deepEqual(moves.get('t')?.map((u) => [u.expectedEpoch, u.next.partition, u.next.leader, u.next.leaderEpoch, u.next.partitionEpoch]), [[9, 0, 0, 5, 10]]);
});

test('an imbalance at or under the threshold, or a preferred replica that is not live, moves nothing', () => {
  const parts = Array.from({ length: 10 }, (_, i) => ({ replicas: [0, 1], leader: i === 0 ? 1 : 0, isr: [0, 1] }));
  assert.equal(preferredLeaderMoves([topic('t', parts)], new Set([0, 1]), 10).size, 0);
  assert.equal(preferredLeaderMoves([topic('t', parts)], new Set([0, 1]), 5).get('t')?.length, 1);
  assert.equal(preferredLeaderMoves([topic('t', parts)], new Set([1]), 0).size, 0);
});
