/**
 * Heartbeat: the result in each group state, the member and generation checks, session expiry
 * (a silent member is removed and the group rebalances), and what keeps a session alive.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { syncError } from '../../../src/broker/group/group-membership.js';
import {
  commitRequest, fakeHarness, formStableGroup, GROUP, joinRequest, members, SESSION_MS, settle, syncRequest, track,
} from './harness.js';

describe('Heartbeat results', () => {
  test('INVALID_GROUP_ID, and UNKNOWN_MEMBER_ID for an unknown group or member', async () => {
    const h = fakeHarness();
    assert.equal(h.membership.heartbeat('', 1, 'm', null), ErrorCode.INVALID_GROUP_ID);
    assert.equal(h.membership.heartbeat(GROUP, 1, 'm', null), ErrorCode.UNKNOWN_MEMBER_ID);
    await formStableGroup(h, members(1));
    assert.equal(h.membership.heartbeat(GROUP, 1, 'ghost', null), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('by state: PreparingRebalance REBALANCE_IN_PROGRESS, CompletingRebalance NONE, Stable NONE, Empty UNKNOWN_MEMBER_ID', async () => {
    const h = fakeHarness();
    const p = members(2).map((r) => h.membership.join(r));
    await h.advance(0);
    const [a, b] = await Promise.all(p);
    assert.equal(h.group()!.state, 'CompletingRebalance');
    assert.equal(h.membership.heartbeat(GROUP, 1, b!.memberId, null), ErrorCode.NONE);
    await Promise.all([
      h.membership.sync(syncRequest({ memberId: a!.memberId, generationId: 1 })),
      h.membership.sync(syncRequest({ memberId: b!.memberId, generationId: 1 })),
    ]);
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.membership.heartbeat(GROUP, 1, b!.memberId, null), ErrorCode.NONE);
    void h.membership.join(joinRequest({ clientId: 'c0', memberId: a!.memberId }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    // the generation is not bumped until the join phase completes, so generation 1 still passes
    assert.equal(h.membership.heartbeat(GROUP, 1, b!.memberId, null), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(h.membership.heartbeat(GROUP, 2, b!.memberId, null), ErrorCode.ILLEGAL_GENERATION);
    await h.membership.join(joinRequest({ clientId: 'c1', memberId: b!.memberId }));
    // after the bump, generation 1 is stale
    assert.equal(h.membership.heartbeat(GROUP, 1, b!.memberId, null), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(h.membership.heartbeat(GROUP, 2, b!.memberId, null), ErrorCode.NONE);
    // everyone leaves: the group is Empty and nobody is a member any more
    h.membership.leave(GROUP, [{ memberId: a!.memberId, groupInstanceId: null }, { memberId: b!.memberId, groupInstanceId: null }]);
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.membership.heartbeat(GROUP, 3, b!.memberId, null), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('static members: FENCED_INSTANCE_ID for another member id, UNKNOWN_MEMBER_ID for an unknown instance id', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, [joinRequest({ groupInstanceId: 'i0' }), joinRequest({ clientId: 'dyn' })]);
    const [s, d] = g.memberIds as [string, string];
    assert.equal(h.membership.heartbeat(GROUP, 1, s, 'i0'), ErrorCode.NONE);
    assert.equal(h.membership.heartbeat(GROUP, 1, d, 'i0'), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.membership.heartbeat(GROUP, 1, 'ghost', 'i0'), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.membership.heartbeat(GROUP, 1, d, 'unknown-instance'), ErrorCode.UNKNOWN_MEMBER_ID);
    // the member check comes before the generation check
    assert.equal(h.membership.heartbeat(GROUP, 99, d, 'i0'), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.membership.heartbeat(GROUP, 99, s, 'i0'), ErrorCode.ILLEGAL_GENERATION);
  });
});

describe('Session timeouts', () => {
  test('a silent member expires after its session timeout and the group rebalances', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    for (let t = 0; t < SESSION_MS - 1; t += 3_333) {
      await h.advance(Math.min(3_333, SESSION_MS - 1 - t));
      assert.equal(h.membership.heartbeat(GROUP, 1, a, null), ErrorCode.NONE);
    }
    assert.ok(h.group()!.has(b), 'still a member one millisecond before the deadline');
    assert.equal(h.group()!.state, 'Stable');
    await h.advance(1);
    assert.equal(h.group()!.has(b), false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.membership.heartbeat(GROUP, 1, a, null), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(h.membership.heartbeat(GROUP, 1, b, null), ErrorCode.UNKNOWN_MEMBER_ID);
    const r = await h.membership.join(joinRequest({ clientId: 'c0', memberId: a }));
    assert.equal(r.generationId, 2);
    assert.deepEqual(r.members.map((m) => m.memberId), [a]);
  });

  test('the session timeout is per member', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, [joinRequest({ sessionTimeoutMs: 6_000 }), joinRequest({ sessionTimeoutMs: 20_000 })]);
    await h.advance(6_000);
    assert.equal(h.group()!.has(g.memberIds[0]!), false);
    assert.ok(h.group()!.has(g.memberIds[1]!));
  });

  test('heartbeats keep a member alive across many session timeouts', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    for (let i = 0; i < 200; i++) {
      await h.advance(SESSION_MS - 1);
      for (const m of g.memberIds) assert.equal(h.membership.heartbeat(GROUP, 1, m, null), ErrorCode.NONE);
    }
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.group()!.generationId, 1);
    assert.equal(h.group()!.members.size, 2);
  });

  test('the last members expiring make the group Empty with a new generation', async () => {
    const h = fakeHarness();
    await formStableGroup(h, members(2));
    await h.advance(SESSION_MS);
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.group()!.generationId, 2);
    assert.equal(h.group()!.members.size, 0);
  });

  test('an offset commit from a member in Stable counts as a heartbeat', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    for (let i = 0; i < 10; i++) {
      await h.advance(SESSION_MS - 1);
      const r = await h.offsets.commit(commitRequest({ generationId: 1, memberId: g.leader }));
      assert.deepEqual([...r.values()], [ErrorCode.NONE]);
    }
    assert.equal(h.group()!.state, 'Stable');
  });

  test('a member parked in JoinGroup or SyncGroup is not expired by its session timeout', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    // a rejoins and waits for b, who keeps heartbeating
    const aJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: a })));
    for (let i = 0; i < 4; i++) {
      await h.advance(5_000);
      assert.equal(h.membership.heartbeat(GROUP, 1, b, null), ErrorCode.REBALANCE_IN_PROGRESS);
    }
    assert.ok(h.group()!.has(a), 'parked in JoinGroup for twice its session timeout');
    const bJoin = await h.membership.join(joinRequest({ clientId: 'c1', memberId: b }));
    assert.equal(aJoin.value!.generationId, 2);
    // b syncs and waits for a, who heartbeats but does not sync yet
    const bSync = track(h.membership.sync(syncRequest({ memberId: b, generationId: 2 })));
    for (let i = 0; i < 4; i++) {
      await h.advance(5_000);
      assert.equal(h.membership.heartbeat(GROUP, 2, a, null), ErrorCode.NONE);
    }
    assert.ok(h.group()!.has(b), 'parked in SyncGroup for twice its session timeout');
    await h.membership.sync(syncRequest({ memberId: a, generationId: 2 }));
    await settle(2);
    assert.equal(bSync.value!.errorCode, ErrorCode.NONE);
    void bJoin;
  });

  test('a member whose parked SyncGroup is answered by a new rebalance gets a fresh session deadline', async () => {
    // Static members survive a join phase without rejoining, so only their session timeout can
    // remove them. b's session deadline passes while it is parked in SyncGroup (and is ignored);
    // when a's departure starts a rebalance, b's SyncGroup is answered REBALANCE_IN_PROGRESS and
    // b must be given a new session deadline. A b that then goes silent is expired and the group
    // can empty; without the new deadline the group would wait for b forever.
    const h = fakeHarness();
    const p = [
      h.membership.join(joinRequest({ clientId: 'a', groupInstanceId: 'ia', sessionTimeoutMs: 20_000, rebalanceTimeoutMs: 60_000 })),
      h.membership.join(joinRequest({ clientId: 'b', groupInstanceId: 'ib', sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 60_000 })),
    ];
    await h.advance(0);
    const [, b] = await Promise.all(p);
    const bSync = track(h.membership.sync(syncRequest({ memberId: b!.memberId, groupInstanceId: 'ib', generationId: 1 })));
    await h.advance(20_000); // b's deadline (6 s) passed while parked; a (silent, not parked) expires at 20 s
    assert.equal(h.group()!.state, 'PreparingRebalance');
    await settle(2);
    assert.deepEqual(bSync.value, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    assert.ok(h.group()!.has(b!.memberId));
    await h.advance(6_000);
    assert.equal(h.group()!.has(b!.memberId), false, 'b expires one session timeout after its SyncGroup was answered');
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.group()!.generationId, 2);
  });
});
