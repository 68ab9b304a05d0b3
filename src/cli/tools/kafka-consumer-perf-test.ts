/**
 * kafka-consumer-perf-test: reads --messages records from the start of a topic as fast as it can
 * and reports MB/s and records/s in Kafka's format.
 */
import { UsageError } from '../support/options.js';
import { EXIT_OK } from '../support/output.js';
import { withClient } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import { Consumer } from '../../client/consumer/consumer.js';

export const kafkaConsumerPerfTest: Tool = {
  name: 'kafka-consumer-perf-test',
  summary: 'measure consume throughput',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'broker-list', value: 'host:port', doc: 'Older name of --bootstrap-server.' },
    { name: 'topic', value: 'topic', doc: 'The topic to read (required).' },
    { name: 'messages', value: 'n', doc: 'How many records to read (required).' },
    { name: 'group', value: 'id', doc: 'Consumer group (default perf-consumer-<random>).' },
    { name: 'timeout', value: 'ms', doc: 'Give up after this long without a record (default 10000).' },
    { name: 'show-detailed-stats', doc: 'Accepted for compatibility.' },
    { name: 'json', doc: 'Print the result as JSON.' },
  ],
  examples: ['kafka-consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 100000'],
  async run(o, io) {
    const topic = o.get('topic');
    const wanted = Number(o.get('messages'));
    if (!topic || !Number.isInteger(wanted) || wanted <= 0) throw new UsageError('--topic and a positive --messages are required');
    const timeoutMs = Number(o.get('timeout') ?? 10_000);
    return withClient(bootstrapOf(o), async (kafka) => {
      const consumer = new Consumer(kafka, {
        groupId: o.get('group') ?? `perf-consumer-${Math.floor(Math.random() * 100000)}`,
        autoOffsetReset: 'earliest', enableAutoCommit: false,
      });
      consumer.subscribe([topic]);
      const start = Date.now();
      let count = 0;
      let bytes = 0;
      let idleSince = Date.now();
      while (count < wanted && Date.now() - idleSince < timeoutMs) {
        const records = await consumer.poll(500);
        if (records.length > 0) idleSince = Date.now();
        for (const r of records) {
          count++;
          bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
        }
      }
      const end = Date.now();
      await consumer.close();
      const secs = Math.max(0.001, (end - start) / 1000);
      const mb = bytes / 1048576;
      if (o.has('json')) {
        io.stdout.write(`${JSON.stringify({ messages: count, mb, mbPerSec: mb / secs, messagesPerSec: count / secs, seconds: secs })}\n`);
      } else {
        io.stdout.write('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec\n');
        io.stdout.write(`${new Date(start).toISOString()}, ${new Date(end).toISOString()}, ${mb.toFixed(4)}, ${(mb / secs).toFixed(4)}, ${count}, ${(count / secs).toFixed(4)}\n`);
      }
      return EXIT_OK;
    });
  },
};
