/**
 * Consumer groups with other clients than kafkajs:
 *   - kcat -G (librdkafka's balanced consumer) reads what was produced; its group is listed with
 *     its committed offsets;
 *   - seed 002's kafka-python KafkaConsumer (group_id, enable_auto_commit=True) reads my_topic and,
 *     once closed, has committed the end of the topic;
 *   - confluent-kafka with partition.assignment.strategy=cooperative-sticky: a second consumer
 *     joins while the first is consuming; the first gives up only the partitions that move
 *     (incremental rebalancing), and every message is consumed exactly once;
 *   - static membership (group.instance.id) with confluent-kafka: a member that restarts within its
 *     session timeout gets its assignment back without a rebalance (same generation, the other
 *     member untouched).
 * Each part is skipped, with the reason printed, when its client is missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatMissing } from '../../support/clients/kcat.js';
import { kafkaPython, PYTHON } from '../../support/clients/python.js';
import { confluentKafkaForGroups, startStoppablePython } from '../../support/clients/group-python.js';
import { run } from '../../support/clients/process.js';
import { RawClient } from '../../support/clients/raw-client.js';
import { SEED_002_BROKER, SEED_002_PRODUCER_PY, withBroker } from '../../support/clients/seeds.js';
import { SEED_002_CONSUMER_BROKER, SEED_002_CONSUMER_PY, seed002ConsumerPreamble, seed002Printed } from '../../support/clients/group-seeds.js';
import {
  GROUP_TEST_BROKER_OVERRIDES, committedOffsets, connectedAdmin, connectedProducer, createTopic, describeGroup, duplicates, endOffsets,
  producePerPartition, sorted, startKcatGroupConsumer, waitForCommittedToEnd,
} from '../../support/clients/groups.js';
import { waitFor } from '../../support/clients/wait.js';

const kcatProblem = kcatMissing();
const kafkaPythonProbe = await kafkaPython();
const kafkaPythonProblem = typeof kafkaPythonProbe === 'string' ? kafkaPythonProbe : undefined;
const confluentProbe = await confluentKafkaForGroups();
const confluentProblem = typeof confluentProbe === 'string' ? confluentProbe : undefined;
for (const [what, why] of [['kcat', kcatProblem], ['kafka-python', kafkaPythonProblem], ['confluent-kafka', confluentProblem]]) {
  if (why) console.log(`# skipping the ${what} group tests: ${why}`);
}

const ErrorNone = 0;

describe('consumer groups with kcat, kafka-python and confluent-kafka', () => {
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

  it('kcat -G reads every message; its group is listed with committed offsets at the end', { skip: kcatProblem ?? false }, async () => {
    const topic = 'kcat-events';
    const group = 'kcat-readers';
    await createTopic(admin, topic, 3);
    const values = await producePerPartition(producer, topic, 3, 7, 'kcat');
    // -e: kcat exits once it has reached the end of every assigned partition, closing its
    // consumer, which commits what it read
    const kcat = startKcatGroupConsumer(broker.bootstrap, group, [topic], {}, { exitAtEnd: true, timeoutMs: 30_000 });
    const exit = await kcat.background.exited;
    assert.equal(exit.code, 0, kcat.stderr());
    const records = kcat.records();
    assert.deepEqual(sorted(records.map((r) => r.value ?? '')), sorted(values));
    assert.deepEqual(duplicates(records.map((r) => `${r.partition}@${r.offset}`)), []);
    assert.match(kcat.stderr(), /Group kcat-readers rebalanced .*assigned: kcat-events \[0\], kcat-events \[1\], kcat-events \[2\]/);

    const listed = await admin.listGroups();
    assert.deepEqual(listed.groups.filter((g) => g.groupId === group), [{ groupId: group, protocolType: 'consumer' }]);
    assert.deepEqual(await committedOffsets(admin, group, topic), [7, 7, 7]);
    assert.deepEqual(await committedOffsets(admin, group, topic), await endOffsets(admin, topic));
    const view = await describeGroup(broker.port, group);
    assert.equal(view.state, 'Empty', 'kcat left the group when it closed');
  });

  it('seed 002: kafka-python KafkaConsumer (group_id, enable_auto_commit=True) reads my_topic and commits its end on close', { skip: kafkaPythonProblem ?? false }, async () => {
    // the seed's producer as written, twice ({'key': 'value'}), then more JSON values
    for (let i = 0; i < 2; i++) {
      const r = await run(PYTHON, ['-'], { input: withBroker(SEED_002_PRODUCER_PY, SEED_002_BROKER, broker.bootstrap), timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
    }
    const more = Array.from({ length: 8 }, (_, i) => ({ value: JSON.stringify({ order: i, amount: 10 * i }) }));
    await producer.send({ topic: 'my_topic', messages: more, acks: -1 });
    const end = await endOffsets(admin, 'my_topic');
    assert.deepEqual(end, [10]);

    const program = seed002ConsumerPreamble(2500) + withBroker(SEED_002_CONSUMER_PY, SEED_002_CONSUMER_BROKER, broker.bootstrap);
    const r = await run(PYTHON, ['-'], { input: program, timeoutMs: 40_000 });
    assert.equal(r.code, 0, r.stderr);
    const printed = seed002Printed(r.stdout);
    assert.deepEqual(printed.map((m) => m.offset), Array.from({ length: 10 }, (_, i) => i), r.stdout);
    assert.ok(printed.every((m) => m.topic === 'my_topic' && m.partition === 0));
    assert.deepEqual(printed.map((m) => m.value), [
      "{'key': 'value'}", "{'key': 'value'}",
      ...Array.from({ length: 8 }, (_, i) => `{'order': ${i}, 'amount': ${10 * i}}`),
    ]);
    assert.deepEqual(await committedOffsets(admin, 'my_group', 'my_topic'), end, 'after close, my_group has committed the end of my_topic');
    assert.equal((await describeGroup(broker.port, 'my_group')).state, 'Empty', 'the consumer left my_group when it closed');

    // run again: everything is committed, so it reads nothing
    const again = await run(PYTHON, ['-'], { input: program, timeoutMs: 40_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(seed002Printed(again.stdout), [], 'a second run resumes at the end and reads nothing');
  });

  it('confluent-kafka cooperative-sticky: a second consumer joins while the first consumes; only moved partitions are revoked', { skip: confluentProblem ?? false }, async () => {
    const topic = 'coop-events';
    const group = 'coop-group';
    await createTopic(admin, topic, 4);
    type Line = { ev: string; who: string; partitions?: number[]; partition?: number; offset?: number; value?: string };
    const py = startStoppablePython<Line>(COOPERATIVE_SCRIPT, { bootstrap: broker.bootstrap, group, topic, phase1: 200, phase2: 40 }, 60_000);
    try {
      // the script ends by itself once everything is consumed and it was told the broker's view was seen
      const both = await waitFor(async () => {
        const v = await describeGroup(broker.port, group);
        const owned = v.members.map((m) => (m.assignment[topic] ?? []).length);
        return v.state === 'Stable' && v.members.length === 2 && owned.every((n) => n > 0) ? v : undefined;
      }, { timeoutMs: 30_000, intervalMs: 50, what: 'coop-group to be Stable with two members owning partitions' });
      assert.equal(both.protocol, 'cooperative-sticky');
      assert.deepEqual(both.members.flatMap((m) => m.assignment[topic] ?? []).sort(), [0, 1, 2, 3]);
      await waitFor(() => py.lines().some((l) => l.ev === 'done'), { timeoutMs: 30_000, what: `the script to consume everything: ${py.stderr()}` });
    } finally {
      const exit = await py.stop();
      assert.equal(exit.code, 0, py.stderr());
    }
    const all = py.lines();
    // up to 'done' (closing the consumers at the end revokes everything)
    const lines = all.slice(0, all.findIndex((l) => l.ev === 'done'));
    const events = (who: string): Line[] => lines.filter((l) => l.who === who && (l.ev === 'assign' || l.ev === 'revoke'));
    const a = events('A');
    const b = events('B');
    // A: everything first; when B joins, A revokes only what moves to B and keeps the rest
    assert.deepEqual(a[0], { ev: 'assign', who: 'A', partitions: [0, 1, 2, 3] }, JSON.stringify(lines.filter((l) => l.ev !== 'message')));
    const revokedFromA = a.filter((e) => e.ev === 'revoke').flatMap((e) => e.partitions!);
    assert.ok(revokedFromA.length > 0 && revokedFromA.length < 4, `A gave up some but not all partitions: ${JSON.stringify(a)}`);
    const assignedToB = b.filter((e) => e.ev === 'assign').flatMap((e) => e.partitions!);
    assert.deepEqual(b.filter((e) => e.ev === 'revoke'), [], 'B loses nothing');
    assert.deepEqual(sorted(assignedToB.map(String)), sorted(revokedFromA.map(String)), 'B gets exactly what A gave up');
    assert.ok(a.filter((e) => e.ev === 'assign').slice(1).every((e) => e.partitions!.length === 0), `A is never re-assigned what it kept (incremental): ${JSON.stringify(a)}`);
    const messages = lines.filter((l) => l.ev === 'message');
    const byA = messages.filter((m) => m.who === 'A');
    const byB = messages.filter((m) => m.who === 'B');
    assert.ok(byB.length > 0, 'B consumed messages');
    assert.ok(byB.every((m) => assignedToB.includes(m.partition!)), 'B reads only its partitions');
    const produced = lines.find((l) => l.ev === 'produced') as unknown as { count: number };
    assert.equal(produced.count, 240);
    assert.deepEqual(duplicates(messages.map((m) => `${m.partition}@${m.offset}`)), [], 'no message is consumed twice');
    assert.equal(messages.length, 240, 'every message is consumed');
    assert.equal(new Set(messages.map((m) => m.value)).size, 240);
    const firstB = messages.findIndex((m) => m.who === 'B');
    assert.ok(byA.length > 0 && messages.slice(0, firstB).some((m) => m.who === 'A'), 'A was consuming before B joined');
    await waitForCommittedToEnd(admin, group, topic);
  });

  it('static membership (group.instance.id): a member restarted within its session timeout gets its partitions back without a rebalance', { skip: confluentProblem ?? false }, async () => {
    const topic = 'static-events';
    const group = 'static-group';
    await createTopic(admin, topic, 4);
    type Line = { ev: string; who: string; partitions?: number[]; partition?: number; offset?: number; value?: string };
    const params = (instance: string): Record<string, unknown> => ({ bootstrap: broker.bootstrap, group, topic, instance, sessionTimeoutMs: 10_000 });
    const a1 = startStoppablePython<Line>(STATIC_SCRIPT, params('static-a'), 60_000);
    const b = startStoppablePython<Line>(STATIC_SCRIPT, params('static-b'), 60_000);
    let a2: ReturnType<typeof startStoppablePython<Line>> | undefined;
    try {
      const stable = await waitFor(async () => {
        const v = await describeGroup(broker.port, group);
        return v.state === 'Stable' && v.members.length === 2 && v.members.every((m) => (m.assignment[topic] ?? []).length === 2) ? v : undefined;
      }, { timeoutMs: 30_000, intervalMs: 50, what: 'static-group to be Stable with both static members' });
      assert.deepEqual(stable.members.map((m) => m.groupInstanceId).sort(), ['static-a', 'static-b']);
      const memberA = stable.members.find((m) => m.groupInstanceId === 'static-a')!;
      const memberB = stable.members.find((m) => m.groupInstanceId === 'static-b')!;
      const rebalanceEvents = (p: typeof b): Line[] => p.lines().filter((l) => l.ev === 'assign' || l.ev === 'revoke');
      // each process has applied the stored assignment (its latest event assigns exactly it)
      await waitFor(() => JSON.stringify(rebalanceEvents(a1).at(-1)?.partitions) === JSON.stringify(memberA.assignment[topic])
        && JSON.stringify(rebalanceEvents(b).at(-1)?.partitions) === JSON.stringify(memberB.assignment[topic]), { timeoutMs: 10_000, what: 'both members to apply their assignment' });
      const bEventsBefore = rebalanceEvents(b).length;
      const generation = await probeGeneration(broker.port, group, memberB.memberId, 'static-b');

      // A closes (a static member sends no LeaveGroup) and a new process with the same
      // group.instance.id starts within the session timeout
      const closed = await a1.stop();
      assert.equal(closed.code, 0, a1.stderr());
      const states = new Set<string>();
      const whileAway = await describeGroup(broker.port, group);
      states.add(whileAway.state);
      assert.equal(whileAway.members.length, 2, 'the static member stays in the group while it is away');
      a2 = startStoppablePython<Line>(STATIC_SCRIPT, params('static-a'), 60_000);
      await waitFor(async () => {
        states.add((await describeGroup(broker.port, group)).state);
        return a2!.lines().some((l) => l.ev === 'assign');
      }, { timeoutMs: 15_000, intervalMs: 50, what: 'the restarted member to get its assignment' });
      const after = await describeGroup(broker.port, group);
      states.add(after.state);

      assert.deepEqual([...states], ['Stable'], 'the group never left Stable');
      assert.deepEqual(a2.lines().find((l) => l.ev === 'assign')?.partitions, memberA.assignment[topic], 'the restarted member gets its old partitions back');
      assert.deepEqual(after.members.map((m) => m.groupInstanceId).sort(), ['static-a', 'static-b']);
      const newA = after.members.find((m) => m.groupInstanceId === 'static-a')!;
      assert.notEqual(newA.memberId, memberA.memberId, 'the returning instance is given a new member id (the old one is fenced)');
      assert.deepEqual(newA.assignment[topic], memberA.assignment[topic]);
      assert.equal(after.members.find((m) => m.groupInstanceId === 'static-b')?.memberId, memberB.memberId, 'the other member is untouched');
      assert.equal(await probeGeneration(broker.port, group, memberB.memberId, 'static-b'), generation, 'same generation: no rebalance');
      assert.equal(rebalanceEvents(b).length, bEventsBefore, `the other member saw no rebalance: ${JSON.stringify(rebalanceEvents(b))}`);

      // both still consume their own partitions
      const values = await producePerPartition(producer, topic, 4, 3, 'static');
      const consumed = (): Line[] => [...a2!.lines(), ...b.lines()].filter((l) => l.ev === 'message');
      await waitFor(() => consumed().length >= values.length, { timeoutMs: 15_000, what: 'both members to consume' });
      assert.deepEqual(sorted(consumed().map((m) => m.value!)), sorted(values));
      assert.ok(a2.lines().filter((l) => l.ev === 'message').every((m) => memberA.assignment[topic]!.includes(m.partition!)));
    } finally {
      for (const p of [a1, b, a2]) if (p) await p.stop();
    }
  });
});

/** The current generation of a group, found with Heartbeats on behalf of a member (NONE only for the current one). */
async function probeGeneration(port: number, groupId: string, memberId: string, groupInstanceId: string): Promise<number> {
  const c = await RawClient.connect(port);
  try {
    for (let generation = 1; generation <= 100; generation++) {
      const r = await c.request(12, 4, { groupId, generationId: generation, memberId, groupInstanceId });
      if (r.errorCode === ErrorNone) return generation;
    }
    throw new Error(`no generation of ${groupId} accepted a heartbeat from ${memberId}`);
  } finally {
    c.close();
  }
}

