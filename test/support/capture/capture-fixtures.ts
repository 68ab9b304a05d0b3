/**
 * Captures request frames from real clients and writes them as protocol fixtures.
 *
 * Run by hand after building (`npx tsc -p tsconfig.json`):
 *
 *   node dist/test/support/capture/capture-fixtures.js
 *
 * It points kafkajs and kcat (librdkafka) at a CaptureServer on 127.0.0.1 and, for each client and
 * API key, writes one request frame (header plus body, no size prefix) to
 * test/fixtures/protocol/<client>/<ApiName>-v<version>.bin, and an index of them all to
 * test/fixtures/protocol/index.json. The frame chosen is the first one that names the fixture
 * topic, or the first one of that API key when none does (so Metadata is the topic lookup rather
 * than kafkajs' initial empty-topic-list refresh).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import kafkajs from 'kafkajs';
import { API_DEFINITIONS, ApiKey, requestHeaderVersion } from '../../../src/protocol/generated/api-registry.js';
import { decodeRequestBody, decodeRequestFrameHeader } from '../../../src/protocol/framing/messages.js';
import type { ProduceRequest } from '../../../src/protocol/generated/messages/ProduceRequest.js';
import { CaptureServer, type CapturedFrame } from './capture-server.js';

const { Kafka, CompressionTypes, logLevel } = kafkajs;

export const FIXTURE_TOPIC = 'fixture-topic';
export const FIXTURE_GROUP = 'fixture-group';
export const KAFKAJS_CLIENT_ID = 'gregor-fixtures';
export const KCAT_CODEC = 'lz4';

const KCAT = '/usr/bin/kcat';
/**
 * The kcat producer's input, `key:value` per line. librdkafka sends a batch uncompressed when
 * compressing would not make it smaller, so the values repeat enough to compress.
 */
export const KCAT_LINES = [1, 2].map((i) => `key-${i}:${`fixture-value-${i} `.repeat(8).trim()}`);
const STEP_TIMEOUT_MS = 20_000;
/** A fixed timestamp for the kafkajs messages, so their record batch is reproducible in shape. */
const MESSAGE_TIMESTAMP = '1700000000000';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const fixturesDir = join(repoRoot, 'test', 'fixtures', 'protocol');

interface Capture {
  client: 'kafkajs' | 'librdkafka';
  /** Which step of the script sent it. */
  step: string;
  frame: CapturedFrame;
}

export interface FixtureIndexEntry {
  file: string;
  client: string;
  step: string;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  headerVersion: number;
  correlationId: number;
  clientId: string | null;
  bytes: number;
  /** Produce only: the record batch's compression codec and record count. */
  compression?: string;
  recordCount?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function captureKafkajs(): Promise<Capture[]> {
  const server = await CaptureServer.start();
  const kafka = new Kafka({
    clientId: KAFKAJS_CLIENT_ID,
    brokers: [server.address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    connectionTimeout: 3000,
    requestTimeout: 5000,
  });
  const out: Capture[] = [];
  const take = (step: string, from: number): void => {
    for (const frame of server.frames.slice(from)) out.push({ client: 'kafkajs', step, frame });
  };
  try {
    const producer = kafka.producer();
    await withTimeout((async () => {
      await producer.connect();
      await producer.send({
        topic: FIXTURE_TOPIC,
        compression: CompressionTypes.GZIP,
        messages: [
          { key: 'key-1', value: 'value-1', headers: { 'fixture-header': 'h1' }, timestamp: MESSAGE_TIMESTAMP },
          { key: 'key-2', value: 'value-2', headers: { 'fixture-header': 'h2' }, timestamp: MESSAGE_TIMESTAMP },
        ],
      });
    })(), STEP_TIMEOUT_MS, 'kafkajs producer');
    await producer.disconnect();
    take('producer', 0);

    const mark = server.frames.length;
    const consumer = kafka.consumer({ groupId: FIXTURE_GROUP, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
    try {
      await withTimeout((async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [FIXTURE_TOPIC], fromBeginning: true });
        await consumer.run({ eachMessage: async () => {} });
        await server.waitFor((f) => f.apiKey === ApiKey.Fetch, STEP_TIMEOUT_MS);
        await sleep(700); // a heartbeat or two
      })(), STEP_TIMEOUT_MS, 'kafkajs consumer');
    } finally {
      await withTimeout(consumer.disconnect(), STEP_TIMEOUT_MS, 'kafkajs consumer disconnect');
    }
    take('consumer', mark);
    return out;
  } finally {
    await server.close();
  }
}

interface KcatRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs kcat against a fresh capture server. `untilFrame`, when given, ends the process (SIGTERM,
 * then SIGKILL) once a matching frame is captured and `settleMs` more have passed.
 */
async function runKcat(
  step: string, args: string[], input: string | null,
  untilFrame?: (f: CapturedFrame) => boolean, settleMs = 0,
): Promise<Capture[]> {
  const server = await CaptureServer.start();
  try {
    const child = spawn(KCAT, ['-b', server.address, '-q', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 16_384) stderr += d;
    });
    const exited = new Promise<KcatRun>((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    });
    if (input !== null) child.stdin.end(input);
    else child.stdin.end();

    const stop = (signal: NodeJS.Signals): void => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, signal);
    };
    let run: KcatRun;
    try {
      if (untilFrame) {
        await server.waitFor(untilFrame, STEP_TIMEOUT_MS);
        await sleep(settleMs);
        stop('SIGTERM');
        const killer = setTimeout(() => stop('SIGKILL'), 5000);
        run = await exited;
        clearTimeout(killer);
      } else {
        run = await withTimeout(exited, STEP_TIMEOUT_MS, `kcat ${step}`);
        if (run.code !== 0) throw new Error(`kcat ${step} exited with ${run.code ?? run.signal}: ${run.stderr}`);
      }
    } catch (err) {
      stop('SIGKILL');
      await exited;
      throw new Error(`kcat ${step}: ${(err as Error).message}; stderr: ${stderr}`);
    }
    return server.frames.map((frame) => ({ client: 'librdkafka' as const, step, frame }));
  } finally {
    await server.close();
  }
}

