/**
 * DescribeGroups and ListGroups: state names, protocol data and member metadata/assignment only
 * for Stable groups, unknown groups as Dead, and the state and type filters.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import {
  commitRequest, coordinatorHarness, formStableGroup, GROUP, joinRequest, members, subscription, syncRequest,
  type CoordinatorHarness,
} from './harness.js';

const NO_BYTES = Buffer.alloc(0);

/** Groups in every live state: stable, preparing, completing, empty (had members), simple (offsets only). */
async function everyState(h: CoordinatorHarness): Promise<void> {
  await formStableGroup(h, members(1, { groupId: 'stable' }));
  const p = await formStableGroup(h, members(2, { groupId: 'preparing' }));
  void h.membership.join(joinRequest({ groupId: 'preparing', clientId: 'c0', memberId: p.leader }));
  const c = members(1, { groupId: 'completing' }).map((r) => h.membership.join(r));
  await h.advance(0);
  await Promise.all(c);
  const e = await formStableGroup(h, members(1, { groupId: 'empty' }));
  h.membership.leave('empty', [{ memberId: e.leader, groupInstanceId: null }]);
  await h.offsets.commit(commitRequest({ groupId: 'simple' }));
  const states = Object.fromEntries(['stable', 'preparing', 'completing', 'empty', 'simple'].map((id) => [id, h.group(id)!.state]));
  assert.deepEqual(states, { stable: 'Stable', preparing: 'PreparingRebalance', completing: 'CompletingRebalance', empty: 'Empty', simple: 'Empty' });
}

describe('DescribeGroups', () => {
  test('an unknown group is Dead with no error, no protocol and no members', async () => {
    const h = await coordinatorHarness();
    assert.deepEqual(h.coordinator.describe('nope'), {
      groupId: 'nope', errorCode: ErrorCode.NONE, state: 'Dead', protocolType: '', protocolData: '', members: [],
    });
    await h.close();
  });

  test('a Stable group shows its protocol and each member\'s metadata and assignment', async () => {
    const h = await coordinatorHarness();
    const g = await formStableGroup(h, [
      joinRequest({ clientId: 'client-a', clientHost: '/10.0.0.1', protocols: [{ name: 'range', metadata: subscription(['a']) }, { name: 'roundrobin', metadata: Buffer.from('rr') }] }),
      joinRequest({ clientId: 'client-b', clientHost: '/10.0.0.2', groupInstanceId: 'inst-b', protocols: [{ name: 'range', metadata: subscription(['b']) }] }),
    ]);
    assert.deepEqual(h.coordinator.describe(GROUP), {
      groupId: GROUP,
      errorCode: ErrorCode.NONE,
      state: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [
        { memberId: g.memberIds[0], groupInstanceId: null, clientId: 'client-a', clientHost: '/10.0.0.1', metadata: subscription(['a']), assignment: Buffer.from('assign-0') },
        { memberId: g.memberIds[1], groupInstanceId: 'inst-b', clientId: 'client-b', clientHost: '/10.0.0.2', metadata: subscription(['b']), assignment: Buffer.from('assign-1') },
      ],
    });
    await h.close();
  });

  test('other states show the state and members, but no protocol data, metadata or assignment', async () => {
    const h = await coordinatorHarness();
    const g = await formStableGroup(h, members(2, { clientHost: '/10.1.1.1' }));
    void h.membership.join(joinRequest({ clientId: 'c0', memberId: g.leader }));
    const preparing = h.coordinator.describe(GROUP);
    assert.equal(preparing.state, 'PreparingRebalance');
    assert.equal(preparing.protocolType, 'consumer');
    assert.equal(preparing.protocolData, '');
    assert.deepEqual(preparing.members, g.memberIds.map((memberId, i) => ({
      memberId, groupInstanceId: null, clientId: `c${i}`, clientHost: '/10.1.1.1', metadata: NO_BYTES, assignment: NO_BYTES,
    })));
    await h.membership.join(joinRequest({ clientId: 'c1', memberId: g.memberIds[1]! }));
    const completing = h.coordinator.describe(GROUP);
    assert.equal(completing.state, 'CompletingRebalance');
    assert.equal(completing.protocolData, '');
    assert.ok(completing.members.every((m) => m.metadata.length === 0 && m.assignment.length === 0));
    await Promise.all(g.memberIds.map((memberId) => h.membership.sync(syncRequest({ memberId, generationId: 2, assignments: g.assignments }))));
    assert.equal(h.coordinator.describe(GROUP).state, 'Stable');
    h.membership.leave(GROUP, g.memberIds.map((memberId) => ({ memberId, groupInstanceId: null })));
    assert.deepEqual(h.coordinator.describe(GROUP), {
      groupId: GROUP, errorCode: ErrorCode.NONE, state: 'Empty', protocolType: 'consumer', protocolData: '', members: [],
    });
    await h.close();
  });

  test('a group that only stores offsets is Empty with no protocol type; a deleted one is Dead', async () => {
    const h = await coordinatorHarness();
    await h.offsets.commit(commitRequest());
    assert.deepEqual(h.coordinator.describe(GROUP), {
      groupId: GROUP, errorCode: ErrorCode.NONE, state: 'Empty', protocolType: '', protocolData: '', members: [],
    });
    assert.equal(await h.coordinator.deleteGroup(GROUP), ErrorCode.NONE);
    assert.equal(h.coordinator.describe(GROUP).state, 'Dead');
    await h.close();
  });
});

