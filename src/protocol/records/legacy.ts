/**
 * Legacy message sets, magic 0 (clients before Kafka 0.10) and magic 1 (0.10 to 0.11). A set is
 * a sequence of entries:
 *
 *   offset       int64
 *   messageSize  int32   bytes that follow
 *   crc          uint32  CRC-32 (IEEE) of magic .. end of the message
 *   magic        int8    0 or 1
 *   attributes   int8    bits 0-2 compression; magic 1: bit 3 timestamp type (1 = LogAppendTime)
 *   timestamp    int64   magic 1 only
 *   key          int32 length (-1 = null), bytes
 *   value        int32 length (-1 = null), bytes
 *
 * A compressed message (a "wrapper") has a null key and, as its compressed value, an inner
 * message set of uncompressed messages of the same magic (one level only, as in Kafka). The
 * wrapper's offset is the last inner message's offset. Magic 1 inner offsets are relative:
 * absolute = wrapperOffset - lastInnerOffset + innerOffset; magic 0 inner offsets are used as is.
 * In a magic 1 LogAppendTime wrapper every inner message takes the wrapper's timestamp.
 *
 * Zstd does not exist before magic 2. Magic 0 LZ4 carries Kafka's broken frame descriptor
 * checksum (see compression/lz4.ts): it is written that way and not checked on read.
 */
import { crc32 } from '@node-rs/crc32';
import {
  CompressionType,
  DEFAULT_MAX_DECOMPRESSED_SIZE,
  compress,
  compressLz4,
  compressionTypeOf,
  decompress,
  decompressLz4,
} from '../compression/index.js';
import { DecodeError, EncodeError } from '../wire/decode-error.js';
import { Reader } from '../wire/reader.js';
import { LOG_OVERHEAD, TimestampType } from './batch-header.js';
import { NO_TIMESTAMP } from './batch-builder.js';
import { batchesIn } from './batch-iterator.js';

export type LegacyMagic = 0 | 1;

export interface LegacyMessage {
  offset: bigint;
  magic: LegacyMagic;
  /** -1n for magic 0, which has no timestamps. */
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
}

export interface ReadLegacyOptions {
  /** Check every message's CRC (default true). */
  verifyCrc?: boolean;
  /** Cap on each wrapper's decompressed inner message set (default 256 MiB). */
  maxDecompressedSize?: number;
  /** Ignore a partial message at the end (Fetch responses) instead of throwing TRUNCATED. */
  allowPartialTrailing?: boolean;
}

