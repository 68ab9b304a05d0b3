/**
 * The pure parts of the consumer group protocol: reconciliation of one member towards its target
 * (revoke first, wait for unreleased partitions, move to the target epoch), on fixed cases and on
 * random ones checked against the invariant that no partition ever has two owners; and the
 * translation of RE2 syntax for regex subscriptions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignmentOf, partitionKey, partitionsOf, type Assignment } from '../../../src/broker/group/consumer-groups/assignment.js';
import { MemberState, reconcile, type MemberAssignmentState } from '../../../src/broker/group/consumer-groups/reconciliation.js';
import { compileTopicRegex, topicRegexError } from '../../../src/broker/group/consumer-groups/topic-regex.js';

const T = 'topicAAAAAAAAAAAAAAAAA';
const parts = (...ps: number[]): Assignment => assignmentOf(ps.map((p): [string, number] => [T, p]));
const list = (a: Assignment): number[] => [...partitionsOf(a)].map(([, p]) => p);
const stable = (epoch: number, ...ps: number[]): MemberAssignmentState => ({
  state: MemberState.STABLE, memberEpoch: epoch, previousMemberEpoch: epoch - 1, assigned: parts(...ps), pendingRevocation: new Map(),
});

describe('reconciliation', () => {
  it('revokes first and keeps the epoch while the member still owns what it must give up', () => {
    const next = reconcile(stable(3, 0, 1, 2, 3), { targetEpoch: 4, target: parts(0, 1), ownedByOther: () => false, reportedOwned: null });
    assert.equal(next.state, MemberState.UNREVOKED_PARTITIONS);
    assert.equal(next.memberEpoch, 3);
    assert.deepEqual(list(next.assigned), [0, 1]);
    assert.deepEqual(list(next.pendingRevocation), [2, 3]);
    // still reporting 2 and 3: nothing moves
    assert.equal(reconcile(next, { targetEpoch: 4, target: parts(0, 1), ownedByOther: () => false, reportedOwned: parts(0, 1, 2, 3) }), next);
    const done = reconcile(next, { targetEpoch: 4, target: parts(0, 1), ownedByOther: () => false, reportedOwned: parts(0, 1) });
    assert.deepEqual([done.state, done.memberEpoch, done.previousMemberEpoch, list(done.assigned)], [MemberState.STABLE, 4, 3, [0, 1]]);
  });

  it('moves to the target epoch but waits for partitions another member still holds', () => {
    const held = new Set([2]);
    const next = reconcile(stable(1), { targetEpoch: 2, target: parts(2, 3), ownedByOther: (_t, p) => held.has(p), reportedOwned: parts() });
    assert.deepEqual([next.state, next.memberEpoch, list(next.assigned)], [MemberState.UNRELEASED_PARTITIONS, 2, [3]]);
    held.clear();
    const later = reconcile(next, { targetEpoch: 2, target: parts(2, 3), ownedByOther: () => false, reportedOwned: null });
    assert.deepEqual([later.state, later.memberEpoch, later.previousMemberEpoch, list(later.assigned)], [MemberState.STABLE, 2, 1, [2, 3]]);
  });

  it('never gives a partition two owners, whatever the order of heartbeats', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }), { minLength: 2, maxLength: 4 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
      (targets, order) => {
        // targets must be disjoint: each partition goes to the first member that lists it
        const taken = new Set<number>();
        const target = targets.map((ps) => parts(...ps.filter((p) => !taken.has(p) && taken.add(p))));
        const members: MemberAssignmentState[] = target.map(() => stable(1));
        // start with everything owned by member 0
        members[0] = stable(1, 0, 1, 2, 3, 4, 5, 6, 7);
        for (const pick of order) {
          const i = pick % members.length;
          const ownedByOther = (_t: string, p: number): boolean => members.some((m, j) => j !== i && [...partitionsOf(m.assigned), ...partitionsOf(m.pendingRevocation)].some(([, q]) => q === p));
          // a member reports exactly what it was told to own
          members[i] = reconcile(members[i]!, { targetEpoch: 2, target: target[i]!, ownedByOther, reportedOwned: members[i]!.assigned });
          const owners = new Map<string, number>();
          members.forEach((m, j) => {
            for (const [t, p] of partitionsOf(m.assigned)) {
              assert.equal(owners.get(partitionKey(t, p)), undefined, `partition ${p} has two owners`);
              owners.set(partitionKey(t, p), j);
            }
          });
        }
      },
    ), { numRuns: 200 });
  });
});

describe('topic regexes (RE2 syntax on a linear-time engine)', () => {
  it('matches whole names, translates RE2 spellings and refuses what RE2 refuses', () => {
    const cases: [string, string, boolean][] = [
      ['orders-.*', 'orders-eu', true],
      ['orders-.*', 'old-orders-eu', false],
      ['orders', 'orders-eu', false],
      ['(?i)ORDERS-[a-c]+', 'orders-Ab', true],
      ['(?P<region>eu|us)-clicks', 'us-clicks', true],
      ['[[:digit:]]+', '2024', true],
      ['\\Qa.b\\E', 'a.b', true],
      ['\\Qa.b\\E', 'axb', false],
    ];
    for (const [pattern, topic, expected] of cases) assert.equal(compileTopicRegex(pattern).test(topic), expected, `${pattern} ~ ${topic}`);
    for (const bad of ['(a)\\1', '(?=a)b', '(?<!a)b', 'a{1001}', '[[:nope:]]', '\\pL', 'x(?i)y', '(unclosed']) {
      assert.ok(topicRegexError(bad), `${bad} must be refused`);
    }
  });

  it('answers a pattern that makes backtracking engines run for ages', { timeout: 30_000 }, () => {
    // a backtracking engine needs about 2^249 steps here; the linear engine answers at once
    assert.equal(compileTopicRegex('(a+)+b').test('a'.repeat(249)), false);
  });
});
