/**
 * JoinGroup: validation and its error codes, the two-step join (MEMBER_ID_REQUIRED), protocol
 * selection, the leader's member list, generations, the initial rebalance delay, group.max.size,
 * rejoins in Stable, and members that miss the rebalance timeout.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { JoinOutcome } from '../../../src/broker/group/group-member.js';
import { NEW_MEMBER_JOIN_TIMEOUT_MS } from '../../../src/broker/group/group-membership.js';
import {
  fakeHarness, formStableGroup, GROUP, joinRequest, members, offers, REBALANCE_MS, SESSION_MS, settle, subscription,
  syncRequest, track, type Tracked,
} from './harness.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function assertJoinError(o: JoinOutcome, errorCode: number, memberId: string): void {
  assert.deepEqual(o, {
    errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [], skipAssignment: false,
  });
}

describe('JoinGroup validation', () => {
  test('an empty group id is INVALID_GROUP_ID and creates nothing', async () => {
    const h = fakeHarness();
    assertJoinError(await h.membership.join(joinRequest({ groupId: '' })), ErrorCode.INVALID_GROUP_ID, '');
    assert.equal(h.groups.groups.size, 0);
  });

  test('session timeouts outside [group.min.session.timeout.ms, group.max.session.timeout.ms] are INVALID_SESSION_TIMEOUT', async () => {
    const h = fakeHarness();
    for (const sessionTimeoutMs of [5_999, 1_800_001, 0]) {
      assertJoinError(await h.membership.join(joinRequest({ sessionTimeoutMs })), ErrorCode.INVALID_SESSION_TIMEOUT, '');
    }
    assert.equal(h.group(), undefined, 'no group is created by a rejected join');
    // both bounds are inclusive; the rebalance timeout is not checked
    const low = h.membership.join(joinRequest({ groupId: 'low', sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 1 }));
    const high = h.membership.join(joinRequest({ groupId: 'high', sessionTimeoutMs: 1_800_000 }));
    await h.advance(0);
    assert.equal((await low).errorCode, ErrorCode.NONE);
    assert.equal((await high).errorCode, ErrorCode.NONE);
  });

  test('a member id for a group that does not exist is UNKNOWN_MEMBER_ID and creates no group', async () => {
    const h = fakeHarness();
    assertJoinError(await h.membership.join(joinRequest({ memberId: 'ghost' })), ErrorCode.UNKNOWN_MEMBER_ID, 'ghost');
    assert.equal(h.group(), undefined);
  });

  test('an unknown member id in an existing group is UNKNOWN_MEMBER_ID', async () => {
    const h = fakeHarness();
    await formStableGroup(h, members(1));
    assertJoinError(await h.membership.join(joinRequest({ memberId: 'ghost' })), ErrorCode.UNKNOWN_MEMBER_ID, 'ghost');
    assert.equal(h.group()!.state, 'Stable');
  });

  test('a new group needs a protocol type and at least one protocol (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const h = fakeHarness();
    assertJoinError(await h.membership.join(joinRequest({ protocolType: '' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL, '');
    assertJoinError(await h.membership.join(joinRequest({ protocols: [] })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL, '');
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.group()!.members.size, 0);
  });

  test('a different protocol type is INCONSISTENT_GROUP_PROTOCOL', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    assertJoinError(await h.membership.join(joinRequest({ protocolType: 'connect' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL, '');
    // on the known-member path the member id is echoed
    assertJoinError(await h.membership.join(joinRequest({ memberId: g.leader, protocolType: 'connect' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL, g.leader);
    assert.equal(h.group()!.state, 'Stable');
    assert.equal(h.group()!.members.size, 1);
  });

  test('no protocol in common with every member is INCONSISTENT_GROUP_PROTOCOL', async () => {
    const h = fakeHarness();
    await formStableGroup(h, [joinRequest({ protocols: offers(['range', 'roundrobin']) }), joinRequest({ protocols: offers(['range']) })]);
    // roundrobin is offered by one member only, so it is not a candidate
    assertJoinError(await h.membership.join(joinRequest({ protocols: offers(['roundrobin']) })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL, '');
    assertJoinError(await h.membership.join(joinRequest({ protocols: offers(['sticky']) })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL, '');
    assert.equal(h.group()!.state, 'Stable');
  });
});

describe('JoinGroup two-step join (v4+)', () => {
  test('a new dynamic member gets MEMBER_ID_REQUIRED with a generated id, then joins with it', async () => {
    const h = fakeHarness();
    const first = await h.membership.join(joinRequest({ clientId: 'my-client', requireKnownMemberId: true }));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.match(first.memberId, new RegExp(`^my-client-${UUID}$`));
    assert.equal(first.generationId, -1);
    assert.deepEqual(first.members, []);
    const group = h.group()!;
    assert.equal(group.state, 'Empty', 'a pending id does not start a rebalance');
    assert.deepEqual([...group.pendingMembers.keys()], [first.memberId]);
    assert.equal(group.members.size, 0);

    const second = h.membership.join(joinRequest({ clientId: 'my-client', memberId: first.memberId, requireKnownMemberId: true }));
    assert.equal(group.state, 'PreparingRebalance');
    assert.equal(group.pendingMembers.size, 0);
    await h.advance(0);
    const joined = await second;
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.memberId, first.memberId);
    assert.equal(joined.leader, first.memberId);
    assert.equal(joined.generationId, 1);
  });

  test('the id prefix is the client id, possibly empty', async () => {
    const h = fakeHarness();
    const r = await h.membership.join(joinRequest({ clientId: '', requireKnownMemberId: true }));
    assert.match(r.memberId, new RegExp(`^-${UUID}$`));
  });

  test('a pending id expires after the session timeout of its JoinGroup', async () => {
    const h = fakeHarness();
    const { memberId } = await h.membership.join(joinRequest({ requireKnownMemberId: true, sessionTimeoutMs: 7_000 }));
    await h.advance(6_999);
    assert.ok(h.group()!.pendingMembers.has(memberId));
    await h.advance(1);
    assert.equal(h.group()!.pendingMembers.size, 0);
    assertJoinError(await h.membership.join(joinRequest({ memberId, requireKnownMemberId: true })), ErrorCode.UNKNOWN_MEMBER_ID, memberId);
  });

  test('a pending id holds back the join phase until it is used or expires', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1));
    const pending = await h.membership.join(joinRequest({ clientId: 'late', requireKnownMemberId: true }));
    assert.equal(pending.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    // the leader rejoins: every member has joined, but the pending id is still outstanding
    const leaderJoin = track(h.membership.join(joinRequest({ memberId: g.leader })));
    await h.advance(SESSION_MS - 1);
    assert.equal(leaderJoin.settled, false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    await h.advance(1);
    const r = await leaderJoin.promise;
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.generationId, 2);
    assert.deepEqual(r.members.map((m) => m.memberId), [g.leader]);
  });

  test('below v4 a new member is added at once', async () => {
    const h = fakeHarness();
    const p = h.membership.join(joinRequest({ requireKnownMemberId: false }));
    assert.equal(h.group()!.members.size, 1);
    await h.advance(0);
    assert.equal((await p).errorCode, ErrorCode.NONE);
  });
});

describe('JoinGroup protocol selection and the join response', () => {
  /** Protocol offers whose metadata says which protocol it belongs to. */
  function tagged(names: string[]): { name: string; metadata: Buffer }[] {
    return names.map((name) => ({ name, metadata: subscription([`topic-for-${name}`]) }));
  }

  async function selected(prefs: string[][]): Promise<JoinOutcome[]> {
    const h = fakeHarness();
    const joins = prefs.map((p, i) => h.membership.join(joinRequest({ clientId: `c${i}`, protocols: tagged(p) })));
    await h.advance(0);
    return Promise.all(joins);
  }

  test('only protocols every member offers are candidates', async () => {
    const joins = await selected([['range', 'roundrobin'], ['roundrobin', 'range'], ['roundrobin']]);
    for (const j of joins) assert.equal(j.protocolName, 'roundrobin');
    // the leader gets each member's metadata for the selected protocol
    for (const m of joins[0]!.members) assert.deepEqual(m.metadata, subscription(['topic-for-roundrobin']));
  });

  test('each member votes for its most preferred candidate; the most votes win', async () => {
    for (const j of await selected([['range', 'roundrobin'], ['range', 'roundrobin'], ['roundrobin', 'range']])) assert.equal(j.protocolName, 'range');
    for (const j of await selected([['range', 'roundrobin'], ['roundrobin', 'range'], ['roundrobin', 'range']])) assert.equal(j.protocolName, 'roundrobin');
    for (const j of await selected([['sticky', 'range', 'roundrobin'], ['roundrobin', 'sticky'], ['range', 'sticky', 'roundrobin']])) {
      // candidates are sticky and roundrobin (range is missing from the second member); votes: sticky 2, roundrobin 1
      assert.equal(j.protocolName, 'sticky');
    }
  });

  test('the leader gets the member list, followers get none; everyone gets the same generation and leader', async () => {
    const h = fakeHarness();
    const reqs = [
      joinRequest({ clientId: 'a' }),
      joinRequest({ clientId: 'b', groupInstanceId: 'instance-b' }),
      joinRequest({ clientId: 'c' }),
    ];
    const joins = await Promise.all((() => {
      const p = reqs.map((r) => h.membership.join(r));
      h.clock.advance(0);
      return p;
    })());
    const [leader, b, c] = joins as [JoinOutcome, JoinOutcome, JoinOutcome];
    assert.equal(leader.leader, leader.memberId, 'the first member is the leader');
    for (const j of joins) {
      assert.equal(j.errorCode, ErrorCode.NONE);
      assert.equal(j.generationId, 1);
      assert.equal(j.leader, leader.memberId);
      assert.equal(j.protocolType, 'consumer');
      assert.equal(j.protocolName, 'range');
      assert.equal(j.skipAssignment, false);
    }
    assert.deepEqual(leader.members, [
      { memberId: leader.memberId, groupInstanceId: null, metadata: subscription(['t']) },
      { memberId: b.memberId, groupInstanceId: 'instance-b', metadata: subscription(['t']) },
      { memberId: c.memberId, groupInstanceId: null, metadata: subscription(['t']) },
    ]);
    assert.match(b.memberId, new RegExp(`^instance-b-${UUID}$`), 'a static member id is prefixed with its instance id');
    assert.deepEqual(b.members, []);
    assert.deepEqual(c.members, []);
    assert.equal(h.group()!.state, 'CompletingRebalance');
    assert.deepEqual([...h.group()!.pendingSyncMembers].sort(), joins.map((j) => j.memberId).sort());
  });

  test('a repeated JoinGroup in CompletingRebalance with the same metadata gets the current generation again', async () => {
    const h = fakeHarness();
    const p = members(2).map((r) => h.membership.join(r));
    await h.advance(0);
    const [leader, follower] = await Promise.all(p);
    const again = await h.membership.join(joinRequest({ clientId: 'c1', memberId: follower!.memberId }));
    assert.deepEqual(again, { ...follower!, members: [] });
    const leaderAgain = await h.membership.join(joinRequest({ clientId: 'c0', memberId: leader!.memberId }));
    assert.deepEqual(leaderAgain, leader);
    assert.equal(h.group()!.state, 'CompletingRebalance');
    assert.equal(h.group()!.generationId, 1);
  });

  test('each completed join phase increments the generation', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    assert.equal(g.generationId, 1);
    for (let gen = 2; gen <= 4; gen++) {
      const joins = [h.membership.join(joinRequest({ clientId: 'c0', memberId: g.memberIds[0]! })), h.membership.join(joinRequest({ clientId: 'c1', memberId: g.memberIds[1]! }))];
      const outcomes = await Promise.all(joins);
      assert.deepEqual(outcomes.map((o) => o.generationId), [gen, gen]);
      await Promise.all([
        h.membership.sync(syncRequest({ memberId: g.leader, generationId: gen, assignments: g.assignments })),
        h.membership.sync(syncRequest({ memberId: g.memberIds[1]!, generationId: gen })),
      ]);
      assert.equal(h.group()!.state, 'Stable');
    }
  });
});

