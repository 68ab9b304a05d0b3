/**
 * SyncGroup: followers wait for the leader, assignments are stored before anyone gets theirs,
 * members left out of the leader's assignment get empty ones, the error codes by state and
 * request, a failed assignment write, and the sync deadline (members that never sync).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { syncError } from '../../../src/broker/group/group-membership.js';
import type { JoinOutcome } from '../../../src/broker/group/group-member.js';
import {
  coordinatorHarness, fakeHarness, formStableGroup, GROUP, joinRequest, members, REBALANCE_MS, settle, syncRequest, track,
  type GroupHarness,
} from './harness.js';

/** Joins n members and completes the join phase; the group is CompletingRebalance. */
async function joined(h: GroupHarness, n: number): Promise<{ leader: string; followers: string[]; generationId: number; joins: JoinOutcome[] }> {
  const p = members(n).map((r) => h.membership.join(r));
  await h.advance(0);
  const joins = await Promise.all(p);
  const leader = joins[0]!.leader;
  return { leader, followers: joins.map((j) => j.memberId).filter((id) => id !== leader), generationId: joins[0]!.generationId, joins };
}

describe('SyncGroup in CompletingRebalance', () => {
  test('followers wait for the leader, then everyone gets their own assignment and the group is Stable', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 3);
    const f = followers.map((memberId) => track(h.membership.sync(syncRequest({ memberId, generationId }))));
    await settle(3);
    assert.ok(f.every((x) => !x.settled), 'followers are parked until the leader syncs');
    assert.equal(h.group()!.state, 'CompletingRebalance');
    assert.deepEqual([...h.group()!.pendingSyncMembers], [leader]);

    const assignments = new Map([[leader, Buffer.from('A')], [followers[0]!, Buffer.from('B')], [followers[1]!, Buffer.from('C')]]);
    const l = await h.membership.sync(syncRequest({ memberId: leader, generationId, assignments }));
    assert.deepEqual(l, { errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('A') });
    await settle(2);
    assert.deepEqual(f.map((x) => x.value!.assignment.toString()), ['B', 'C']);
    assert.ok(f.every((x) => x.value!.errorCode === ErrorCode.NONE && x.value!.protocolName === 'range'));
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.group()!.pendingSyncMembers.size, 0);
    // the assignment was written once, with every member
    assert.equal(h.groups.persisted.length, 1);
    assert.deepEqual([...h.groups.persisted[0]!.assignments!.keys()].sort(), [leader, ...followers].sort());
  });

  test('followers may also sync after the leader; they are served from the stored assignment', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 2);
    await h.membership.sync(syncRequest({ memberId: leader, generationId, assignments: new Map([[followers[0]!, Buffer.from('F')]]) }));
    const s = await h.membership.sync(syncRequest({ memberId: followers[0]!, generationId }));
    assert.deepEqual(s, { errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('F') });
    // and again, in Stable, as often as asked
    assert.deepEqual((await h.membership.sync(syncRequest({ memberId: followers[0]!, generationId }))).assignment, Buffer.from('F'));
  });

  test('members missing from the leader\'s assignment get an empty one; unknown ids and followers\' assignments are ignored', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 3);
    const [b, c] = followers as [string, string];
    const fb = h.membership.sync(syncRequest({ memberId: b, generationId, assignments: new Map([[c, Buffer.from('from-follower')]]) }));
    const l = await h.membership.sync(syncRequest({ memberId: leader, generationId, assignments: new Map([[leader, Buffer.from('L')], ['ghost', Buffer.from('G')]]) }));
    const fc = await h.membership.sync(syncRequest({ memberId: c, generationId }));
    assert.equal(l.assignment.toString(), 'L');
    assert.deepEqual(await fb, { errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.alloc(0) });
    assert.deepEqual(fc.assignment, Buffer.alloc(0));
    assert.equal(fc.errorCode, ErrorCode.NONE);
    const written = h.groups.persisted[0]!.assignments!;
    assert.deepEqual([...written.keys()].sort(), [leader, b, c].sort());
    assert.deepEqual(written.get(c), Buffer.alloc(0));
  });

  test('with the real coordinator the assignment is durable before anyone gets it', async () => {
    const h = await coordinatorHarness();
    const { leader, followers, generationId } = await joined(h, 2);
    const f = track(h.membership.sync(syncRequest({ memberId: followers[0]!, generationId })));
    const l = await h.membership.sync(syncRequest({ memberId: leader, generationId, assignments: new Map([[followers[0]!, Buffer.from('x')]]) }));
    assert.equal(l.errorCode, ErrorCode.NONE);
    await settle(2);
    assert.deepEqual(f.value!.assignment, Buffer.from('x'));
    const p = h.replicas.get('__consumer_offsets', h.coordinator.partitionFor(GROUP))!;
    assert.equal(p.log.recoveryPoint, p.logEndOffset, 'the group record is fsynced');
    assert.ok(p.logEndOffset > 0);
    await h.close();
  });

  test('a failed assignment write answers every parked member with the error and starts a rebalance', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 2);
    h.groups.persistError = ErrorCode.NOT_COORDINATOR;
    const f = h.membership.sync(syncRequest({ memberId: followers[0]!, generationId }));
    const l = await h.membership.sync(syncRequest({ memberId: leader, generationId, assignments: new Map([[leader, Buffer.from('L')]]) }));
    assert.deepEqual(l, syncError(ErrorCode.NOT_COORDINATOR));
    assert.deepEqual(await f, syncError(ErrorCode.NOT_COORDINATOR));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    for (const m of h.group()!.members.values()) assert.equal(m.assignment.length, 0);
  });

  test('a write that completes after the group moved on changes nothing', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 2);
    h.groups.hold = true;
    const f = track(h.membership.sync(syncRequest({ memberId: followers[0]!, generationId })));
    const l = track(h.membership.sync(syncRequest({ memberId: leader, generationId, assignments: new Map([[followers[0]!, Buffer.from('x')]]) })));
    await settle(2);
    assert.equal(h.groups.heldWrites, 1);
    // a newcomer starts a rebalance while the write is in flight: parked syncs are told to rejoin
    const newcomer = h.membership.join(joinRequest({ clientId: 'new' }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    await settle(2);
    assert.deepEqual(f.value, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    assert.deepEqual(l.value, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    h.groups.release();
    await settle(2);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    for (const m of h.group()!.members.values()) assert.equal(m.assignment.length, 0);
    void newcomer;
  });

  test('a follower changing its metadata in CompletingRebalance sends parked syncs back to rejoin', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 3);
    const parked = track(h.membership.sync(syncRequest({ memberId: followers[0]!, generationId })));
    void h.membership.join(joinRequest({ clientId: 'c2', memberId: followers[1]!, protocols: [{ name: 'range', metadata: Buffer.from('changed') }] }));
    await settle(2);
    assert.deepEqual(parked.value, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.group()!.pendingSyncMembers.size, 0);
    void leader;
  });
});

