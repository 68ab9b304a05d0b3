import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressFrameSync } from 'lz4-napi';
import {
  CompressionType,
  LZ4_FRAME_MAGIC,
  compress,
  compressLz4,
  decompress,
  decompressLz4,
  xxhash32,
} from '../../../src/protocol/compression/index.js';
import { DecodeError } from '../../../src/protocol/wire/decode-error.js';

const isCompressionError = (err: unknown): boolean => err instanceof DecodeError && err.code === 'COMPRESSION';

const HC_AT = 6;

/** A frame from descriptor bytes and blocks, with the descriptor checksum computed from the spec. */
function frame(flg: number, bd: number, blocks: Buffer[], trailer: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, flg, bd, 0]);
  header[HC_AT] = (xxhash32(Buffer.from([flg, bd])) >>> 8) & 0xff;
  return Buffer.concat([header, ...blocks, Buffer.alloc(4), trailer]);
}

function block(data: Buffer, uncompressed = false): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE((data.length | (uncompressed ? 0x80000000 : 0)) >>> 0);
  return Buffer.concat([size, data]);
}

// Block 1 stored uncompressed: "hello world, ". Block 2 (LZ4 sequences): a match of 11 bytes at
// distance 13, reaching back into block 1 (token 0x07: no literals, match length 7 + 4; offset
// 13 as LE uint16), then a last literals-only sequence (token 0x50) of "!!!!!".
const BLOCK_1 = block(Buffer.from('hello world, '), true);
const BLOCK_2 = block(Buffer.from([0x07, 0x0d, 0x00, 0x50, 0x21, 0x21, 0x21, 0x21, 0x21]));
const LINKED_TEXT = 'hello world, hello world!!!!!';
const FLG_LINKED = 0x40; // version 01, blocks depend on earlier ones, no checksums
const FLG_INDEPENDENT = 0x60;
const BD_64K = 0x40;

describe('xxhash32', () => {
  it('matches the reference values', () => {
    assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05);
    assert.equal(xxhash32(Buffer.from('a')), 0x550d7456);
    assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff);
    assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f);
  });
});

describe('LZ4 frames', () => {
  it('writes the standard frame magic 0x184D2204 (04 22 4D 18 on the wire)', () => {
    const out = compress(CompressionType.Lz4, Buffer.from('abc'));
    assert.equal(out.readUInt32LE(0), LZ4_FRAME_MAGIC);
    assert.deepEqual([...out.subarray(0, 4)], [0x04, 0x22, 0x4d, 0x18]);
    assert.equal(out[HC_AT], (xxhash32(out.subarray(4, HC_AT)) >>> 8) & 0xff);
  });

  it('decodes a hand-built frame whose second block refers back into the first (linked blocks)', () => {
    const linked = frame(FLG_LINKED, BD_64K, [BLOCK_1, BLOCK_2]);
    assert.equal(decompress(CompressionType.Lz4, linked).toString(), LINKED_TEXT);
    // A cap below the frame's 64 KiB-per-block bound takes the block-by-block path.
    assert.equal(decompress(CompressionType.Lz4, linked, LINKED_TEXT.length).toString(), LINKED_TEXT);
    assert.throws(() => decompress(CompressionType.Lz4, linked, LINKED_TEXT.length - 1), isCompressionError);
  });

  it('rejects the same blocks in a frame that declares independent blocks', () => {
    const independent = frame(FLG_INDEPENDENT, BD_64K, [BLOCK_1, BLOCK_2]);
    assert.throws(() => decompress(CompressionType.Lz4, independent), isCompressionError);
    assert.throws(() => decompress(CompressionType.Lz4, independent, 100), isCompressionError);
  });

  it('checks content and block checksums on both decoding paths', () => {
    const data = Buffer.from('checksummed content '.repeat(200));
    for (const options of [{ contentChecksum: true }, { blockChecksums: true }]) {
      const good = compressFrameSync(data, options);
      assert.deepEqual(decompress(CompressionType.Lz4, good), data);
      assert.deepEqual(decompress(CompressionType.Lz4, good, data.length), data);
      const at = options.contentChecksum ? good.length - 1 : good.length - 5;
      const bad = Buffer.from(good);
      bad[at]! ^= 0x01;
      assert.throws(() => decompress(CompressionType.Lz4, bad), isCompressionError);
      assert.throws(() => decompress(CompressionType.Lz4, bad, data.length), isCompressionError);
    }
  });

  it('writes and reads the magic-0 descriptor checksum Kafka computed over the magic too', () => {
    const data = Buffer.from('old client payload '.repeat(20));
    const legacy = compressLz4(data, { legacyHeaderChecksum: true });
    assert.equal(legacy[HC_AT], (xxhash32(legacy.subarray(0, HC_AT)) >>> 8) & 0xff);
    assert.throws(() => decompressLz4(legacy, 1 << 20), /descriptor checksum/);
    assert.deepEqual(decompressLz4(legacy, 1 << 20, { legacyHeaderChecksum: true }), data);
    assert.deepEqual(decompressLz4(compressLz4(data), 1 << 20, { legacyHeaderChecksum: true }), data);
  });

  it('rejects malformed frame structure', () => {
    const good = frame(FLG_LINKED, BD_64K, [BLOCK_1, BLOCK_2]);
    const withByte = (at: number, value: number): Buffer => {
      const copy = Buffer.from(good);
      copy[at] = value;
      return copy;
    };
    const cases: [string, Buffer][] = [
      ['bad magic', withByte(0, 0x05)],
      ['version 00', frame(0x00, BD_64K, [BLOCK_1])],
      ['reserved FLG bit', frame(0x42, BD_64K, [BLOCK_1])],
      ['dictionary id', frame(0x41, BD_64K, [BLOCK_1])],
      ['block size id 3', frame(FLG_LINKED, 0x30, [BLOCK_1])],
      ['reserved BD bits', frame(FLG_LINKED, 0x41, [BLOCK_1])],
      ['descriptor checksum', withByte(HC_AT, good[HC_AT]! ^ 0xff)],
      ['block larger than the maximum', frame(FLG_LINKED, BD_64K, [block(Buffer.alloc(65_537), true)])],
      ['missing end mark', good.subarray(0, good.length - 2)],
      ['trailing bytes', Buffer.concat([good, Buffer.from([1])])],
      ['block size beyond the input', good.subarray(0, 7 + 4 + 5)],
      ['descriptor cut short', good.subarray(0, 5)],
    ];
    for (const [what, input] of cases) {
      assert.throws(() => decompress(CompressionType.Lz4, input), isCompressionError, what);
    }
  });

  it('bounds output by the block maximum even when a block claims more', () => {
    // One compressed 64 KiB-max block that would expand to 1 + 71,419 + 5 bytes.
    const overlong = Buffer.concat([Buffer.from([0x1f, 0x61, 0x01, 0x00]), Buffer.alloc(280, 0xff), Buffer.from([0x00, 0x50]), Buffer.from('bbbbb')]);
    const input = frame(FLG_INDEPENDENT, BD_64K, [block(overlong)]);
    assert.throws(() => decompress(CompressionType.Lz4, input), isCompressionError);
    assert.throws(() => decompress(CompressionType.Lz4, input, 1000), isCompressionError);
  });
});