describe('JoinGroup initial rebalance delay', () => {
  const DELAY = 3_000;

  test('a single member waits out the whole delay', async () => {
    const h = fakeHarness({ membership: { initialRebalanceDelayMs: DELAY } });
    const a = track(h.membership.join(joinRequest()));
    await h.advance(DELAY - 1);
    assert.equal(a.settled, false);
    assert.equal(h.group()!.state, 'PreparingRebalance');
    await h.advance(1);
    assert.equal(a.settled, true);
    assert.equal(a.value!.generationId, 1);
  });

  test('a second member joining within the delay lands in the same generation; the delay is extended once', async () => {
    const h = fakeHarness({ membership: { initialRebalanceDelayMs: DELAY } });
    const a = track(h.membership.join(joinRequest({ clientId: 'a', rebalanceTimeoutMs: 10_000 })));
    await h.advance(2_000);
    const b = track(h.membership.join(joinRequest({ clientId: 'b', rebalanceTimeoutMs: 10_000 })));
    await h.advance(1_000); // t = 3000: the first window ends, a member was added, so another window opens
    assert.equal(a.settled, false);
    assert.equal(b.settled, false);
    await h.advance(2_999);
    assert.equal(a.settled, false);
    await h.advance(1); // t = 6000
    assert.equal(a.settled, true);
    assert.equal(b.settled, true);
    assert.equal(a.value!.generationId, 1);
    assert.equal(b.value!.generationId, 1);
    assert.equal(a.value!.members.length, 2);
  });

  test('every joiner extends the delay, but never beyond the rebalance timeout', async () => {
    const h = fakeHarness({ membership: { initialRebalanceDelayMs: DELAY } });
    const at = [0, 2_000, 5_000, 8_000, 9_500];
    const joins: Tracked<JoinOutcome>[] = [];
    let now = 0;
    for (const [i, t] of at.entries()) {
      await h.advance(t - now);
      now = t;
      joins.push(track(h.membership.join(joinRequest({ clientId: `m${i}`, rebalanceTimeoutMs: 10_000 }))));
    }
    // windows: [0,3000] [3000,6000] [6000,9000] [9000,10000], then the budget is spent
    await h.advance(10_000 - 1 - now);
    assert.ok(joins.every((j) => !j.settled));
    await h.advance(1);
    assert.ok(joins.every((j) => j.settled));
    for (const j of joins) assert.equal(j.value!.generationId, 1);
    assert.equal(joins[0]!.value!.members.length, 5);
  });

  test('after generation 0 the delay is not extended by later joiners (Scala coordinator)', async () => {
    const h = fakeHarness({ membership: { initialRebalanceDelayMs: DELAY } });
    const g = await formStableGroup(h, members(1), DELAY);
    h.membership.leave(GROUP, [{ memberId: g.leader, groupInstanceId: null }]);
    assert.equal(h.group()!.state, 'Empty');
    assert.equal(h.group()!.generationId, 2);
    const a = track(h.membership.join(joinRequest({ clientId: 'a' })));
    await h.advance(2_000);
    const b = track(h.membership.join(joinRequest({ clientId: 'b' })));
    await h.advance(999);
    assert.equal(a.settled, false, 'a rebalance from Empty still waits out the first window');
    await h.advance(1);
    assert.equal(a.value!.generationId, 3);
    assert.equal(b.value!.generationId, 3);
    assert.equal(a.value!.members.length, 2);
  });

  test('the delay applies to a rebalance that starts from Empty, and only then', async () => {
    const h = fakeHarness({ membership: { initialRebalanceDelayMs: DELAY } });
    // both join in the first window, so it is extended once
    const g = await formStableGroup(h, members(2), 2 * DELAY);
    // a rebalance from Stable is not delayed: it completes as soon as everyone has rejoined
    const r = await Promise.all(g.memberIds.map((memberId, i) => h.membership.join(joinRequest({ clientId: `c${i}`, memberId }))));
    assert.deepEqual(r.map((o) => o.generationId), [2, 2]);
  });
});

