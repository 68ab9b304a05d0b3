/**
 * Zstandard (compression type 4): zstd frames as written by zstd-jni (Java client) and librdkafka,
 * one or several concatenated. Decompression streams through a native ZSTD_DStream and stops as
 * soon as the output passes the cap, so neither a lying content-size field nor a bomb can make it
 * allocate more than the cap plus one output chunk. The library's default window limit (128 MiB)
 * bounds the decoder's own memory.
 */
import type { DCtx } from 'zstd-napi/binding.js';
import { zstdCodec, zstdNative } from './native-codecs.js';
import { compressionError, outputTooLarge, malformed } from './codec-error.js';

const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 4 * 1024 * 1024;

let sharedContext: DCtx | undefined;

export function compressZstd(data: Buffer, level?: number): Buffer {
  return level === undefined ? zstdCodec().compress(data) : zstdCodec().compress(data, { compressionLevel: level });
}

export function decompressZstd(data: Buffer, maxOutputSize: number): Buffer {
  const context = (sharedContext ??= new (zstdNative().DCtx)());
  try {
    return decompressStream(context, data, maxOutputSize);
  } catch (err) {
    throw compressionError('zstd', err);
  } finally {
    context.reset(zstdNative().ResetDirective.sessionOnly);
  }
}

function decompressStream(context: DCtx, data: Buffer, maxOutputSize: number): Buffer {
  if (data.length === 0) throw malformed('zstd', 'empty input');
  const chunkSize = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, data.length * 4));
  const parts: Buffer[] = [];
  let total = 0;
  let input = data;
  for (;;) {
    // One byte more than the cap allows is enough to notice that the cap was passed.
    const out = Buffer.allocUnsafe(Math.min(chunkSize, maxOutputSize - total + 1));
    const [pending, produced, consumed] = context.decompressStream(out, input);
    input = input.subarray(consumed);
    total += produced;
    if (total > maxOutputSize) throw outputTooLarge('zstd', maxOutputSize);
    if (produced > 0) parts.push(out.subarray(0, produced));
    if (pending === 0 && input.length === 0) break;
    if (produced === 0 && consumed === 0) throw malformed('zstd', 'truncated frame');
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}
