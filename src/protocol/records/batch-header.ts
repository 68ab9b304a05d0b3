/**
 * The header of a record batch, format v2 (magic 2): the fixed 61 bytes in front of every batch.
 *
 *   offset  size  field                  type
 *        0     8  baseOffset             int64   offset of the first record (assigned by the broker)
 *        8     4  batchLength            int32   bytes after this field (49 + records)
 *       12     4  partitionLeaderEpoch   int32   stamped by the broker
 *       16     1  magic                  int8    2
 *       17     4  crc                    uint32  CRC-32C of bytes 21 .. end of the batch
 *       21     2  attributes             int16   bits 0-2 compression, bit 3 timestamp type
 *                                                (1 = LogAppendTime), bit 4 transactional,
 *                                                bit 5 control, bit 6 has delete horizon
 *       23     4  lastOffsetDelta        int32
 *       27     8  baseTimestamp          int64   (the delete horizon when bit 6 is set)
 *       35     8  maxTimestamp           int64
 *       43     8  producerId             int64
 *       51     2  producerEpoch          int16
 *       53     4  baseSequence           int32
 *       57     4  recordCount            int32
 *       61        records (compressed as one block when bits 0-2 are not 0)
 *
 * baseOffset, batchLength and partitionLeaderEpoch sit before the CRC-covered region, so the
 * broker can assign offsets and stamp the leader epoch in place without recomputing the CRC.
 *
 * BatchHeader is a view: it reads fields from the buffer on access and decodes no record, so
 * checking a produced batch costs one small object and the fields actually looked at.
 */
import { crc32c } from '@node-rs/crc32';
import { CompressionType, compressionTypeOf } from '../compression/index.js';
import { DecodeError } from '../wire/decode-error.js';

export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength (or offset + messageSize for legacy messages): 12 bytes before the length-counted part. */
export const LOG_OVERHEAD = 12;
/** batchLength of a batch holding no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;
export const CURRENT_MAGIC = 2;
/** Where the CRC-covered region starts (the attributes field). */
const CRC_START = BatchField.attributes;

export const BatchAttribute = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

export class BatchHeader {
  /** Use readBatchHeader, which checks the header before handing out a view. */
  constructor(
    readonly buf: Buffer,
    readonly start: number,
  ) {}

  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(this.start + BatchField.baseOffset);
  }
  get batchLength(): number {
    return this.buf.readInt32BE(this.start + BatchField.batchLength);
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.start + BatchField.partitionLeaderEpoch);
  }
  get magic(): number {
    return this.buf.readInt8(this.start + BatchField.magic);
  }
  get crc(): number {
    return this.buf.readUInt32BE(this.start + BatchField.crc);
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.start + BatchField.attributes);
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.start + BatchField.lastOffsetDelta);
  }
  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.start + BatchField.baseTimestamp);
  }
  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.start + BatchField.maxTimestamp);
  }
  get producerId(): bigint {
    return this.buf.readBigInt64BE(this.start + BatchField.producerId);
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.start + BatchField.producerEpoch);
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.start + BatchField.baseSequence);
  }
  get recordCount(): number {
    return this.buf.readInt32BE(this.start + BatchField.recordCount);
  }

  get compression(): CompressionType {
    return this.attributes & BatchAttribute.compressionMask;
  }
  get timestampType(): TimestampType {
    return this.attributes & BatchAttribute.logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime;
  }
  get isTransactional(): boolean {
    return (this.attributes & BatchAttribute.transactional) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & BatchAttribute.control) !== 0;
  }
  get hasDeleteHorizon(): boolean {
    return (this.attributes & BatchAttribute.deleteHorizon) !== 0;
  }
  /** Total bytes of the batch, header included. */
  get size(): number {
    return LOG_OVERHEAD + this.batchLength;
  }
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  /** The batch's records region (still compressed when compression is not None). */
  get recordsBytes(): Buffer {
    return this.buf.subarray(this.start + BATCH_HEADER_SIZE, this.start + this.size);
  }
}

/**
 * A view of the batch starting at `start`, after checking that the whole batch is in the buffer,
 * that its magic is 2, its length at least a header's and its compression codec known.
 */
export function readBatchHeader(buf: Buffer, start = 0): BatchHeader {
  if (start < 0 || buf.length - start < BATCH_HEADER_SIZE) {
    throw new DecodeError('TRUNCATED', `a record batch header needs ${BATCH_HEADER_SIZE} bytes at offset ${start}`);
  }
  const magic = buf.readInt8(start + BatchField.magic);
  if (magic !== CURRENT_MAGIC) throw new DecodeError('INVALID_VALUE', `record batch magic ${magic} is not 2`);
  const batchLength = buf.readInt32BE(start + BatchField.batchLength);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new DecodeError('INVALID_VALUE', `batch length ${batchLength} is shorter than a batch header`);
  }
  if (batchLength > buf.length - start - LOG_OVERHEAD) {
    throw new DecodeError('TRUNCATED', `batch of ${LOG_OVERHEAD + batchLength} bytes at offset ${start} is cut short`);
  }
  compressionTypeOf(buf.readInt16BE(start + BatchField.attributes) & BatchAttribute.compressionMask);
  return new BatchHeader(buf, start);
}

/** CRC-32C of the batch's covered region (attributes to the end of the batch). */
export function computeBatchCrc(buf: Buffer, start = 0): number {
  const end = start + LOG_OVERHEAD + buf.readInt32BE(start + BatchField.batchLength);
  return crc32c(buf.subarray(start + CRC_START, end));
}

export function isBatchCrcValid(buf: Buffer, start = 0): boolean {
  return computeBatchCrc(buf, start) === buf.readUInt32BE(start + BatchField.crc);
}

/** Throws DecodeError('CRC_MISMATCH') when the stored CRC does not match the batch bytes. */
export function verifyBatchCrc(buf: Buffer, start = 0): void {
  const stored = buf.readUInt32BE(start + BatchField.crc);
  const computed = computeBatchCrc(buf, start);
  if (stored !== computed) {
    throw new DecodeError('CRC_MISMATCH', `batch CRC ${hex(stored)} at offset ${start} does not match ${hex(computed)}`);
  }
}

/** Computes the CRC and stores it in the batch. */
export function writeBatchCrc(buf: Buffer, start = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, start), start + BatchField.crc);
}

/** Outside the CRC: the CRC stays valid. */
export function setBaseOffset(buf: Buffer, start: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, start + BatchField.baseOffset);
}

/** Outside the CRC: the CRC stays valid. */
export function setPartitionLeaderEpoch(buf: Buffer, start: number, epoch: number): void {
  buf.writeInt32BE(epoch, start + BatchField.partitionLeaderEpoch);
}

/**
 * Marks the batch as LogAppendTime with the broker's timestamp as maxTimestamp (which readers
 * then report for every record), and recomputes the CRC.
 */
export function setLogAppendTime(buf: Buffer, start: number, timestamp: bigint): void {
  const attributes = buf.readInt16BE(start + BatchField.attributes) | BatchAttribute.logAppendTime;
  buf.writeInt16BE(attributes, start + BatchField.attributes);
  buf.writeBigInt64BE(timestamp, start + BatchField.maxTimestamp);
  writeBatchCrc(buf, start);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
