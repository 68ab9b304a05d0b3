/**
 * The consumer group protocol (KIP-848) with a real client that speaks it: librdkafka 2.15
 * through @confluentinc/kafka-javascript, `group.protocol=consumer`. Three members split six
 * partitions; a member leaving and another joining leave the others their partitions; a regex
 * subscription (librdkafka sends it to the broker) picks up a topic created later; a static member
 * that restarts gets its partitions back; commits survive a broker restart and a new member
 * resumes after them. The group is checked to be a consumer-protocol group through
 * ConsumerGroupDescribe, so a fallback to the classic protocol would fail the test.
 *
 * The package builds its bundled librdkafka at install (CKJS_LINKING=dynamic, see .ci/run);
 * where it is not installed the tests skip, saying so, except in CI where that is a failure.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { ApiKey } from '../../src/protocol/generated/api-registry.js';
import { brokerProcess, type BrokerProcess } from '../support/clients/broker-process.js';
import { waitFor } from '../support/clients/wait.js';

type Message = { topic: string; partition: number; value: string };
interface RdConsumer {
  connect(): Promise<void>;
  subscribe(s: { topics: (string | RegExp)[] }): Promise<void>;
  run(o: { eachMessage: (p: { topic: string; partition: number; message: { value: Buffer | null } }) => Promise<void> }): void;
  assignment(): { topic: string; partition: number }[];
  disconnect(): Promise<void>;
}
interface RdKafka {
  consumer(config: Record<string, unknown>): RdConsumer;
  producer(config?: Record<string, unknown>): { connect(): Promise<void>; send(r: unknown): Promise<unknown>; disconnect(): Promise<void> };
  admin(): { connect(): Promise<void>; createTopics(o: unknown): Promise<unknown>; disconnect(): Promise<void> };
}

const require = createRequire(import.meta.url);
let KafkaJS: { Kafka: new (c: unknown) => RdKafka; logLevel: Record<string, number> } | undefined;
let missing: string | undefined;
try {
  KafkaJS = (require('@confluentinc/kafka-javascript') as { KafkaJS: typeof KafkaJS }).KafkaJS;
} catch (e) {
  missing = `@confluentinc/kafka-javascript is not installed (${(e as Error).message.split('\n')[0]}); install it with CKJS_LINKING=dynamic npm ci`;
}
if (missing && process.env.CI) throw new Error(missing);
if (missing) console.log(`# skipping the librdkafka consumer group protocol tests: ${missing}`);

/** A member consuming in the background, recording what it read. */
class Member {
  readonly read: Message[] = [];
  private constructor(readonly name: string, readonly consumer: RdConsumer) {}

  static async start(kafka: RdKafka, group: string, topics: (string | RegExp)[], name: string, extra: Record<string, unknown> = {}): Promise<Member> {
    const consumer = kafka.consumer({ kafkaJS: { groupId: group, fromBeginning: true, autoCommitInterval: 200 }, 'group.protocol': 'consumer', ...extra });
    await consumer.connect();
    await consumer.subscribe({ topics });
    const m = new Member(name, consumer);
    consumer.run({ eachMessage: async ({ topic, partition, message }) => { m.read.push({ topic, partition, value: message.value?.toString() ?? '' }); } });
    return m;
  }

  assigned(): string[] {
    return this.consumer.assignment().map((tp) => `${tp.topic}-${tp.partition}`).sort();
  }

  values(): string[] {
    return this.read.map((r) => r.value);
  }
}

