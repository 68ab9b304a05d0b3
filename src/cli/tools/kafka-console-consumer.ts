/**
 * kafka-console-consumer: prints records of a topic, as Kafka's tool does: values one per line,
 * optionally with timestamp, partition, offset, headers and key (--property print.*), from the
 * committed position of --group, from the beginning, or from --offset of a --partition; stops
 * after --max-messages or --timeout-ms without a record, and reports how many it processed.
 */
import { UsageError } from '../support/options.js';
import { EXIT_OK } from '../support/output.js';
import { withClient } from '../support/connect.js';
import { bool, clientProperties, toolProperties, unescapeSeparator } from '../support/client-properties.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import { Consumer } from '../../client/consumer/consumer.js';
import { Admin } from '../../client/admin/admin.js';
import type { ConsumerRecord } from '../../client/consumer/types.js';

interface Format {
  printKey: boolean;
  printValue: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printTimestamp: boolean;
  printHeaders: boolean;
  keySeparator: string;
  lineSeparator: string;
  json: boolean;
}

function formatRecord(r: ConsumerRecord, f: Format): string {
  const text = (b: Buffer | null): string => (b === null ? 'null' : b.toString('utf8'));
  if (f.json) {
    return JSON.stringify({
      topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp,
      key: r.key === null ? null : text(r.key), value: r.value === null ? null : text(r.value),
      headers: Object.fromEntries(r.headers.map(([k, v]) => [k, v === null ? null : text(v)])),
    }) + f.lineSeparator;
  }
  let out = '';
  if (f.printTimestamp) out += `CreateTime:${r.timestamp}\t`;
  if (f.printPartition) out += `Partition:${r.partition}\t`;
  if (f.printOffset) out += `Offset:${r.offset}\t`;
  if (f.printHeaders) out += `${r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map(([k, v]) => `${k}:${text(v)}`).join(',')}\t`;
  if (f.printKey) out += text(r.key) + f.keySeparator;
  if (f.printValue) out += text(r.value);
  return out + f.lineSeparator;
}

