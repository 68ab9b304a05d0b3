/**
 * LeaveGroup: single and batched leaves with an error per member, administrative removal by
 * group.instance.id, pending ids, leader succession, and a group emptying.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import {
  fakeHarness, formStableGroup, GROUP, joinRequest, members, settle, track,
} from './harness.js';

describe('LeaveGroup', () => {
  test('a follower leaving gets NONE and starts a rebalance', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    assert.deepEqual(h.membership.leave(GROUP, [{ memberId: b, groupInstanceId: null }]), {
      errorCode: ErrorCode.NONE,
      members: [{ memberId: b, groupInstanceId: null, errorCode: ErrorCode.NONE }],
    });
    assert.equal(h.group()!.has(b), false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    const r = await h.membership.join(joinRequest({ clientId: 'c0', memberId: a }));
    assert.equal(r.generationId, 2);
    assert.deepEqual(r.members.map((m) => m.memberId), [a]);
  });

  test('an empty group id is INVALID_GROUP_ID; an unknown group answers UNKNOWN_MEMBER_ID for every member', () => {
    const h = fakeHarness();
    assert.deepEqual(h.membership.leave('', [{ memberId: 'm', groupInstanceId: null }]), { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] });
    assert.deepEqual(h.membership.leave('nope', [{ memberId: 'm', groupInstanceId: null }, { memberId: '', groupInstanceId: 'i' }]), {
      errorCode: ErrorCode.NONE,
      members: [
        { memberId: 'm', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        { memberId: '', groupInstanceId: 'i', errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    assert.equal(h.group('nope'), undefined);
  });

  test('a batch is handled member by member, each with its own error', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, [
      joinRequest({ clientId: 'd0' }),
      joinRequest({ clientId: 'd1' }),
      joinRequest({ clientId: 's0', groupInstanceId: 'i0' }),
      joinRequest({ clientId: 's1', groupInstanceId: 'i1' }),
    ]);
    const [d0, d1, s0, s1] = g.memberIds as [string, string, string, string];
    const r = h.membership.leave(GROUP, [
      { memberId: d1, groupInstanceId: null }, // leaves
      { memberId: 'ghost', groupInstanceId: null }, // not a member
      { memberId: '', groupInstanceId: 'i0' }, // administrative removal by instance id
      { memberId: '', groupInstanceId: 'i-unknown' }, // no such instance
      { memberId: d0, groupInstanceId: 'i1' }, // i1 belongs to someone else
      { memberId: s1, groupInstanceId: 'i1' }, // leaves
      { memberId: d1, groupInstanceId: null }, // already gone
    ]);
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.deepEqual(r.members.map((m) => m.errorCode), [
      ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.FENCED_INSTANCE_ID,
      ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    assert.deepEqual([...h.group()!.members.keys()], [d0]);
    assert.equal(h.group()!.staticMembers.size, 0);
    assert.equal(h.group()!.has(s0), false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
  });

  test('a static member removed by instance id triggers a rebalance like a dynamic one', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 's', groupInstanceId: 'inst' })]);
    const r = h.membership.leave(GROUP, [{ memberId: '', groupInstanceId: 'inst' }]);
    assert.deepEqual(r.members, [{ memberId: '', groupInstanceId: 'inst', errorCode: ErrorCode.NONE }]);
    assert.equal(h.group()!.has(g.memberIds[1]!), false);
    assert.equal(h.group()!.staticMembers.has('inst'), false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    // the instance id can join again as a new member
    const again = h.membership.join(joinRequest({ clientId: 's', groupInstanceId: 'inst' }));
    await h.membership.join(joinRequest({ clientId: 'a', memberId: g.memberIds[0]! }));
    assert.equal((await again).generationId, 2);
  });

  test('the leader leaving hands leadership to another member, who leads the next generation', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(3));
    const [a, b, c] = g.memberIds as [string, string, string];
    h.membership.leave(GROUP, [{ memberId: a, groupInstanceId: null }]);
    const newLeader = h.group()!.leaderId;
    assert.ok(newLeader === b || newLeader === c);
    const [rb, rc] = await Promise.all([
      h.membership.join(joinRequest({ clientId: 'c1', memberId: b })),
      h.membership.join(joinRequest({ clientId: 'c2', memberId: c })),
    ]);
    assert.equal(rb!.leader, newLeader);
    assert.equal(rc!.leader, newLeader);
    const leaderOutcome = newLeader === b ? rb! : rc!;
    const followerOutcome = newLeader === b ? rc! : rb!;
    assert.deepEqual(leaderOutcome.members.map((m) => m.memberId).sort(), [b, c].sort());
    assert.deepEqual(followerOutcome.members, []);
  });

  test('when the leader does not rejoin, a member that did becomes leader', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    const bJoin = track(h.membership.join(joinRequest({ clientId: 'c1', memberId: b, protocols: [{ name: 'range', metadata: Buffer.from('new') }] })));
    // a keeps its session but never rejoins; at the rebalance timeout it is dropped and b leads
    for (let i = 0; i < 6; i++) {
      assert.equal(h.membership.heartbeat(GROUP, 1, a, null), ErrorCode.REBALANCE_IN_PROGRESS);
      await h.advance(5_000);
    }
    assert.equal(bJoin.value!.leader, b);
    assert.deepEqual(bJoin.value!.members.map((m) => m.memberId), [b]);
  });

  test('the last member leaving makes the group Empty with a bumped generation, keeping its protocol type', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    h.groups.persisted.length = 0;
    h.membership.leave(GROUP, [{ memberId: g.leader, groupInstanceId: null }]);
    const group = h.group()!;
    assert.equal(group.state, 'Empty');
    assert.equal(group.generationId, 2);
    assert.equal(group.protocolType, 'consumer');
    assert.equal(group.protocolName, null);
    assert.equal(group.leaderId, null);
    // the empty generation is written (no members, protocol and leader null)
    assert.deepEqual(h.groups.persisted.map((p) => [p.state, p.generationId, p.memberIds.length, p.protocolName, p.leaderId]), [['Empty', 2, 0, null, null]]);
  });

  test('leaving during PreparingRebalance lets the join phase complete without the leaver', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(3));
    const [a, b, c] = g.memberIds as [string, string, string];
    const aJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: a })));
    const bJoin = track(h.membership.join(joinRequest({ clientId: 'c1', memberId: b })));
    await settle(2);
    assert.equal(aJoin.settled, false);
    h.membership.leave(GROUP, [{ memberId: c, groupInstanceId: null }]);
    await settle(2);
    assert.equal(aJoin.value!.generationId, 2);
    assert.equal(bJoin.value!.generationId, 2);
  });

  test('a member parked in JoinGroup that leaves has its JoinGroup answered UNKNOWN_MEMBER_ID', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    const aJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: a })));
    h.membership.leave(GROUP, [{ memberId: a, groupInstanceId: null }]);
    await settle(2);
    assert.equal(aJoin.value!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(aJoin.value!.memberId, '');
    assert.deepEqual([...h.group()!.members.keys()], [b]);
  });

  test('a pending (MEMBER_ID_REQUIRED) id can leave', async () => {
    const h = fakeHarness();
    const { memberId } = await h.membership.join(joinRequest({ requireKnownMemberId: true }));
    assert.ok(h.group()!.pendingMembers.has(memberId));
    assert.deepEqual(h.membership.leave(GROUP, [{ memberId, groupInstanceId: null }]).members[0]!.errorCode, ErrorCode.NONE);
    assert.equal(h.group()!.pendingMembers.size, 0);
    assert.equal((await h.membership.join(joinRequest({ memberId, requireKnownMemberId: true }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
