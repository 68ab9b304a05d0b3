/**
 * Static membership (KIP-345, KIP-814): a restarted static member rejoins with an empty member id
 * and takes over its instance's place without a rebalance when the group is Stable; the old
 * member id is fenced; a v9 leader is told to skip the assignment.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { joinError, syncError } from '../../../src/broker/group/group-membership.js';
import {
  commitRequest, fakeHarness, formStableGroup, GROUP, joinRequest, offers, settle, subscription, syncRequest, track,
  type FakeHarness, type StableGroup,
} from './harness.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A Stable group of static members i0 (leader), i1, i2. */
async function staticGroup(h: FakeHarness, protocols = offers(['range'])): Promise<StableGroup> {
  return formStableGroup(h, ['i0', 'i1', 'i2'].map((id) => joinRequest({ clientId: `client-${id}`, groupInstanceId: id, protocols })));
}

describe('Static member rejoining a Stable group', () => {
  test('a follower gets a new id, the same generation and no rebalance; SyncGroup returns its old assignment', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const old = g.memberIds[1]!;
    h.groups.persisted.length = 0;
    const r = await h.membership.join(joinRequest({ clientId: 'client-i1', groupInstanceId: 'i1', requireKnownMemberId: true }));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.match(r.memberId, new RegExp(`^i1-${UUID}$`));
    assert.notEqual(r.memberId, old);
    assert.equal(r.generationId, 1);
    assert.equal(r.leader, g.leader);
    assert.equal(r.protocolType, 'consumer');
    assert.equal(r.protocolName, 'range');
    assert.deepEqual(r.members, []);
    assert.equal(r.skipAssignment, false);
    const group = h.group()!;
    assert.equal(group.state, 'Stable');
    assert.equal(group.generationId, 1);
    assert.equal(group.staticMembers.get('i1'), r.memberId);
    assert.equal(group.has(old), false);
    // the replacement is persisted with every member's assignment
    assert.equal(h.groups.persisted.length, 1);
    assert.ok(h.groups.persisted[0]!.memberIds.includes(r.memberId));

    const s = await h.membership.sync(syncRequest({ memberId: r.memberId, groupInstanceId: 'i1', generationId: 1 }));
    assert.deepEqual(s, { errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: g.assignments.get(old)! });
    assert.equal(h.membership.heartbeat(GROUP, 1, r.memberId, 'i1'), ErrorCode.NONE);
  });

  test('the old member id is fenced on heartbeat, sync, commit, join and leave', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const old = g.memberIds[2]!;
    const r = await h.membership.join(joinRequest({ clientId: 'client-i2', groupInstanceId: 'i2' }));
    assert.equal(h.membership.heartbeat(GROUP, 1, old, 'i2'), ErrorCode.FENCED_INSTANCE_ID);
    assert.deepEqual(await h.membership.sync(syncRequest({ memberId: old, groupInstanceId: 'i2', generationId: 1 })), syncError(ErrorCode.FENCED_INSTANCE_ID));
    const c = await h.offsets.commit(commitRequest({ generationId: 1, memberId: old, groupInstanceId: 'i2' }));
    assert.deepEqual([...c.values()], [ErrorCode.FENCED_INSTANCE_ID]);
    assert.equal((await h.membership.join(joinRequest({ memberId: old, groupInstanceId: 'i2' }))).errorCode, ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.membership.leave(GROUP, [{ memberId: old, groupInstanceId: 'i2' }]).members[0]!.errorCode, ErrorCode.FENCED_INSTANCE_ID);
    // without its instance id the old id is simply unknown
    assert.equal(h.membership.heartbeat(GROUP, 1, old, null), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(h.group()!.state, 'Stable');
    assert.ok(h.group()!.has(r.memberId));
  });

  test('a restarted leader below v9 is told the old leader id, so it does not compute an assignment', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const r = await h.membership.join(joinRequest({ clientId: 'client-i0', groupInstanceId: 'i0', requireKnownMemberId: true, supportsSkipAssignment: false }));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.leader, g.leader, 'the leader id from before the replacement');
    assert.notEqual(r.leader, r.memberId);
    assert.deepEqual(r.members, []);
    assert.equal(r.skipAssignment, false);
    assert.equal(h.group()!.leaderId, r.memberId, 'leadership follows the member to its new id');
    assert.equal(h.group()!.state, 'Stable');
  });

  test('a restarted leader on v9 gets the member list, its new id as leader and skipAssignment', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const r = await h.membership.join(joinRequest({ clientId: 'client-i0', groupInstanceId: 'i0', requireKnownMemberId: true, supportsSkipAssignment: true }));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.leader, r.memberId);
    assert.equal(r.skipAssignment, true);
    assert.equal(r.generationId, 1);
    const byInstance = [...r.members].sort((x, y) => x.groupInstanceId!.localeCompare(y.groupInstanceId!));
    assert.deepEqual(byInstance, [
      { memberId: r.memberId, groupInstanceId: 'i0', metadata: subscription(['t']) },
      { memberId: g.memberIds[1]!, groupInstanceId: 'i1', metadata: subscription(['t']) },
      { memberId: g.memberIds[2]!, groupInstanceId: 'i2', metadata: subscription(['t']) },
    ]);
    assert.equal(h.group()!.state, 'Stable');
    const s = await h.membership.sync(syncRequest({ memberId: r.memberId, groupInstanceId: 'i0', generationId: 1, assignments: new Map() }));
    assert.deepEqual(s.assignment, g.assignments.get(g.leader), 'a Stable group ignores the assignment and returns the stored one');
  });

  test('a restarted follower on v9 is not told to skip anything', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const r = await h.membership.join(joinRequest({ clientId: 'client-i1', groupInstanceId: 'i1', supportsSkipAssignment: true }));
    assert.equal(r.skipAssignment, false);
    assert.deepEqual(r.members, []);
    assert.equal(r.leader, g.leader);
  });

  test('a rejoin that would change the selected protocol starts a rebalance', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h, offers(['range', 'roundrobin']));
    const r = track(h.membership.join(joinRequest({ clientId: 'client-i1', groupInstanceId: 'i1', protocols: offers(['roundrobin']) })));
    const group = h.group()!;
    assert.equal(group.state, 'PreparingRebalance');
    const newId = group.staticMembers.get('i1')!;
    assert.notEqual(newId, g.memberIds[1]);
    const others = await Promise.all([
      h.membership.join(joinRequest({ clientId: 'client-i0', memberId: g.memberIds[0]!, groupInstanceId: 'i0', protocols: offers(['range', 'roundrobin']) })),
      h.membership.join(joinRequest({ clientId: 'client-i2', memberId: g.memberIds[2]!, groupInstanceId: 'i2', protocols: offers(['range', 'roundrobin']) })),
    ]);
    await settle(2);
    assert.equal(r.value!.memberId, newId);
    assert.equal(r.value!.generationId, 2);
    for (const o of [r.value!, ...others]) assert.equal(o.protocolName, 'roundrobin');
  });

  test('if the replacement cannot be written it is undone and the error returned with the old leader', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const old = g.memberIds[1]!;
    h.groups.persistError = ErrorCode.NOT_COORDINATOR;
    const r = await h.membership.join(joinRequest({ clientId: 'client-i1', groupInstanceId: 'i1', protocols: offers(['range'], ['t', 'other']) }));
    assert.deepEqual(r, {
      errorCode: ErrorCode.NOT_COORDINATOR, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: g.leader,
      memberId: '', members: [], skipAssignment: false,
    });
    const group = h.group()!;
    assert.equal(group.staticMembers.get('i1'), old);
    assert.ok(group.has(old));
    assert.deepEqual(group.members.get(old)!.protocols, offers(['range']), 'the old protocols are back');
    assert.equal(h.membership.heartbeat(GROUP, 1, old, 'i1'), ErrorCode.NONE);
    assert.equal(group.state, 'Stable');
  });
});

