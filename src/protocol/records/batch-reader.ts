/**
 * Reads the records of one v2 record batch (layout in batch-header.ts, records in record.ts),
 * decompressing the records region when the batch's attributes name a codec.
 *
 * Each record comes out with its absolute offset (baseOffset + offsetDelta) and timestamp:
 * baseTimestamp + timestampDelta, or the batch's maxTimestamp for every record of a LogAppendTime
 * batch. Keys and values are zero-copy subarrays of the batch (uncompressed batches) or of the
 * decompressed records region. The record count must match the records present exactly.
 */
import { CompressionType, DEFAULT_MAX_DECOMPRESSED_SIZE, decompress } from '../compression/index.js';
import { DecodeError } from '../wire/decode-error.js';
import { Reader } from '../wire/reader.js';
import { BatchHeader, TimestampType, readBatchHeader, verifyBatchCrc } from './batch-header.js';
import { MIN_RECORD_SIZE, readRecord, type RecordHeader } from './record.js';

export interface BatchRecord {
  offset: bigint;
  timestamp: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

export interface ReadBatchOptions {
  /** Check the batch CRC before reading (default true). */
  verifyCrc?: boolean;
  /** Cap on the decompressed records region (default 256 MiB). */
  maxDecompressedSize?: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  records: BatchRecord[];
}

/** Reads the whole batch at `start` (which must hold one complete batch). */
export function readRecordBatch(buf: Buffer, start = 0, options: ReadBatchOptions = {}): DecodedBatch {
  const header = readBatchHeader(buf, start);
  return { header, records: [...recordsOfHeader(header, options)] };
}

/** Yields the records of the batch at `start` one at a time. */
export function batchRecords(buf: Buffer, start = 0, options: ReadBatchOptions = {}): Generator<BatchRecord> {
  return recordsOfHeader(readBatchHeader(buf, start), options);
}

/** The batch's records region, decompressed when needed. */
export function decompressedRecords(header: BatchHeader, maxDecompressedSize = DEFAULT_MAX_DECOMPRESSED_SIZE): Buffer {
  const region = header.recordsBytes;
  if (header.compression === CompressionType.None) return region;
  return decompress(header.compression, region, maxDecompressedSize);
}

export function* recordsOfHeader(header: BatchHeader, options: ReadBatchOptions = {}): Generator<BatchRecord> {
  if (options.verifyCrc ?? true) verifyBatchCrc(header.buf, header.start);
  const bytes = decompressedRecords(header, options.maxDecompressedSize);
  const count = checkedRecordCount(header.recordCount, bytes.length);
  const reader = new Reader(bytes);
  const baseOffset = header.baseOffset;
  const baseTimestamp = header.baseTimestamp;
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null;
  for (let i = 0; i < count; i++) {
    const record = readRecord(reader);
    yield {
      offset: baseOffset + BigInt(record.offsetDelta),
      timestamp: logAppendTime ?? baseTimestamp + record.timestampDelta,
      offsetDelta: record.offsetDelta,
      key: record.key,
      value: record.value,
      headers: record.headers,
    };
  }
  if (reader.remaining !== 0) {
    throw new DecodeError('TRAILING_BYTES', `${reader.remaining} bytes follow the batch's ${count} records`);
  }
}

function checkedRecordCount(count: number, bytes: number): number {
  if (count < 0) throw new DecodeError('INVALID_VALUE', `negative record count ${count}`);
  if (count * MIN_RECORD_SIZE > bytes) {
    throw new DecodeError('COUNT_TOO_LARGE', `${count} records cannot fit in ${bytes} bytes`);
  }
  return count;
}
