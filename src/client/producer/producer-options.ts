/**
 * The producer's options and results, and the codec of each compression name.
 *
 * Contract: types and constants only.
 */
import { CompressionType } from '../../protocol/compression/index.js';
import type { Partitioner } from '../partitioner.js';

/** -1 / 'all', 0 or 1; any other number is refused at construction. */
export type Acks = -1 | 0 | 1 | 'all' | number;
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerOptions {
  /** -1 / 'all' (default): every in-sync replica; 1: the leader; 0: no acknowledgement. */
  acks?: Acks;
  compression?: CompressionName;
  /** How long a batch waits for more records before it is sent (default 5). */
  lingerMs?: number;
  /** A batch is sent once its records reach this many bytes (default 16384). */
  batchSize?: number;
  /** Exactly-once per partition through producer ids and sequence numbers (needs acks -1). */
  idempotent?: boolean;
  /** Delivery timeout of a record, and the Produce request's timeout (default 30000). */
  timeoutMs?: number;
  partitioner?: Partitioner;
  /** Create missing topics through Metadata (default true; the broker decides). */
  allowAutoTopicCreation?: boolean;
  /** First retry backoff (doubles per attempt, capped at 1 s); defaults to the client's. */
  retryBackoffMs?: number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0 (and for duplicates the broker no longer knows the offset of). */
  offset: number;
}

export const COMPRESSION: Record<CompressionName, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