describe('consumer group protocol with librdkafka (group.protocol=consumer)', { skip: missing }, () => {
  let broker: BrokerProcess;
  let kafka: RdKafka;
  let producer: ReturnType<RdKafka['producer']>;
  let admin: ReturnType<RdKafka['admin']>;
  const members: Member[] = [];

  const produce = async (topic: string, partitions: number, each: number, prefix: string): Promise<string[]> => {
    const messages = [];
    for (let p = 0; p < partitions; p++) for (let i = 0; i < each; i++) messages.push({ partition: p, value: `${prefix}-${p}-${i}` });
    const values = messages.map((m) => m.value);
    await producer.send({ topic, messages }); // the client turns the values into Buffers in place
    return values;
  };
  const createTopic = async (topic: string, numPartitions: number): Promise<void> => {
    await admin.createTopics({ topics: [{ topic, numPartitions }] });
  };
  const start = async (group: string, topics: (string | RegExp)[], name: string, extra: Record<string, unknown> = {}): Promise<Member> => {
    const m = await Member.start(kafka, group, topics, name, extra);
    members.push(m);
    return m;
  };
  const stop = async (m: Member): Promise<void> => {
    members.splice(members.indexOf(m), 1);
    await m.consumer.disconnect();
  };
  const cover = async (group: Member[], partitions: number, timeoutMs = 30_000): Promise<void> => {
    await waitFor(() => {
      const all = group.flatMap((m) => m.assigned());
      return all.length === partitions && new Set(all).size === partitions && group.every((m) => m.assigned().length > 0);
    }, { timeoutMs, what: `${group.length} librdkafka members to split ${partitions} partitions` });
  };
  /** The group's type as ConsumerGroupDescribe sees it: its assignor and member count. */
  const describeGroup = async (group: string): Promise<{ errorCode: number; assignorName: string; members: number }> => {
    const client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: 'describe' });
    try {
      const res = await client.send(ApiKey.ConsumerGroupDescribe, { groupIds: [group], includeAuthorizedOperations: false });
      const g = res.groups[0]!;
      return { errorCode: g.errorCode, assignorName: g.assignorName, members: g.members.length };
    } finally {
      client.close();
    }
  };

  before(async () => {
    // its own process: librdkafka's callbacks and the broker do not share an event loop
    broker = await brokerProcess({
      'group.consumer.session.timeout.ms': '10000',
      'group.consumer.min.session.timeout.ms': '1000',
      'group.consumer.heartbeat.interval.ms': '300',
      'group.consumer.min.heartbeat.interval.ms': '100',
    }, 300_000);
    await broker.start();
    kafka = new KafkaJS!.Kafka({ kafkaJS: { brokers: [broker.bootstrap], logLevel: process.env.RD_DEBUG ? KafkaJS!.logLevel.DEBUG : KafkaJS!.logLevel.NOTHING } });
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    await createTopic('six', 6);
  });
  after(async () => {
    for (const m of [...members]) await m.consumer.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.destroy();
  });

  it('three members split six partitions and read every record once', async () => {
    const group = [await start('rd-split', ['six'], 'a'), await start('rd-split', ['six'], 'b'), await start('rd-split', ['six'], 'c')];
    await cover(group, 6);
    assert.deepEqual(group.map((m) => m.assigned().length), [2, 2, 2]);
    const values = await produce('six', 6, 5, 'split');
    await waitFor(() => group.flatMap((m) => m.values()).length >= values.length, { timeoutMs: 20_000, what: 'every record' });
    assert.deepEqual(group.flatMap((m) => m.values()).sort(), [...values].sort());
    assert.deepEqual(await describeGroup('rd-split'), { errorCode: 0, assignorName: 'uniform', members: 3 });
    for (const m of group) await stop(m);
  });

  it('a member leaves and another joins; the others keep their partitions and nothing is lost', async () => {
    const a = await start('rd-churn', ['six'], 'a');
    const b = await start('rd-churn', ['six'], 'b');
    const c = await start('rd-churn', ['six'], 'c');
    await cover([a, b, c], 6);
    const had = { a: a.assigned(), b: b.assigned() };
    await stop(c);
    await cover([a, b], 6);
    assert.ok(had.a.every((tp) => a.assigned().includes(tp)), `a kept ${had.a.join(',')}: ${a.assigned().join(',')}`);
    assert.ok(had.b.every((tp) => b.assigned().includes(tp)), `b kept ${had.b.join(',')}: ${b.assigned().join(',')}`);
    const d = await start('rd-churn', ['six'], 'd');
    await cover([a, b, d], 6);
    assert.deepEqual([a, b, d].map((m) => m.assigned().length), [2, 2, 2]);
    const after = await produce('six', 6, 3, 'churn');
    await waitFor(() => after.every((v) => [a, b, d].some((m) => m.values().includes(v))), { timeoutMs: 20_000, what: 'records after the churn' });
    for (const m of [a, b, d]) await stop(m);
  });

  it('a regex subscription picks up a topic created later', async () => {
    await createTopic('rd-orders-eu', 2);
    const eu = await produce('rd-orders-eu', 2, 2, 'eu');
    const m = await start('rd-regex', [/^rd-orders-.*/], 'regex');
    await waitFor(() => eu.every((v) => m.values().includes(v)), { timeoutMs: 20_000, what: 'rd-orders-eu records' });
    await createTopic('rd-orders-us', 2);
    await createTopic('rd-invoices', 1);
    const us = await produce('rd-orders-us', 2, 2, 'us');
    await produce('rd-invoices', 1, 2, 'inv');
    await waitFor(() => us.every((v) => m.values().includes(v)), { timeoutMs: 30_000, what: 'rd-orders-us records' });
    assert.ok(m.read.every((r) => r.topic.startsWith('rd-orders-')));
    await stop(m);
  });

  it('a static member that restarts gets its partitions back', async () => {
    const s1 = await start('rd-static', ['six'], 's1', { 'group.instance.id': 'rd-1' });
    const s2 = await start('rd-static', ['six'], 's2', { 'group.instance.id': 'rd-2' });
    await cover([s1, s2], 6);
    const had = s1.assigned();
    await stop(s1);
    const again = await start('rd-static', ['six'], 's1-again', { 'group.instance.id': 'rd-1' });
    await waitFor(() => again.assigned().length === had.length, { timeoutMs: 20_000, what: 'the static member to get its partitions back' });
    assert.deepEqual(again.assigned(), had);
    for (const m of [again, s2]) await stop(m);
  });

  it('commits survive a broker restart and a new member resumes after them', async () => {
    await createTopic('rd-resume', 2);
    const first = await produce('rd-resume', 2, 3, 'r1');
    const one = await start('rd-resume', ['rd-resume'], 'one');
    await waitFor(() => first.every((v) => one.values().includes(v)), { timeoutMs: 20_000, what: 'the first batch' });
    await stop(one); // commits on close
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
    await broker.start();
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const second = await produce('rd-resume', 2, 2, 'r2');
    const two = await start('rd-resume', ['rd-resume'], 'two');
    await waitFor(() => second.every((v) => two.values().includes(v)), { timeoutMs: 30_000, what: 'the second batch' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(two.values().sort(), [...second].sort());
    await stop(two);
  });
});
