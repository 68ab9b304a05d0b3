/**
 * XXH32, the 32-bit xxHash that the LZ4 frame format uses for its header, block and content
 * checksums, from the native @node-rs/xxhash binding. Hashes `data[start, end)` with `seed`.
 */
import { xxhashCodec } from './native-codecs.js';

export function xxhash32(data: Uint8Array, seed = 0, start = 0, end = data.length): number {
  return xxhashCodec().xxh32(start === 0 && end === data.length ? data : data.subarray(start, end), seed) >>> 0;
}
