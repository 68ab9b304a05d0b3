/**
 * Gregor consumers share groups with other clients through the "range" protocol:
 *
 * - kafkajs: its built-in assigner is named "RoundRobinAssigner", which no Kafka client shares,
 *   so the kafkajs member is given a "range" assigner written here (Kafka's range algorithm over
 *   kafkajs's own encoders). Gregor leads first (kafkajs decodes Gregor's assignment), then,
 *   after Gregor leaves, kafkajs leads and a new Gregor member decodes kafkajs's assignment.
 * - kcat (librdkafka) -G with partition.assignment.strategy=range: librdkafka's own range
 *   implementation, a fully independent one.
 * In both, the split matches Kafka's range order by member id and every message is read once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, type Admin, type Consumer as KafkajsConsumer, type PartitionAssigner, type Producer } from 'kafkajs';
import type { TestBroker } from '../../support/broker.js';
import { KCAT, kcatMissing, parseKcatJson } from '../../support/clients/kcat.js';
import { startBackground, type Background } from '../../support/clients/process.js';
import { Poller, adminAndProducer, createTopic, duplicates, produce, quietKafka, startBroker, stopAll, waitFor } from './helpers.js';

/** Kafka's range assignment for kafkajs: per topic, consecutive ranges over sorted member ids. */
const kafkajsRange: PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  async assign({ members }) {
    const subscriptions = new Map(members.map((m) => [m.memberId, AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []]));
    const result = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
    const topics = [...new Set([...subscriptions.values()].flat())].sort();
    for (const topic of topics) {
      const ids = members.map((m) => m.memberId).filter((id) => subscriptions.get(id)!.includes(topic)).sort();
      const count = cluster.findTopicPartitionMetadata(topic).length;
      const per = Math.floor(count / ids.length);
      const extra = count % ids.length;
      ids.forEach((id, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        if (length > 0) result.get(id)![topic] = Array.from({ length }, (_, k) => start + k);
      });
    }
    return members.map((m) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: result.get(m.memberId)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'range', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

interface KafkajsMember {
  consumer: KafkajsConsumer;
  values: string[];
  positions: string[];
  joins: { memberId: string; leaderId: string; isLeader: boolean; assignment: string[] }[];
}

async function startKafkajs(bootstrap: string, groupId: string, topic: string): Promise<KafkajsMember> {
  const consumer = quietKafka(bootstrap, 'kafkajs-member').consumer({
    groupId, partitionAssigners: [kafkajsRange], sessionTimeout: 6000, rebalanceTimeout: 10_000, heartbeatInterval: 150, maxWaitTimeInMs: 100,
  });
  const member: KafkajsMember = { consumer, values: [], positions: [], joins: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assignment = Object.entries(e.payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)).sort();
    member.joins.push({ memberId: e.payload.memberId, leaderId: e.payload.leaderId, isLeader: e.payload.isLeader, assignment });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: t, partition, message }) => {
      member.values.push(message.value?.toString() ?? '');
      member.positions.push(`${t}:${partition}:${message.offset}`);
    },
  });
  return member;
}

/** The range split of `count` partitions of `topic` over member ids (in sorted order). */
function rangeSplit(topic: string, count: number, memberIds: string[]): Map<string, string[]> {
  const ids = [...memberIds].sort();
  const per = Math.floor(count / ids.length);
  const extra = count % ids.length;
  return new Map(ids.map((id, i) => {
    const start = per * i + Math.min(i, extra);
    return [id, Array.from({ length: per + (i < extra ? 1 : 0) }, (_, k) => `${topic}-${start + k}`)];
  }));
}

