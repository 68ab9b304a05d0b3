import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CompressionType,
  compress,
  compressionTypeOf,
  decompress,
} from '../../../src/protocol/compression/index.js';
import { DecodeError, EncodeError } from '../../../src/protocol/wire/decode-error.js';

const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;
const isCompressionError = (err: unknown): boolean => err instanceof DecodeError && err.code === 'COMPRESSION';

/** Text-like data that compresses well but is not trivially repetitive. */
function sampleText(size: number): Buffer {
  const words = ['kafka', 'broker', 'record', 'batch', 'gregor', 'offset', 'partition', 'leader'];
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const word = `${words[(i * 7) % words.length]}-${i % 13} `;
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('').slice(0, size));
}

for (const type of CODECS) {
  const name = CompressionType[type];
  describe(`${name} codec`, () => {
    it('round-trips random data', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
          const data = Buffer.from(bytes);
          assert.deepEqual(decompress(type, compress(type, data)), data);
        }),
        { numRuns: 150 },
      );
    });

    it('round-trips known inputs: empty, one byte, text beyond several blocks, zeros', () => {
      for (const data of [Buffer.alloc(0), Buffer.from([0x2a]), sampleText(300_000), Buffer.alloc(100_000)]) {
        const compressed = compress(type, data);
        assert.deepEqual(decompress(type, compressed), data);
        if (data.length >= 100_000) assert.ok(compressed.length < data.length / 2, 'compressible input shrinks');
      }
    });

    it('enforces the output cap exactly', () => {
      const data = sampleText(50_000);
      const compressed = compress(type, data);
      assert.equal(decompress(type, compressed, data.length).length, data.length);
      assert.throws(() => decompress(type, compressed, data.length - 1), isCompressionError);
      assert.throws(() => decompress(type, compressed, 1000), isCompressionError);
    });

    it('stops a decompression bomb at the cap', () => {
      const bomb = compress(type, Buffer.alloc(64 * 1024 * 1024));
      assert.ok(bomb.length < 4 * 1024 * 1024);
      assert.throws(() => decompress(type, bomb, 1024 * 1024), isCompressionError);
    });

    it('rejects garbage, empty input and truncated input with DecodeError(COMPRESSION)', () => {
      assert.throws(() => decompress(type, Buffer.alloc(0)), isCompressionError);
      assert.throws(() => decompress(type, Buffer.from('this is not compressed data at all')), isCompressionError);
      const data = sampleText(100_000);
      const compressed = compress(type, data);
      for (let cut = 1; cut < compressed.length; cut += Math.max(1, Math.floor(compressed.length / 97))) {
        const prefix = compressed.subarray(0, cut);
        try {
          const out = decompress(type, prefix);
          // Only xerial snappy can stop at a block boundary and still be well formed.
          assert.equal(type, CompressionType.Snappy);
          assert.deepEqual(out, data.subarray(0, out.length));
        } catch (err) {
          assert.ok(isCompressionError(err), `cut at ${cut}: ${String(err)}`);
        }
      }
    });

    it('turns random input into a value or DecodeError(COMPRESSION), never another error', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
          try {
            decompress(type, Buffer.from(bytes), 1024 * 1024);
          } catch (err) {
            assert.ok(isCompressionError(err), String(err));
          }
        }),
        { numRuns: 300 },
      );
    });
  });
}

describe('compression type', () => {
  it('None passes data through untouched', () => {
    const data = Buffer.from('plain');
    assert.equal(compress(CompressionType.None, data), data);
    assert.equal(decompress(CompressionType.None, data), data);
  });

  it('maps attribute bits 0-2 and rejects 5, 6 and 7', () => {
    assert.equal(compressionTypeOf(0), CompressionType.None);
    assert.equal(compressionTypeOf(4), CompressionType.Zstd);
    for (const id of [5, 6, 7, -1]) {
      assert.throws(() => compressionTypeOf(id), (err) => err instanceof DecodeError && err.code === 'INVALID_VALUE');
    }
    assert.throws(() => compress(7 as CompressionType, Buffer.alloc(1)), EncodeError);
    assert.throws(() => decompress(7 as CompressionType, Buffer.alloc(1)), DecodeError);
  });

  it('gzip output is a gzip member (1f 8b, deflate)', () => {
    const out = compress(CompressionType.Gzip, Buffer.from('abc'));
    assert.deepEqual([...out.subarray(0, 3)], [0x1f, 0x8b, 0x08]);
  });

  it('gzip and zstd accept concatenated members/frames', () => {
    for (const type of [CompressionType.Gzip, CompressionType.Zstd]) {
      const both = Buffer.concat([compress(type, Buffer.from('hello ')), compress(type, Buffer.from('world'))]);
      assert.equal(decompress(type, both).toString(), 'hello world');
    }
  });

  it('zstd output starts with the zstd frame magic 0xFD2FB528', () => {
    assert.equal(compress(CompressionType.Zstd, Buffer.from('abc')).readUInt32LE(0), 0xfd2fb528);
  });
});
