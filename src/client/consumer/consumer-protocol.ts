/**
 * The "consumer" embedded protocol: what members of a consumer group put in JoinGroup's
 * protocol metadata (a Subscription) and what the leader hands out through SyncGroup (an
 * Assignment). Both are classic (non-flexible) Kafka encodings:
 *
 *   Subscription
 *     version           int16
 *     topics            [string]
 *     userData          nullable bytes
 *     ownedPartitions   [topic string, partitions [int32]]   v1+
 *     generationId      int32 (default -1)                   v2+
 *     rackId            nullable string                      v3+
 *
 *   Assignment
 *     version           int16
 *     assignedPartitions [topic string, partitions [int32]]
 *     userData          nullable bytes
 *
 * Readers accept any version >= 0 and read the fields they know, ignoring what follows, as
 * Kafka's clients do. Optional trailing fields that are absent (some clients write a version
 * without its fields) read as their defaults. Gregor writes Subscription v1 and Assignment v0.
 */
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';
import { ClientError } from '../client-error.js';
import { groupByTopic, type TopicPartition } from './types.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
export const SUBSCRIPTION_VERSION = 1;
export const ASSIGNMENT_VERSION = 0;

export interface Subscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartition[];
  /** The generation the owned partitions belong to, -1 when unknown. */
  generationId: number;
  rackId: string | null;
}

export interface Assignment {
  version: number;
  partitions: TopicPartition[];
  userData: Buffer | null;
}

export function encodeSubscription(s: Partial<Subscription> & { topics: string[] }): Buffer {
  const version = s.version ?? SUBSCRIPTION_VERSION;
  const w = new Writer();
  w.int16(version);
  const topics = [...new Set(s.topics)].sort();
  w.arrayLength(topics.length);
  for (const t of topics) w.string(t);
  // An absent userData is written as empty bytes: every client reads that, some do not read null.
  w.bytes(s.userData ?? Buffer.alloc(0));
  if (version >= 1) writeTopicPartitions(w, s.ownedPartitions ?? []);
  if (version >= 2) w.int32(s.generationId ?? -1);
  if (version >= 3) w.nullableString(s.rackId ?? null);
  return w.toBuffer();
}

export function decodeSubscription(buf: Buffer): Subscription {
  return decodeOrThrow('subscription', () => {
    const r = new Reader(buf);
    const version = r.int16();
    if (version < 0) throw new Error(`version ${version}`);
    const n = r.arrayLength(false, 2);
    const topics: string[] = [];
    for (let i = 0; i < n; i++) topics.push(r.string());
    const userData = r.nullableBytes();
    const ownedPartitions = version >= 1 && r.remaining > 0 ? readTopicPartitions(r) : [];
    const generationId = version >= 2 && r.remaining >= 4 ? r.int32() : -1;
    const rackId = version >= 3 && r.remaining >= 2 ? r.nullableString() : null;
    return { version, topics, userData, ownedPartitions, generationId, rackId };
  });
}

export function encodeAssignment(a: Partial<Assignment> & { partitions: TopicPartition[] }): Buffer {
  const w = new Writer();
  w.int16(a.version ?? ASSIGNMENT_VERSION);
  writeTopicPartitions(w, a.partitions);
  w.bytes(a.userData ?? Buffer.alloc(0));
  return w.toBuffer();
}

/** An empty buffer (what a member left out of the leader's SyncGroup gets) is an empty assignment. */
export function decodeAssignment(buf: Buffer): Assignment {
  if (buf.length === 0) return { version: ASSIGNMENT_VERSION, partitions: [], userData: null };
  return decodeOrThrow('assignment', () => {
    const r = new Reader(buf);
    const version = r.int16();
    if (version < 0) throw new Error(`version ${version}`);
    const partitions = readTopicPartitions(r);
    const userData = r.remaining >= 4 ? r.nullableBytes() : null;
    return { version, partitions, userData };
  });
}

function writeTopicPartitions(w: Writer, tps: Iterable<TopicPartition>): void {
  const grouped = groupByTopic(tps);
  w.arrayLength(grouped.length);
  for (const [topic, partitions] of grouped) {
    w.string(topic);
    w.arrayLength(partitions.length);
    for (const p of partitions) w.int32(p);
  }
}

function readTopicPartitions(r: Reader): TopicPartition[] {
  const out: TopicPartition[] = [];
  const n = r.arrayLength(true, 6);
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const count = r.arrayLength(true, 4);
    for (let j = 0; j < count; j++) out.push({ topic, partition: r.int32() });
  }
  return out;
}

function decodeOrThrow<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new ClientError('INVALID_ARGUMENT', `malformed consumer protocol ${what}: ${(e as Error).message}`);
  }
}