describe('SyncGroup errors', () => {
  test('INVALID_GROUP_ID for an empty group id; UNKNOWN_MEMBER_ID for an unknown group or member', async () => {
    const h = fakeHarness();
    assert.deepEqual(await h.membership.sync(syncRequest({ groupId: '', memberId: 'm', generationId: 1 })), syncError(ErrorCode.INVALID_GROUP_ID));
    assert.deepEqual(await h.membership.sync(syncRequest({ memberId: 'm', generationId: 1 })), syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const { generationId } = await joined(h, 1);
    assert.deepEqual(await h.membership.sync(syncRequest({ memberId: 'ghost', generationId })), syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  });

  test('ILLEGAL_GENERATION for a generation other than the group\'s', async () => {
    const h = fakeHarness();
    const { leader, generationId } = await joined(h, 1);
    for (const g of [generationId - 1, generationId + 1, -1]) {
      assert.deepEqual(await h.membership.sync(syncRequest({ memberId: leader, generationId: g })), syncError(ErrorCode.ILLEGAL_GENERATION));
    }
    assert.equal(h.group()!.state, 'CompletingRebalance');
  });

  test('REBALANCE_IN_PROGRESS during PreparingRebalance', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    void h.membership.join(joinRequest({ clientId: 'c0', memberId: g.leader }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.deepEqual(await h.membership.sync(syncRequest({ memberId: g.memberIds[1]!, generationId: 1 })), syncError(ErrorCode.REBALANCE_IN_PROGRESS));
  });

  test('INCONSISTENT_GROUP_PROTOCOL when the protocol type or name (v5+) differ from the group\'s', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    const base = { memberId: g.leader, generationId: 1 };
    assert.deepEqual(await h.membership.sync(syncRequest({ ...base, protocolType: 'connect' })), syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    assert.deepEqual(await h.membership.sync(syncRequest({ ...base, protocolName: 'roundrobin' })), syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    assert.deepEqual(await h.membership.sync(syncRequest({ ...base, protocolType: 'consumer', protocolName: 'roundrobin' })), syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    const ok = await h.membership.sync(syncRequest({ ...base, protocolType: 'consumer', protocolName: 'range' }));
    assert.equal(ok.errorCode, ErrorCode.NONE);
  });

  test('checks run in order: member before generation before protocol', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    assert.equal((await h.membership.sync(syncRequest({ memberId: 'ghost', generationId: 7, protocolType: 'x' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await h.membership.sync(syncRequest({ memberId: g.leader, generationId: 7, protocolType: 'x' }))).errorCode, ErrorCode.ILLEGAL_GENERATION);
  });
});

describe('SyncGroup deadline', () => {
  test('members that never sync are removed one rebalance timeout after the join phase, and a rebalance starts', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 3);
    const [b, c] = followers as [string, string];
    const fb = h.membership.sync(syncRequest({ memberId: b, generationId }));
    await h.membership.sync(syncRequest({ memberId: leader, generationId, assignments: new Map() }));
    await fb;
    assert.equal(h.group()!.state, 'Stable');
    assert.deepEqual([...h.group()!.pendingSyncMembers], [c]);
    // everyone heartbeats, so only the sync deadline can remove c
    for (let t = 0; t < REBALANCE_MS - 5_000; t += 5_000) {
      await h.advance(5_000);
      for (const m of [leader, b, c]) assert.equal(h.membership.heartbeat(GROUP, generationId, m, null), ErrorCode.NONE);
    }
    await h.advance(4_999);
    assert.ok(h.group()!.has(c));
    await h.advance(1);
    assert.equal(h.group()!.has(c), false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.membership.heartbeat(GROUP, generationId, c, null), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(h.membership.heartbeat(GROUP, generationId, b, null), ErrorCode.REBALANCE_IN_PROGRESS);
  });

  test('a leader that never syncs is removed at the deadline; parked followers are told to rejoin', async () => {
    const h = fakeHarness();
    const { leader, followers, generationId } = await joined(h, 2);
    const f = track(h.membership.sync(syncRequest({ memberId: followers[0]!, generationId })));
    for (let t = 0; t < REBALANCE_MS; t += 5_000) {
      assert.equal(h.membership.heartbeat(GROUP, generationId, leader, null), ErrorCode.NONE);
      await h.advance(5_000);
    }
    await settle(2);
    assert.deepEqual(f.value, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    assert.equal(h.group()!.has(leader), false);
    assert.equal(h.group()!.leaderId, followers[0]);
    assert.equal(h.group()!.state, 'PreparingRebalance');
  });

  test('a rebalance timeout of 0 (left unset by the client) still gives members their session timeout to sync', async () => {
    const h = fakeHarness();
    const join = track(h.membership.join(joinRequest({ rebalanceTimeoutMs: 0, sessionTimeoutMs: 30_000 })));
    await h.advance(0);
    const { memberId, generationId } = join.value!;
    assert.equal(h.group()!.state, 'CompletingRebalance');
    await h.advance(5);
    const s = await h.membership.sync(syncRequest({ memberId, generationId, assignments: new Map([[memberId, Buffer.from('A')]]) }));
    assert.equal(s.errorCode, ErrorCode.NONE);
    assert.equal(s.assignment.toString(), 'A');
    assert.equal(h.group()!.state, 'Stable');
  });

  test('with a rebalance timeout below the session timeout, a member that never syncs goes at the session timeout', async () => {
    const h = fakeHarness();
    const p = members(2, { rebalanceTimeoutMs: 0, sessionTimeoutMs: 20_000 }).map((r) => h.membership.join(r));
    await h.advance(0);
    const joins = await Promise.all(p);
    const leader = joins[0]!.leader;
    const follower = joins.map((j) => j.memberId).find((id) => id !== leader)!;
    await h.membership.sync(syncRequest({ memberId: leader, generationId: joins[0]!.generationId, assignments: new Map() }));
    for (let t = 0; t < 19_000; t += 1_000) {
      await h.advance(1_000);
      assert.equal(h.membership.heartbeat(GROUP, joins[0]!.generationId, leader, null), ErrorCode.NONE);
      assert.equal(h.membership.heartbeat(GROUP, joins[0]!.generationId, follower, null), ErrorCode.NONE);
    }
    assert.ok(h.group()!.has(follower));
    await h.advance(1_000);
    assert.equal(h.group()!.has(follower), false);
    // a rebalance follows; with a rebalance timeout of 0 its join phase ends at once, without the leader
    assert.ok(h.group()!.generationId > joins[0]!.generationId);
  });

  test('once everyone has synced the deadline does nothing', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    for (let t = 0; t < 3 * REBALANCE_MS; t += 5_000) {
      for (const m of g.memberIds) assert.equal(h.membership.heartbeat(GROUP, 1, m, null), ErrorCode.NONE);
      await h.advance(5_000);
    }
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.group()!.members.size, 2);
  });
});
