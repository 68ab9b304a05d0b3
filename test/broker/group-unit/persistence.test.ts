/**
 * Persistence in __consumer_offsets: a restarted coordinator rebuilds its groups (members,
 * generation, leader, assignments, offsets) from the log; group deletion tombstones; which
 * partition holds a group (Java String.hashCode and Kafka's Utils.abs); the record formats.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { groupPartition, javaStringHashCode } from '../../../src/broker/group/group-partitioner.js';
import { decodeCoordinatorRecord } from '../../../src/broker/group/group-records.js';
import { decodeGroupMetadataValue } from '../../../src/protocol/generated/coordinator-records/GroupMetadataValue.js';
import { Reader } from '../../../src/protocol/wire/reader.js';
import {
  commitKey, commitRequest, coordinatorHarness, formStableGroup, GROUP, joinRequest, members, SESSION_MS,
  subscription, syncRequest, type CoordinatorHarness,
} from './harness.js';

const COMMITS = [
  { topic: 't', partition: 0, offset: 100, leaderEpoch: 3, metadata: 'zero', commitTimestamp: -1 },
  { topic: 't', partition: 1, offset: 200, leaderEpoch: -1, metadata: null, commitTimestamp: -1 },
];

/** A Stable group of a dynamic leader and a static follower, with two committed offsets. */
async function populated(h: CoordinatorHarness): Promise<{ leader: string; follower: string }> {
  const g = await formStableGroup(h, [
    joinRequest({ clientId: 'client-a', clientHost: '/10.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 40_000, protocols: [{ name: 'range', metadata: subscription(['t']) }] }),
    joinRequest({ clientId: 'client-b', clientHost: '/10.0.0.2', groupInstanceId: 'inst-b', sessionTimeoutMs: 12_000, rebalanceTimeoutMs: 50_000, protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] }),
  ]);
  const r = await h.offsets.commit(commitRequest({ generationId: 1, memberId: g.leader, offsets: COMMITS }));
  assert.deepEqual([...r.values()], [ErrorCode.NONE, ErrorCode.NONE]);
  return { leader: g.memberIds[0]!, follower: g.memberIds[1]! };
}

describe('Loading groups from __consumer_offsets', () => {
  test('a restarted coordinator rebuilds a Stable group with its members, generation, leader, assignments and offsets', async () => {
    const h1 = await coordinatorHarness();
    const { leader, follower } = await populated(h1);
    const before = h1.coordinator.describe(GROUP);
    const h = await h1.restart();
    assert.ok(h.loaded >= 3, 'the group record and two offsets were replayed');
    const g = h.group()!;
    assert.equal(g.state, 'Stable');
    assert.equal(g.generationId, 1);
    assert.equal(g.protocolType, 'consumer');
    assert.equal(g.protocolName, 'range');
    assert.equal(g.leaderId, leader);
    assert.deepEqual([...g.members.keys()], [leader, follower]);
    assert.deepEqual([...g.staticMembers], [['inst-b', follower]]);
    const a = g.members.get(leader)!;
    const b = g.members.get(follower)!;
    assert.deepEqual(
      [a.clientId, a.clientHost, a.groupInstanceId, a.sessionTimeoutMs, a.rebalanceTimeoutMs, a.assignment.toString()],
      ['client-a', '/10.0.0.1', null, 10_000, 40_000, 'assign-0'],
    );
    assert.deepEqual(
      [b.clientId, b.clientHost, b.groupInstanceId, b.sessionTimeoutMs, b.rebalanceTimeoutMs, b.assignment.toString()],
      ['client-b', '/10.0.0.2', 'inst-b', 12_000, 50_000, 'assign-1'],
    );
    assert.deepEqual(b.metadataFor('range'), subscription(['t', 'u']));
    assert.deepEqual([...g.subscribedTopics!].sort(), ['t', 'u']);
    assert.deepEqual(h.offsets.fetch(GROUP, null, false), [
      { topic: 't', partition: 0, offset: 100, leaderEpoch: 3, metadata: 'zero', errorCode: ErrorCode.NONE },
      { topic: 't', partition: 1, offset: 200, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
    assert.deepEqual(h.coordinator.describe(GROUP), before);

    // the members carry on without a rebalance
    assert.equal(h.membership.heartbeat(GROUP, 1, leader, null), ErrorCode.NONE);
    assert.equal(h.membership.heartbeat(GROUP, 1, follower, 'inst-b'), ErrorCode.NONE);
    const s = await h.membership.sync(syncRequest({ memberId: follower, groupInstanceId: 'inst-b', generationId: 1 }));
    assert.deepEqual(s, { errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('assign-1') });
    // and the static member can restart without one too
    const r = await h.membership.join(joinRequest({ clientId: 'client-b', groupInstanceId: 'inst-b', protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] }));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.generationId, 1);
    assert.equal(h.group()!.state, 'Stable');
    await h.close();
  });

  test('loaded members get a fresh session deadline and expire if they do not heartbeat', async () => {
    const h1 = await coordinatorHarness();
    await populated(h1);
    await h1.close();
    await h1.advance(60_000); // the broker was down for a minute, longer than any session
    const h = await h1.restart();
    assert.equal(h.group()!.state, 'Stable');
    await h.advance(SESSION_MS - 1);
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.group()!.members.size, 2);
    await h.advance(1); // the leader's 10 s session ends: it is removed and a rebalance starts
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.group()!.members.size, 1);
    await h.advance(2_000); // the static follower's 12 s session ends too
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.group()!.generationId, 2);
    await h.close();
  });

  test('a loaded group over group.max.size rebalances, and the surplus member is turned away', async () => {
    const h1 = await coordinatorHarness();
    const g = await formStableGroup(h1, members(3));
    const h = await h1.restart({ 'group.max.size': '2' });
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.group()!.members.size, 3);
    const [a, b, c] = g.memberIds as [string, string, string];
    const ja = h.membership.join(joinRequest({ clientId: 'c0', memberId: a }));
    const jb = h.membership.join(joinRequest({ clientId: 'c1', memberId: b }));
    const jc = await h.membership.join(joinRequest({ clientId: 'c2', memberId: c }));
    assert.equal(jc.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
    const [ra, rb] = await Promise.all([ja, jb]);
    assert.equal(ra.generationId, 2);
    assert.equal(rb.generationId, 2);
    assert.deepEqual([...h.group()!.members.keys()], [a, b]);
    await h.close();
  });

  test('a group that was mid-rebalance comes back as its last Stable record', async () => {
    const h1 = await coordinatorHarness();
    const g = await formStableGroup(h1, members(2));
    await Promise.all(g.memberIds.map((memberId, i) => h1.membership.join(joinRequest({ clientId: `c${i}`, memberId }))));
    assert.equal(h1.group()!.state, 'CompletingRebalance');
    assert.equal(h1.group()!.generationId, 2);
    const h = await h1.restart();
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.group()!.generationId, 1);
    assert.deepEqual([...h.group()!.members.values()].map((m) => m.assignment.toString()), ['assign-0', 'assign-1']);
    await h.close();
  });

  test('an Empty group comes back Empty with its generation, protocol type, offsets and the time it became Empty', async () => {
    const h1 = await coordinatorHarness();
    const { leader, follower } = await populated(h1);
    await h1.advance(5_000);
    h1.membership.leave(GROUP, [{ memberId: leader, groupInstanceId: null }, { memberId: follower, groupInstanceId: 'inst-b' }]);
    await h1.advance(0);
    const emptySince = h1.group()!.stateTimestamp;
    assert.equal(h1.group()!.state, 'Empty');
    await h1.advance(60_000);
    const h = await h1.restart();
    const g = h.group()!;
    assert.equal(g.state, 'Empty');
    assert.equal(g.generationId, 2);
    assert.equal(g.protocolType, 'consumer');
    assert.equal(g.protocolName, null);
    assert.equal(g.leaderId, null);
    assert.equal(g.members.size, 0);
    assert.equal(g.stateTimestamp, emptySince);
    assert.equal(g.offsets.get(commitKey('t', 0))!.offset, 100);
    await h.close();
  });

  test('a group that only committed offsets comes back Empty, generation 0, without protocol type', async () => {
    const h1 = await coordinatorHarness();
    await h1.offsets.commit(commitRequest({ groupId: 'simple', offsets: [COMMITS[0]!] }));
    const h = await h1.restart();
    const g = h.group('simple')!;
    assert.equal(g.state, 'Empty');
    assert.equal(g.generationId, 0);
    assert.equal(g.protocolType, null);
    assert.equal(g.offsets.get(commitKey('t', 0))!.metadata, 'zero');
    await h.close();
  });

  test('acknowledged commits and assignments survive a crash', async () => {
    const h1 = await coordinatorHarness();
    await populated(h1);
    h1.coordinator.shutdown();
    h1.fs.crash();
    const h = await coordinatorHarness({ fs: h1.fs, clock: h1.clock });
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.offsets.fetch(GROUP, [{ topic: 't', partition: 1 }], false)[0]!.offset, 200);
    assert.deepEqual([...h.group()!.members.values()].map((m) => m.assignment.toString()), ['assign-0', 'assign-1']);
    await h.close();
  });
});