export const kafkaConsoleConsumer: Tool = {
  name: 'kafka-console-consumer',
  summary: 'print the records of a topic',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'topic', value: 'topic', doc: 'The topic to read (required).' },
    { name: 'group', value: 'id', doc: 'Consume as a member of this group (committing its position).' },
    { name: 'from-beginning', doc: 'Start at the earliest record when there is no committed position.' },
    { name: 'partition', value: 'n', doc: 'Read only this partition (no group).' },
    { name: 'offset', value: 'earliest|latest|n', doc: 'With --partition: where to start (default latest).' },
    { name: 'max-messages', value: 'n', doc: 'Stop after this many records.' },
    { name: 'timeout-ms', value: 'ms', doc: 'Stop when no record arrived for this long.' },
    { name: 'property', value: 'key=value', repeatable: true, doc: 'print.key, print.value, print.partition, print.offset, print.timestamp, print.headers, key.separator, line.separator.' },
    { name: 'consumer-property', value: 'key=value', repeatable: true, doc: 'A consumer setting (auto.offset.reset, isolation.level, ...).' },
    { name: 'consumer.config', value: 'file', doc: 'Consumer settings from a properties file.' },
    { name: 'isolation-level', value: 'read_committed|read_uncommitted', doc: 'Read only committed transactional records (read_committed).' },
    { name: 'formatter', value: 'class', doc: 'Accepted for compatibility; the default format is used.' },
    { name: 'skip-message-on-error', doc: 'Accepted for compatibility.' },
    { name: 'json', doc: 'Print each record as a JSON object (Gregor extension).' },
    { name: 'format', value: 'value|key-value|json', doc: 'Output format (Gregor extension; key-value prints key, tab, value).' },
    { name: 'timestamp', value: 'ms|ISO time', doc: 'Start every partition at the first record at or after this time (Gregor extension; no group).' },
    { name: 'until-end', doc: 'Stop once every partition has been read to its end (Gregor extension).' },
  ],
  examples: [
    'kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-server localhost:9092',
    'kafka-console-consumer --bootstrap-server localhost:9092 --topic test --group my-group --max-messages 10',
    'kafka-console-consumer --bootstrap-server localhost:9092 --topic users --from-beginning --property print.key=true --property key.separator=:',
  ],
  async run(o, io) {
    const topic = o.get('topic');
    if (!topic) throw new UsageError('missing required option --topic');
    const props = toolProperties(o);
    const client = clientProperties(o, 'consumer-property', 'consumer.config');
    const format: Format = {
      printKey: bool(props.get('print.key'), false),
      printValue: bool(props.get('print.value'), true),
      printPartition: bool(props.get('print.partition'), false),
      printOffset: bool(props.get('print.offset'), false),
      printTimestamp: bool(props.get('print.timestamp'), false),
      printHeaders: bool(props.get('print.headers'), false),
      keySeparator: unescapeSeparator(props.get('key.separator') ?? '\t'),
      lineSeparator: unescapeSeparator(props.get('line.separator') ?? '\n'),
      json: o.has('json') || o.get('format') === 'json',
    };
    if (o.get('format') === 'key-value') format.printKey = true;
    else if (o.has('format') && o.get('format') !== 'value' && o.get('format') !== 'json') throw new UsageError(`--format is value, key-value or json, not '${o.get('format')}'`);
    const maxMessages = o.has('max-messages') ? Number(o.get('max-messages')) : Infinity;
    const timeoutMs = o.has('timeout-ms') ? Number(o.get('timeout-ms')) : Infinity;
    const startAt = o.get('timestamp');
    const startTime = startAt === undefined ? undefined : (/^\d+$/.test(startAt) ? Number(startAt) : Date.parse(startAt));
    if (startTime !== undefined && Number.isNaN(startTime)) throw new UsageError(`--timestamp needs milliseconds or an ISO time, not '${startAt}'`);
    const manual = o.has('partition') || o.has('offset') || startTime !== undefined;
    if (manual && o.has('group')) throw new UsageError('--partition, --offset and --timestamp read without a group; drop --group');
    const isolation = (o.get('isolation-level') ?? client.get('isolation.level') ?? 'read_uncommitted') as 'read_committed' | 'read_uncommitted';
    const reset = o.has('from-beginning') ? 'earliest' : ((client.get('auto.offset.reset') as 'earliest' | 'latest' | undefined) ?? 'latest');
    return withClient(bootstrapOf(o), async (kafka) => {
      const groupId = o.get('group') ?? (manual ? undefined : `console-consumer-${Math.floor(Math.random() * 100000)}`);
      const consumer = new Consumer(kafka, {
        groupId,
        autoOffsetReset: reset,
        enableAutoCommit: o.has('group') ? bool(client.get('enable.auto.commit'), true) : false,
        isolationLevel: isolation,
        // Kafka's consumer settings for the consumer group protocol (KIP-848)
        groupProtocol: client.get('group.protocol')?.toLowerCase() === 'consumer' ? 'consumer' : 'classic',
        ...(client.get('group.remote.assignor') ? { groupRemoteAssignor: client.get('group.remote.assignor')! } : {}),
        ...(client.get('group.instance.id') ? { groupInstanceId: client.get('group.instance.id')! } : {}),
      });
      let stop = false;
      const onSignal = (): void => {
        stop = true;
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let count = 0;
      try {
        if (manual) {
          const partitions = o.has('partition')
            ? [{ topic, partition: Number(o.get('partition')) }]
            : (await kafka.topic(topic, true)).partitions.map((p) => ({ topic, partition: p.partition }));
          consumer.assign(partitions);
          const offset = o.get('offset') ?? (o.has('from-beginning') ? 'earliest' : 'latest');
          if (startTime !== undefined) {
            const found = await new Admin(kafka).listOffsets(partitions, { timestamp: startTime });
            for (const p of partitions) {
              const at = found.get(topic)?.get(p.partition)?.offset ?? -1;
              if (at >= 0) consumer.seek(topic, p.partition, at);
              else await consumer.seekToEnd([p]);
            }
          } else if (offset === 'earliest') await consumer.seekToBeginning(partitions);
          else if (offset === 'latest') await consumer.seekToEnd(partitions);
          else for (const p of partitions) consumer.seek(topic, p.partition, Number(offset));
        } else {
          consumer.subscribe([topic]);
        }
        const atEnd = (): boolean => {
          const assigned = consumer.assignment();
          return assigned.length > 0 && assigned.every((p) => {
            const hw = consumer.highWatermark(p.topic, p.partition);
            const pos = consumer.position(p.topic, p.partition);
            return hw >= 0 && pos !== null && pos >= hw;
          });
        };
        let idleSince = Date.now();
        while (!stop && count < maxMessages && Date.now() - idleSince < timeoutMs) {
          if (o.has('until-end') && atEnd()) break;
          const records = await consumer.poll(Math.min(500, Number.isFinite(timeoutMs) ? timeoutMs : 500));
          if (records.length > 0) idleSince = Date.now();
          for (const r of records) {
            if (count >= maxMessages) break;
            io.stdout.write(formatRecord(r, format));
            count++;
          }
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await consumer.close();
        io.stderr.write(`Processed a total of ${count} messages\n`);
      }
      return EXIT_OK;
    });
  },
};
