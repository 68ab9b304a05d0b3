/**
 * The native compression bindings, loaded on first use: each maps several MiB of machine code, and
 * a broker whose clients never compress (or use only gzip, which is built in) need not pay for
 * them. Loading is synchronous (the packages are CommonJS addons), so the codecs stay synchronous.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

type Snappy = typeof import('snappy');
type Lz4 = typeof import('lz4-napi');
type XxHash = typeof import('@node-rs/xxhash');
type Zstd = typeof import('zstd-napi');
type ZstdBinding = typeof import('zstd-napi/binding.js');

let snappy: Snappy | undefined;
let lz4: Lz4 | undefined;
let xxhash: XxHash | undefined;
let zstd: Zstd | undefined;
let zstdBinding: ZstdBinding | undefined;

export const snappyCodec = (): Snappy => (snappy ??= load('snappy') as Snappy);
export const lz4Codec = (): Lz4 => (lz4 ??= load('lz4-napi') as Lz4);
export const xxhashCodec = (): XxHash => (xxhash ??= load('@node-rs/xxhash') as XxHash);
export const zstdCodec = (): Zstd => (zstd ??= load('zstd-napi') as Zstd);
export const zstdNative = (): ZstdBinding => (zstdBinding ??= load('zstd-napi/binding.js') as ZstdBinding);
