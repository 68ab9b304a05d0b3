/**
 * Failover: a group member that dies without leaving (its process killed with SIGKILL, by pid) is
 * removed by the coordinator once its session times out; its partitions move to the member that
 * is left, which then consumes what is produced to them. Nothing is re-read: the survivor starts
 * those partitions at the dead member's last commit.
 *
 * Two clients: kcat balanced consumers (librdkafka, eager range assignor) and kafkajs consumers
 * (one in a child process, the survivor in this process). The broker allows short session
 * timeouts (group.min.session.timeout.ms=1000); the members ask for 2.5 s.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatMissing } from '../../support/clients/kcat.js';
import { startNodeModule } from '../../support/clients/seeds.js';
import {
  GROUP_TEST_BROKER_OVERRIDES, TrackedConsumer, committedOffsets, connectedAdmin, connectedProducer, createTopic, describeGroup, duplicates, producePerPartition,
  sorted, startKcatGroupConsumer, stopAll, waitForCommittedToEnd, type GroupView, type KcatGroupConsumer,
} from '../../support/clients/groups.js';
import { waitFor } from '../../support/clients/wait.js';

const kcatProblem = kcatMissing();
if (kcatProblem) console.log(`# skipping the kcat failover test: ${kcatProblem}`);

const SESSION_TIMEOUT_MS = 2500;

/** A kafkajs consumer for a child process: prints its joins and messages as JSON lines. */
const CHILD_CONSUMER = `
import { Kafka, logLevel } from 'kafkajs';
const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'failover-child', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), rebalanceTimeout: 8000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
consumer.on(consumer.events.GROUP_JOIN, (e) => console.log(JSON.stringify({ join: e.payload.memberId, assignment: e.payload.memberAssignment })));
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({ eachMessage: async ({ partition, message }) => {
  console.log(JSON.stringify({ partition, offset: Number(message.offset), value: message.value.toString() }));
} });
`;

interface ChildLine {
  join?: string;
  assignment?: Record<string, number[]>;
  partition?: number;
  offset?: number;
  value?: string;
}

function childLines(stdout: string): ChildLine[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ChildLine);
}

function waitForMembers(port: number, groupId: string, topic: string, count: number, check: (v: GroupView) => boolean = () => true, timeoutMs = 20_000): Promise<GroupView> {
  return waitFor(async () => {
    const v = await describeGroup(port, groupId);
    if (v.state !== 'Stable' || v.members.length !== count) return undefined;
    const owned = v.members.flatMap((m) => m.assignment[topic] ?? []);
    return new Set(owned).size === owned.length && check(v) ? v : undefined;
  }, { timeoutMs, intervalMs: 50, what: `${groupId} to be Stable with ${count} member(s)` });
}

