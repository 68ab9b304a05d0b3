/**
 * The client programs of the seed articles, run against Gregor with only the broker address
 * changed, and their records read back with other clients.
 *
 *   seed 004: kafkajs producer.ts sends "hi there" to quickstart-events
 *   seed 001: kafkajs admin creates `users` with 2 partitions; the producer sends names starting
 *             A-M to partition 0 and N-Z to partition 1
 *   seed 000: the NestJS KafkaProducer's send with a compression codec and acks -1, 1 and 0
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, Kafka, type Message, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMissing } from '../../support/clients/kcat.js';
import { readPartition, RawClient, supportedApis } from '../../support/clients/raw-client.js';
import {
  runNodeScript, SEED_001_BROKER, SEED_001_CREATE_TOPIC_JS, SEED_001_PRODUCER_JS, SEED_004_BROKER,
  SEED_004_PRODUCER_TS, startNodeModule, withBroker,
} from '../../support/clients/seeds.js';
import { waitFor } from '../../support/clients/wait.js';

const kcatProblem = kcatMissing();
// kafkajs 2 warns once per process that its default partitioner changed; nothing here depends on it.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const CREATE_TOPICS = 19;

describe('seed 004: kafkajs producer.ts', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  it('sends "hi there" to quickstart-events, stored at offset 0', async () => {
    const program = startNodeModule(withBroker(SEED_004_PRODUCER_TS, SEED_004_BROKER, broker.bootstrap));
    let contents;
    try {
      // The program connects, sends and stays connected (it never disconnects): wait for the
      // record, then end the program as its user would.
      contents = await waitFor(async () => {
        const c = await readPartition(broker.port, 'quickstart-events', 0).catch(() => undefined);
        return c !== undefined && c.records.length > 0 ? c : undefined;
      }, { timeoutMs: 15_000, intervalMs: 100, what: 'the seed producer\'s record' });
    } finally {
      await program.stop();
    }
    const { stdout, stderr } = program.output();
    assert.doesNotMatch(stdout + stderr, /"level":"ERROR"|Error: /, 'the seed program logged an error');
    assert.deepEqual(contents.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value })), [{ offset: 0, key: null, value: 'hi there' }]);
    assert.equal(contents.highWatermark, 1);
  });

  it('kcat -C reads "hi there" at offset 0', { skip: kcatProblem ?? false }, async () => {
    const records = await kcatConsume(broker.bootstrap, 'quickstart-events', { partition: 0 });
    assert.deepEqual(records.map((r) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value })), [
      { partition: 0, offset: 0, key: null, value: 'hi there' },
    ]);
  });
});

describe('seed 001: kafkajs admin and explicit-partition producer on users', () => {
  let broker: TestBroker;
  let createTopicsMissing: string | undefined;

  before(async () => {
    broker = await startTestBroker();
    if (!(await supportedApis(broker.port)).has(CREATE_TOPICS)) {
      createTopicsMissing = 'the broker does not serve CreateTopics (key 19) yet; users gets its 2 partitions from num.partitions=2 instead';
      await broker.stop();
      broker = await startTestBroker({ 'num.partitions': '2' });
    }
  });
  after(async () => {
    await broker?.stop();
  });

  it('the admin script creates users with 2 partitions', async (t) => {
    if (createTopicsMissing !== undefined) {
      t.skip(createTopicsMissing);
      return;
    }
    const r = await runNodeScript(withBroker(SEED_001_CREATE_TOPIC_JS, SEED_001_BROKER, broker.bootstrap));
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stderr, /something went wrong/);
    assert.match(r.stdout, /topic created successfully/);
    const c = await RawClient.connect(broker.port);
    try {
      const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'users' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const users = md.topics.find((x) => x.name === 'users');
      assert.ok(users, 'users is described');
      assert.equal(users.errorCode, 0);
      assert.deepEqual(users.partitions.map((p) => p.partitionIndex).sort(), [0, 1]);
    } finally {
      c.close();
    }
  });

  const sends: [string, number][] = [['Alice', 0], ['Zed', 1], ['Mallory', 0], ['Nina', 1]];

  it('the producer script sends A-M to partition 0 and N-Z to partition 1', async () => {
    const source = withBroker(SEED_001_PRODUCER_JS, SEED_001_BROKER, broker.bootstrap);
    const perPartition = [0, 0];
    for (const [name, partition] of sends) {
      const r = await runNodeScript(source, [name]);
      assert.equal(r.code, 0);
      assert.doesNotMatch(r.stderr, /something went wrong/, `producing ${name}: ${r.stderr}`);
      const m = /send successfully: (.*)/.exec(r.stdout);
      assert.ok(m, `producing ${name} printed its result: ${r.stdout}`);
      const result = JSON.parse(m[1]!) as { topicName: string; partition: number; errorCode: number; baseOffset: string }[];
      assert.deepEqual(result.map((x) => ({ topicName: x.topicName, partition: x.partition, errorCode: x.errorCode, baseOffset: x.baseOffset })), [
        { topicName: 'users', partition, errorCode: 0, baseOffset: String(perPartition[partition]) },
      ]);
      perPartition[partition]! += 1;
    }
    for (const partition of [0, 1]) {
      const contents = await readPartition(broker.port, 'users', partition);
      assert.deepEqual(contents.records.map((r) => r.value), sends.filter(([, p]) => p === partition).map(([n]) => n));
    }
  });

  it('kcat -C -p reads each name from its partition', { skip: kcatProblem ?? false }, async () => {
    for (const partition of [0, 1]) {
      const records = await kcatConsume(broker.bootstrap, 'users', { partition });
      assert.deepEqual(
        records.map((r) => ({ partition: r.partition, offset: r.offset, value: r.value })),
        sends.filter(([, p]) => p === partition).map(([name], offset) => ({ partition, offset, value: name })),
      );
    }
  });
});

/** Seed 000's producer class (src/kafka/kafka.producer.ts) without its NestJS logger. */
class KafkaProducer {
  private readonly kafka: Kafka;
  private readonly producer: Producer;

