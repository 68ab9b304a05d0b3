/**
 * LZ4 (compression type 3): the standard LZ4 frame format (see lz4-frame.ts), which is what Kafka's
 * record batches (magic 2) and magic-1 messages carry. Compression and the usual decompression go
 * through lz4-napi's native frame codec.
 *
 * Size cap: the frame's block headers bound its output before anything is decompressed. When that
 * bound fits the cap, the native frame decoder runs; otherwise the blocks are decoded one at a time
 * (natively, with the previous 64 KiB as dictionary for linked blocks) and decoding stops as soon as
 * the output passes the cap, checking block and content checksums itself on that path.
 *
 * Kafka's magic-0 quirk (clients before 0.10 hashed the magic number into the frame descriptor
 * checksum) is handled: `legacyHeaderChecksum` writes that broken checksum, and reading with it
 * ignores the descriptor checksum, as Kafka does for magic 0.
 */
import { lz4Codec } from './native-codecs.js';
import { checkOutputSize, compressionError, malformed } from './codec-error.js';
import { lz4HeaderChecksum, readLz4FrameLayout, type Lz4Block, type Lz4FrameLayout } from './lz4-frame.js';
import { xxhash32 } from './xxhash32.js';

const LINKED_WINDOW = 64 * 1024;

export interface Lz4Options {
  /** Kafka magic 0: write the descriptor checksum over the magic too; on read, ignore it. */
  legacyHeaderChecksum?: boolean;
}

export function compressLz4(data: Buffer, options: Lz4Options = {}): Buffer {
  const frame = lz4Codec().compressFrameSync(data);
  if (options.legacyHeaderChecksum) {
    const { headerChecksumAt } = readLz4FrameLayout(frame);
    frame[headerChecksumAt] = lz4HeaderChecksum(frame, headerChecksumAt, true);
  }
  return frame;
}

export function decompressLz4(data: Buffer, maxOutputSize: number, options: Lz4Options = {}): Buffer {
  const ignoreHeaderChecksum = options.legacyHeaderChecksum === true;
  const layout = readLz4FrameLayout(data, !ignoreHeaderChecksum);
  const frame = ignoreHeaderChecksum ? withStandardHeaderChecksum(data, layout.headerChecksumAt) : data;
  if (layout.outputBound <= maxOutputSize) return decompressWholeFrame(frame, maxOutputSize);
  return decompressBlocksCapped(frame, layout, maxOutputSize);
}

function withStandardHeaderChecksum(frame: Buffer, hcAt: number): Buffer {
  const expected = lz4HeaderChecksum(frame, hcAt);
  if (frame[hcAt] === expected) return frame;
  const copy = Buffer.from(frame);
  copy[hcAt] = expected;
  return copy;
}

function decompressWholeFrame(frame: Buffer, maxOutputSize: number): Buffer {
  let out: Buffer;
  try {
    out = lz4Codec().decompressFrameSync(frame);
  } catch (err) {
    throw compressionError('lz4', err);
  }
  checkOutputSize('lz4', out.length, maxOutputSize);
  return out;
}

function decompressBlocksCapped(frame: Buffer, layout: Lz4FrameLayout, maxOutputSize: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  let window: Buffer | undefined;
  for (const block of layout.blocks) {
    verifyBlockChecksum(frame, block);
    const out = decodeBlock(frame, block, layout.blockMaxSize, layout.independentBlocks ? undefined : window);
    total += out.length;
    checkOutputSize('lz4', total, maxOutputSize);
    parts.push(out);
    if (!layout.independentBlocks) window = lastBytes(window, out, LINKED_WINDOW);
  }
  const content = Buffer.concat(parts, total);
  if (layout.contentChecksumAt >= 0 && frame.readUInt32LE(layout.contentChecksumAt) !== xxhash32(content)) {
    throw malformed('lz4', 'content checksum mismatch');
  }
  return content;
}

function verifyBlockChecksum(frame: Buffer, block: Lz4Block): void {
  if (block.checksumAt < 0) return;
  if (frame.readUInt32LE(block.checksumAt) !== xxhash32(frame, 0, block.start, block.start + block.size)) {
    throw malformed('lz4', `block checksum mismatch at byte ${block.start}`);
  }
}

function decodeBlock(frame: Buffer, block: Lz4Block, blockMaxSize: number, dictionary: Buffer | undefined): Buffer {
  const data = frame.subarray(block.start, block.start + block.size);
  if (!block.compressed) return data;
  // lz4-napi's block decoder takes the output capacity as a little-endian uint32 prefix.
  const input = Buffer.allocUnsafe(4 + data.length);
  input.writeUInt32LE(blockMaxSize, 0);
  data.copy(input, 4);
  try {
    return lz4Codec().uncompressSync(input, dictionary);
  } catch (err) {
    throw compressionError('lz4', err);
  }
}

function lastBytes(previous: Buffer | undefined, next: Buffer, count: number): Buffer {
  if (next.length >= count || previous === undefined) return next.subarray(Math.max(0, next.length - count));
  const joined = Buffer.concat([previous, next]);
  return joined.subarray(Math.max(0, joined.length - count));
}