/**
 * Two cooperative-sticky consumers (A, B) in one thread. A subscribes and starts consuming phase1
 * (produced here); once A has read some of it, B subscribes, and both are polled in turn until all
 * of phase1 and phase2 (produced once both own partitions) are consumed. Prints JSON lines: assign
 * and revoke events (incremental: the partitions added or removed), every message, 'produced' and
 * 'done'; then waits for the stop file and closes both.
 */
const COOPERATIVE_SCRIPT = String.raw`
import json, os, sys, time
from confluent_kafka import Consumer, Producer
p = json.loads(sys.argv[1])
def log(**kw):
    print(json.dumps(kw), flush=True)
owned = {'A': set(), 'B': set()}
def make(name):
    c = Consumer({
        'bootstrap.servers': p['bootstrap'], 'group.id': p['group'], 'client.id': 'coop-' + name,
        'partition.assignment.strategy': 'cooperative-sticky', 'auto.offset.reset': 'earliest',
        'session.timeout.ms': 6000, 'heartbeat.interval.ms': 200, 'fetch.wait.max.ms': 50,
        'enable.auto.commit': True, 'auto.commit.interval.ms': 200,
    })
    def on_assign(consumer, partitions):
        ps = sorted(x.partition for x in partitions)
        owned[name].update(ps)
        log(ev='assign', who=name, partitions=ps)
    def on_revoke(consumer, partitions):
        ps = sorted(x.partition for x in partitions)
        owned[name].difference_update(ps)
        log(ev='revoke', who=name, partitions=ps)
    c.subscribe([p['topic']], on_assign=on_assign, on_revoke=on_revoke)
    return c
producer = Producer({'bootstrap.servers': p['bootstrap'], 'linger.ms': 5})
def produce(prefix, n):
    for i in range(n):
        producer.produce(p['topic'], value=('%s-%d' % (prefix, i)).encode(), partition=i % 4)
    producer.flush(15)
total = p['phase1'] + p['phase2']
seen = 0
def poll(name, c):
    global seen
    m = c.poll(0.05)
    if m is None or m.error():
        return
    seen += 1
    log(ev='message', who=name, partition=m.partition(), offset=m.offset(), value=m.value().decode())
deadline = time.time() + 40
a = make('A')
while len(owned['A']) < 4 and time.time() < deadline:
    a.poll(0.05)
produce('phase1', p['phase1'])
consumers = [('A', a)]
while seen < 20 and time.time() < deadline:
    poll('A', a)
b = make('B')
consumers.append(('B', b))
phase2 = False
while seen < total and time.time() < deadline:
    for name, c in consumers:
        poll(name, c)
    if not phase2 and owned['A'] and owned['B']:
        produce('phase2', p['phase2'])
        phase2 = True
log(ev='produced', count=p['phase1'] + (p['phase2'] if phase2 else 0))
log(ev='done', seen=seen)
while not os.path.exists(p['stopFile']) and time.time() < deadline + 15:
    for name, c in consumers:
        poll(name, c)
for name, c in consumers:
    c.close()
`;

