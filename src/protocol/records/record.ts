/**
 * One record inside a v2 record batch (after decompression):
 *
 *   length           varint   bytes that follow
 *   attributes       int8     unused by Kafka so far (0)
 *   timestampDelta   varlong  timestamp - batch baseTimestamp
 *   offsetDelta      varint   offset - batch baseOffset
 *   keyLength        varint   -1 for a null key
 *   key              keyLength bytes
 *   valueLength      varint   -1 for a null value (a tombstone)
 *   value            valueLength bytes
 *   headerCount      varint
 *   headers          headerCount times:
 *                      keyLength varint, key (UTF-8, never null),
 *                      valueLength varint (-1 for null), value
 *
 * Varints are zig-zag encoded. Keys, values and header values are returned as zero-copy
 * subarrays of the buffer being read.
 */
import { DecodeError } from '../wire/decode-error.js';
import { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record's own fields, with timestamp and offset relative to its batch. */
export interface RecordFields {
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

/** Smallest encoded record: length, attributes, both deltas, key and value lengths, header count. */
export const MIN_RECORD_SIZE = 7;
/** Smallest encoded header: key length 0 and value length -1. */
const MIN_HEADER_SIZE = 2;

export function readRecord(reader: Reader): RecordFields {
  const length = reader.varint();
  if (length < 0) throw new DecodeError('NEGATIVE_LENGTH', `record length ${length} at offset ${reader.pos}`);
  const start = reader.take(length);
  const body = new Reader(reader.buf, start, start + length);
  const record: RecordFields = {
    attributes: body.int8(),
    timestampDelta: body.varlong(),
    offsetDelta: body.varint(),
    key: readVarBytes(body),
    value: readVarBytes(body),
    headers: readHeaders(body),
  };
  if (body.remaining !== 0) {
    throw new DecodeError('TRAILING_BYTES', `record at offset ${start} has ${body.remaining} bytes after its headers`);
  }
  return record;
}

function readVarBytes(reader: Reader): Buffer | null {
  const length = reader.varint();
  if (length < -1) throw new DecodeError('NEGATIVE_LENGTH', `byte length ${length} at offset ${reader.pos}`);
  return length === -1 ? null : reader.raw(length);
}

function readHeaders(reader: Reader): RecordHeader[] {
  const count = reader.varint();
  if (count < 0) throw new DecodeError('NEGATIVE_LENGTH', `header count ${count} at offset ${reader.pos}`);
  if (count * MIN_HEADER_SIZE > reader.remaining) {
    throw new DecodeError('COUNT_TOO_LARGE', `${count} headers cannot fit in ${reader.remaining} bytes`);
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = reader.varint();
    if (keyLength < 0) throw new DecodeError('NEGATIVE_LENGTH', `header key length ${keyLength} at offset ${reader.pos}`);
    const keyAt = reader.take(keyLength);
    headers.push({ key: reader.buf.toString('utf8', keyAt, keyAt + keyLength), value: readVarBytes(reader) });
  }
  return headers;
}

/** Appends one record, length prefix included. */
export function writeRecord(writer: Writer, record: RecordFields): void {
  writer.varint(recordBodySize(record));
  writer.int8(record.attributes);
  writer.varlong(record.timestampDelta);
  writer.varint(record.offsetDelta);
  writeVarBytes(writer, record.key);
  writeVarBytes(writer, record.value);
  writer.varint(record.headers.length);
  for (const header of record.headers) {
    writer.varint(Buffer.byteLength(header.key, 'utf8'));
    writer.raw(Buffer.from(header.key, 'utf8'));
    writeVarBytes(writer, header.value);
  }
}

function writeVarBytes(writer: Writer, bytes: Buffer | null): void {
  if (bytes === null) {
    writer.varint(-1);
  } else {
    writer.varint(bytes.length);
    writer.raw(bytes);
  }
}

/** Bytes of a record after its length prefix. */
export function recordBodySize(record: RecordFields): number {
  let size = 1 + varlongSize(record.timestampDelta) + varintSize(record.offsetDelta);
  size += varBytesSize(record.key) + varBytesSize(record.value) + varintSize(record.headers.length);
  for (const header of record.headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    size += varintSize(keyLength) + keyLength + varBytesSize(header.value);
  }
  return size;
}

function varBytesSize(bytes: Buffer | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length;
}

/** Encoded size of a zig-zag varint (int32). */
export function varintSize(value: number): number {
  let unsigned = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (unsigned >= 0x80) {
    unsigned = Math.floor(unsigned / 128);
    size++;
  }
  return size;
}

/** Encoded size of a zig-zag varlong (int64). */
export function varlongSize(value: bigint): number {
  let unsigned = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let size = 1;
  while (unsigned >= 0x80n) {
    unsigned >>= 7n;
    size++;
  }
  return size;
}
