/**
 * The consumer group protocol's server-side assignors: `range` gives contiguous ranges per topic
 * in member-id order; `uniform` balances partitions within one across members (honouring who is
 * subscribed to what), is sticky (a joining member takes only what balance needs, a leaving
 * member's partitions are the only ones to move), and is deterministic. Checked on fixed cases
 * and on random ones with fast-check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { rangeAssignor, uniformAssignor, type AssignorMember, type TargetAssignment } from '../../../src/broker/group/consumer-groups/server-assignors.js';

const member = (memberId: string, topics: string[], current: Record<string, number[]> = {}): AssignorMember => ({ memberId, subscribedTopics: topics, current: new Map(Object.entries(current)) });
const plain = (t: TargetAssignment) => Object.fromEntries([...t].map(([m, byTopic]) => [m, Object.fromEntries(byTopic)]));
const counts = (t: TargetAssignment) => [...t.values()].map((byTopic) => [...byTopic.values()].reduce((s, l) => s + l.length, 0));
const owners = (t: TargetAssignment) => {
  const out = new Map<string, string>();
  for (const [m, byTopic] of t) for (const [topic, list] of byTopic) for (const p of list) out.set(`${topic}-${p}`, m);
  return out;
};

describe('server-side range assignor', () => {
  it('gives contiguous ranges per topic, the first members one more', () => {
    const t = rangeAssignor.assign([member('b', ['orders', 'payments']), member('a', ['orders', 'payments']), member('c', ['orders'])], new Map([['orders', 7], ['payments', 4]]));
    assert.deepEqual(plain(t), {
      a: { orders: [0, 1, 2], payments: [0, 1] },
      b: { orders: [3, 4], payments: [2, 3] },
      c: { orders: [5, 6] },
    });
  });
});

describe('server-side uniform assignor', () => {
  const six = new Map([['t', 6]]);

  it('splits six partitions over three members two each', () => {
    const t = uniformAssignor.assign([member('m1', ['t']), member('m2', ['t']), member('m3', ['t'])], six);
    assert.deepEqual(counts(t), [2, 2, 2]);
    assert.equal(owners(t).size, 6);
  });

  it('a member joining takes only what balance needs; the others keep the rest', () => {
    const before = uniformAssignor.assign([member('m1', ['t']), member('m2', ['t'])], six);
    const current = (id: string) => Object.fromEntries(before.get(id)!) as Record<string, number[]>;
    const after = uniformAssignor.assign([member('m1', ['t'], current('m1')), member('m2', ['t'], current('m2')), member('m3', ['t'])], six);
    assert.deepEqual(counts(after), [2, 2, 2]);
    const moved = [...owners(after)].filter(([tp, m]) => owners(before).get(tp) !== m);
    assert.equal(moved.length, 2, 'exactly the two partitions the new member needs moved');
    assert.ok(moved.every(([, m]) => m === 'm3'));
  });

  it('a member leaving: only its partitions move', () => {
    const before = uniformAssignor.assign([member('m1', ['t']), member('m2', ['t']), member('m3', ['t'])], six);
    const current = (id: string) => Object.fromEntries(before.get(id)!) as Record<string, number[]>;
    const after = uniformAssignor.assign([member('m1', ['t'], current('m1')), member('m3', ['t'], current('m3'))], six);
    assert.deepEqual(counts(after), [3, 3]);
    for (const [tp, m] of owners(before)) if (m !== 'm2') assert.equal(owners(after).get(tp), m, `${tp} stayed with ${m}`);
  });

  it('honours subscriptions: a topic goes only to its subscribers', () => {
    const t = uniformAssignor.assign([member('a', ['x']), member('b', ['x', 'y']), member('c', ['y'])], new Map([['x', 4], ['y', 4]]));
    for (const [tp, m] of owners(t)) {
      if (tp.startsWith('x')) assert.ok(['a', 'b'].includes(m));
      else assert.ok(['b', 'c'].includes(m));
    }
    assert.equal(owners(t).size, 8);
    assert.deepEqual(counts(t).sort(), [2, 3, 3].sort());
  });

  it('random cases: every partition assigned once to a subscriber, balanced within one for equal subscriptions, deterministic', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
      (memberCount, topicSizes) => {
        const topics = new Map(topicSizes.map((n, i) => [`t${i}`, n]));
        const members = Array.from({ length: memberCount }, (_, i) => member(`m${i}`, [...topics.keys()]));
        const t = uniformAssignor.assign(members, topics);
        const total = topicSizes.reduce((s, n) => s + n, 0);
        assert.equal(owners(t).size, total);
        const c = counts(t);
        assert.ok(Math.max(...c) - Math.min(...c) <= 1, `counts ${c}`);
        assert.deepEqual(plain(uniformAssignor.assign([...members].reverse(), topics)), plain(t));
      },
    ), { numRuns: 200 });
  });
});
