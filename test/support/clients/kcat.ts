/**
 * Test support: driving kcat (librdkafka's command-line client) as a producer, a group-less
 * consumer and a metadata lister.
 *
 * Produced messages are separated with ASCII record separators (0x1e) and keys from values with
 * unit separators (0x1f), so values may hold newlines and tabs. Consumed messages are read as
 * kcat's JSON envelopes (-J), which carry keys, values and headers as JSON strings.
 */
import { checkOk, executableProblem, run, type RunResult } from './process.js';

export const KCAT = process.env.GREGOR_KCAT ?? '/usr/bin/kcat';

const MESSAGE_DELIMITER = '\x1e';
const KEY_DELIMITER = '\x1f';

/** Why kcat cannot be used here, or undefined when it can. */
export function kcatMissing(): string | undefined {
  const problem = executableProblem(KCAT);
  return problem === undefined ? undefined : `kcat unavailable (${problem}); install kcat or set GREGOR_KCAT`;
}

export interface KcatMessage {
  /** Produced with -K; keyed messages of one call must all have keys (kcat cannot send a null key with -K). */
  key?: string;
  value: string;
}

export interface KcatProduceOptions {
  partition?: number;
  /** -z: gzip, snappy, lz4 or zstd. */
  compression?: string;
  /** -H name=value, the same headers on every message. */
  headers?: readonly (readonly [string, string])[];
  /** Further arguments, e.g. ['-X', 'partitioner=murmur2_random']. */
  extra?: readonly string[];
  timeoutMs?: number;
}

/** Produces messages in order with kcat -P and fails unless every one is delivered. */
export async function kcatProduce(bootstrap: string, topic: string, messages: readonly KcatMessage[], options: KcatProduceOptions = {}): Promise<RunResult> {
  const keyed = messages.some((m) => m.key !== undefined);
  if (keyed && messages.some((m) => m.key === undefined)) throw new Error('kcatProduce: either every message has a key or none does');
  const args = ['-b', bootstrap, '-P', '-t', topic, '-D', '\\x1e'];
  if (keyed) args.push('-K', '\\x1f');
  if (options.partition !== undefined) args.push('-p', String(options.partition));
  if (options.compression !== undefined) args.push('-z', options.compression);
  for (const [k, v] of options.headers ?? []) args.push('-H', `${k}=${v}`);
  // kcat exits with status 1 and prints "Delivery failed" when a message is not delivered in time.
  args.push('-X', 'message.timeout.ms=10000', ...(options.extra ?? []));
  const input = messages.map((m) => (keyed ? `${m.key}${KEY_DELIMITER}` : '') + m.value + MESSAGE_DELIMITER).join('');
  const r = checkOk(`kcat ${args.join(' ')}`, await run(KCAT, args, { input, timeoutMs: options.timeoutMs ?? 20_000 }));
  if (/Delivery failed/i.test(r.stderr)) throw new Error(`kcat reported a delivery failure:\n${r.stderr}`);
  return r;
}

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp: number;
}

export interface KcatConsumeOptions {
  partition?: number;
  /** -o: beginning, end, an absolute offset or -N (N from the end); defaults to beginning. */
  offset?: string;
  /** -c: stop after this many messages. */
  count?: number;
  /** -e (default true): exit once the end of every partition is reached. */
  exitAtEnd?: boolean;
  extra?: readonly string[];
  timeoutMs?: number;
}

interface KcatJson {
  topic: string;
  partition: number;
  offset: number;
  ts: number;
  key: string | null;
  payload: string | null;
  headers?: (string | null)[];
}

/** Consumes with kcat -C (no consumer group) and returns the records in the order printed. */
export async function kcatConsume(bootstrap: string, topic: string, options: KcatConsumeOptions = {}): Promise<KcatRecord[]> {
  const args = ['-b', bootstrap, '-C', '-t', topic, '-J', '-o', options.offset ?? 'beginning'];
  if (options.exitAtEnd ?? true) args.push('-e');
  if (options.partition !== undefined) args.push('-p', String(options.partition));
  if (options.count !== undefined) args.push('-c', String(options.count));
  // librdkafka's fetches wait up to 500 ms for data, and -e needs one empty fetch at the end of
  // each partition; a shorter wait keeps the tests quick without changing what they read.
  args.push('-X', 'fetch.wait.max.ms=50', ...(options.extra ?? []));
  const r = checkOk(`kcat ${args.join(' ')}`, await run(KCAT, args, { timeoutMs: options.timeoutMs ?? 20_000 }));
  return parseKcatJson(r.stdout);
}

export function parseKcatJson(stdout: string): KcatRecord[] {
  const out: KcatRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const j = JSON.parse(line) as KcatJson;
    const headers: [string, string | null][] = [];
    const h = j.headers ?? [];
    for (let i = 0; i + 1 < h.length; i += 2) headers.push([h[i] ?? '', h[i + 1] ?? null]);
    out.push({ topic: j.topic, partition: j.partition, offset: j.offset, key: j.key, value: j.payload, headers, timestamp: j.ts });
  }
  return out;
}

export interface KcatMetadata {
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[]; error?: string }[];
}

/** kcat -L -J: the cluster's brokers and topics (one topic with `topic`). */
export async function kcatMetadata(bootstrap: string, topic?: string, timeoutMs = 15_000): Promise<KcatMetadata> {
  const args = ['-b', bootstrap, '-L', '-J', ...(topic === undefined ? [] : ['-t', topic])];
  const r = checkOk(`kcat ${args.join(' ')}`, await run(KCAT, args, { timeoutMs }));
  return JSON.parse(r.stdout) as KcatMetadata;
}
