/**
 * OffsetCommit and OffsetFetch: validation by group state, generation and member; metadata size;
 * timestamps and the record versions written; fetching; and offset expiry (KIP-211) on the
 * manual clock.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { OffsetCommitInput } from '../../../src/broker/group/group-offsets.js';
import { decodeCoordinatorRecord } from '../../../src/broker/group/group-records.js';
import {
  commitKey, commitRequest, coordinatorHarness, DAY_MS, fakeHarness, formStableGroup, GROUP, joinRequest, members, settle,
  subscription, syncRequest, track, type FakeHarness,
} from './harness.js';

function offset(topic: string, partition: number, value: number, o: Partial<OffsetCommitInput> = {}): OffsetCommitInput {
  return { topic, partition, offset: value, leaderEpoch: -1, metadata: null, commitTimestamp: -1, ...o };
}

function codes(result: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...result].map(([k, v]) => [k.replace('\u0000', '-'), v]));
}

describe('OffsetCommit and OffsetFetch', () => {
  test('a simple commit creates an Empty group without protocol type; fetch returns offset, epoch and metadata', async () => {
    const h = fakeHarness();
    const r = await h.offsets.commit(commitRequest({
      offsets: [offset('t', 0, 10, { leaderEpoch: 5, metadata: 'meta' }), offset('t', 1, 20)],
    }));
    assert.deepEqual(codes(r), { 't-0': ErrorCode.NONE, 't-1': ErrorCode.NONE });
    const group = h.group()!;
    assert.equal(group.state, 'Empty');
    assert.equal(group.generationId, 0);
    assert.equal(group.protocolType, null);
    assert.deepEqual(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }, { topic: 'unknown', partition: 0 }], false), [
      { topic: 't', partition: 0, offset: 10, leaderEpoch: 5, metadata: 'meta', errorCode: ErrorCode.NONE },
      { topic: 't', partition: 1, offset: 20, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
      { topic: 't', partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
      { topic: 'unknown', partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
  });

  test('a later commit replaces the earlier one', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 10, { metadata: 'a' })] }));
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 15, { metadata: 'b' })] }));
    assert.deepEqual(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0], {
      topic: 't', partition: 0, offset: 15, leaderEpoch: -1, metadata: 'b', errorCode: ErrorCode.NONE,
    });
  });

  test('fetch with null partitions returns every committed partition; an unknown group has none', async () => {
    const h = fakeHarness();
    assert.deepEqual(h.offsets.fetch('nope', null, false), []);
    assert.deepEqual(h.offsets.fetch('nope', [{ topic: 't', partition: 0 }], false), [
      { topic: 't', partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
    await h.offsets.commit(commitRequest({ offsets: [offset('a', 0, 1), offset('a', 1, 2), offset('b', 0, 3)] }));
    const all = h.offsets.fetch(GROUP, null, false);
    assert.deepEqual(all.map((o) => `${o.topic}-${o.partition}=${o.offset}`).sort(), ['a-0=1', 'a-1=2', 'b-0=3']);
  });

  test('metadata longer than offset.metadata.max.bytes characters is OFFSET_METADATA_TOO_LARGE; other partitions go ahead', async () => {
    const h = fakeHarness();
    const r = await h.offsets.commit(commitRequest({
      offsets: [
        offset('t', 0, 1, { metadata: 'x'.repeat(4097) }),
        offset('t', 1, 2, { metadata: 'x'.repeat(4096) }),
        offset('t', 2, 3, { metadata: '\u00e9'.repeat(4096) }), // 8192 UTF-8 bytes, 4096 characters
      ],
    }));
    assert.deepEqual(codes(r), { 't-0': ErrorCode.OFFSET_METADATA_TOO_LARGE, 't-1': ErrorCode.NONE, 't-2': ErrorCode.NONE });
    assert.deepEqual(h.offsets.fetch(GROUP, null, false).map((o) => o.partition).sort(), [1, 2]);
    assert.equal(h.groups.writes.length, 1);
    assert.equal(h.groups.writes[0]!.records.length, 2, 'the rejected partition is not written');
  });

  test('a commit with every partition too large writes nothing', async () => {
    const h = fakeHarness({ offsets: { maxMetadataBytes: 3 } });
    const r = await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1, { metadata: 'abcd' })] }));
    assert.deepEqual(codes(r), { 't-0': ErrorCode.OFFSET_METADATA_TOO_LARGE });
    assert.equal(h.groups.writes.length, 0);
  });

  test('a commit to a group that does not exist with a generation is ILLEGAL_GENERATION and creates nothing', async () => {
    const h = fakeHarness();
    const r = await h.offsets.commit(commitRequest({ generationId: 1, memberId: 'm', offsets: [offset('t', 0, 1), offset('t', 1, 1)] }));
    assert.deepEqual(codes(r), { 't-0': ErrorCode.ILLEGAL_GENERATION, 't-1': ErrorCode.ILLEGAL_GENERATION });
    assert.equal(h.group(), undefined);
  });

  test('commits against a Stable group: only its members, on its generation', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const two = [offset('t', 0, 1), offset('t', 1, 1)];
    const all = (code: number): Record<string, number> => ({ 't-0': code, 't-1': code });
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ offsets: two }))), all(ErrorCode.UNKNOWN_MEMBER_ID), 'anonymous commit');
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 1, memberId: 'ghost', offsets: two }))), all(ErrorCode.UNKNOWN_MEMBER_ID));
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 2, memberId: g.leader, offsets: two }))), all(ErrorCode.ILLEGAL_GENERATION));
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: -1, memberId: g.leader, offsets: two }))), all(ErrorCode.ILLEGAL_GENERATION));
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 1, memberId: g.memberIds[1]!, offsets: two }))), all(ErrorCode.NONE));
  });

  test('commits against an Empty group that had members: anonymous or generation -1 only', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    h.membership.leave(GROUP, [{ memberId: g.leader, groupInstanceId: null }]);
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.group()!.generationId, 2);
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 2, memberId: g.leader }))), { 't-0': ErrorCode.UNKNOWN_MEMBER_ID });
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 2, memberId: '' }))), { 't-0': ErrorCode.UNKNOWN_MEMBER_ID });
    assert.deepEqual(codes(await h.offsets.commit(commitRequest())), { 't-0': ErrorCode.NONE });
    // generation -1 is accepted whatever the member id
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ memberId: 'admin-client' }))), { 't-0': ErrorCode.NONE });
  });

  test('REBALANCE_IN_PROGRESS in CompletingRebalance, even with the new generation', async () => {
    const h = fakeHarness();
    const p = members(2).map((r) => h.membership.join(r));
    await h.advance(0);
    const [a] = await Promise.all(p);
    assert.equal(h.group()!.state, 'CompletingRebalance');
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 1, memberId: a!.memberId }))), { 't-0': ErrorCode.REBALANCE_IN_PROGRESS });
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 0, memberId: a!.memberId }))), { 't-0': ErrorCode.ILLEGAL_GENERATION });
    assert.equal(h.groups.writes.length, 0);
  });

  test('commits during PreparingRebalance are accepted on the current (old) generation', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    void h.membership.join(joinRequest({ clientId: 'c0', memberId: g.leader }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    const follower = g.memberIds[1]!;
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 1, memberId: follower, offsets: [offset('t', 0, 42)] }))), { 't-0': ErrorCode.NONE });
    assert.equal(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0]!.offset, 42);
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ generationId: 2, memberId: follower }))), { 't-0': ErrorCode.ILLEGAL_GENERATION });
  });

  test('a failed write returns its error and leaves the cache alone', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1)] }));
    h.groups.writeError = ErrorCode.NOT_COORDINATOR;
    assert.deepEqual(codes(await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 2)] }))), { 't-0': ErrorCode.NOT_COORDINATOR });
    assert.equal(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0]!.offset, 1);
  });

  test('an offset is visible only once its write completes; requireStable reports it as UNSTABLE_OFFSET_COMMIT until then', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1)] }));
    h.groups.hold = true;
    const pending = track(h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 2)] })));
    await settle(2);
    assert.equal(pending.settled, false, 'the response waits for the write');
    assert.equal(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0]!.offset, 1);
    assert.deepEqual(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], true)[0], {
      topic: 't', partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    });
    h.groups.release();
    await settle(2);
    assert.deepEqual(codes(pending.value!), { 't-0': ErrorCode.NONE });
    assert.equal(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], true)[0]!.offset, 2);
  });

  test('a commit whose write completes after the group was removed is answered NONE but not cached', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1)] }));
    const group = h.group()!;
    h.groups.hold = true;
    const pending = h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 2)] }));
    h.groups.remove(group);
    h.groups.release();
    assert.deepEqual(codes(await pending), { 't-0': ErrorCode.NONE });
    assert.equal(h.group(), undefined);
    assert.deepEqual(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0]!.offset, -1);
    assert.equal(group.offsets.get(commitKey('t', 0))!.offset, 1, 'the dead group object is not updated either');
  });

  test('timestamps: the commit timestamp is the request\'s or now; an expire timestamp only with a retention time', async () => {
    const h = fakeHarness();
    const now = h.clock.now();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1), offset('t', 1, 1, { commitTimestamp: 12_345 })] }));
    await h.offsets.commit(commitRequest({ retentionTimeMs: 60_000, offsets: [offset('t', 2, 1, { commitTimestamp: 12_345 })] }));
    const g = h.group()!;
    assert.deepEqual([0, 1, 2].map((p) => [g.offsets.get(commitKey('t', p))!.commitTimestamp, g.offsets.get(commitKey('t', p))!.expireTimestamp]), [
      [now, -1],
      [12_345, -1],
      [12_345, now + 60_000],
    ]);
    // records: key version 1; value version 3 without an expire timestamp, version 1 with one
    const [plain, withRetention] = h.groups.writes;
    for (const r of [...plain!.records, ...withRetention!.records]) assert.equal(r.key.readInt16BE(0), 1);
    assert.deepEqual(plain!.records.map((r) => r.value!.readInt16BE(0)), [3, 3]);
    assert.deepEqual(withRetention!.records.map((r) => r.value!.readInt16BE(0)), [1]);
    const decoded = decodeCoordinatorRecord(withRetention!.records[0]!.key, withRetention!.records[0]!.value);
    assert.deepEqual(decoded, {
      kind: 'offset', group: GROUP, topic: 't', partition: 2,
      value: { offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 12_345, expireTimestamp: now + 60_000 },
    });
  });
});

describe('Offset expiry', () => {
  const RETENTION = 7 * DAY_MS;

  /** A consumer group that had one member, with t-0 committed `commitAgeMs` ago, now Empty. */
  async function emptiedGroup(h: FakeHarness, commitAgeMs: number): Promise<void> {
    const g = await formStableGroup(h, members(1));
    await h.offsets.commit(commitRequest({ generationId: 1, memberId: g.leader, offsets: [offset('t', 0, 5, { commitTimestamp: h.clock.now() - commitAgeMs })] }));
    h.membership.leave(GROUP, [{ memberId: g.leader, groupInstanceId: null }]);
    assert.equal(h.group()!.state, 'Empty');
  }

  test('offsets of an Empty group expire offsets.retention after the group became Empty, and the group goes', async () => {
    const h = fakeHarness();
    await emptiedGroup(h, 3 * DAY_MS);
    const group = h.group()!;
    h.groups.writes.length = 0;
    await h.advance(RETENTION - 1);
    assert.equal(await h.offsets.expire([group]), 0, 'the commit is 10 days old, but the group has been Empty for less than the retention');
    assert.equal(h.group(), group);
    await h.advance(1);
    assert.equal(await h.offsets.expire([group]), 1);
    assert.equal(h.group(), undefined);
    assert.equal(group.state, 'Dead');
    // an offset tombstone, and a group tombstone since the group had a generation
    const tombstones = h.groups.writes.flatMap((w) => w.records).map((r) => decodeCoordinatorRecord(r.key, r.value));
    assert.deepEqual(tombstones, [
      { kind: 'offset', group: GROUP, topic: 't', partition: 0, value: null },
      { kind: 'group', group: GROUP, value: null },
    ]);
  });

  test('offsets of a simple group expire one by one by commit time; the group goes with the last, without a group tombstone', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1)] }));
    await h.advance(DAY_MS);
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 1, 1)] }));
    const group = h.group()!;
    await h.advance(RETENTION - DAY_MS - 1);
    assert.equal(await h.offsets.expire([group]), 0);
    await h.advance(1);
    assert.equal(await h.offsets.expire([group]), 1);
    assert.deepEqual(h.offsets.fetch(GROUP, null, false).map((o) => o.partition), [1]);
    assert.equal(h.group(), group);
    await h.advance(DAY_MS);
    h.groups.writes.length = 0;
    assert.equal(await h.offsets.expire([group]), 1);
    assert.equal(h.group(), undefined);
    const records = h.groups.writes.flatMap((w) => w.records).map((r) => decodeCoordinatorRecord(r.key, r.value));
    assert.deepEqual(records, [{ kind: 'offset', group: GROUP, topic: 't', partition: 1, value: null }]);
  });

  test('an explicit expire timestamp (retentionTimeMs) is used instead of the broker retention', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ retentionTimeMs: 60_000, offsets: [offset('t', 0, 1)] }));
    const group = h.group()!;
    await h.advance(59_999);
    assert.equal(await h.offsets.expire([group]), 0);
    await h.advance(1);
    assert.equal(await h.offsets.expire([group]), 1);
    assert.equal(h.group(), undefined);
  });

  test('a Stable consumer group loses only offsets of topics it no longer subscribes to', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2, { protocols: [{ name: 'range', metadata: subscription(['t']) }] }));
    const old = h.clock.now() - RETENTION;
    await h.offsets.commit(commitRequest({
      generationId: 1, memberId: g.leader,
      offsets: [offset('t', 0, 1, { commitTimestamp: old }), offset('gone', 0, 1, { commitTimestamp: old }), offset('gone', 1, 1, { commitTimestamp: old + 1 })],
    }));
    const group = h.group()!;
    assert.deepEqual([...group.subscribedTopics!], ['t']);
    assert.equal(await h.offsets.expire([group]), 1);
    assert.deepEqual(h.offsets.fetch(GROUP, null, false).map((o) => `${o.topic}-${o.partition}`).sort(), ['gone-1', 't-0']);
    assert.equal(group.state, 'Stable');
    assert.equal(h.group(), group);
  });

  test('nothing expires while a rebalance is in progress', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    await h.offsets.commit(commitRequest({ generationId: 1, memberId: g.leader, offsets: [offset('gone', 0, 1, { commitTimestamp: 0 })] }));
    void h.membership.join(joinRequest({ clientId: 'c0', memberId: g.leader }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(await h.offsets.expire([h.group()!]), 0);
    await h.membership.join(joinRequest({ clientId: 'c1', memberId: g.memberIds[1]! }));
    assert.equal(h.group()!.state, 'CompletingRebalance');
    assert.equal(await h.offsets.expire([h.group()!]), 0);
    await Promise.all([
      h.membership.sync(syncRequest({ memberId: g.leader, generationId: 2 })),
      h.membership.sync(syncRequest({ memberId: g.memberIds[1]!, generationId: 2 })),
    ]);
    assert.equal(await h.offsets.expire([h.group()!]), 1, 'Stable again: the unsubscribed topic expires');
  });

  test('an offset with a commit in flight does not expire', async () => {
    const h = fakeHarness();
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1, { commitTimestamp: 0 })] }));
    h.groups.hold = true;
    const pending = h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 2)] }));
    assert.equal(await h.offsets.expire([h.group()!]), 0);
    h.groups.release();
    await pending;
    assert.equal(h.offsets.fetch(GROUP, [{ topic: 't', partition: 0 }], false)[0]!.offset, 2);
  });

  test('the coordinator\'s expiry task runs on the clock and its tombstones survive a restart', async () => {
    let h = await coordinatorHarness({ settings: { 'offsets.retention.minutes': '60', 'offsets.retention.check.interval.ms': '60000' } });
    const g = await formStableGroup(h, members(1));
    await h.offsets.commit(commitRequest({ generationId: 1, memberId: g.leader }));
    await h.offsets.commit(commitRequest({ groupId: 'simple', offsets: [offset('s', 0, 7)] }));
    h.membership.leave(GROUP, [{ memberId: g.leader, groupInstanceId: null }]);
    h.coordinator.start();
    await h.advance(59 * 60_000);
    assert.equal(h.group()!.state, 'Empty');
    assert.ok(h.group('simple'));
    await h.advance(60_000);
    await settle();
    assert.equal(h.group(), undefined);
    assert.equal(h.group('simple'), undefined);
    h = await h.restart();
    assert.equal(h.group(), undefined, 'the group tombstone keeps the group from coming back');
    assert.equal(h.group('simple'), undefined);
    assert.equal(h.coordinator.describe(GROUP).state, 'Dead');
    await h.close();
  });

  test('the coordinator\'s expiry task also runs right at startup', async () => {
    let h = await coordinatorHarness({ settings: { 'offsets.retention.minutes': '60', 'offsets.retention.check.interval.ms': '600000' } });
    await h.offsets.commit(commitRequest({ offsets: [offset('t', 0, 1)] }));
    await h.close();
    await h.advance(2 * 60 * 60_000); // the broker was down for two hours
    h = await h.restart();
    assert.ok(h.group(), 'loaded');
    h.coordinator.start();
    await h.advance(0);
    await settle();
    assert.equal(h.group(), undefined, 'expired without waiting offsets.retention.check.interval.ms');
    await h.close();
  });
});
