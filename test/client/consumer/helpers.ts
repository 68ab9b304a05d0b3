/**
 * Test support for the consumer tests: a broker allowing short sessions, kafkajs for topics and
 * test data, Gregor consumers tuned for quick rebalances, and a background poll loop that
 * records what a consumer read and which rebalance events it saw.
 */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { Consumer, type ConsumerOptions, type ConsumerRecord, type RebalanceEvent } from '../../../src/client/consumer/index.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { waitFor } from '../../support/clients/wait.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export async function startBroker(): Promise<TestBroker> {
  return startTestBroker({ 'group.min.session.timeout.ms': '1000' });
}

export function quietKafka(bootstrap: string, clientId = 'consumer-test'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 500 } });
}

export async function adminAndProducer(bootstrap: string): Promise<{ admin: Admin; producer: Producer }> {
  const kafka = quietKafka(bootstrap);
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  return { admin, producer };
}

export async function createTopic(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
}

/** Sends `count` messages to each partition, values `${prefix}-p${p}-${i}`; returns the values. */
export async function produce(producer: Producer, topic: string, partitions: number, count: number, prefix: string): Promise<string[]> {
  const messages = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < count; i++) messages.push({ partition: p, value: `${prefix}-p${p}-${i}` });
  await producer.send({ topic, messages, acks: -1 });
  return messages.map((m) => m.value);
}

/** Consumer settings for quick tests: short sessions and waits. */
export const FAST: ConsumerOptions = {
  sessionTimeoutMs: 6000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 150,
  maxWaitMs: 100,
  autoCommitIntervalMs: 500,
  autoOffsetReset: 'earliest',
  retryBackoffMs: 50,
};

export async function newConsumer(bootstrap: string, options: ConsumerOptions, clientId = 'gregor-consumer-test'): Promise<{ consumer: Consumer; client: KafkaClient }> {
  const client = await KafkaClient.connect({ bootstrap: [bootstrap], clientId, retryBackoffMs: 50 });
  return { consumer: new Consumer(client, { ...FAST, ...options }), client };
}

/** Polls until `done(records so far)` holds, or throws after timeoutMs. */
export async function pollUntil(consumer: Consumer, done: (records: ConsumerRecord[]) => boolean, timeoutMs = 10_000, what = 'records'): Promise<ConsumerRecord[]> {
  const records: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(records)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms polling for ${what}; got ${records.length} records`);
    records.push(...await consumer.poll(100));
  }
  return records;
}

/** A consumer polling in the background, recording its records and rebalance events. */
export class Poller {
  readonly records: ConsumerRecord[] = [];
  readonly events: RebalanceEvent[] = [];
  error: unknown;
  private stopping = false;
  private readonly loop: Promise<void>;

  private constructor(readonly consumer: Consumer, readonly client: KafkaClient, readonly name: string) {
    consumer.on('rebalance', (e) => this.events.push(e));
    this.loop = this.run();
  }

  static async start(bootstrap: string, topics: string[], options: ConsumerOptions, name: string): Promise<Poller> {
    const { consumer, client } = await newConsumer(bootstrap, options, name);
    consumer.subscribe(topics);
    return new Poller(consumer, client, name);
  }

  private async run(): Promise<void> {
    for (let i = 0; i < 1_000_000 && !this.stopping; i++) {
      try {
        this.records.push(...await this.consumer.poll(100));
      } catch (e) {
        this.error = e;
        return;
      }
    }
  }

  values(): string[] {
    return this.records.map((r) => r.value?.toString() ?? '');
  }

  /** "partition:offset" of every record read. */
  positions(): string[] {
    return this.records.map((r) => `${r.topic}:${r.partition}:${r.offset}`);
  }

  /** The current assignment as "topic-partition" strings. */
  assigned(): string[] {
    return this.consumer.assignment().map((tp) => `${tp.topic}-${tp.partition}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await this.consumer.close();
    this.client.close();
    if (this.error) throw this.error;
  }
}

export async function stopAll(pollers: Poller[]): Promise<void> {
  await Promise.all(pollers.map((p) => p.stop().catch(() => undefined)));
}

/** Waits until the pollers hold disjoint assignments covering `expected` partitions. */
export async function waitForSplit(pollers: Poller[], expected: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => {
    if (pollers.some((p) => p.error)) throw pollers.find((p) => p.error)!.error;
    const all = pollers.flatMap((p) => p.assigned());
    return all.length === expected && new Set(all).size === expected && pollers.every((p) => p.consumer.generationId === pollers[0]!.consumer.generationId);
  }, { timeoutMs, what: `${pollers.length} consumers to split ${expected} partitions` });
}

export function duplicates(items: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const x of items) (seen.has(x) ? dups : seen).add(x);
  return [...dups];
}

export { waitFor };
