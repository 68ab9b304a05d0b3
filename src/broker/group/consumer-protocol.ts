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
