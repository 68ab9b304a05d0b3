/**
 * Test support: client programs copied from the seed articles (../shared/seeds), kept as source
 * text so that tests run them as their authors wrote them, each in its own node process. The
 * only change a test makes is the broker address (`withBroker`).
 *
 * Seed 004 (ankitavirani.com, "Kafka"): src/producer.ts, which is plain ESM (no type
 * annotations), run with --input-type=module. It never disconnects, so its process keeps running
 * until the test ends it.
 *
 * Seed 001 ("Apache Kafka Crash Course"): the topic-creation and producer scripts (CommonJS),
 * reproduced line for line as the article prints them (the article lost their indentation). The
 * producer takes the message as its first argument and picks partition 0 for A-M, 1 otherwise.
 */
import { projectRoot, run, startBackground, type Background, type RunResult } from './process.js';

export const SEED_004_BROKER = '"localhost:9092"';

export const SEED_004_PRODUCER_TS = `import { Kafka } from "kafkajs";

const kafka = new Kafka({
  clientId: "my-app",
  brokers: ["localhost:9092"]
})

const producer = kafka.producer();

async function main() {
  await producer.connect();
  await producer.send({
    topic: "quickstart-events",
    messages: [{
      value: "hi there"
    }]
  });
}


main();
`;

export const SEED_001_BROKER = `'MacBook-Air.local:9092'`;

export const SEED_001_CREATE_TOPIC_JS = `const { Kafka } = require('kafkajs');
async function run() {
try {
const kafka = new Kafka({
clientId: 'myapp',
brokers: ['MacBook-Air.local:9092'],
});
const admin = kafka.admin();
console.log('connecting...');
await admin.connect();
console.log('connected.');
// A-M, N-Z
await admin.createTopics({
topics: [
{
topic: 'users',
numPartitions: 2,
},
],
});
console.log('topic created successfully');
await admin.disconnect();
} catch (ex) {
console.error(\`something went wrong \${ex}\`);
} finally {
process.exit(0);
}
}
run();
`;

export const SEED_001_PRODUCER_JS = `const { Kafka } = require('kafkajs');
const msg = process.argv[2];
async function run() {
try {
const kafka = new Kafka({
clientId: 'myapp',
brokers: ['MacBook-Air.local:9092'],
});
const producer = kafka.producer();
console.log('connecting...');
await producer.connect();
console.log('connected.');
// A-M 0, N-Z 1
const partition = msg[0] < 'N' ? 0 : 1;
const result = await producer.send({
topic: 'users',
messages: [
{
value: msg,
partition: partition,
},
],
});
console.log(\`send successfully: \${JSON.stringify(result)}\`);
await producer.disconnect();
} catch (ex) {
console.error(\`something went wrong \${ex}\`);
} finally {
process.exit(0);
}
}
run();
`;

/** The source with its one broker address literal replaced (by a literal of the same quoting). */
export function withBroker(source: string, literal: string, bootstrap: string): string {
  const parts = source.split(literal);
  if (parts.length !== 2) throw new Error(`expected the broker address ${literal} exactly once, found it ${parts.length - 1} times`);
  const quote = literal[0]!;
  return parts.join(`${quote}${bootstrap}${quote}`);
}

/** Runs a CommonJS script to completion in a node process rooted at the project (for `kafkajs`). */
export function runNodeScript(source: string, args: readonly string[] = [], timeoutMs = 30_000): Promise<RunResult> {
  return run(process.execPath, ['-', ...args], { input: source, cwd: projectRoot(), timeoutMs });
}

/** Starts an ESM script in a node process that the caller ends with stop(). */
export function startNodeModule(source: string, args: readonly string[] = [], timeoutMs = 30_000): Background {
  return startBackground(process.execPath, ['--input-type=module', '-', ...args], { input: source, cwd: projectRoot(), timeoutMs });
}

/**
 * Seed 002 ("A software engineer's guide to kafka"): the kafka-python producer with a JSON
 * value serializer, as printed (the argument lines sit unindented inside the parentheses).
 */
export const SEED_002_BROKER = `'localhost:9092'`;

export const SEED_002_PRODUCER_PY = `from kafka import KafkaProducer
import json

producer = KafkaProducer(
bootstrap_servers='localhost:9092',
value_serializer=lambda x: json.dumps(x).encode('utf-8')
)

producer.send('my_topic', {'key': 'value'})
producer.close()
`;
