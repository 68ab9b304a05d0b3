/**
 * The assignors as pure functions: Kafka's range and round-robin assignments for known member
 * orders, and the cooperative sticky assignor's stickiness, balance and two-step moves.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CooperativeStickyAssignor, RangeAssignor, RoundRobinAssignor, type GroupMember, type PartitionAssignor } from '../../../src/client/consumer/index.js';
import type { TopicPartition } from '../../../src/client/consumer/types.js';

function member(memberId: string, topics: string[], owned: TopicPartition[] = [], generation = -1, groupInstanceId: string | null = null): GroupMember {
  return { memberId, groupInstanceId, subscription: { version: 1, topics, userData: null, ownedPartitions: owned, generationId: generation, rackId: null } };
}

function tps(topic: string, ...partitions: number[]): TopicPartition[] {
  return partitions.map((partition) => ({ topic, partition }));
}

/** Member id -> "topic-partition" strings, for compact assertions. */
function run(assignor: PartitionAssignor, members: GroupMember[], counts: Record<string, number>): Record<string, string[]> {
  const result = assignor.assign({ members, partitionsPerTopic: new Map(Object.entries(counts)) });
  const out: Record<string, string[]> = {};
  for (const [id, list] of result) out[id] = list.map((tp) => `${tp.topic}-${tp.partition}`);
  return out;
}

describe('range assignor', () => {
  const range = new RangeAssignor();

  it('cuts each topic into consecutive ranges over members sorted by member id', () => {
    // members given out of order: the order is by member id
    const r = run(range, [member('m-b', ['t1', 't2']), member('m-a', ['t1', 't2'])], { t1: 4, t2: 3 });
    assert.deepEqual(r, { 'm-b': ['t1-2', 't1-3', 't2-2'], 'm-a': ['t1-0', 't1-1', 't2-0', 't2-1'] });
  });

  it('gives the first P mod M members one extra partition', () => {
    const r = run(range, [member('a', ['t']), member('b', ['t']), member('c', ['t'])], { t: 4 });
    assert.deepEqual(r, { a: ['t-0', 't-1'], b: ['t-2'], c: ['t-3'] });
  });

  it('assigns each topic only among its subscribers; unknown topics give nothing', () => {
    const r = run(range, [member('a', ['t1']), member('b', ['t1', 't2', 'missing'])], { t1: 2, t2: 2 });
    assert.deepEqual(r, { a: ['t1-0'], b: ['t1-1', 't2-0', 't2-1'] });
  });

  it('orders static members by group instance id, before dynamic ones', () => {
    const r = run(range, [member('a', ['t'], [], -1, 'z-instance'), member('b', ['t'], [], -1, 'y-instance'), member('c', ['t'])], { t: 3 });
    assert.deepEqual(r, { b: ['t-0'], a: ['t-1'], c: ['t-2'] });
  });
});

describe('roundrobin assignor', () => {
  const rr = new RoundRobinAssignor();

  it('deals all sorted partitions over members sorted by member id', () => {
    const r = run(rr, [member('m-b', ['t2', 't1']), member('m-a', ['t1', 't2'])], { t1: 4, t2: 3 });
    assert.deepEqual(r, { 'm-b': ['t1-1', 't1-3', 't2-1'], 'm-a': ['t1-0', 't1-2', 't2-0', 't2-2'] });
  });

  it('skips members not subscribed to a partition\'s topic', () => {
    const r = run(rr, [member('a', ['t1']), member('b', ['t1', 't2']), member('c', ['t1', 't2'])], { t1: 3, t2: 3 });
    // t1-0 a, t1-1 b, t1-2 c, t2-0: a skipped -> b, t2-1 c, t2-2: a skipped -> b
    assert.deepEqual(r, { a: ['t1-0'], b: ['t1-1', 't2-0', 't2-2'], c: ['t1-2', 't2-1'] });
  });
});

describe('cooperative-sticky assignor', () => {
  const cs = new CooperativeStickyAssignor();

  it('balances a fresh group', () => {
    const r = run(cs, [member('a', ['t']), member('b', ['t'])], { t: 4 });
    assert.equal(r.a!.length, 2);
    assert.equal(r.b!.length, 2);
    assert.equal(new Set([...r.a!, ...r.b!]).size, 4);
  });

  it('keeps what a member owns and withholds what moves until the owner has revoked it', () => {
    // a owned everything in generation 3; b is new
    const first = run(cs, [member('a', ['t'], tps('t', 0, 1, 2, 3), 3), member('b', ['t'])], { t: 4 });
    assert.deepEqual(first, { a: ['t-0', 't-1'], b: [] }, 't-2 and t-3 go to nobody while a still owns them');
    // a revoked t-2 and t-3 and rejoined with what it kept
    const second = run(cs, [member('a', ['t'], tps('t', 0, 1), 4), member('b', ['t'], [], 4)], { t: 4 });
    assert.deepEqual(second, { a: ['t-0', 't-1'], b: ['t-2', 't-3'] });
  });

  it('reads the generation from userData as Kafka writes it', () => {
    const withUserData = (id: string, owned: TopicPartition[], generation: number): GroupMember => ({
      memberId: id, groupInstanceId: null,
      subscription: { version: 1, topics: ['t'], userData: cs.subscriptionUserData(generation), ownedPartitions: owned, generationId: -1, rackId: null },
    });
    // both claim t-1: the claim of generation 7 wins over the stale one of generation 5
    const r = run(cs, [withUserData('a', tps('t', 0, 1), 7), withUserData('b', tps('t', 1, 2), 5)], { t: 3 });
    assert.ok(r.a!.includes('t-1'));
    assert.ok(!r.b!.includes('t-1'));
  });

  it('withholds partitions claimed twice in the same generation', () => {
    const r = run(cs, [member('a', ['t'], tps('t', 0, 1), 2), member('b', ['t'], tps('t', 1, 2), 2)], { t: 4 });
    assert.ok(!r.a!.includes('t-1') && !r.b!.includes('t-1'));
    assert.ok(r.a!.includes('t-0') && r.b!.includes('t-2'));
  });

  it('a third member takes only from those above their quota', () => {
    const r = run(cs, [member('a', ['t'], tps('t', 0, 1, 2), 1), member('b', ['t'], tps('t', 3, 4, 5), 1), member('c', ['t'])], { t: 6 });
    assert.deepEqual(r.a, ['t-0', 't-1']);
    assert.deepEqual(r.b, ['t-3', 't-4']);
    assert.deepEqual(r.c, [], 't-2 and t-5 are withheld until a and b revoke them');
  });

  it('a partition of a topic its owner no longer subscribes to waits for the revocation', () => {
    const r = run(cs, [member('a', ['t2'], tps('t1', 0, 1), 1), member('b', ['t1', 't2'], [], 1)], { t1: 2, t2: 2 });
    assert.deepEqual(r.b!.filter((x) => x.startsWith('t1')), []);
    assert.deepEqual([...r.a!, ...r.b!].filter((x) => x.startsWith('t2')).sort(), ['t2-0', 't2-1']);
  });

  it('balances members with different subscriptions', () => {
    const r = run(cs, [member('a', ['t1', 't2']), member('b', ['t2'])], { t1: 2, t2: 4 });
    assert.equal(r.a!.length, 3);
    assert.equal(r.b!.length, 3);
    assert.ok(r.b!.every((x) => x.startsWith('t2')));
  });
});
