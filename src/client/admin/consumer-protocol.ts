/**
 * Decoding the consumer protocol's member metadata (Subscription) and assignment (Assignment),
 * the opaque bytes a "consumer" group carries for each member. Both start with an int16 version
 * followed by the versioned body; a version newer than the schema is read with the newest
 * schema, ignoring what follows (Kafka's ConsumerProtocol does the same).
 */
import { decodeConsumerProtocolAssignment, ConsumerProtocolAssignmentVersions } from '../../protocol/generated/messages/ConsumerProtocolAssignment.js';
import { decodeConsumerProtocolSubscription, ConsumerProtocolSubscriptionVersions } from '../../protocol/generated/messages/ConsumerProtocolSubscription.js';
import { Reader } from '../../protocol/wire/reader.js';

export interface ConsumerAssignment {
  /** Assigned partitions by topic, partitions sorted. */
  partitions: Map<string, number[]>;
  userData: Buffer | null;
}

export interface ConsumerSubscription {
  topics: string[];
  userData: Buffer | null;
}

function readVersioned<T>(bytes: Buffer, max: number, decode: (r: Reader, v: number) => T): T {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version < 0) throw new RangeError(`negative consumer protocol version ${version}`);
  return decode(r, Math.min(version, max));
}

/** The decoded assignment, or null when `bytes` is empty (no assignment yet) or malformed. */
export function decodeConsumerAssignment(bytes: Buffer): ConsumerAssignment | null {
  if (bytes.length === 0) return null;
  try {
    const a = readVersioned(bytes, ConsumerProtocolAssignmentVersions.max, decodeConsumerProtocolAssignment);
    const partitions = new Map<string, number[]>();
    for (const tp of a.assignedPartitions) {
      partitions.set(tp.topic, [...(partitions.get(tp.topic) ?? []), ...tp.partitions].sort((x, y) => x - y));
    }
    return { partitions, userData: a.userData };
  } catch {
    return null;
  }
}

/** The decoded subscription, or null when `bytes` is empty or malformed. */
export function decodeConsumerSubscription(bytes: Buffer): ConsumerSubscription | null {
  if (bytes.length === 0) return null;
  try {
    const s = readVersioned(bytes, ConsumerProtocolSubscriptionVersions.max, decodeConsumerProtocolSubscription);
    return { topics: s.topics, userData: s.userData };
  } catch {
    return null;
  }
}
