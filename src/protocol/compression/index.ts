/**
 * Kafka's compression codecs, selected by bits 0-2 of a batch's (or legacy message's) attributes.
 *
 * All functions are synchronous and run on the calling thread: batches are small (at most
 * message.max.bytes) and the native codecs are fast, so the cost is bounded; callers that need to
 * keep the event loop free for very large inputs should move the work to a worker themselves.
 *
 * `decompress` treats its input as untrusted: every failure, including output beyond
 * `maxOutputSize` (a decompression bomb), is a DecodeError('COMPRESSION').
 */
import { DecodeError, EncodeError } from '../wire/decode-error.js';
import { malformed } from './codec-error.js';
import { compressGzip, decompressGzip } from './gzip.js';
import { compressLz4, decompressLz4 } from './lz4.js';
import { compressSnappy, decompressSnappy } from './snappy.js';
import { compressZstd, decompressZstd } from './zstd.js';

export { compressLz4, decompressLz4, type Lz4Options } from './lz4.js';
export { LZ4_FRAME_MAGIC } from './lz4-frame.js';
export { isXerialFramed } from './snappy.js';
export { xxhash32 } from './xxhash32.js';

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Default cap on decompressed output: 256 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 256 * 1024 * 1024;

/** The codec for an attribute's bits 0-2; 5, 6 and 7 are not defined by Kafka. */
export function compressionTypeOf(id: number): CompressionType {
  if (id >= CompressionType.None && id <= CompressionType.Zstd && Number.isInteger(id)) return id;
  throw new DecodeError('INVALID_VALUE', `unknown compression type ${id}`);
}

/** Levels for the codecs that have them (Kafka's compression.gzip.level / compression.zstd.level). */
export interface CompressionLevels {
  gzip?: number;
  zstd?: number;
}

export function compress(type: CompressionType, data: Buffer, levels: CompressionLevels = {}): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return compressGzip(data, levels.gzip);
    case CompressionType.Snappy:
      return compressSnappy(data);
    case CompressionType.Lz4:
      return compressLz4(data);
    case CompressionType.Zstd:
      return compressZstd(data, levels.zstd);
    default:
      throw new EncodeError('INVALID_VALUE', `unknown compression type ${String(type)}`);
  }
}

/**
 * Decompresses `data` (returned as is for None). Throws DecodeError('COMPRESSION') for garbage,
 * truncated input or output longer than maxOutputSize bytes.
 */
export function decompress(
  type: CompressionType,
  data: Buffer,
  maxOutputSize = DEFAULT_MAX_DECOMPRESSED_SIZE,
): Buffer {
  if (type === CompressionType.None) return data;
  if (data.length === 0) throw malformed(CompressionType[type]?.toLowerCase() ?? 'codec', 'empty input');
  switch (type) {
    case CompressionType.Gzip:
      return decompressGzip(data, maxOutputSize);
    case CompressionType.Snappy:
      return decompressSnappy(data, maxOutputSize);
    case CompressionType.Lz4:
      return decompressLz4(data, maxOutputSize);
    case CompressionType.Zstd:
      return decompressZstd(data, maxOutputSize);
    default:
      throw new DecodeError('INVALID_VALUE', `unknown compression type ${String(type)}`);
  }
}
