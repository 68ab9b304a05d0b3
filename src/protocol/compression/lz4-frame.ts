/**
 * LZ4 frame layout (the format Kafka's compression type 3 uses), read without decompressing:
 *
 *   magic             4 bytes  0x184D2204, little-endian on the wire: 04 22 4D 18
 *   FLG               1 byte   bits 7-6 version (01), bit 5 block independence, bit 4 block
 *                              checksums, bit 3 content size present, bit 2 content checksum,
 *                              bit 1 reserved (0), bit 0 dictionary id present
 *   BD                1 byte   bits 6-4 block maximum size: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB,
 *                              7 = 4 MiB; the other bits are reserved (0)
 *   content size      8 bytes  little-endian, when FLG bit 3 is set
 *   dictionary id     4 bytes  when FLG bit 0 is set (rejected here: Kafka never sets it)
 *   HC                1 byte   (XXH32(FLG .. last descriptor byte) >> 8) & 0xFF
 *   blocks            int32 LE size (bit 31 set: stored uncompressed), the data, then an int32 LE
 *                     XXH32 of the data when FLG bit 4 is set
 *   end mark          int32 LE 0
 *   content checksum  int32 LE XXH32 of the decompressed content, when FLG bit 2 is set
 *
 * One frame per payload, as Kafka's clients write: bytes after it (a second or skippable frame)
 * are rejected.
 *
 * Kafka's magic-0 messages (clients before 0.10) computed HC over the magic number too; Kafka
 * reads those without checking HC, which `verifyHeaderChecksum = false` allows.
 *
 * The layout gives an output bound without decompressing: uncompressed blocks count their exact
 * size, compressed ones the block maximum (LZ4 decoders refuse a block that decodes to more).
 */
import { malformed } from './codec-error.js';
import { xxhash32 } from './xxhash32.js';

export const LZ4_FRAME_MAGIC = 0x184d2204;
const UNCOMPRESSED_BIT = 0x80000000;

export interface Lz4Block {
  /** Position of the block's data in the frame. */
  start: number;
  size: number;
  compressed: boolean;
  /** Position of the block's XXH32, or -1 when the frame has no block checksums. */
  checksumAt: number;
}

export interface Lz4FrameLayout {
  headerChecksumAt: number;
  blockMaxSize: number;
  independentBlocks: boolean;
  blocks: Lz4Block[];
  /** Position of the content XXH32, or -1 when the frame has none. */
  contentChecksumAt: number;
  /** The most bytes this frame can decompress to. */
  outputBound: number;
}

interface Descriptor {
  headerChecksumAt: number;
  blockMaxSize: number;
  independentBlocks: boolean;
  blockChecksums: boolean;
  contentChecksum: boolean;
}

/** The HC byte for a descriptor ending before hcAt; Kafka's magic-0 variant hashes the magic too. */
export function lz4HeaderChecksum(frame: Uint8Array, hcAt: number, includeMagic = false): number {
  return (xxhash32(frame, 0, includeMagic ? 0 : 4, hcAt) >>> 8) & 0xff;
}

export function readLz4FrameLayout(frame: Buffer, verifyHeaderChecksum = true): Lz4FrameLayout {
  const descriptor = readDescriptor(frame, verifyHeaderChecksum);
  const blocks: Lz4Block[] = [];
  let outputBound = 0;
  let at = descriptor.headerChecksumAt + 1;
  for (;;) {
    const size = readUint32(frame, at, 'block size');
    at += 4;
    if (size === 0) break;
    const block = readBlock(frame, at, size, descriptor);
    blocks.push(block);
    outputBound += block.compressed ? descriptor.blockMaxSize : block.size;
    at = block.start + block.size + (descriptor.blockChecksums ? 4 : 0);
  }
  const contentChecksumAt = descriptor.contentChecksum ? at : -1;
  if (descriptor.contentChecksum) at += 4;
  if (at > frame.length) throw malformed('lz4', 'truncated content checksum');
  if (at < frame.length) throw malformed('lz4', `${frame.length - at} bytes after the end of the frame`);
  return { ...descriptor, blocks, contentChecksumAt, outputBound };
}

function readDescriptor(frame: Buffer, verifyHeaderChecksum: boolean): Descriptor {
  if (readUint32(frame, 0, 'magic') !== LZ4_FRAME_MAGIC) throw malformed('lz4', 'not an LZ4 frame (bad magic)');
  if (frame.length < 7) throw malformed('lz4', 'truncated frame descriptor');
  const flg = frame[4]!;
  const bd = frame[5]!;
  if (flg >> 6 !== 1) throw malformed('lz4', `unsupported frame version ${flg >> 6}`);
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) throw malformed('lz4', 'reserved descriptor bits are set');
  if ((flg & 0x01) !== 0) throw malformed('lz4', 'frames with a dictionary id are not supported');
  const sizeId = (bd >> 4) & 0x07;
  if (sizeId < 4) throw malformed('lz4', `invalid block maximum size id ${sizeId}`);
  const headerChecksumAt = (flg & 0x08) !== 0 ? 14 : 6;
  if (frame.length <= headerChecksumAt) throw malformed('lz4', 'truncated frame descriptor');
  if (verifyHeaderChecksum && frame[headerChecksumAt] !== lz4HeaderChecksum(frame, headerChecksumAt)) {
    throw malformed('lz4', 'frame descriptor checksum mismatch');
  }
  return {
    headerChecksumAt,
    blockMaxSize: 1 << (8 + 2 * sizeId),
    independentBlocks: (flg & 0x20) !== 0,
    blockChecksums: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
  };
}

function readBlock(frame: Buffer, start: number, sizeField: number, descriptor: Descriptor): Lz4Block {
  const compressed = (sizeField & UNCOMPRESSED_BIT) === 0;
  const size = sizeField & ~UNCOMPRESSED_BIT;
  if (size > descriptor.blockMaxSize) {
    throw malformed('lz4', `block of ${size} bytes exceeds the frame's ${descriptor.blockMaxSize}-byte maximum`);
  }
  const checksumSize = descriptor.blockChecksums ? 4 : 0;
  if (size + checksumSize > frame.length - start) throw malformed('lz4', `truncated block at byte ${start}`);
  return { start, size, compressed, checksumAt: descriptor.blockChecksums ? start + size : -1 };
}

function readUint32(frame: Buffer, at: number, what: string): number {
  if (frame.length - at < 4) throw malformed('lz4', `truncated ${what} at byte ${at}`);
  return frame.readUInt32LE(at);
}