describe('JoinGroup group.max.size', () => {
  test('a new member beyond the maximum gets GROUP_MAX_SIZE_REACHED', async () => {
    const h = fakeHarness({ membership: { maxGroupSize: 2 } });
    const g = await formStableGroup(h, members(2));
    assertJoinError(await h.membership.join(joinRequest({ clientId: 'third' })), ErrorCode.GROUP_MAX_SIZE_REACHED, '');
    assertJoinError(await h.membership.join(joinRequest({ clientId: 'third', requireKnownMemberId: true })), ErrorCode.GROUP_MAX_SIZE_REACHED, '');
    assert.equal(h.group()!.state, 'Stable');
    assert.deepEqual([...h.group()!.members.keys()], g.memberIds);
  });

  test('in PreparingRebalance the limit counts members that have rejoined; a known member over it is removed', async () => {
    const h = fakeHarness({ membership: { maxGroupSize: 2 } });
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    const aJoin = h.membership.join(joinRequest({ clientId: 'c0', memberId: a }));
    // one member parked: a newcomer still fits
    const cJoin = h.membership.join(joinRequest({ clientId: 'c2' }));
    assert.equal(h.group()!.members.size, 3);
    // b has not rejoined and two members are parked: b is turned away and removed
    assertJoinError(await h.membership.join(joinRequest({ clientId: 'c1', memberId: b })), ErrorCode.GROUP_MAX_SIZE_REACHED, '');
    const [ra, rc] = await Promise.all([aJoin, cJoin]);
    assert.equal(ra.generationId, 2);
    assert.deepEqual(ra.members.map((m) => m.memberId).sort(), [a, rc.memberId].sort());
    assert.equal(h.group()!.has(b), false);
  });
});

