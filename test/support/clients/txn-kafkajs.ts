/**
 * Test support for the transaction tests with kafkajs: quiet clients with short retries,
 * transactional producers, and a consumer that reads a topic from the beginning at either
 * isolation level until what it has read satisfies a condition (typically: a sentinel record
 * committed after everything the test wants to look at).
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { waitFor } from './wait.js';

// kafkajs 2 warns once per process that its default partitioner changed; nothing here depends on it.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export function txnKafka(bootstrap: string, clientId = 'gregor-txn-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 6, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** A connected transactional producer (kafkajs initialises its producer id at the first transaction). */
export async function transactionalProducer(kafka: Kafka, transactionalId: string, transactionTimeout = 30_000): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
  await producer.connect();
  return producer;
}

let groupCounter = 0;

export interface ConsumeOptions {
  readUncommitted: boolean;
  /** Stops once the values read so far satisfy this. */
  until: (values: string[]) => boolean;
  timeoutMs?: number;
  groupId?: string;
}

/**
 * Reads `topic` from the beginning with a kafkajs group consumer (a fresh group unless one is
 * given) until `until` holds; returns every value read, in the order delivered.
 */
export async function consumeValues(kafka: Kafka, topic: string, o: ConsumeOptions): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: o.groupId ?? `txn-reader-${process.pid}-${++groupCounter}`,
    readUncommitted: o.readUncommitted,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    retry: { retries: 6, initialRetryTime: 50, maxRetryTime: 500 },
  });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        values.push(message.value === null ? '<null>' : message.value.toString());
      },
    });
    try {
      await waitFor(() => o.until(values), {
        timeoutMs: o.timeoutMs ?? 15_000, intervalMs: 20,
        what: `the ${o.readUncommitted ? 'read_uncommitted' : 'read_committed'} consumer of ${topic}`,
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}; read so far: ${JSON.stringify(values)}`);
    }
    return [...values];
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/** The message of an error and of its causes, for matching client errors. */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur !== undefined && cur !== null; i++) {
    const err = cur as { name?: string; message?: string; type?: string; originalError?: unknown; cause?: unknown };
    parts.push([err.name, err.type, err.message].filter((x) => x !== undefined).join(' '));
    cur = err.originalError ?? err.cause;
  }
  return parts.join(' <- ');
}
