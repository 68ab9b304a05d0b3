/**
 * Reading the topics out of a consumer's subscription (the metadata a "consumer" protocol member
 * sends in JoinGroup): int16 version, then an array of topic names (int32 count, int16-length
 * strings), then user data and, in later versions, owned partitions. Only the topics are needed,
 * to tell which topics a group is subscribed to (OffsetDelete, offset expiry).
 */
import { Reader } from '../../protocol/wire/reader.js';

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
