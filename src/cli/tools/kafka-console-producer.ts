/**
 * kafka-console-producer: every line of standard input becomes a record, as with Kafka's tool:
 * parse.key / key.separator split a key off each line, parse.headers reads headers, acks and
 * compression come from the flags or producer properties.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { keyValues, UsageError } from '../support/options.js';
import { EXIT_OK } from '../support/output.js';
import { withClient } from '../support/connect.js';
import { bool, clientProperties, toolProperties, unescapeSeparator } from '../support/client-properties.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import { Producer } from '../../client/producer/producer.js';

type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

function codecOf(name: string | undefined): Codec {
  const n = (name ?? 'none').toLowerCase();
  if (n === 'none' || n === 'gzip' || n === 'snappy' || n === 'lz4' || n === 'zstd') return n;
  throw new UsageError(`unknown compression codec '${name}'`);
}

function parseHeaders(text: string, delimiter: string, keySeparator: string): [string, string | null][] {
  if (text === '') return [];
  return text.split(delimiter).map((h) => {
    const i = h.indexOf(keySeparator);
    return i < 0 ? [h, null] : [h.slice(0, i), h.slice(i + keySeparator.length)];
  });
}

export const kafkaConsoleProducer: Tool = {
  name: 'kafka-console-producer',
  summary: 'send lines from standard input as records',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'broker-list', value: 'host:port', doc: 'Older name of --bootstrap-server.' },
    { name: 'topic', value: 'topic', doc: 'The topic to write to (required).' },
    { name: 'property', value: 'key=value', repeatable: true, doc: 'parse.key, key.separator (default tab), parse.headers, headers.delimiter, headers.separator, headers.key.separator, ignore.error.' },
    { name: 'producer-property', value: 'key=value', repeatable: true, doc: 'A producer setting (acks, compression.type, linger.ms, batch.size, enable.idempotence).' },
    { name: 'producer.config', value: 'file', doc: 'Producer settings from a properties file.' },
    { name: 'request-required-acks', value: 'acks', doc: 'Acknowledgements: 0, 1, -1 or all (default -1).' },
    { name: 'compression-codec', value: 'none|gzip|snappy|lz4|zstd', defaultWhenBare: 'gzip', doc: 'Compression (gzip when given without a value).' },
    { name: 'sync', doc: 'Send each line on its own and wait for it.' },
    { name: 'partition', value: 'n', doc: 'Write every record to this partition (Gregor extension).' },
    { name: 'timeout', value: 'ms', doc: 'Linger before sending a batch (default 1000 in Kafka; here 5).' },
    { name: 'file', value: 'path', doc: 'Read the lines from this file instead of standard input (Gregor extension).' },
    { name: 'key-separator', value: 'text', doc: 'Split a key off each line at this separator (Gregor extension; same as parse.key=true with key.separator).' },
    { name: 'header', value: 'key=value', repeatable: true, doc: 'Add this header to every record (Gregor extension).' },
    { name: 'acks', value: '0|1|-1|all', doc: 'Same as --request-required-acks (Gregor extension).' },
    { name: 'compression', value: 'none|gzip|snappy|lz4|zstd', doc: 'Same as --compression-codec (Gregor extension).' },
  ],
  examples: [
    'kafka-console-producer.sh --topic quickstart-events --bootstrap-server localhost:9092',
    'kafka-console-producer --broker-list localhost:9092 --topic test',
    "kafka-console-producer --bootstrap-server localhost:9092 --topic users --property parse.key=true --property key.separator=:",
  ],
  async run(o, io) {
    const topic = o.get('topic');
    if (!topic) throw new UsageError('missing required option --topic');
    const props = toolProperties(o);
    const client = clientProperties(o, 'producer-property', 'producer.config');
    const parseKey = bool(props.get('parse.key'), false) || o.has('key-separator');
    const keySeparator = unescapeSeparator(o.get('key-separator') ?? props.get('key.separator') ?? '\t');
    const fixedHeaders = [...keyValues(o.all('header'), '\u0000')];
    const parseHeadersOn = bool(props.get('parse.headers'), false);
    const headersDelimiter = unescapeSeparator(props.get('headers.delimiter') ?? '\t');
    const headersSeparator = unescapeSeparator(props.get('headers.separator') ?? ',');
    const headersKeySeparator = unescapeSeparator(props.get('headers.key.separator') ?? ':');
    const acksText = o.get('request-required-acks') ?? o.get('acks') ?? client.get('acks') ?? '-1';
    const acks = acksText === 'all' ? -1 : Number(acksText);
    if (![0, 1, -1].includes(acks)) throw new UsageError(`acks must be 0, 1, -1 or all, not '${acksText}'`);
    const compression = codecOf(o.get('compression-codec') ?? o.get('compression') ?? client.get('compression.type'));
    const partition = o.has('partition') ? Number(o.get('partition')) : undefined;
    return withClient(bootstrapOf(o), async (kafka) => {
      const producer = new Producer(kafka, {
        acks, compression,
        lingerMs: Number(client.get('linger.ms') ?? o.get('timeout') ?? 5),
        batchSize: Number(client.get('batch.size') ?? 16384),
        idempotent: bool(client.get('enable.idempotence'), false),
      });
      const file = o.get('file');
      const input = file ? createReadStream(file) : io.stdin;
      if (file) await new Promise<void>((resolve, reject) => (input as ReturnType<typeof createReadStream>).once('open', () => resolve()).once('error', (e) => reject(new UsageError(`cannot read ${file}: ${e.message}`))));
      const prompt = io.stdin.isTTY === true && !file;
      const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
      const sends: Promise<unknown>[] = [];
      if (prompt) io.stdout.write('>');
      for await (const raw of lines) {
        let line = raw;
        let headers: [string, string | null][] = [];
        if (parseHeadersOn) {
          const i = line.indexOf(headersDelimiter);
          headers = parseHeaders(i < 0 ? line : line.slice(0, i), headersSeparator, headersKeySeparator);
          line = i < 0 ? '' : line.slice(i + headersDelimiter.length);
        }
        let key: string | null = null;
        if (parseKey) {
          const i = line.indexOf(keySeparator);
          if (i < 0) throw new UsageError(`no key separator '${keySeparator}' in line: ${line}`);
          key = line.slice(0, i);
          line = line.slice(i + keySeparator.length);
        }
        const sent = producer.send(topic, [{ key, value: line, headers: [...fixedHeaders, ...headers.map(([k, v]) => [k, v ?? ''] as [string, string])], partition }]);
        if (o.has('sync')) await sent;
        else sends.push(sent);
        if (prompt) io.stdout.write('>');
      }
      await Promise.all(sends);
      await producer.close();
      return EXIT_OK;
    });
  },
};
