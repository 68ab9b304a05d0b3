/**
 * The producer's view of a record: what callers pass in, and its normalised form (Buffers,
 * header list, bigint timestamp) with an estimate of its encoded size for batch sizing.
 */
import type { RecordInput } from '../../protocol/records/batch-builder.js';
import type { RecordHeader } from '../../protocol/records/record.js';
import { ClientError } from '../client-error.js';

export type HeaderValue = string | Buffer | null;

export interface ProducerRecord {
  /** null or absent: a keyless record (sticky partitioning). */
  key?: string | Buffer | null;
  /** null: a tombstone. */
  value: string | Buffer | null;
  headers?: Record<string, HeaderValue> | readonly (readonly [string, HeaderValue])[];
  /** Send to this partition instead of asking the partitioner. */
  partition?: number;
  /** Milliseconds since the epoch; defaults to now. */
  timestamp?: number;
}

/**
 * Upper bound of a record's framing inside a v2 batch: length, attributes, timestamp and offset
 * deltas, key and value lengths and the header count, each at their widest varint.
 */
const RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
const HEADER_OVERHEAD = 5 + 5;

export function toBuffer(v: string | Buffer | null | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  throw new ClientError('INVALID_ARGUMENT', `${what} must be a string, a Buffer or null`);
}

function toHeaders(headers: ProducerRecord['headers']): RecordHeader[] {
  if (headers === undefined) return [];
  const entries = Array.isArray(headers) ? (headers as readonly (readonly [string, HeaderValue])[]) : Object.entries(headers as Record<string, HeaderValue>);
  return entries.map(([key, value]) => {
    if (typeof key !== 'string') throw new ClientError('INVALID_ARGUMENT', 'header names must be strings');
    return { key, value: toBuffer(value, `header ${key}`) };
  });
}

export interface NormalisedRecord {
  input: RecordInput;
  key: Buffer | null;
  /** Estimated encoded size in bytes (an upper bound). */
  size: number;
}

export function normaliseRecord(r: ProducerRecord, now: number): NormalisedRecord {
  if (r === null || typeof r !== 'object') throw new ClientError('INVALID_ARGUMENT', 'a record must be an object');
  const key = toBuffer(r.key, 'key');
  const value = toBuffer(r.value, 'value');
  const headers = toHeaders(r.headers);
  const timestamp = r.timestamp ?? now;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new ClientError('INVALID_ARGUMENT', `invalid timestamp ${String(r.timestamp)}`);
  let size = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  for (const h of headers) size += HEADER_OVERHEAD + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return { input: { key, value, headers, timestamp: BigInt(timestamp) }, key, size };
}