describe('ListGroups', () => {
  const ids = (h: CoordinatorHarness, states: string[], types: string[] = []): string[] =>
    h.coordinator.list(states, types).map((g) => g.groupId).sort();

  test('no filter lists every live group with its state and protocol type', async () => {
    const h = await coordinatorHarness();
    await everyState(h);
    assert.deepEqual(ids(h, []), ['completing', 'empty', 'preparing', 'simple', 'stable']);
    const byId = Object.fromEntries(h.coordinator.list([], []).map((g) => [g.groupId, [g.state, g.protocolType ?? '']]));
    assert.deepEqual(byId, {
      stable: ['Stable', 'consumer'],
      preparing: ['PreparingRebalance', 'consumer'],
      completing: ['CompletingRebalance', 'consumer'],
      empty: ['Empty', 'consumer'],
      simple: ['Empty', ''],
    });
    await h.close();
  });

  test('the states filter matches state names case-insensitively', async () => {
    const h = await coordinatorHarness();
    await everyState(h);
    assert.deepEqual(ids(h, ['Stable']), ['stable']);
    assert.deepEqual(ids(h, ['stable']), ['stable']);
    assert.deepEqual(ids(h, ['EMPTY']), ['empty', 'simple']);
    assert.deepEqual(ids(h, ['preparingrebalance', 'CompletingRebalance']), ['completing', 'preparing']);
    assert.deepEqual(ids(h, ['Dead']), []);
    assert.deepEqual(ids(h, ['NoSuchState']), []);
    await h.close();
  });

  test('the types filter: every classic group is "classic"; other types list nothing', async () => {
    const h = await coordinatorHarness();
    await everyState(h);
    assert.deepEqual(ids(h, [], ['classic']), ['completing', 'empty', 'preparing', 'simple', 'stable']);
    assert.deepEqual(ids(h, [], ['CLASSIC', 'consumer']), ['completing', 'empty', 'preparing', 'simple', 'stable']);
    assert.deepEqual(ids(h, [], ['consumer']), []);
    assert.deepEqual(ids(h, ['Stable'], ['classic']), ['stable']);
    await h.close();
  });

  test('deleted and expired groups are not listed', async () => {
    const h = await coordinatorHarness();
    await everyState(h);
    assert.equal(await h.coordinator.deleteGroup('simple'), ErrorCode.NONE);
    assert.equal(await h.coordinator.deleteGroup('empty'), ErrorCode.NONE);
    assert.deepEqual(ids(h, []), ['completing', 'preparing', 'stable']);
    await h.close();
  });
});