describe('JoinGroup rejoin of a known member', () => {
  test('a follower rejoining Stable with the same metadata gets the current generation and no rebalance', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const follower = g.memberIds[1]!;
    const r = await h.membership.join(joinRequest({ clientId: 'c1', memberId: follower }));
    assert.deepEqual(r, {
      errorCode: ErrorCode.NONE, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: g.leader,
      memberId: follower, members: [], skipAssignment: false,
    });
    assert.equal(h.group()!.state, 'Stable');
    const s = await h.membership.sync(syncRequest({ memberId: follower, generationId: 1 }));
    assert.deepEqual(s.assignment, g.assignments.get(follower));
  });

  test('the leader rejoining Stable starts a rebalance even with the same metadata', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const leaderJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: g.leader })));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.membership.heartbeat(GROUP, 1, g.memberIds[1]!, null), ErrorCode.REBALANCE_IN_PROGRESS);
    await settle(2);
    assert.equal(leaderJoin.settled, false, 'waits for the follower');
    const f = await h.membership.join(joinRequest({ clientId: 'c1', memberId: g.memberIds[1]! }));
    const l = await leaderJoin.promise;
    assert.equal(f.generationId, 2);
    assert.equal(l.generationId, 2);
    assert.equal(l.members.length, 2);
    assert.deepEqual(f.members, []);
  });

  test('a follower rejoining Stable with changed metadata starts a rebalance', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const follower = g.memberIds[1]!;
    const changed = track(h.membership.join(joinRequest({ clientId: 'c1', memberId: follower, protocols: offers(['range'], ['t', 'u']) })));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    const l = await h.membership.join(joinRequest({ clientId: 'c0', memberId: g.leader }));
    assert.equal(l.generationId, 2);
    assert.deepEqual(l.members.find((m) => m.memberId === follower)!.metadata, subscription(['t', 'u']));
    await settle(2);
    assert.equal(changed.settled, true);
  });

  test('a change of protocol order counts as changed metadata', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2, { protocols: offers(['range', 'roundrobin']) }));
    void h.membership.join(joinRequest({ clientId: 'c1', memberId: g.memberIds[1]!, protocols: offers(['roundrobin', 'range']) }));
    assert.equal(h.group()!.state, 'PreparingRebalance');
  });

  test('dynamic members that do not rejoin before the rebalance timeout are removed', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(3));
    const [a, b, c] = g.memberIds as [string, string, string];
    const aJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: a })));
    const bJoin = track(h.membership.join(joinRequest({ clientId: 'c1', memberId: b })));
    // c keeps heartbeating (so its session does not expire) but never rejoins
    for (let t = 0; t < REBALANCE_MS - 5_000; t += 5_000) {
      await h.advance(5_000);
      assert.equal(h.membership.heartbeat(GROUP, 1, c, null), ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await h.advance(4_999);
    assert.equal(aJoin.settled, false);
    await h.advance(1);
    assert.equal(aJoin.value!.generationId, 2);
    assert.deepEqual(aJoin.value!.members.map((m) => m.memberId), [a, b]);
    assert.equal(bJoin.value!.generationId, 2);
    assert.equal(h.group()!.has(c), false);
    assert.equal(h.membership.heartbeat(GROUP, 1, c, null), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('static members that do not rejoin before the rebalance timeout stay, with their old metadata', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, [
      joinRequest({ clientId: 'c0', groupInstanceId: 'i0' }),
      joinRequest({ clientId: 'c1', groupInstanceId: 'i1' }),
    ]);
    const [a, b] = g.memberIds as [string, string];
    const aJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: a, groupInstanceId: 'i0' })));
    for (let t = 0; t < REBALANCE_MS; t += 5_000) {
      assert.equal(h.membership.heartbeat(GROUP, 1, b, 'i1'), ErrorCode.REBALANCE_IN_PROGRESS);
      await h.advance(5_000);
    }
    assert.equal(aJoin.settled, true);
    assert.equal(aJoin.value!.generationId, 2);
    assert.deepEqual(aJoin.value!.members, [
      { memberId: a, groupInstanceId: 'i0', metadata: subscription(['t']) },
      { memberId: b, groupInstanceId: 'i1', metadata: subscription(['t']) },
    ]);
    assert.ok(h.group()!.has(b));
    assert.equal(h.membership.heartbeat(GROUP, 1, b, 'i1'), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(h.membership.heartbeat(GROUP, 2, b, 'i1'), ErrorCode.NONE);
  });

  test('if nobody rejoins, static members keep the join phase open for another rebalance timeout', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, [
      joinRequest({ clientId: 'c0', groupInstanceId: 'i0' }),
      joinRequest({ clientId: 'c1', groupInstanceId: 'i1' }),
    ]);
    const [a, b] = g.memberIds as [string, string];
    // a newcomer starts a rebalance and leaves again; the static members only heartbeat
    const { memberId: c } = await (async () => {
      const p = h.membership.join(joinRequest({ clientId: 'c2', groupInstanceId: 'i2' }));
      const id = h.group()!.staticMembers.get('i2')!;
      h.membership.leave(GROUP, [{ memberId: id, groupInstanceId: 'i2' }]);
      assert.equal((await p).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
      return { memberId: id };
    })();
    assert.equal(h.group()!.has(c), false);
    const beat = (): void => {
      for (const [m, i] of [[a, 'i0'], [b, 'i1']] as const) assert.equal(h.membership.heartbeat(GROUP, 1, m, i), ErrorCode.REBALANCE_IN_PROGRESS);
    };
    for (let t = 0; t < REBALANCE_MS; t += 5_000) {
      beat();
      await h.advance(5_000);
    }
    // the first rebalance timeout passed with nobody rejoined: still the same generation, waiting
    assert.equal(h.group()!.state, 'PreparingRebalance');
    assert.equal(h.group()!.generationId, 1);
    beat();
    const aJoin = track(h.membership.join(joinRequest({ clientId: 'c0', memberId: a, groupInstanceId: 'i0' })));
    for (let t = 0; t < REBALANCE_MS - 5_000; t += 5_000) {
      await h.advance(5_000);
      assert.equal(h.membership.heartbeat(GROUP, 1, b, 'i1'), ErrorCode.REBALANCE_IN_PROGRESS);
    }
    assert.equal(aJoin.settled, false);
    await h.advance(5_000); // the second rebalance timeout: a has rejoined, b is kept as a static member
    assert.equal(aJoin.value!.generationId, 2);
    assert.deepEqual(aJoin.value!.members.map((m) => m.memberId), [a, b]);
  });

  test('a JoinGroup answered without a rebalance does not count as a heartbeat', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(2));
    const [a, b] = g.memberIds as [string, string];
    await h.advance(SESSION_MS - 1_000);
    assert.equal(h.membership.heartbeat(GROUP, 1, a, null), ErrorCode.NONE);
    assert.equal((await h.membership.join(joinRequest({ clientId: 'c1', memberId: b }))).errorCode, ErrorCode.NONE);
    assert.equal(h.group()!.state, 'Stable');
    await h.advance(1_000);
    assert.equal(h.group()!.has(b), false, 'b expires on its original deadline');
  });

  test('a new member still waiting after the 300 s new-member join timeout is removed with UNKNOWN_MEMBER_ID', async () => {
    const h = fakeHarness();
    const g = await formStableGroup(h, members(1, { rebalanceTimeoutMs: 600_000 }));
    const newcomer = track(h.membership.join(joinRequest({ clientId: 'new', rebalanceTimeoutMs: 600_000 })));
    assert.equal(h.group()!.state, 'PreparingRebalance');
    // the old member keeps its session alive but does not rejoin
    for (let t = 0; t < NEW_MEMBER_JOIN_TIMEOUT_MS - 5_000; t += 5_000) {
      await h.advance(5_000);
      assert.equal(h.membership.heartbeat(GROUP, 1, g.leader, null), ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await h.advance(4_999);
    assert.equal(newcomer.settled, false);
    await h.advance(1);
    assert.equal(newcomer.settled, true);
    assertJoinError(newcomer.value!, ErrorCode.UNKNOWN_MEMBER_ID, '');
    assert.equal(h.group()!.members.size, 1);
    assert.equal(h.group()!.state, 'PreparingRebalance');
  });
});
