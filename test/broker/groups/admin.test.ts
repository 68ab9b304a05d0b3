/**
 * Group administration with kafkajs's admin client (describeGroups, listGroups, fetchOffsets,
 * setOffsets/resetOffsets, deleteGroups, deleteTopicRecords) and OffsetDelete on a raw
 * connection, against groups with live kafkajs members and groups that are empty.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, type Admin, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/clients/raw-client.js';
import {
  GROUP_TEST_BROKER_OVERRIDES, TrackedConsumer, committedOffsets, connectedAdmin, connectedProducer, createTopic, describeGroup, endOffsets,
  producePerPartition, sorted, stopAll, waitForCommittedToEnd, waitForStableGroup,
} from '../../support/clients/groups.js';
import { waitFor } from '../../support/clients/wait.js';

const TOPIC = 'admin-orders';
const OTHER = 'admin-other';
const PARTITIONS = 3;
const NONE = 0;
const UNKNOWN_MEMBER_ID = 25;
const GROUP_ID_NOT_FOUND = 69;
const GROUP_SUBSCRIBED_TO_TOPIC = 86;

/** The kafkajs error type carried by a rejected admin call (for DeleteGroups: the group's error). */
async function errorTypeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    const err = e as { type?: string; name?: string; groups?: { error?: { type?: string } }[]; originalError?: { type?: string; groups?: { error?: { type?: string } }[] } };
    const inner = err.originalError ?? err;
    return inner.groups?.[0]?.error?.type ?? inner.type ?? err.name ?? String(e);
  }
  throw new Error('expected the call to fail');
}

