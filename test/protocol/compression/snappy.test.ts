import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressSync } from 'snappy';
import { CompressionType, compress, decompress, isXerialFramed } from '../../../src/protocol/compression/index.js';
import { rawSnappyLength } from '../../../src/protocol/compression/snappy.js';
import { DecodeError } from '../../../src/protocol/wire/decode-error.js';

const isCompressionError = (err: unknown): boolean => err instanceof DecodeError && err.code === 'COMPRESSION';
const XERIAL_HEADER = Buffer.from('82534e41505059000000000100000001', 'hex');

/** Raw snappy for "hello": length preamble 5, literal tag (5 - 1) << 2, the bytes. */
const HELLO_BLOCK = Buffer.from('051068656c6c6f', 'hex');
/** Raw snappy for " world": preamble 6, literal tag (6 - 1) << 2. */
const WORLD_BLOCK = Buffer.from('061420776f726c64', 'hex');
/** Raw snappy for "abcabcabc": literal "abc", then copy (1-byte offset) length 6 offset 3. */
const ABC_BLOCK = Buffer.from('0908616263' + '0903', 'hex');

function xerial(...blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER];
  for (const block of blocks) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

describe('snappy framing', () => {
  it('decodes a hand-built xerial frame', () => {
    const frame = xerial(HELLO_BLOCK, WORLD_BLOCK, ABC_BLOCK);
    assert.equal(decompress(CompressionType.Snappy, frame).toString(), 'hello worldabcabcabc');
  });

  it('decodes hand-built and library-made raw snappy (no framing)', () => {
    assert.equal(decompress(CompressionType.Snappy, HELLO_BLOCK).toString(), 'hello');
    assert.equal(decompress(CompressionType.Snappy, ABC_BLOCK).toString(), 'abcabcabc');
    const data = Buffer.from('raw snappy as librdkafka may write it, '.repeat(50));
    assert.deepEqual(decompress(CompressionType.Snappy, compressSync(data)), data);
  });

  it('writes the xerial header and one block per 32 KiB of input', () => {
    const data = Buffer.alloc(70_000, 0x61);
    const out = compress(CompressionType.Snappy, data);
    assert.ok(isXerialFramed(out));
    assert.deepEqual(out.subarray(0, 16), XERIAL_HEADER);
    const blockSizes: number[] = [];
    for (let at = 16; at < out.length; ) {
      const length = out.readInt32BE(at);
      blockSizes.push(rawSnappyLength(out.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    assert.deepEqual(blockSizes, [32_768, 32_768, 4_464]);
  });

  it('writes only the header for empty input', () => {
    assert.deepEqual(compress(CompressionType.Snappy, Buffer.alloc(0)), XERIAL_HEADER);
    assert.equal(decompress(CompressionType.Snappy, XERIAL_HEADER).length, 0);
  });

  it('rejects truncated and oversized xerial block lengths', () => {
    const frame = xerial(HELLO_BLOCK);
    const cases = [
      XERIAL_HEADER.subarray(0, 12), // header cut short
      Buffer.concat([XERIAL_HEADER, Buffer.from([0, 0])]), // block length cut short
      frame.subarray(0, frame.length - 1), // block cut short
      Buffer.concat([XERIAL_HEADER, Buffer.from('7fffffff', 'hex'), HELLO_BLOCK]), // length beyond the input
      Buffer.concat([XERIAL_HEADER, Buffer.from('ffffffff', 'hex'), HELLO_BLOCK]), // negative length
      Buffer.concat([XERIAL_HEADER, Buffer.from('00000000', 'hex')]), // empty block
    ];
    for (const input of cases) assert.throws(() => decompress(CompressionType.Snappy, input), isCompressionError);
  });

  it('checks the announced length against the cap before decompressing', () => {
    // Preamble announces 2^32 - 1 bytes; the block body is nonsense and is never looked at.
    const liar = Buffer.from('ffffffff0f00', 'hex');
    assert.throws(() => decompress(CompressionType.Snappy, liar, 1000), /exceeds the limit of 1000 bytes/);
    assert.throws(() => decompress(CompressionType.Snappy, xerial(HELLO_BLOCK, WORLD_BLOCK), 10), /limit of 10 bytes/);
    assert.equal(decompress(CompressionType.Snappy, xerial(HELLO_BLOCK, WORLD_BLOCK), 11).toString(), 'hello world');
  });

  it('rejects a bad length preamble and corrupt raw blocks', () => {
    assert.throws(() => rawSnappyLength(Buffer.from('ffffffffff', 'hex')), isCompressionError);
    assert.throws(() => rawSnappyLength(Buffer.from('80', 'hex')), isCompressionError);
    assert.throws(() => decompress(CompressionType.Snappy, Buffer.from('0a1068656c6c6f', 'hex')), isCompressionError);
    assert.throws(() => decompress(CompressionType.Snappy, Buffer.from('0908616263097f', 'hex')), isCompressionError);
  });
});