describe('DeleteGroups', () => {
  test('only Empty groups can be deleted; unknown groups are GROUP_ID_NOT_FOUND', async () => {
    const h = await coordinatorHarness();
    const { leader, follower } = await populated(h);
    assert.equal(await h.coordinator.deleteGroup(GROUP), ErrorCode.NON_EMPTY_GROUP);
    void h.membership.join(joinRequest({ clientId: 'client-a', memberId: leader }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(await h.coordinator.deleteGroup(GROUP), ErrorCode.NON_EMPTY_GROUP);
    assert.equal(await h.coordinator.deleteGroup('nope'), ErrorCode.GROUP_ID_NOT_FOUND);
    h.membership.leave(GROUP, [{ memberId: leader, groupInstanceId: null }, { memberId: follower, groupInstanceId: 'inst-b' }]);
    assert.equal(h.group()!.state, 'Empty');
    const group = h.group()!;
    assert.equal(await h.coordinator.deleteGroup(GROUP), ErrorCode.NONE);
    assert.equal(group.state, 'Dead');
    assert.equal(h.group(), undefined);
    assert.equal(await h.coordinator.deleteGroup(GROUP), ErrorCode.GROUP_ID_NOT_FOUND);
    assert.deepEqual(h.offsets.fetch(GROUP, null, false), []);
    await h.close();
  });

  test('the tombstones of a deleted group keep it deleted after a restart', async () => {
    const h1 = await coordinatorHarness();
    const { leader, follower } = await populated(h1);
    h1.membership.leave(GROUP, [{ memberId: leader, groupInstanceId: null }, { memberId: follower, groupInstanceId: 'inst-b' }]);
    await h1.offsets.commit(commitRequest({ groupId: 'simple', offsets: [COMMITS[0]!] }));
    await h1.offsets.commit(commitRequest({ groupId: 'kept', offsets: [COMMITS[0]!] }));
    assert.equal(await h1.coordinator.deleteGroup(GROUP), ErrorCode.NONE);
    assert.equal(await h1.coordinator.deleteGroup('simple'), ErrorCode.NONE);
    const h = await h1.restart();
    assert.equal(h.group(), undefined);
    assert.equal(h.group('simple'), undefined);
    assert.ok(h.group('kept'));
    assert.equal(h.coordinator.describe(GROUP).state, 'Dead');
    assert.deepEqual(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0]!.offset, -1);
    // the records written for the deletion: offset tombstones, plus a group tombstone where the group had a generation
    const records: ReturnType<typeof decodeCoordinatorRecord>[] = [];
    for (const id of [GROUP, 'simple']) {
      h.log.replay(h.coordinator.partitionFor(id), (k, v) => {
        const r = decodeCoordinatorRecord(k, v);
        if (r && r.group === id && r.value === null) records.push(r);
      });
    }
    assert.deepEqual(records, [
      { kind: 'offset', group: GROUP, topic: 't', partition: 0, value: null },
      { kind: 'offset', group: GROUP, topic: 't', partition: 1, value: null },
      { kind: 'group', group: GROUP, value: null },
      { kind: 'offset', group: 'simple', topic: 't', partition: 0, value: null },
    ]);
    // the id can be used again from scratch
    await h.offsets.commit(commitRequest({ offsets: [COMMITS[1]!] }));
    assert.equal(h.group()!.generationId, 0);
    await h.close();
  });
});

describe('Which __consumer_offsets partition holds a group', () => {
  /** Java's String.hashCode worked out independently: h = 31*h + c over UTF-16 units, mod 2^32, signed. */
  function referenceHash(s: string): bigint {
    let h = 0n;
    for (let i = 0; i < s.length; i++) h = (31n * h + BigInt(s.charCodeAt(i))) % 4294967296n;
    return h >= 2147483648n ? h - 4294967296n : h;
  }

  test('String.hashCode as Java computes it', () => {
    // "ab": 31 * 97 + 98 = 3105
    assert.equal(javaStringHashCode('ab'), 3105);
    assert.equal(javaStringHashCode(''), 0);
    // values as Java prints them
    const known: [string, number][] = [
      ['a', 97],
      ['group-1', 293_427_299],
      ['my-consumer-group', 1_513_705_513],
      ['orders', -1_008_770_331],
      ['payments-service-consumers', -1_165_769_851],
      ['polygenelubricants', -2_147_483_648],
      ['\u{1F600}-group', -1_198_440_043], // a surrogate pair: two UTF-16 code units
    ];
    for (const [s, expected] of known) {
      assert.equal(referenceHash(s), BigInt(expected), `reference ${s}`);
      assert.equal(javaStringHashCode(s), expected, s);
    }
  });

  test('partition = Utils.abs(hashCode) % partitions, with Integer.MIN_VALUE mapping to 0', async () => {
    // 97 % 50 = 47; 3105 % 50 = 5; 293427299 % 50 = 49
    assert.equal(groupPartition('a', 50), 47);
    assert.equal(groupPartition('ab', 50), 5);
    assert.equal(groupPartition('group-1', 50), 49);
    // negative hash codes: |-1008770331| % 50 = 31 (a floor modulo would give 19)
    assert.equal(groupPartition('orders', 50), 31);
    assert.equal(groupPartition('payments-service-consumers', 50), 1);
    assert.equal(groupPartition('\u{1F600}-group', 50), 43);
    // Integer.MIN_VALUE has no positive counterpart; Utils.abs maps it to 0 (Math.abs would keep it negative in Java)
    assert.equal(groupPartition('polygenelubricants', 50), 0);
    assert.equal(groupPartition('polygenelubricants', 7), 0);
    assert.equal(groupPartition('orders', 7), 1_008_770_331 % 7);
    assert.equal(groupPartition('', 50), 0);

    const h = await coordinatorHarness();
    for (const id of ['a', 'orders', 'polygenelubricants', '\u{1F600}-group']) assert.equal(h.coordinator.partitionFor(id), groupPartition(id, 50));
    await h.close();
  });

  test('a group\'s records go to its partition, and the count comes from the topic', async () => {
    const h = await coordinatorHarness({ settings: { 'offsets.topic.num.partitions': '7' } });
    await h.offsets.commit(commitRequest({ groupId: 'orders' }));
    const expected = 1_008_770_331 % 7;
    assert.equal(h.coordinator.partitionFor('orders'), expected);
    const ends = h.replicas.partitionsOf('__consumer_offsets').map((p) => p.logEndOffset);
    assert.equal(ends.length, 7);
    assert.deepEqual(ends.map((e, i) => (e > 0 ? i : -1)).filter((i) => i >= 0), [expected]);
    await h.close();
  });
});

describe('Record formats', () => {
  test('offset keys are version 1 with v3 values; group metadata is key version 2 with a v3 value', async () => {
    const h = await coordinatorHarness();
    const { leader, follower } = await populated(h);
    const seen: { keyVersion: number; valueVersion: number | null }[] = [];
    let group: ReturnType<typeof decodeGroupMetadataValue> | undefined;
    h.log.replay(h.coordinator.partitionFor(GROUP), (k, v) => {
      const keyVersion = k.readInt16BE(0);
      seen.push({ keyVersion, valueVersion: v === null ? null : v.readInt16BE(0) });
      if (keyVersion === 2 && v !== null) {
        const r = new Reader(v);
        group = decodeGroupMetadataValue(r, r.int16());
      }
    });
    assert.deepEqual(seen, [
      { keyVersion: 2, valueVersion: 3 },
      { keyVersion: 1, valueVersion: 3 },
      { keyVersion: 1, valueVersion: 3 },
    ]);
    assert.equal(group!.protocolType, 'consumer');
    assert.equal(group!.generation, 1);
    assert.equal(group!.protocol, 'range');
    assert.equal(group!.leader, leader);
    assert.equal(group!.currentStateTimestamp, BigInt(h.clock.now()));
    assert.deepEqual(group!.members.map((m) => [m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeout, m.sessionTimeout, m.assignment.toString()]), [
      [leader, null, 'client-a', '/10.0.0.1', 40_000, 10_000, 'assign-0'],
      [follower, 'inst-b', 'client-b', '/10.0.0.2', 50_000, 12_000, 'assign-1'],
    ]);
    assert.deepEqual(group!.members[1]!.subscription, subscription(['t', 'u']));
    await h.close();
  });
});