export interface LegacyMessageInput {
  offset: bigint;
  timestamp?: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface BuildLegacyOptions {
  magic: LegacyMagic;
  compression?: CompressionType;
  /** Magic 1 only. */
  timestampType?: TimestampType;
  /** Magic 1 LogAppendTime: the broker's timestamp (defaults to the largest message timestamp). */
  logAppendTime?: bigint;
}

const CRC_START = 16;
const TIMESTAMP_TYPE_BIT = 0x08;

interface RawMessage extends LegacyMessage {
  compression: CompressionType;
}

/** Reads a message set, expanding compressed wrappers into their inner messages. */
export function readLegacyMessageSet(buf: Buffer, options: ReadLegacyOptions = {}): LegacyMessage[] {
  const messages: LegacyMessage[] = [];
  const entries = batchesIn(buf);
  for (const span of entries) {
    const message = readMessage(buf, span.start, span.size, span.magic, options.verifyCrc ?? true);
    if (message.compression === CompressionType.None) messages.push(plain(message));
    else for (const inner of expandWrapper(message, options)) messages.push(inner);
  }
  if (entries.partialBytes > 0 && !options.allowPartialTrailing) {
    throw new DecodeError('TRUNCATED', `message set ends with a partial message of ${entries.partialBytes} bytes`);
  }
  return messages;
}

function readMessage(buf: Buffer, start: number, size: number, magic: number, verifyCrc: boolean): RawMessage {
  if (magic !== 0 && magic !== 1) throw new DecodeError('INVALID_VALUE', `magic ${magic} in a legacy message set`);
  const reader = new Reader(buf, start, start + size);
  const offset = reader.int64();
  reader.int32();
  const crc = reader.uint32();
  reader.int8();
  const attributes = reader.int8();
  const timestamp = magic === 1 ? reader.int64() : NO_TIMESTAMP;
  const key = reader.nullableBytes();
  const value = reader.nullableBytes();
  if (reader.remaining !== 0) {
    throw new DecodeError('TRAILING_BYTES', `message at offset ${start} has ${reader.remaining} bytes after its value`);
  }
  if (verifyCrc && crc32(buf.subarray(start + CRC_START, start + size)) !== crc) {
    throw new DecodeError('CRC_MISMATCH', `message CRC at offset ${start} does not match its bytes`);
  }
  const compression = compressionTypeOf(attributes & 0x07);
  if (compression === CompressionType.Zstd) throw new DecodeError('INVALID_VALUE', `zstd in a magic ${magic} message`);
  const timestampType =
    magic === 1 && attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime;
  return { offset, magic, timestamp, timestampType, key, value, compression };
}

function plain(message: RawMessage): LegacyMessage {
  const { offset, magic, timestamp, timestampType, key, value } = message;
  return { offset, magic, timestamp, timestampType, key, value };
}

function expandWrapper(wrapper: RawMessage, options: ReadLegacyOptions): LegacyMessage[] {
  if (wrapper.value === null) throw new DecodeError('INVALID_VALUE', 'compressed message with a null value');
  const max = options.maxDecompressedSize ?? DEFAULT_MAX_DECOMPRESSED_SIZE;
  const bytes =
    wrapper.compression === CompressionType.Lz4
      ? decompressLz4(wrapper.value, max, { legacyHeaderChecksum: wrapper.magic === 0 })
      : decompress(wrapper.compression, wrapper.value, max);
  const inner = readInnerMessages(bytes, wrapper.magic, options.verifyCrc ?? true);
  const lastOffset = inner[inner.length - 1]!.offset;
  const baseOffset = wrapper.magic === 1 ? wrapper.offset - lastOffset : 0n;
  if (baseOffset < 0n) throw new DecodeError('INVALID_VALUE', `wrapper offset ${wrapper.offset} is below its inner offsets`);
  const appendTime = wrapper.timestampType === TimestampType.LogAppendTime;
  return inner.map((message) => ({
    ...message,
    offset: baseOffset + message.offset,
    timestamp: appendTime ? wrapper.timestamp : message.timestamp,
    timestampType: wrapper.timestampType,
  }));
}

function readInnerMessages(bytes: Buffer, magic: LegacyMagic, verifyCrc: boolean): LegacyMessage[] {
  const messages: LegacyMessage[] = [];
  const entries = batchesIn(bytes);
  for (const span of entries) {
    const message = readMessage(bytes, span.start, span.size, span.magic, verifyCrc);
    if (message.magic !== magic) throw new DecodeError('INVALID_VALUE', `magic ${message.magic} inside a magic ${magic} wrapper`);
    if (message.compression !== CompressionType.None) throw new DecodeError('INVALID_VALUE', 'nested compressed message');
    messages.push(plain(message));
  }
  if (entries.partialBytes > 0) throw new DecodeError('TRUNCATED', 'compressed message set ends with a partial message');
  if (messages.length === 0) throw new DecodeError('INVALID_VALUE', 'compressed message with no inner messages');
  return messages;
}

/** Builds a message set; with compression, one wrapper around all the messages. */
export function buildLegacyMessageSet(messages: readonly LegacyMessageInput[], options: BuildLegacyOptions): Buffer {
  const compression = options.compression ?? CompressionType.None;
  if (compression === CompressionType.Zstd) {
    throw new EncodeError('INVALID_VALUE', `zstd compression needs magic 2, not ${options.magic}`);
  }
  const appendTime = options.magic === 1 && options.timestampType === TimestampType.LogAppendTime;
  const typeBit = appendTime ? TIMESTAMP_TYPE_BIT : 0;
  if (compression === CompressionType.None) {
    const timestampOf = (m: LegacyMessageInput): bigint => (appendTime ? options.logAppendTime : undefined) ?? m.timestamp ?? NO_TIMESTAMP;
    return Buffer.concat(messages.map((m) => encodeMessage(m.offset, options.magic, typeBit, timestampOf(m), m.key, m.value)));
  }
  if (messages.length === 0) return Buffer.alloc(0);
  const firstOffset = messages[0]!.offset;
  const inner = Buffer.concat(
    messages.map((m) => {
      const offset = options.magic === 1 ? m.offset - firstOffset : m.offset;
      return encodeMessage(offset, options.magic, 0, m.timestamp ?? NO_TIMESTAMP, m.key, m.value);
    }),
  );
  const value =
    compression === CompressionType.Lz4
      ? compressLz4(inner, { legacyHeaderChecksum: options.magic === 0 })
      : compress(compression, inner);
  const wrapperTimestamp = (appendTime ? options.logAppendTime : undefined) ?? maxTimestamp(messages);
  const lastOffset = messages[messages.length - 1]!.offset;
  return encodeMessage(lastOffset, options.magic, compression | typeBit, wrapperTimestamp, null, value);
}

function maxTimestamp(messages: readonly LegacyMessageInput[]): bigint {
  let max = NO_TIMESTAMP;
  for (const m of messages) if (m.timestamp !== undefined && m.timestamp > max) max = m.timestamp;
  return max;
}

/** One complete entry, offset and size prefix included. */
export function encodeMessage(
  offset: bigint,
  magic: LegacyMagic,
  attributes: number,
  timestamp: bigint,
  key: Buffer | null,
  value: Buffer | null,
): Buffer {
  const messageSize = 4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0);
  const buf = Buffer.allocUnsafe(LOG_OVERHEAD + messageSize);
  buf.writeBigInt64BE(offset, 0);
  buf.writeInt32BE(messageSize, 8);
  let at = buf.writeInt8(magic, CRC_START);
  at = buf.writeInt8(attributes, at);
  if (magic === 1) at = buf.writeBigInt64BE(timestamp, at);
  at = writeNullableBytes(buf, at, key);
  writeNullableBytes(buf, at, value);
  buf.writeUInt32BE(crc32(buf.subarray(CRC_START)), 12);
  return buf;
}

function writeNullableBytes(buf: Buffer, at: number, bytes: Buffer | null): number {
  if (bytes === null) return buf.writeInt32BE(-1, at);
  at = buf.writeInt32BE(bytes.length, at);
  return at + bytes.copy(buf, at);
}