describe('failover after a member is killed', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    broker = await startTestBroker(GROUP_TEST_BROKER_OVERRIDES);
    admin = await connectedAdmin(broker.bootstrap);
    producer = await connectedProducer(broker.bootstrap);
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('kcat -G: the killed member\'s partitions move to the other after its session timeout', { skip: kcatProblem ?? false }, async () => {
    const topic = 'orders';
    const group = 'kcat-failover';
    await createTopic(admin, topic, 4);
    const config = { 'session.timeout.ms': String(SESSION_TIMEOUT_MS), 'heartbeat.interval.ms': '250' };
    const kcats: KcatGroupConsumer[] = [];
    try {
      // one after the other: the second joins a Stable group, and the first rejoins on its next heartbeat
      kcats.push(startKcatGroupConsumer(broker.bootstrap, group, [topic], config));
      await waitForMembers(broker.port, group, topic, 1);
      kcats.push(startKcatGroupConsumer(broker.bootstrap, group, [topic], config));
      const both = await waitForMembers(broker.port, group, topic, 2, (v) => v.members.every((m) => (m.assignment[topic] ?? []).length === 2));
      const first = await producePerPartition(producer, topic, 4, 5, 'before');
      await waitFor(() => kcats.reduce((n, k) => n + k.records().length, 0) >= first.length, { timeoutMs: 15_000, what: 'both kcats to read the first messages' });
      // kcat routes -X auto.commit.interval.ms to the (legacy) topic setting, so librdkafka commits
      // on its default 5 s timer: wait for that commit, so the survivor has a position to resume at
      await waitForCommittedToEnd(admin, group, topic);

      // which member is which kcat: by the partitions each has read
      const [victim, survivor] = kcats as [KcatGroupConsumer, KcatGroupConsumer];
      const victimPartitions = [...new Set(victim.records().map((r) => r.partition))].sort((a, b) => a - b);
      const victimMember = both.members.find((m) => JSON.stringify(m.assignment[topic]) === JSON.stringify(victimPartitions));
      assert.ok(victimMember, `the broker's assignment matches what kcat read: ${JSON.stringify(both.members)} vs ${JSON.stringify(victimPartitions)}`);
      const survivorBefore = survivor.records().length;

      const killedAt = Date.now();
      await victim.kill();
      const after = await waitForMembers(broker.port, group, topic, 1, (v) => (v.members[0]!.assignment[topic] ?? []).length === 4, 15_000);
      const movedAfterMs = Date.now() - killedAt;
      assert.notEqual(after.members[0]!.memberId, victimMember.memberId, 'the dead member is gone');
      assert.ok(movedAfterMs >= SESSION_TIMEOUT_MS - 500, `partitions moved after ${movedAfterMs} ms, not before the session timed out`);
      assert.ok(movedAfterMs < SESSION_TIMEOUT_MS + 8000, `partitions moved after ${movedAfterMs} ms`);

      const second = await producePerPartition(producer, topic, 4, 5, 'after');
      await waitFor(() => survivor.records().length >= survivorBefore + second.length, { timeoutMs: 15_000, what: 'the survivor to read every new message' });
      const fresh = survivor.records().slice(survivorBefore).map((r) => r.value ?? '');
      assert.deepEqual(sorted(fresh), sorted(second), 'the survivor reads exactly the new messages of all four partitions (nothing re-read)');
      const everything = kcats.flatMap((k) => k.records().map((r) => r.value ?? ''));
      assert.deepEqual(duplicates(everything), []);
      assert.deepEqual(sorted(everything), sorted([...first, ...second]));
      // the survivor commits what it read of all four partitions when it closes
      await survivor.stop();
      assert.deepEqual(await committedOffsets(admin, group, topic), [10, 10, 10, 10]);
    } finally {
      for (const k of kcats) await k.stop();
    }
  });

  it('kafkajs in a child process: killed, its partitions move to the in-process member', async () => {
    const topic = 'shipments';
    const group = 'kafkajs-failover';
    await createTopic(admin, topic, 4);
    const child = startNodeModule(CHILD_CONSUMER, [broker.bootstrap, group, topic, String(SESSION_TIMEOUT_MS)], 60_000);
    let survivor: TrackedConsumer | undefined;
    try {
      await waitFor(() => childLines(child.output().stdout).some((l) => l.join), { timeoutMs: 15_000, what: 'the child to join' });
      survivor = await TrackedConsumer.start(broker.bootstrap, group, 'survivor', [topic], { sessionTimeout: SESSION_TIMEOUT_MS });
      const joins = (): ChildLine[] => childLines(child.output().stdout).filter((l) => l.join);
      const both = await waitForMembers(broker.port, group, topic, 2, (v) => {
        const last = joins().at(-1);
        const mine = v.members.find((m) => m.memberId === survivor!.memberId);
        const theirs = v.members.find((m) => m.memberId === last?.join);
        return mine !== undefined && theirs !== undefined && (mine.assignment[topic] ?? []).length === 2 && (theirs.assignment[topic] ?? []).length === 2
          && JSON.stringify(survivor!.partitions(topic)) === JSON.stringify(mine.assignment[topic]);
      });
      const childMember = both.members.find((m) => m.memberId !== survivor!.memberId)!;
      const childPartitions = childMember.assignment[topic]!;

      const first = await producePerPartition(producer, topic, 4, 5, 'before');
      const childMessages = (): ChildLine[] => childLines(child.output().stdout).filter((l) => l.value !== undefined);
      await waitFor(() => childMessages().length + survivor!.consumed.length >= first.length, { timeoutMs: 15_000, what: 'the first messages to be read' });
      await waitForCommittedToEnd(admin, group, topic);
      assert.ok(childMessages().every((m) => childPartitions.includes(m.partition!)));
      const mark = survivor.consumed.length;

      const killedAt = Date.now();
      process.kill(child.child.pid!, 'SIGKILL');
      await child.exited;
      await waitForMembers(broker.port, group, topic, 1, (v) => v.members[0]!.memberId === survivor!.memberId && (v.members[0]!.assignment[topic] ?? []).length === 4, 15_000);
      const movedAfterMs = Date.now() - killedAt;
      assert.ok(movedAfterMs >= SESSION_TIMEOUT_MS - 500, `partitions moved after ${movedAfterMs} ms, not before the session timed out`);
      await waitFor(() => survivor!.partitions(topic).length === 4, { timeoutMs: 10_000, what: 'the survivor to see all four partitions' });

      const second = await producePerPartition(producer, topic, 4, 5, 'after');
      await waitFor(() => survivor!.consumed.length >= mark + second.length, { timeoutMs: 15_000, what: 'the survivor to read every new message' });
      await waitForCommittedToEnd(admin, group, topic);
      assert.deepEqual(sorted(survivor.values(topic).slice(mark)), sorted(second), 'the survivor reads exactly the new messages (nothing re-read from the dead member\'s partitions)');
      const everything = [...childMessages().map((m) => m.value!), ...survivor.values(topic)];
      assert.deepEqual(duplicates(everything), []);
      assert.deepEqual(sorted(everything), sorted([...first, ...second]));
    } finally {
      await child.stop();
      await stopAll([survivor]);
    }
  });
});
