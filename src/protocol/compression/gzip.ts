/**
 * GZIP (compression type 1): RFC 1952 members as written by java.util.zip.GZIPOutputStream and
 * librdkafka. Decompression accepts concatenated members and stops growing its output at the cap.
 */
import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkOutputSize, compressionError, outputTooLarge } from './codec-error.js';

/** `level` -1 is zlib's default (6), as Kafka's compression.gzip.level default. */
export function compressGzip(data: Buffer, level = -1): Buffer {
  return gzipSync(data, { level });
}

export function decompressGzip(data: Buffer, maxOutputSize: number): Buffer {
  let out: Buffer;
  try {
    // zlib refuses to grow its output past maxOutputLength, so a bomb costs at most the cap.
    out = gunzipSync(data, { maxOutputLength: Math.min(bufferConstants.MAX_LENGTH, Math.max(1, maxOutputSize)) });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw outputTooLarge('gzip', maxOutputSize);
    throw compressionError('gzip', err);
  }
  checkOutputSize('gzip', out.length, maxOutputSize);
  return out;
}