async function captureKcat(): Promise<Capture[]> {
  const topic = Buffer.from(FIXTURE_TOPIC);
  const produced = await runKcat(
    'producer',
    ['-P', '-t', FIXTURE_TOPIC, '-z', KCAT_CODEC, '-K:', '-H', 'fixture-header=h', '-X', 'linger.ms=50'],
    KCAT_LINES.map((l) => `${l}\n`).join(''),
  );
  const consumed = await runKcat('consumer', ['-C', '-t', FIXTURE_TOPIC, '-o', 'beginning', '-c', '1', '-e'], null);
  const grouped = await runKcat(
    'group', ['-G', FIXTURE_GROUP, FIXTURE_TOPIC], null,
    (f) => f.apiKey === ApiKey.JoinGroup && f.frame.includes(topic), 1500,
  );
  return [...produced, ...consumed, ...grouped];
}

function codecName(attributes: number): string {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'][attributes & 0x07] ?? `unknown(${attributes & 0x07})`;
}

/** The compression codec and record count of the first record batch in a Produce frame. */
function produceBatchSummary(frame: Buffer): { compression: string; recordCount: number } | undefined {
  const { header, body } = decodeRequestFrameHeader(frame);
  const request = decodeRequestBody(header.requestApiKey, header.requestApiVersion, body) as ProduceRequest;
  const batch = request.topicData[0]?.partitionData[0]?.records;
  if (!batch || batch.length < 61 || batch[16] !== 2) return undefined;
  return { compression: codecName(batch.readInt16BE(21)), recordCount: batch.readInt32BE(57) };
}

function selectFixtures(captures: Capture[]): Capture[] {
  const topic = Buffer.from(FIXTURE_TOPIC);
  const chosen = new Map<string, Capture>();
  for (const c of captures) {
    const key = `${c.client}/${c.frame.apiKey}`;
    const current = chosen.get(key);
    if (!current || (!current.frame.frame.includes(topic) && c.frame.frame.includes(topic))) chosen.set(key, c);
  }
  return [...chosen.values()];
}

function writeFixtures(captures: Capture[]): FixtureIndexEntry[] {
  const entries: FixtureIndexEntry[] = [];
  for (const client of ['kafkajs', 'librdkafka']) rmSync(join(fixturesDir, client), { recursive: true, force: true });
  for (const c of selectFixtures(captures)) {
    const { apiKey, apiVersion } = c.frame;
    const apiName = API_DEFINITIONS.get(apiKey)?.name ?? `ApiKey${apiKey}`;
    const file = `${c.client}/${apiName}-v${apiVersion}.bin`;
    mkdirSync(join(fixturesDir, c.client), { recursive: true });
    writeFileSync(join(fixturesDir, file), c.frame.frame);
    const entry: FixtureIndexEntry = {
      file,
      client: c.client,
      step: c.step,
      apiKey,
      apiName,
      apiVersion,
      headerVersion: requestHeaderVersion(apiKey, apiVersion),
      correlationId: c.frame.correlationId,
      clientId: c.frame.clientId,
      bytes: c.frame.frame.length,
    };
    if (apiKey === ApiKey.Produce) Object.assign(entry, produceBatchSummary(c.frame.frame));
    entries.push(entry);
  }
  entries.sort((a, b) => a.client.localeCompare(b.client) || a.apiKey - b.apiKey);
  return entries;
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    process.stderr.write('capture-fixtures: gave up after 120 s\n');
    process.exit(1);
  }, 120_000);
  guard.unref();

  const kafkajsVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'kafkajs', 'package.json'), 'utf8')) as { version: string }).version;
  const kcatBanner = execFileSync(KCAT, ['-V'], { encoding: 'utf8' });
  const kcatVersion = `kcat ${/Version (\S+)/.exec(kcatBanner)?.[1] ?? '?'}, librdkafka ${/librdkafka (\S+)/.exec(kcatBanner)?.[1] ?? '?'}`;

  const captures = [...await captureKafkajs(), ...await captureKcat()];
  const fixtures = writeFixtures(captures);
  const index = {
    description: 'Request frames (header and body, no size prefix) captured from real clients by '
      + 'test/support/capture/capture-fixtures.ts against test/support/capture/capture-server.ts.',
    topic: FIXTURE_TOPIC,
    group: FIXTURE_GROUP,
    clients: {
      kafkajs: { version: kafkajsVersion, clientId: KAFKAJS_CLIENT_ID, produceCompression: 'gzip' },
      librdkafka: { version: kcatVersion, clientId: 'rdkafka', produceCompression: KCAT_CODEC },
    },
    fixtures,
  };
  writeFileSync(join(fixturesDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  for (const f of fixtures) {
    process.stdout.write(`${f.file.padEnd(36)} ${String(f.bytes).padStart(5)} bytes  clientId=${f.clientId}\n`);
  }
  process.stdout.write(`${captures.length} frames captured, ${fixtures.length} fixtures written to ${fixturesDir}\n`);
}

// `node --test dist/test` loads every file under a test directory, this one included: capture only
// when run directly, never under the test runner (which marks its children with NODE_TEST_CONTEXT).
const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly && process.env.NODE_TEST_CONTEXT === undefined) {
  main().catch((err: unknown) => {
    process.stderr.write(`capture-fixtures: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