/**
 * One static group member (group.instance.id) that prints its assign/revoke events and messages
 * as JSON lines until the stop file appears, then closes (librdkafka sends no LeaveGroup for a
 * static member, so the broker keeps its place until the session times out).
 */
const STATIC_SCRIPT = String.raw`
import json, os, sys, time
from confluent_kafka import Consumer
p = json.loads(sys.argv[1])
def log(**kw):
    print(json.dumps(kw), flush=True)
who = p['instance']
c = Consumer({
    'bootstrap.servers': p['bootstrap'], 'group.id': p['group'], 'group.instance.id': who, 'client.id': who,
    'session.timeout.ms': p['sessionTimeoutMs'], 'heartbeat.interval.ms': 200, 'fetch.wait.max.ms': 50,
    'auto.offset.reset': 'earliest', 'enable.auto.commit': True, 'auto.commit.interval.ms': 200,
})
c.subscribe([p['topic']],
    on_assign=lambda consumer, ps: log(ev='assign', who=who, partitions=sorted(x.partition for x in ps)),
    on_revoke=lambda consumer, ps: log(ev='revoke', who=who, partitions=sorted(x.partition for x in ps)))
deadline = time.time() + 50
while not os.path.exists(p['stopFile']) and time.time() < deadline:
    m = c.poll(0.05)
    if m is not None and not m.error():
        log(ev='message', who=who, partition=m.partition(), offset=m.offset(), value=m.value().decode())
c.close()
log(ev='closed', who=who)
`;
