/**
 * Reassignment rules: starting marks the replicas being added and removed, completion waits for
 * every target replica to be in sync and moves a leader that is leaving, cancelling reverts to
 * the original replicas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { PartitionMetadata } from '../../../src/broker/metadata/metadata-store.js';
import {
  cancelReassignment, completeReassignment, isReassigning, startReassignment, targetReplicas,
} from '../../../src/broker/topics/partition-reassignment.js';

const live = new Set([0, 1, 2, 3]);
const p = (leader: number, replicas: number[], isr: number[], extra: Partial<PartitionMetadata> = {}): PartitionMetadata =>
  ({ partition: 4, leader, replicas, isr, leaderEpoch: 3, partitionEpoch: 7, ...extra });

function started(x: ReturnType<typeof startReassignment>): PartitionMetadata {
  assert.ok(!('errorCode' in x), `expected a partition, got ${JSON.stringify(x)}`);
  return x as PartitionMetadata;
}

test('moving [0,1] to [2,3] adds 2 and 3, keeps 0 and 1 until the new replicas are in sync', () => {
  const s = started(startReassignment(p(0, [0, 1], [0, 1]), [2, 3], live));
  assert.deepEqual(s.replicas, [2, 3, 0, 1]);
  assert.deepEqual(s.addingReplicas, [2, 3]);
  assert.deepEqual(s.removingReplicas, [0, 1]);
  assert.deepEqual(s.isr, [0, 1]);
  assert.equal(s.leader, 0);
  assert.equal(s.leaderEpoch, 3);
  assert.equal(s.partitionEpoch, 8);
  assert.deepEqual(targetReplicas(s), [2, 3]);
  assert.equal(isReassigning(s), true);

  assert.equal(completeReassignment({ ...s, isr: [0, 1, 2] }, live), undefined, 'replica 3 is not in sync yet');
  const done = completeReassignment({ ...s, isr: [0, 1, 2, 3] }, live)!;
  assert.deepEqual(done.replicas, [2, 3]);
  assert.deepEqual(done.isr, [2, 3]);
  assert.equal(done.leader, 2, 'the leader was leaving: the first in-sync target replica takes over');
  assert.equal(done.leaderEpoch, 4);
  assert.equal(done.partitionEpoch, 9);
  assert.equal(done.addingReplicas, undefined);
  assert.equal(done.removingReplicas, undefined);
});

test('a leader that stays keeps its epoch; shrinking to replicas already in sync completes at once', () => {
  const s = started(startReassignment(p(1, [0, 1, 2], [0, 1, 2]), [1, 2], live));
  assert.deepEqual(s.replicas, [1, 2]);
  assert.deepEqual(s.isr, [1, 2]);
  assert.equal(s.leader, 1);
  assert.equal(s.leaderEpoch, 3);
  assert.equal(isReassigning(s), false);
});

test('a reordering only changes the replica order', () => {
  const s = started(startReassignment(p(0, [0, 1, 2], [0, 1, 2]), [2, 1, 0], live));
  assert.deepEqual(s.replicas, [2, 1, 0]);
  assert.equal(s.leader, 0);
  assert.equal(isReassigning(s), false);
});

test('a bad target is INVALID_REPLICA_ASSIGNMENT with Kafka\'s messages', () => {
  const bad = (target: number[]) => startReassignment(p(0, [0, 1], [0, 1]), target, live) as { errorCode: number; errorMessage: string };
  assert.equal(bad([]).errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.match(bad([]).errorMessage, /empty replica list/);
  assert.match(bad([1, 9]).errorMessage, /broker 9, but no such broker is registered/);
  assert.match(bad([2, 2]).errorMessage, /broker 2 more than once/);
});

test('a new target replaces a reassignment in progress; replicas no longer wanted are removed again', () => {
  const first = started(startReassignment(p(0, [0, 1], [0, 1]), [2, 3], live));
  const second = started(startReassignment(first, [0, 3], live));
  assert.deepEqual(second.replicas, [0, 3, 2, 1]);
  assert.deepEqual(second.addingReplicas ?? [], []);
  assert.deepEqual(second.removingReplicas, [2, 1]);
  assert.deepEqual(targetReplicas(second), [0, 3]);
});

test('cancelling drops the adding replicas and restores the original ones', () => {
  const s = started(startReassignment(p(0, [0, 1], [0, 1]), [1, 2], live));
  const back = cancelReassignment({ ...s, isr: [0, 1, 2] }, live, false, 't') as PartitionMetadata;
  assert.deepEqual(back.replicas, [1, 0]);
  assert.deepEqual(back.isr, [0, 1]);
  assert.equal(back.leader, 0);
  assert.equal(isReassigning(back), false);
  const none = cancelReassignment(p(0, [0, 1], [0, 1]), live, false, 't') as { errorCode: number; errorMessage: string };
  assert.equal(none.errorCode, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
});

test('a cancel that would leave no in-sync replica needs unclean election', () => {
  // the original replica 0 fell out of sync while 2 was being added, and 2 led
  const s: PartitionMetadata = p(2, [2, 0], [2], { addingReplicas: [2], removingReplicas: [0] });
  const refused = cancelReassignment(s, live, false, 't') as { errorCode: number; errorMessage: string };
  assert.equal(refused.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.match(refused.errorMessage, /unclean leader election/);
  const unclean = cancelReassignment(s, live, true, 't') as PartitionMetadata;
  assert.deepEqual(unclean.replicas, [0]);
  assert.deepEqual(unclean.isr, [0]);
  assert.equal(unclean.leader, 0);
  assert.equal(unclean.leaderEpoch, 4);
});
