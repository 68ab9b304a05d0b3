/**
 * The election rules: preferred needs the first replica alive and in sync; unclean gives a
 * leaderless partition a live in-sync replica first, then any live replica.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { electLeader, ElectionType } from '../../../src/broker/topics/leader-election.js';

const p = (leader: number, replicas: number[], isr: number[]) => ({ partition: 0, leader, replicas, isr, leaderEpoch: 3, partitionEpoch: 5 });

test('preferred election', () => {
  const live = new Set([1, 2, 3]);
  assert.equal(electLeader(p(1, [1, 2, 3], [1, 2, 3]), ElectionType.PREFERRED, live).errorCode, ErrorCode.ELECTION_NOT_NEEDED);
  assert.deepEqual(electLeader(p(2, [1, 2, 3], [1, 2, 3]), ElectionType.PREFERRED, live), { errorCode: ErrorCode.NONE, errorMessage: null, leader: 1 });
  assert.equal(electLeader(p(2, [1, 2, 3], [2, 3]), ElectionType.PREFERRED, live).errorCode, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
  assert.equal(electLeader(p(2, [1, 2, 3], [1, 2, 3]), ElectionType.PREFERRED, new Set([2, 3])).errorCode, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
});

test('unclean election', () => {
  assert.equal(electLeader(p(2, [1, 2, 3], [2]), ElectionType.UNCLEAN, new Set([1, 2, 3])).errorCode, ErrorCode.ELECTION_NOT_NEEDED);
  assert.equal(electLeader(p(-1, [1, 2, 3], [3]), ElectionType.UNCLEAN, new Set([1, 2, 3])).leader, 3);
  assert.equal(electLeader(p(-1, [1, 2, 3], [3]), ElectionType.UNCLEAN, new Set([1, 2])).leader, 1);
  assert.equal(electLeader(p(3, [1, 2, 3], [3]), ElectionType.UNCLEAN, new Set([2])).leader, 2);
  assert.equal(electLeader(p(-1, [1, 2, 3], [3]), ElectionType.UNCLEAN, new Set()).errorCode, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
});