describe('Static member rejoining during a rebalance', () => {
  test('in CompletingRebalance a rejoin always starts a new rebalance', async () => {
    const h = fakeHarness();
    const p = ['i0', 'i1'].map((id) => h.membership.join(joinRequest({ clientId: id, groupInstanceId: id })));
    await h.advance(0);
    const [leader] = await Promise.all(p);
    const leaderSync = track(h.membership.sync(syncRequest({ memberId: leader!.memberId, generationId: 1, groupInstanceId: 'i0' })));
    void h.membership.join(joinRequest({ clientId: 'i1', groupInstanceId: 'i1' }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    await settle(2);
    // the leader's assignment write was still in flight: its SyncGroup is told to rejoin and the
    // write, when it completes, no longer applies
    assert.deepEqual(leaderSync.value, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.group()!.generationId, 1);
  });

  test('in PreparingRebalance the old process\'s parked JoinGroup is fenced and the new one waits', async () => {
    const h = fakeHarness();
    const g = await staticGroup(h);
    const [l, b] = g.memberIds as [string, string];
    // the leader's rejoin starts the rebalance; the old i1 process rejoins and is parked
    const leaderJoin = h.membership.join(joinRequest({ clientId: 'client-i0', memberId: l, groupInstanceId: 'i0' }));
    const oldJoin = track(h.membership.join(joinRequest({ clientId: 'client-i1', memberId: b, groupInstanceId: 'i1' })));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    const newJoin = track(h.membership.join(joinRequest({ clientId: 'client-i1', groupInstanceId: 'i1' })));
    await settle(2);
    assert.deepEqual(oldJoin.value, joinError(ErrorCode.FENCED_INSTANCE_ID, b));
    assert.equal(newJoin.settled, false);
    const newId = h.group()!.staticMembers.get('i1')!;
    assert.notEqual(newId, b);
    await h.membership.join(joinRequest({ clientId: 'client-i2', memberId: g.memberIds[2]!, groupInstanceId: 'i2' }));
    await settle(2);
    assert.equal(newJoin.value!.memberId, newId);
    assert.equal(newJoin.value!.generationId, 2);
    assert.deepEqual((await leaderJoin).members.map((m) => m.memberId).sort(), [l, newId, g.memberIds[2]!].sort());
  });

  test('a parked SyncGroup of the old process is fenced', async () => {
    const h = fakeHarness();
    const p = ['i0', 'i1'].map((id) => h.membership.join(joinRequest({ clientId: id, groupInstanceId: id })));
    await h.advance(0);
    const [, follower] = await Promise.all(p);
    const oldSync = track(h.membership.sync(syncRequest({ memberId: follower!.memberId, generationId: 1, groupInstanceId: 'i1' })));
    void h.membership.join(joinRequest({ clientId: 'i1', groupInstanceId: 'i1' }));
    await settle(2);
    assert.deepEqual(oldSync.value, syncError(ErrorCode.FENCED_INSTANCE_ID));
  });

  test('a new static member never gets MEMBER_ID_REQUIRED', async () => {
    const h = fakeHarness();
    const p = h.membership.join(joinRequest({ groupInstanceId: 'fresh', requireKnownMemberId: true }));
    assert.equal(h.group()!.pendingMembers.size, 0);
    await h.advance(0);
    const r = await p;
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.match(r.memberId, new RegExp(`^fresh-${UUID}$`));
  });
});
