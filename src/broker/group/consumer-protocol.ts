/**
 * Reading the topics out of a consumer's subscription (the metadata a "consumer" protocol member
 * sends in JoinGroup): int16 version, then an array of topic names (int32 count, int16-length
 * strings), then user data and, in later versions, owned partitions. Only the topics are needed,
 * to tell which topics a group is subscribed to (OffsetDelete, offset expiry). The encoders write
 * the same formats for consumer-protocol groups described through DescribeGroups.
 */
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';

/** The subscribed topics, or undefined when the bytes are not a consumer subscription. */
export function subscriptionTopics(metadata: Buffer): string[] | undefined {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    if (version < 0) return undefined;
    const n = r.arrayLength(false, 2);
    const topics: string[] = [];
    for (let i = 0; i < n; i++) topics.push(r.string());
    return topics;
  } catch {
    return undefined;
  }
}

/** A version-0 consumer subscription of `topics` (no user data), as DescribeGroups shows members. */
export function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer(64);
  w.int16(0);
  w.int32(topics.length);
  for (const t of topics) w.string(t);
  w.int32(-1);
  return w.toBuffer();
}

/** A version-0 consumer assignment (no user data). */
export function encodeAssignment(partitions: ReadonlyMap<string, readonly number[]>): Buffer {
  const w = new Writer(64);
  w.int16(0);
  w.int32(partitions.size);
  for (const [topic, ps] of partitions) {
    w.string(topic);
    w.int32(ps.length);
    for (const p of ps) w.int32(p);
  }
  w.int32(-1);
  return w.toBuffer();
}

function readTopicPartitions(r: Reader): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const n = r.arrayLength(false, 2);
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const count = r.arrayLength(false, 4);
    const ps: number[] = [];
    for (let j = 0; j < count; j++) ps.push(r.int32());
    out.set(topic, ps.sort((a, b) => a - b));
  }
  return out;
}

/** The partitions of a consumer assignment, by topic; undefined when the bytes are not one. */
export function assignmentPartitions(assignment: Buffer): Map<string, number[]> | undefined {
  if (assignment.length === 0) return new Map();
  try {
    const r = new Reader(assignment);
    if (r.int16() < 0) return undefined;
    return readTopicPartitions(r);
  } catch {
    return undefined;
  }
}

/** The owned partitions a subscription of version 1 or later reports (empty before v1). */
export function subscriptionOwnedPartitions(metadata: Buffer): Map<string, number[]> {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    const n = r.arrayLength(false, 2);
    for (let i = 0; i < n; i++) r.string();
    r.nullableBytes();
    return version >= 1 ? readTopicPartitions(r) : new Map();
  } catch {
    return new Map();
  }
}