describe('group administration', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const consumers: TrackedConsumer[] = [];
  const start = async (group: string, name: string, topics = [TOPIC]): Promise<TrackedConsumer> => {
    const c = await TrackedConsumer.start(broker.bootstrap, group, name, topics);
    consumers.push(c);
    return c;
  };
  const consumeAll = async (group: string, name: string): Promise<TrackedConsumer> => {
    const c = await start(group, name);
    await waitForStableGroup(broker.port, group, [c], TOPIC, PARTITIONS);
    await waitForCommittedToEnd(admin, group, TOPIC);
    return c;
  };

  before(async () => {
    broker = await startTestBroker(GROUP_TEST_BROKER_OVERRIDES);
    admin = await connectedAdmin(broker.bootstrap);
    producer = await connectedProducer(broker.bootstrap);
    await createTopic(admin, TOPIC, PARTITIONS);
    await createTopic(admin, OTHER, 1);
    await producePerPartition(producer, TOPIC, PARTITIONS, 5, 'order');
  });
  after(async () => {
    await stopAll(consumers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('describeGroups: state, protocol and members with their subscriptions and assignments', async () => {
    const c = await consumeAll('admin-app', 'admin-app-consumer');
    const { groups } = await admin.describeGroups(['admin-app', 'no-such-group']);
    const [app, missing] = groups;
    assert.equal(app?.groupId, 'admin-app');
    assert.equal(app?.state, 'Stable');
    assert.equal(app?.protocolType, 'consumer');
    assert.equal(app?.protocol, 'RoundRobinAssigner');
    assert.equal(app?.members.length, 1);
    const member = app!.members[0]!;
    assert.equal(member.memberId, c.memberId);
    assert.equal(member.clientId, 'admin-app-consumer');
    assert.match(member.clientHost, /127\.0\.0\.1/);
    assert.deepEqual(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment, { [TOPIC]: [0, 1, 2] });
    assert.deepEqual(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics, [TOPIC]);
    assert.deepEqual({ groupId: missing?.groupId, state: missing?.state, protocolType: missing?.protocolType, members: missing?.members }, { groupId: 'no-such-group', state: 'Dead', protocolType: '', members: [] });
  });

  it('listGroups and fetchOffsets', async () => {
    const { groups } = await admin.listGroups();
    assert.deepEqual(groups.filter((g) => g.groupId === 'admin-app'), [{ groupId: 'admin-app', protocolType: 'consumer' }]);
    const fetched = await admin.fetchOffsets({ groupId: 'admin-app', topics: [TOPIC] });
    assert.deepEqual(fetched.map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a.partition - b.partition).map((p) => [p.partition, p.offset]) })), [
      { topic: TOPIC, partitions: [[0, '5'], [1, '5'], [2, '5']] },
    ]);
    // a group that never committed has no offsets
    assert.deepEqual(await committedOffsets(admin, 'never-committed', TOPIC), [-1, -1, -1]);
  });

  it('setOffsets and resetOffsets: refused while the group has members; applied to an empty group, where a new member starts', async () => {
    const group = 'admin-app';
    // anonymous commits (what an admin sends) are refused while the group has members
    const raw = await RawClient.connect(broker.port);
    try {
      const r = await raw.request(8, 8, {
        groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      assert.deepEqual(r.topics.map((t) => t.partitions.map((p) => p.errorCode)), [[UNKNOWN_MEMBER_ID]]);
    } finally {
      raw.close();
    }
    assert.match(await errorTypeOf(() => admin.setOffsets({ groupId: group, topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] })), /KafkaJSNonRetriableError/);
    assert.deepEqual(await committedOffsets(admin, group, TOPIC), [5, 5, 5]);

    await stopAll(consumers.filter((c) => c.groupId === group));
    await waitFor(async () => (await describeGroup(broker.port, group)).state === 'Empty', { timeoutMs: 10_000, what: 'admin-app to be empty' });

    // each of these runs a kafkajs consumer that joins the group, seeks, commits and leaves; it
    // waits out a 5 s fetch with everything paused, so the three run side by side (on empty groups:
    // admin-app, and two that do not exist yet). kafkajs commits its sentinels for "earliest" (-2)
    // and "latest" (-1) as they are, and the broker stores what is committed, as Kafka does.
    await Promise.all([
      admin.setOffsets({ groupId: group, topic: TOPIC, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '5' }, { partition: 2, offset: '4' }] }),
      admin.resetOffsets({ groupId: 'admin-reset-earliest', topic: TOPIC, earliest: true }),
      admin.resetOffsets({ groupId: 'admin-reset-latest', topic: TOPIC, earliest: false }),
    ]);
    assert.deepEqual(await committedOffsets(admin, group, TOPIC), [2, 5, 4]);
    assert.deepEqual(await committedOffsets(admin, 'admin-reset-earliest', TOPIC), [-2, -2, -2], 'reset to the earliest offsets');
    assert.deepEqual(await committedOffsets(admin, 'admin-reset-latest', TOPIC), [-1, -1, -1], 'reset to the latest offsets');
    assert.equal((await describeGroup(broker.port, 'admin-reset-latest')).state, 'Empty');
    assert.equal((await describeGroup(broker.port, group)).state, 'Empty', 'setOffsets leaves the group empty again');

    const next = await start(group, 'admin-app-next');
    await waitFor(() => next.consumed.length >= 4, { timeoutMs: 15_000, what: 'the new member to read from the set offsets' });
    await waitForCommittedToEnd(admin, group, TOPIC);
    assert.deepEqual(sorted(next.values()), sorted(['order-p0-2', 'order-p0-3', 'order-p0-4', 'order-p2-4']));
  });

  it('deleteGroups: NON_EMPTY_GROUP while a member is active; deleted once it leaves, its offsets gone', async () => {
    const group = 'admin-app';
    assert.ok(consumers.some((c) => c.groupId === group && c.memberId !== undefined), 'admin-app has an active member');
    assert.equal(await errorTypeOf(() => admin.deleteGroups([group])), 'NON_EMPTY_GROUP');
    assert.deepEqual(await committedOffsets(admin, group, TOPIC), [5, 5, 5], 'nothing was deleted');

    await stopAll(consumers.filter((c) => c.groupId === group));
    const deleted = await admin.deleteGroups([group]);
    assert.deepEqual(deleted.map((d) => [d.groupId, d.errorCode]), [[group, NONE]]);
    assert.deepEqual(await committedOffsets(admin, group, TOPIC), [-1, -1, -1], 'fetchOffsets after the deletion shows no offsets');
    assert.deepEqual((await admin.listGroups()).groups.filter((g) => g.groupId === group), []);
    assert.equal((await describeGroup(broker.port, group)).state, 'Dead');
    assert.equal(await errorTypeOf(() => admin.deleteGroups([group])), 'GROUP_ID_NOT_FOUND', 'deleting it again');

    // the group id can be used again from scratch: a new member starts from the beginning
    const fresh = await start(group, 'admin-app-again');
    await waitFor(() => fresh.consumed.length >= 15, { timeoutMs: 15_000, what: 'the new group to read everything' });
    await waitForCommittedToEnd(admin, group, TOPIC);
    await stopAll([fresh]);
  });

  it('deleteTopicRecords leaves committed offsets as they are', async () => {
    const group = 'admin-keep';
    const c = await consumeAll(group, 'admin-keep-consumer');
    await stopAll([c]);
    const before = await committedOffsets(admin, group, TOPIC);
    await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '3' }] });
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    assert.equal(offsets.find((o) => o.partition === 0)?.low, '3', 'records before offset 3 are deleted');
    assert.deepEqual(await committedOffsets(admin, group, TOPIC), before, 'the group\'s committed offsets are untouched');
    const fresh = await producePerPartition(producer, TOPIC, PARTITIONS, 1, 'after-delete');
    const next = await start(group, 'admin-keep-next');
    await waitFor(() => next.consumed.length >= fresh.length, { timeoutMs: 15_000, what: 'the group to read the new records' });
    await waitForCommittedToEnd(admin, group, TOPIC);
    assert.deepEqual(sorted(next.values()), sorted(fresh), 'it resumes at its commits');
    await stopAll([next]);
  });

  it('OffsetDelete (raw): GROUP_SUBSCRIBED_TO_TOPIC while a subscribed member is active, NONE once the group is empty; the group goes with its last offsets', async () => {
    const group = 'admin-od';
    const c = await consumeAll(group, 'admin-od-consumer');
    const raw = await RawClient.connect(broker.port);
    try {
      const offsetDelete = (groupId: string, topics: { name: string; partitions: { partitionIndex: number }[] }[]) => raw.request(47, 0, { groupId, topics });
      const active = await offsetDelete(group, [{ name: TOPIC, partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }, { name: OTHER, partitions: [{ partitionIndex: 0 }] }]);
      assert.equal(active.errorCode, NONE);
      assert.deepEqual(active.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]), [
        [TOPIC, [[0, GROUP_SUBSCRIBED_TO_TOPIC], [1, GROUP_SUBSCRIBED_TO_TOPIC]]],
        [OTHER, [[0, NONE]]],
      ], 'the subscribed topic is protected; a topic nobody subscribes to is not');
      const committed = await committedOffsets(admin, group, TOPIC);
      assert.deepEqual(committed, await endOffsets(admin, TOPIC), 'nothing was deleted');

      await stopAll([c]);
      await waitFor(async () => (await describeGroup(broker.port, group)).state === 'Empty', { timeoutMs: 10_000, what: 'admin-od to be empty' });
      const empty = await offsetDelete(group, [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }]);
      assert.equal(empty.errorCode, NONE);
      assert.deepEqual(empty.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]), [[TOPIC, [[0, NONE]]]]);
      assert.deepEqual(await committedOffsets(admin, group, TOPIC), [-1, committed[1], committed[2]], 'partition 0\'s offset is deleted, the others stay');

      // deleting the last offsets of an empty group removes the group (Kafka's cleanupGroupMetadata)
      const last = await offsetDelete(group, [{ name: TOPIC, partitions: [{ partitionIndex: 1 }, { partitionIndex: 2 }] }]);
      assert.deepEqual(last.topics.map((t) => t.partitions.map((p) => p.errorCode)), [[NONE, NONE]]);
      assert.equal((await describeGroup(broker.port, group)).state, 'Dead', 'admin-od is gone with its last offsets');
      assert.deepEqual((await admin.listGroups()).groups.filter((g) => g.groupId === group), []);
      assert.equal((await offsetDelete(group, [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }])).errorCode, GROUP_ID_NOT_FOUND);

      const unknown = await offsetDelete('no-such-group', [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }]);
      assert.equal(unknown.errorCode, GROUP_ID_NOT_FOUND);
    } finally {
      raw.close();
    }
  });
});
