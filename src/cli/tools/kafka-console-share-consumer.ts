/**
 * kafka-console-share-consumer: reads a topic as a member of a share group (KIP-932) and prints
 * each record; records are accepted as they are printed (implicit acknowledgement), or released
 * or rejected with --release / --reject (Kafka's tool spells these as a formatter option).
 */
import { UsageError } from '../support/options.js';
import { EXIT_OK } from '../support/output.js';
import { withClient } from '../support/connect.js';
import { bool, toolProperties, unescapeSeparator } from '../support/client-properties.js';
import { ShareConsumer } from '../../client/consumer/share-consumer.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';

export const kafkaConsoleShareConsumer: Tool = {
  name: 'kafka-console-share-consumer',
  summary: 'read a topic as a member of a share group and print the records',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'topic', value: 'topic', doc: 'The topic to read.' },
    { name: 'group', value: 'id', doc: 'The share group (default: console-share-consumer).' },
    { name: 'max-messages', value: 'n', doc: 'Stop after this many records.' },
    { name: 'timeout-ms', value: 'ms', doc: 'Stop when no record arrives for this long.' },
    { name: 'property', value: 'key=value', repeatable: true, doc: 'Formatter settings: print.key, print.partition, print.offset, print.delivery.count, key.separator, line.separator.' },
    { name: 'consumer-property', value: 'key=value', repeatable: true, doc: 'A consumer setting.' },
    { name: 'consumer.config', value: 'file', doc: 'Consumer settings from a properties file.' },
    { name: 'release', doc: 'Release every record instead of accepting it (it is delivered again).' },
    { name: 'reject', doc: 'Reject every record instead of accepting it (it is archived).' },
  ],
  examples: [
    'kafka-console-share-consumer --bootstrap-server localhost:9092 --topic jobs --group workers',
  ],
  async run(o, io) {
    const topic = o.get('topic');
    if (!topic) throw new UsageError('missing required option --topic');
    if (o.has('release') && o.has('reject')) throw new UsageError('--release and --reject exclude each other');
    const props = toolProperties(o);
    const maxMessages = o.has('max-messages') ? Number(o.get('max-messages')) : Infinity;
    const timeoutMs = o.has('timeout-ms') ? Number(o.get('timeout-ms')) : Infinity;
    const keySeparator = unescapeSeparator(props.get('key.separator') ?? '\t');
    const lineSeparator = unescapeSeparator(props.get('line.separator') ?? '\n');
    const kind = o.has('release') ? 'release' : o.has('reject') ? 'reject' : 'accept';
    return withClient(bootstrapOf(o), async (kafka) => {
      const consumer = new ShareConsumer(kafka, { groupId: o.get('group') ?? 'console-share-consumer', acknowledgementMode: kind === 'accept' ? 'implicit' : 'explicit' });
      consumer.subscribe([topic]);
      let stop = false;
      const onSignal = (): void => {
        stop = true;
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let count = 0;
      let lastRecordAt = Date.now();
      try {
        while (!stop && count < maxMessages && Date.now() - lastRecordAt < timeoutMs) {
          const records = await consumer.poll(Math.min(1000, Number.isFinite(timeoutMs) ? timeoutMs : 1000));
          if (records.length > 0) lastRecordAt = Date.now();
          for (const r of records) {
            if (count >= maxMessages) {
              consumer.acknowledge(r, 'release');
              continue;
            }
            const parts: string[] = [];
            if (bool(props.get('print.partition'), false)) parts.push(`Partition:${r.partition}`);
            if (bool(props.get('print.offset'), false)) parts.push(`Offset:${r.offset}`);
            if (bool(props.get('print.delivery.count'), false)) parts.push(`DeliveryCount:${r.deliveryCount}`);
            if (bool(props.get('print.key'), false)) parts.push(r.key?.toString() ?? 'null');
            parts.push(r.value?.toString() ?? 'null');
            io.stdout.write(parts.join(keySeparator) + lineSeparator);
            if (kind !== 'accept') consumer.acknowledge(r, kind);
            count++;
          }
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await consumer.close();
      }
      io.stderr.write(`Processed a total of ${count} messages\n`);
      return EXIT_OK;
    });
  },
};
