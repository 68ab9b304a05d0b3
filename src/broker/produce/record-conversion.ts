/**
 * Record conversions on the produce path, used only when needed:
 *  - up-conversion of legacy message sets (magic 0 and 1, Produce v0-v2 from old clients such as
 *    kafka-node) into one v2 batch;
 *  - recompression when a topic's compression.type names a codec other than the producer's.
 * The common case (v2 batches, compression.type=producer) never comes here.
 */
import { CompressionType, type CompressionLevels } from '../../protocol/compression/index.js';
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { batchesIn } from '../../protocol/records/batch-iterator.js';
import { recordsOfHeader } from '../../protocol/records/batch-reader.js';
import { legacyToRecordInputs } from '../../protocol/records/legacy-conversion.js';
import { readLegacyMessageSet } from '../../protocol/records/legacy.js';

const LEGACY_ATTRIBUTES_AT = 17;

const CODEC_BY_NAME: Record<string, CompressionType> = {
  uncompressed: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

/** The codec a topic's compression.type asks for, or undefined for 'producer'. */
export function topicCodec(compressionType: string): CompressionType | undefined {
  return CODEC_BY_NAME[compressionType];
}

/** A v2 batch holding the messages of a legacy message set, compressed as the producer's were. */
export function upConvertLegacy(records: Buffer): Buffer {
  const messages = readLegacyMessageSet(records);
  const codec = records.length > LEGACY_ATTRIBUTES_AT ? (records[LEGACY_ATTRIBUTES_AT]! & 0x07) as CompressionType : CompressionType.None;
  return buildRecordBatch(legacyToRecordInputs(messages), { compression: codec });
}

/** The batches re-encoded with `codec` where they use another (control batches stay as they are). */
export function recompress(records: Buffer, codec: CompressionType, levels: CompressionLevels = {}): Buffer {
  const parts: Buffer[] = [];
  for (const span of batchesIn(records)) {
    const h = span.header;
    const entry = records.subarray(span.start, span.start + span.size);
    if (!h || h.isControl || h.compression === codec) {
      parts.push(entry);
      continue;
    }
    const inputs = [...recordsOfHeader(h)].map((r) => ({
      key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta,
    }));
    parts.push(buildRecordBatch(inputs, {
      compression: codec,
      compressionLevels: levels,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      isTransactional: h.isTransactional,
      timestampType: h.timestampType,
      lastOffsetDelta: h.lastOffsetDelta,
    }));
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
