/**
 * Builds a complete v2 record batch (layout in batch-header.ts, records in record.ts).
 *
 * Timestamps are bigint milliseconds, like every int64 in the project. The batch's baseTimestamp
 * is the first record's timestamp (or the delete horizon when one is given), maxTimestamp the
 * largest record timestamp (or the log append time for LogAppendTime batches), and each record
 * stores its timestamp and offset as deltas from the batch's.
 */
import { CompressionType, compress, type CompressionLevels } from '../compression/index.js';
import { EncodeError } from '../wire/decode-error.js';
import { Writer } from '../wire/writer.js';
import {
  BATCH_HEADER_SIZE,
  BatchAttribute,
  BatchField,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  TimestampType,
  writeBatchCrc,
} from './batch-header.js';
import { writeRecord, type RecordHeader } from './record.js';

/** Kafka's "no timestamp", "no producer id", "no sequence" and "no epoch" values. */
export const NO_TIMESTAMP = -1n;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

const NO_HEADERS: readonly RecordHeader[] = [];

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch. */
  timestamp: bigint;
  /** Defaults to the record's index; must increase from record to record. */
  offsetDelta?: number;
}

export interface BatchOptions {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  compression?: CompressionType;
  compressionLevels?: CompressionLevels;
  timestampType?: TimestampType;
  /** For LogAppendTime batches: the broker's time, stored as maxTimestamp. */
  logAppendTime?: bigint;
  /** Sets attribute bit 6 and stores the horizon as baseTimestamp (compacted batches). */
  deleteHorizonMs?: bigint;
  /** Defaults to the last record's offsetDelta; compaction keeps the original after removing records. */
  lastOffsetDelta?: number;
}

interface HeaderValues {
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  lastOffsetDelta: number;
  attributes: number;
  recordCount: number;
}

export function buildRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.deleteHorizonMs ?? records[0]?.timestamp ?? NO_TIMESTAMP;
  const writer = new Writer(Math.min(64 * 1024, BATCH_HEADER_SIZE + 64 * records.length));
  writer.raw(Buffer.alloc(BATCH_HEADER_SIZE));
  const lastOffsetDelta = writeRecords(writer, records, baseTimestamp);
  let batch = writer.toBuffer();
  const compression = options.compression ?? CompressionType.None;
  if (compression !== CompressionType.None) batch = withCompressedRecords(batch, compression, options.compressionLevels);
  writeHeader(batch, options, {
    baseTimestamp,
    maxTimestamp: maxTimestampOf(records, options),
    lastOffsetDelta: options.lastOffsetDelta ?? lastOffsetDelta,
    attributes: attributesOf(options, compression),
    recordCount: records.length,
  });
  writeBatchCrc(batch, 0);
  return batch;
}

/** Writes the records and returns the last offsetDelta (-1 when there is none). */
function writeRecords(writer: Writer, records: readonly RecordInput[], baseTimestamp: bigint): number {
  let previousDelta = -1;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const offsetDelta = record.offsetDelta ?? i;
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previousDelta || offsetDelta > 0x7fffffff) {
      throw new EncodeError('INVALID_VALUE', `record ${i}: offsetDelta ${offsetDelta} must increase and fit an int32`);
    }
    writeRecord(writer, {
      attributes: 0,
      timestampDelta: record.timestamp - baseTimestamp,
      offsetDelta,
      key: record.key,
      value: record.value,
      headers: record.headers ?? NO_HEADERS,
    });
    previousDelta = offsetDelta;
  }
  return previousDelta;
}

function withCompressedRecords(batch: Buffer, compression: CompressionType, levels?: CompressionLevels): Buffer {
  const compressed = compress(compression, batch.subarray(BATCH_HEADER_SIZE), levels);
  const result = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
  compressed.copy(result, BATCH_HEADER_SIZE);
  return result;
}

function maxTimestampOf(records: readonly RecordInput[], options: BatchOptions): bigint {
  if (options.timestampType === TimestampType.LogAppendTime && options.logAppendTime !== undefined) {
    return options.logAppendTime;
  }
  let max = NO_TIMESTAMP;
  for (const record of records) if (record.timestamp > max) max = record.timestamp;
  return max;
}

function attributesOf(options: BatchOptions, compression: CompressionType): number {
  let attributes: number = compression;
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= BatchAttribute.logAppendTime;
  if (options.isTransactional) attributes |= BatchAttribute.transactional;
  if (options.isControl) attributes |= BatchAttribute.control;
  if (options.deleteHorizonMs !== undefined) attributes |= BatchAttribute.deleteHorizon;
  return attributes;
}

function writeHeader(batch: Buffer, options: BatchOptions, values: HeaderValues): void {
  batch.writeBigInt64BE(options.baseOffset ?? 0n, BatchField.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchField.batchLength);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, BatchField.partitionLeaderEpoch);
  batch.writeInt8(CURRENT_MAGIC, BatchField.magic);
  batch.writeUInt32BE(0, BatchField.crc);
  batch.writeInt16BE(values.attributes, BatchField.attributes);
  batch.writeInt32BE(values.lastOffsetDelta, BatchField.lastOffsetDelta);
  batch.writeBigInt64BE(values.baseTimestamp, BatchField.baseTimestamp);
  batch.writeBigInt64BE(values.maxTimestamp, BatchField.maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? NO_PRODUCER_ID, BatchField.producerId);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, BatchField.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BatchField.baseSequence);
  batch.writeInt32BE(values.recordCount, BatchField.recordCount);
}
