/**
 * Conversion between legacy message sets (magic 0/1, legacy.ts) and v2 records.
 *
 * Up-conversion (old producers): the broker assigns offsets, so records get offsetDelta = their
 * position, whatever offsets the client sent; timestamps carry over (-1 for magic 0); legacy
 * messages have no headers.
 *
 * Down-conversion (old consumers): offsets and timestamps carry over, headers are dropped, control
 * batches (transaction markers) are skipped, and each batch keeps its compression codec, except
 * that zstd cannot be expressed before magic 2 and raises EncodeError (Kafka answers such fetches
 * with UNSUPPORTED_COMPRESSION_TYPE).
 */
import { TimestampType } from './batch-header.js';
import type { RecordInput } from './batch-builder.js';
import { batchesIn } from './batch-iterator.js';
import { recordsOfHeader, type BatchRecord, type ReadBatchOptions } from './batch-reader.js';
import {
  buildLegacyMessageSet,
  readLegacyMessageSet,
  type BuildLegacyOptions,
  type LegacyMagic,
  type LegacyMessage,
} from './legacy.js';

/** Records ready for buildRecordBatch, in the order the messages came. */
export function legacyToRecordInputs(messages: readonly LegacyMessage[]): RecordInput[] {
  return messages.map((message, index) => ({
    key: message.key,
    value: message.value,
    timestamp: message.timestamp,
    offsetDelta: index,
  }));
}

/** A legacy message set holding the given v2 records (headers dropped). */
export function recordsToLegacyMessageSet(records: readonly BatchRecord[], options: BuildLegacyOptions): Buffer {
  return buildLegacyMessageSet(
    records.map((record) => ({ offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value })),
    options,
  );
}

/**
 * Down-converts a buffer of log entries (a Fetch response's records) to magic 0 or 1, entry by
 * entry. Entries already at or below the target magic are copied as they are; a partial entry at
 * the end is dropped.
 */
export function downConvertBatches(buf: Buffer, magic: LegacyMagic, options: ReadBatchOptions = {}): Buffer {
  const parts: Buffer[] = [];
  for (const span of batchesIn(buf)) {
    const entry = buf.subarray(span.start, span.start + span.size);
    if (span.header === null) {
      parts.push(span.magic <= magic ? entry : downConvertLegacyEntry(entry, magic, options));
    } else if (!span.header.isControl) {
      const header = span.header;
      const records = [...recordsOfHeader(header, options)];
      if (records.length === 0) continue;
      parts.push(
        recordsToLegacyMessageSet(records, {
          magic,
          compression: header.compression,
          timestampType: header.timestampType,
          logAppendTime: header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : undefined,
        }),
      );
    }
  }
  return Buffer.concat(parts);
}

/** A magic 1 entry (plain or wrapper) rewritten as magic 0. */
function downConvertLegacyEntry(entry: Buffer, magic: LegacyMagic, options: ReadBatchOptions): Buffer {
  const messages = readLegacyMessageSet(entry, {
    verifyCrc: options.verifyCrc,
    maxDecompressedSize: options.maxDecompressedSize,
  });
  const compression = entry.readInt8(17) & 0x07;
  return buildLegacyMessageSet(messages, { magic, compression });
}