describe('consumer interop', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const pollers: Poller[] = [];
  const others: (() => Promise<void>)[] = [];

  before(async () => {
    broker = await startBroker();
    ({ admin, producer } = await adminAndProducer(broker.bootstrap));
    await Promise.all([createTopic(admin, 'shared', 4), createTopic(admin, 'with-kcat', 5)]);
  });
  after(async () => {
    for (const stop of others) await stop().catch(() => undefined);
    await stopAll(pollers);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('a kafkajs member and Gregor members share a group with the range protocol', async () => {
    const produced = await produce(producer, 'shared', 4, 10, 'js1');
    const gregor = await Poller.start(broker.bootstrap, ['shared'], { groupId: 'mixed', assignors: ['range'] }, 'gregor-1');
    pollers.push(gregor);
    await waitFor(() => gregor.assigned().length === 4, { what: 'the Gregor member to lead the group alone' });

    const js = await startKafkajs(broker.bootstrap, 'mixed', 'shared');
    others.push(() => js.consumer.disconnect());
    await waitFor(() => js.joins.length > 0 && gregor.assigned().length === 2, { timeoutMs: 15_000, what: 'the two members to split the topic' });
    const join = js.joins.at(-1)!;
    assert.equal(join.leaderId, gregor.consumer.memberId, 'the Gregor member led (and assigned) the group');
    const expected = rangeSplit('shared', 4, [gregor.consumer.memberId, join.memberId]);
    assert.deepEqual(gregor.assigned(), expected.get(gregor.consumer.memberId));
    assert.deepEqual(join.assignment, expected.get(join.memberId), 'kafkajs decoded the assignment Gregor encoded');

    // Gregor leaves; kafkajs leads; a new Gregor member gets its share from kafkajs's assignment
    await waitFor(() => gregor.records.length + js.values.length >= produced.length, { timeoutMs: 15_000, what: 'the first batch to be read' });
    await gregor.stop();
    await waitFor(() => js.joins.at(-1)!.assignment.length === 4, { timeoutMs: 15_000, what: 'kafkajs to take over' });
    produced.push(...await produce(producer, 'shared', 4, 10, 'js2'));
    const gregor2 = await Poller.start(broker.bootstrap, ['shared'], { groupId: 'mixed', assignors: ['range'] }, 'gregor-2');
    pollers.push(gregor2);
    await waitFor(() => gregor2.assigned().length === 2 && js.joins.at(-1)!.assignment.length === 2, { timeoutMs: 15_000, what: 'kafkajs and the new Gregor member to split the topic' });
    const join2 = js.joins.at(-1)!;
    assert.ok(join2.isLeader, 'kafkajs led (and assigned) the group');
    const expected2 = rangeSplit('shared', 4, [gregor2.consumer.memberId, join2.memberId]);
    assert.deepEqual(gregor2.assigned(), expected2.get(gregor2.consumer.memberId), 'Gregor decoded the assignment kafkajs encoded');

    produced.push(...await produce(producer, 'shared', 4, 10, 'js3'));
    const values = () => [...gregor.values(), ...gregor2.values(), ...js.values];
    await waitFor(() => values().length >= produced.length, { timeoutMs: 15_000, what: 'everything to be read' });
    await gregor2.stop();
    await js.consumer.disconnect();
    assert.deepEqual(duplicates([...gregor.positions(), ...gregor2.positions(), ...js.positions]), []);
    assert.deepEqual(values().sort(), [...produced].sort());
  });

  it('a kcat (librdkafka) member and a Gregor member share a group with the range protocol', { skip: kcatMissing() }, async () => {
    const topic = 'with-kcat';
    const produced = await produce(producer, topic, 5, 6, 'rk');
    const args = ['-b', broker.bootstrap, '-G', 'with-librdkafka', '-J', '-u',
      '-X', 'partition.assignment.strategy=range', '-X', 'auto.offset.reset=earliest',
      '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=200', '-X', 'fetch.wait.max.ms=50', topic];
    const kcat: Background = startBackground(KCAT, args, { timeoutMs: 40_000 });
    others.push(() => kcat.stop());
    const kcatAssignment = (): { memberId: string; partitions: string[] } | undefined => {
      const lines = kcat.output().stderr.split('\n').filter((l) => l.includes('rebalanced'));
      const m = /memberid ([^)]+)\): assigned: (.*)$/.exec(lines.at(-1) ?? '');
      if (!m) return undefined;
      const partitions = [...m[2]!.matchAll(/(\S+) \[(\d+)\]/g)].map((x) => `${x[1]}-${x[2]}`).sort();
      return { memberId: m[1]!, partitions };
    };
    await waitFor(() => kcatAssignment()?.partitions.length === 5, { timeoutMs: 15_000, what: 'kcat to hold the whole topic' });

    const gregor = await Poller.start(broker.bootstrap, [topic], { groupId: 'with-librdkafka', assignors: ['range'] }, 'gregor-k');
    pollers.push(gregor);
    await waitFor(() => {
      const k = kcatAssignment();
      return k !== undefined && k.partitions.length + gregor.assigned().length === 5 && gregor.assigned().length > 0 && k.partitions.length > 0;
    }, { timeoutMs: 15_000, what: 'kcat and Gregor to split the topic' });
    const k = kcatAssignment()!;
    const expected = rangeSplit(topic, 5, [k.memberId, gregor.consumer.memberId]);
    assert.deepEqual(k.partitions, expected.get(k.memberId));
    const mine = expected.get(gregor.consumer.memberId)!;
    assert.deepEqual(gregor.assigned(), mine);

    produced.push(...await produce(producer, topic, 5, 6, 'rk2'));
    const kcatValues = () => parseKcatJson(kcat.output().stdout.slice(0, kcat.output().stdout.lastIndexOf('\n') + 1));
    await waitFor(() => {
      const got = new Set([...gregor.values(), ...kcatValues().map((r) => r.value ?? '')]);
      return produced.every((v) => got.has(v));
    }, { timeoutMs: 15_000, what: 'kcat and Gregor to read everything' });
    await gregor.stop();
    await kcat.stop();
    // Gregor read its own partitions' records once each, and only from its partitions after the split
    assert.deepEqual(duplicates(gregor.positions()), []);
    assert.ok(gregor.records.every((r) => mine.includes(`${r.topic}-${r.partition}`)));
  });
});
