/**
 * Test support: the consumer-group programs of the seed articles (../shared/seeds), kept as
 * source text so that tests run them as written; the only change a test makes is the broker
 * address (`withBroker` in seeds.ts).
 *
 * Seed 004 (ankitavirani.com, "Kafka"): src/index.ts (produces "hi there", then consumes
 * quickstart-events in group my-app3), consumer.ts (consumes quickstart-events in group my-app3)
 * and producer-user.ts (sends "hi there" with key user1 to payment-done). All three are plain
 * ESM without type annotations; none disconnects, so their processes run until the test ends them.
 *
 * Seed 002 ("A software engineer's guide to kafka"): the kafka-python KafkaConsumer of my_topic in
 * group my_group with auto-commit and a JSON value deserializer. The article printed the loop body
 * unindented (its indentation was lost); python needs it indented, which is the one change made.
 */
import { projectRoot, startBackground, type Background } from './process.js';

/** Starts a CommonJS script in a node process rooted at the project (for \`kafkajs\`); the caller ends it with stop(). */
export function startNodeScript(source: string, args: readonly string[] = [], timeoutMs = 60_000): Background {
  return startBackground(process.execPath, ['-', ...args], { input: source, cwd: projectRoot(), timeoutMs });
}

export const SEED_004_GROUP_BROKER = '"localhost:9092"';

export const SEED_004_INDEX_TS = `import { Kafka } from "kafkajs";

const kafka = new Kafka({
  clientId: "my-app",
  brokers: ["localhost:9092"]
})

const producer = kafka.producer();

const consumer = kafka.consumer({groupId: "my-app3"});


async function main() {
  await producer.connect();
  await producer.send({
    topic: "quickstart-events",
    messages: [{
      value: "hi there"
    }]
  })

  await consumer.connect();
  await consumer.subscribe({
    topic: "quickstart-events", fromBeginning: true
  })

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      console.log({
        offset: message.offset,
        value: message?.value?.toString(),
      })
    },
  })
}


main();
`;

export const SEED_004_CONSUMER_TS = `import { Kafka } from "kafkajs";

const kafka = new Kafka({
  clientId: "my-app",
  brokers: ["localhost:9092"]
})

const consumer = kafka.consumer({ groupId: "my-app3" });


async function main() {
  await consumer.connect();
  await consumer.subscribe({
    topic: "quickstart-events", fromBeginning: true
  })

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      console.log({
        offset: message.offset,
        value: message?.value?.toString(),
      })
    },
  })
}


main();
`;

export const SEED_004_PRODUCER_USER_TS = `import { Kafka } from "kafkajs";

const kafka = new Kafka({
  clientId: "my-app",
  brokers: ["localhost:9092"]
})

const producer = kafka.producer();

async function main() {
  await producer.connect();
  await producer.send({
    topic: "payment-done",
    messages: [{
      value: "hi there",
      key: "user1"
    }]
  });
}

main();
`;

/** The lines console.log prints for seed 004's `{ offset, value }` objects, as [offset, value]. */
export function seed004Printed(stdout: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /\{\s*offset:\s*'(\d+)',\s*value:\s*'([^']*)'\s*\}/g;
  for (let m = re.exec(stdout), i = 0; m !== null && i < 100_000; m = re.exec(stdout), i++) out.push([m[1]!, m[2]!]);
  return out;
}

export const SEED_002_CONSUMER_BROKER = `'localhost:9092'`;

export const SEED_002_CONSUMER_PY = `from kafka import KafkaConsumer
import json

consumer = KafkaConsumer(
'my_topic',
bootstrap_servers='localhost:9092',
auto_offset_reset='earliest',
enable_auto_commit=True,
group_id='my_group',
value_deserializer=lambda x: json.loads(x.decode('utf-8'))
)

for message in consumer:
    print(f"Topic: {message.topic}, Partition: {message.partition}, Offset: {message.offset}, Value: {message.value}")

consumer.close()
`;

/**
 * Prepended to seed 002's consumer so that its loop ends: the article's `for message in consumer`
 * never stops (consumer_timeout_ms defaults to forever), so `consumer.close()` is never reached.
 * This sets kafka-python's default for consumer_timeout_ms (the program itself does not set it):
 * iteration stops once no message has arrived for `idleMs`, and the program closes its consumer
 * as written. Output is line-buffered so the test sees it as it is printed.
 */
export function seed002ConsumerPreamble(idleMs: number): string {
  return `import sys
sys.stdout.reconfigure(line_buffering=True)
from kafka import KafkaConsumer as _GregorKafkaConsumer
_GregorKafkaConsumer.DEFAULT_CONFIG['consumer_timeout_ms'] = ${Math.trunc(idleMs)}
`;
}

/** seed 002's printed lines as {topic, partition, offset, value}. */
export function seed002Printed(stdout: string): { topic: string; partition: number; offset: number; value: string }[] {
  const out: { topic: string; partition: number; offset: number; value: string }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Topic: (.*), Partition: (\d+), Offset: (\d+), Value: (.*)$/.exec(line);
    if (m) out.push({ topic: m[1]!, partition: Number(m[2]), offset: Number(m[3]), value: m[4]! });
  }
  return out;
}

/**
 * Seed 001 ("Apache Kafka Crash Course"): the kafkajs consumer of `users` in group group-1, line
 * for line as the article prints it (CommonJS; the article lost its indentation). It never
 * disconnects. Its broker address literal is seeds.ts's SEED_001_BROKER.
 */
export const SEED_001_CONSUMER_JS = `const { Kafka } = require('kafkajs');
async function run() {
try {
const kafka = new Kafka({
clientId: 'myapp',
brokers: ['MacBook-Air.local:9092'],
});
const consumer = kafka.consumer({
groupId: 'group-1',
});
console.log('connecting...');
await consumer.connect();
console.log('connected.');
await consumer.subscribe({
topic: 'users',
fromBeginning: true,
});
await consumer.run({
eachMessage: async (result) => {
console.log(
\`Received message \${result.message.value} on partition \${result.partition}\`
);
},
});
} catch (ex) {
console.error(\`something went wrong \${ex}\`);
} finally {
}
}
run();
`;

/** seed 001 consumer's "Received message X on partition P" lines. */
export function seed001Received(stdout: string): { value: string; partition: number }[] {
  const out: { value: string; partition: number }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Received message (.*) on partition (\d+)$/.exec(line);
    if (m) out.push({ value: m[1]!, partition: Number(m[2]) });
  }
  return out;
}
