/**
 * Test support: record batches with recognisable contents, and a reader that lists the
 * (offset, value) pairs of a buffer of batches.
 */
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { batchRecords } from '../../src/protocol/records/batch-reader.js';
import { batchesIn } from '../../src/protocol/records/batch-iterator.js';
import type { CompressionType } from '../../src/protocol/compression/index.js';

export interface BatchSpec {
  count?: number;
  valueSize?: number;
  timestamp?: number;
  prefix?: string;
  keys?: (string | null)[];
  values?: (string | null)[];
  compression?: CompressionType;
}

/** A batch of `count` records whose values are `${prefix}-${i}` padded to valueSize. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.values?.length ?? spec.count ?? 1;
  const ts = BigInt(spec.timestamp ?? 1_700_000_000_000);
  const records = Array.from({ length: count }, (_, i) => {
    const given = spec.values?.[i];
    const text = given === undefined ? `${spec.prefix ?? 'v'}-${i}` : given;
    const value = text === null ? null : Buffer.from(text.padEnd(spec.valueSize ?? 0, '.'));
    const key = spec.keys?.[i];
    return { key: key === undefined || key === null ? null : Buffer.from(key), value, timestamp: ts + BigInt(i) };
  });
  return buildRecordBatch(records, spec.compression === undefined ? {} : { compression: spec.compression });
}

export interface ReadRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** Every record in a buffer of whole batches. */
export function recordsIn(buf: Buffer): ReadRecord[] {
  const out: ReadRecord[] = [];
  for (const span of batchesIn(buf)) {
    for (const r of batchRecords(buf, span.start)) {
      out.push({
        offset: Number(r.offset),
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        timestamp: Number(r.timestamp),
      });
    }
  }
  return out;
}

export function baseOffsetsIn(buf: Buffer): number[] {
  return [...batchesIn(buf)].map((s) => Number(buf.readBigInt64BE(s.start)));
}