  constructor(private readonly broker: string, private readonly topic: string) {
    this.kafka = new Kafka({ brokers: [this.broker] });
    this.producer = this.kafka.producer();
  }

  async produce(message: Message, compression?: CompressionTypes, acks?: number, timeout?: number): Promise<void> {
    await this.producer.send({ topic: this.topic, messages: [message], compression, timeout, acks });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

describe('seed 000: kafkajs send with CompressionTypes.GZIP and acks', () => {
  let broker: TestBroker;
  let producer: KafkaProducer;
  const topic = 'temperature';
  const sent: { key: string; value: string }[] = [];

  before(async () => {
    broker = await startTestBroker();
    producer = new KafkaProducer(broker.bootstrap, topic);
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  for (const acks of [-1, 1, 0]) {
    it(`acks ${acks}: gzip-compressed temperature events are stored compressed and in order`, async () => {
      const firstNew = sent.length;
      for (let i = 0; i < 3; i++) {
        const event = { temperature: 40 + sent.length, timeStamp: new Date(1_735_000_000_000 + sent.length * 1000) };
        const message = { key: `room-${acks}-${i}`, value: JSON.stringify(event) };
        await producer.produce(message, CompressionTypes.GZIP, acks);
        sent.push(message);
      }
      // acks 0 gets no response: wait for the records to appear instead.
      const contents = await waitFor(async () => {
        const c = await readPartition(broker.port, topic, 0);
        return c.highWatermark >= sent.length ? c : undefined;
      }, { timeoutMs: 10_000, what: `${sent.length} records in ${topic}-0` });
      assert.equal(contents.highWatermark, sent.length);
      assert.deepEqual(contents.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value })), sent.map((m, offset) => ({ offset, ...m })));
      const newBatches = contents.batches.filter((b) => b.baseOffset >= firstNew);
      assert.equal(newBatches.length, 3, 'one batch per send');
      assert.deepEqual(newBatches.map((b) => b.codec), [1, 1, 1], 'stored as the producer compressed them (gzip)');
    });
  }

  it('kcat reads back the identical events', { skip: kcatProblem ?? false }, async () => {
    const records = await kcatConsume(broker.bootstrap, topic, { partition: 0 });
    assert.deepEqual(records.map((r) => ({ offset: r.offset, key: r.key, value: r.value })), sent.map((m, offset) => ({ offset, ...m })));
    for (const r of records) {
      const event = JSON.parse(r.value!) as { temperature: number; timeStamp: string };
      assert.equal(typeof event.temperature, 'number');
      assert.ok(!Number.isNaN(Date.parse(event.timeStamp)));
    }
  });
});
