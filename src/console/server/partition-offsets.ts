/**
 * Low and high watermarks of many partitions at once, keyed `topic\0partition`, for the pages
 * that show offsets and lag.
 *
 * Contract: stateless over the caller's Admin.
 */
import type { Admin, OffsetSpec, TopicPartition } from '../../client/admin/index.js';

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export async function offsetsOf(admin: Admin, partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (partitions.length === 0) return out;
  const listed = await admin.listOffsets(partitions, spec);
  for (const [topic, byPartition] of listed) for (const [partition, o] of byPartition) out.set(tpKey(topic, partition), o.offset);
  return out;
}

export interface Watermarks {
  low: Map<string, number>;
  high: Map<string, number>;
}

export async function watermarksOf(admin: Admin, partitions: readonly TopicPartition[]): Promise<Watermarks> {
  const [low, high] = await Promise.all([offsetsOf(admin, partitions, 'earliest'), offsetsOf(admin, partitions, 'latest')]);
  return { low, high };
}
