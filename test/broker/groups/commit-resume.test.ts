/**
 * Committed offsets are where a group resumes: a new member of a group starts right after the last
 * commit (nothing re-read, nothing missed), and groups and their offsets survive a broker restart
 * (they are replayed from __consumer_offsets), for a group that was empty at the restart and for
 * one whose consumer stayed connected through it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import {
  GROUP_TEST_BROKER_OVERRIDES, TrackedConsumer, committedOffsets, connectedAdmin, connectedProducer, createTopic, describeGroup, duplicates,
  endOffsets, producePerPartition, sorted, stopAll, waitForCommittedToEnd, waitForStableGroup,
} from '../../support/clients/groups.js';
import { waitFor } from '../../support/clients/wait.js';

const TOPIC = 'ledger';
const PARTITIONS = 2;

describe('commit and resume', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const consumers: TrackedConsumer[] = [];
  const start = async (group: string, name: string): Promise<TrackedConsumer> => {
    const c = await TrackedConsumer.start(broker.bootstrap, group, name, [TOPIC]);
    consumers.push(c);
    return c;
  };
  /** Every value produced, in order. */
  const produced: string[] = [];

  before(async () => {
    broker = await startTestBroker(GROUP_TEST_BROKER_OVERRIDES);
    admin = await connectedAdmin(broker.bootstrap);
    producer = await connectedProducer(broker.bootstrap);
    await createTopic(admin, TOPIC, PARTITIONS);
  });
  after(async () => {
    await stopAll(consumers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('a new member resumes after the last commit: nothing re-read, nothing missed', async () => {
    produced.push(...await producePerPartition(producer, TOPIC, PARTITIONS, 10, 'batch1'));
    const first = await start('ledger-app', 'first');
    await waitFor(() => first.consumed.length >= 20, { timeoutMs: 15_000, what: 'the first member to read batch1' });
    assert.deepEqual(await waitForCommittedToEnd(admin, 'ledger-app', TOPIC), [10, 10]);
    await first.stop();
    assert.deepEqual(sorted(first.values()), sorted(produced));
    assert.equal((await describeGroup(broker.port, 'ledger-app')).state, 'Empty', 'the group is empty once its only member left');

    // produced while nobody is consuming
    const batch2 = await producePerPartition(producer, TOPIC, PARTITIONS, 5, 'batch2');
    produced.push(...batch2);
    const second = await start('ledger-app', 'second');
    await waitFor(() => second.consumed.length >= batch2.length, { timeoutMs: 15_000, what: 'the second member to read batch2' });
    assert.deepEqual(await waitForCommittedToEnd(admin, 'ledger-app', TOPIC), [15, 15]);
    await second.stop();
    assert.deepEqual(sorted(second.values()), sorted(batch2), 'the new member reads exactly what was produced after the commit');
    assert.ok(second.consumed.every((m) => m.offset >= 10), 'it starts at the committed offset (10) of each partition');
  });

  it('after a broker restart, groups and offsets are back and consumers continue without re-reading', async () => {
    // ledger-live has a member connected through the restart; ledger-app is empty
    const live = await start('ledger-live', 'live');
    await waitFor(() => live.consumed.length >= produced.length, { timeoutMs: 15_000, what: 'ledger-live to read everything so far' });
    await waitForCommittedToEnd(admin, 'ledger-live', TOPIC);
    const liveMark = live.consumed.length;
    const beforeRestart = await describeGroup(broker.port, 'ledger-live');
    assert.equal(beforeRestart.state, 'Stable');
    const joinsBefore = live.joins;

    await broker.restart();

    // the groups are replayed from __consumer_offsets
    const listed = await waitFor(async () => {
      const r = await admin.listGroups();
      const ids = r.groups.map((g) => g.groupId);
      return ids.includes('ledger-app') && ids.includes('ledger-live') ? r.groups : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: 'listGroups to show both groups after the restart' });
    assert.deepEqual(listed.filter((g) => g.groupId.startsWith('ledger-')).map((g) => [g.groupId, g.protocolType]).sort(), [['ledger-app', 'consumer'], ['ledger-live', 'consumer']]);
    assert.deepEqual(await committedOffsets(admin, 'ledger-app', TOPIC), [15, 15], 'ledger-app\'s offsets survived the restart');
    assert.deepEqual(await committedOffsets(admin, 'ledger-live', TOPIC), [15, 15], 'ledger-live\'s offsets survived the restart');
    const [described] = (await admin.describeGroups(['ledger-app'])).groups;
    assert.equal(described?.state, 'Empty');
    assert.equal(described?.protocolType, 'consumer');
    assert.deepEqual(described?.members, []);

    // the live consumer is still (or again) a member and reads only what is new
    await waitForStableGroup(broker.port, 'ledger-live', [live], TOPIC, PARTITIONS);
    // the group came back Stable with its member, which kept heartbeating: no rebalance happened
    assert.equal(live.joins, joinsBefore, 'the live consumer did not have to rejoin');
    assert.deepEqual((await describeGroup(broker.port, 'ledger-live')).members.map((m) => m.memberId), beforeRestart.members.map((m) => m.memberId));
    const batch3 = await producePerPartition(producer, TOPIC, PARTITIONS, 3, 'batch3');
    produced.push(...batch3);
    await waitFor(() => live.consumed.length >= liveMark + batch3.length, { timeoutMs: 15_000, what: 'the live consumer to read batch3' });
    await waitForCommittedToEnd(admin, 'ledger-live', TOPIC);
    assert.deepEqual(sorted(live.values().slice(liveMark)), sorted(batch3), 'the connected consumer continues after the restart without re-reading');
    assert.deepEqual(duplicates(live.values()), []);
    assert.deepEqual(live.crashes, []);

    // a new member of the group that was empty resumes at its restored commit
    const third = await start('ledger-app', 'third');
    await waitFor(() => third.consumed.length >= batch3.length, { timeoutMs: 15_000, what: 'ledger-app to read batch3' });
    assert.deepEqual(await waitForCommittedToEnd(admin, 'ledger-app', TOPIC), await endOffsets(admin, TOPIC));
    assert.deepEqual(sorted(third.values()), sorted(batch3), 'ledger-app resumes after the restart exactly where it stopped');
  });
});
