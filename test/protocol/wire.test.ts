/**
 * Reader and Writer: Kafka's primitive encodings at their boundaries, and typed errors for
 * malformed input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Reader } from '../../src/protocol/wire/reader.js';
import { Writer } from '../../src/protocol/wire/writer.js';
import { DecodeError } from '../../src/protocol/wire/decode-error.js';

function written(f: (w: Writer) => void): Buffer {
  const w = new Writer(8);
  f(w);
  return w.toBuffer();
}

function isDecodeError(code: string) {
  return (e: unknown): boolean => e instanceof DecodeError && e.code === code;
}

test('unsigned varints at their byte boundaries', () => {
  const cases: [number, number[]][] = [
    [0, [0]], [1, [1]], [127, [0x7f]], [128, [0x80, 0x01]], [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]], [16384, [0x80, 0x80, 0x01]], [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [v, bytes] of cases) {
    assert.deepEqual(written((w) => w.uvarint(v)), Buffer.from(bytes), `encode ${v}`);
    assert.equal(new Reader(Buffer.from(bytes)).uvarint(), v, `decode ${v}`);
  }
});

test('zig-zag varints and varlongs', () => {
  assert.deepEqual(written((w) => w.varint(-1)), Buffer.from([1]));
  assert.deepEqual(written((w) => w.varint(1)), Buffer.from([2]));
  assert.deepEqual(written((w) => w.varint(-64)), Buffer.from([0x7f]));
  assert.deepEqual(written((w) => w.varint(64)), Buffer.from([0x80, 0x01]));
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
    assert.equal(new Reader(written((w) => w.varint(v))).varint(), v);
  }));
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
    assert.equal(new Reader(written((w) => w.varlong(v))).varlong(), v);
  }));
  assert.equal(written((w) => w.varlong(-(2n ** 63n))).length, 10);
});

test('over-long varints are rejected', () => {
  assert.throws(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint(), isDecodeError('VARINT_TOO_LONG'));
  assert.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f])).uvarint(), isDecodeError('VARINT_TOO_LONG'));
  assert.throws(() => new Reader(Buffer.alloc(11, 0x80)).varlong(), isDecodeError('VARINT_TOO_LONG'));
  assert.throws(() => new Reader(Buffer.from([0x80])).uvarint(), isDecodeError('TRUNCATED'));
});

test('strings: classic, compact, nullable, and multi-byte UTF-8', () => {
  assert.deepEqual(written((w) => w.string('hé')), Buffer.from([0, 3, 0x68, 0xc3, 0xa9]));
  assert.deepEqual(written((w) => w.compactString('hé')), Buffer.from([4, 0x68, 0xc3, 0xa9]));
  assert.deepEqual(written((w) => w.nullableString(null)), Buffer.from([0xff, 0xff]));
  assert.deepEqual(written((w) => w.compactNullableString(null)), Buffer.from([0]));
  assert.equal(new Reader(Buffer.from([0, 3, 0x68, 0xc3, 0xa9])).string(), 'hé');
  assert.equal(new Reader(Buffer.from([0])).compactNullableString(), null);
  assert.throws(() => new Reader(Buffer.from([0xff, 0xff])).string(), isDecodeError('NEGATIVE_LENGTH'));
  assert.throws(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString(), isDecodeError('NEGATIVE_LENGTH'));
  assert.throws(() => new Reader(Buffer.from([0, 5, 0x61])).string(), isDecodeError('TRUNCATED'));
});

test('bytes are zero-copy slices and lengths are checked before use', () => {
  const buf = Buffer.from([0, 0, 0, 2, 7, 8, 9]);
  const b = new Reader(buf).bytes();
  assert.deepEqual(b, Buffer.from([7, 8]));
  assert.equal(b.buffer, buf.buffer);
  assert.throws(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).bytes(), isDecodeError('TRUNCATED'));
  assert.equal(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).nullableBytes(), null);
});

test('array counts larger than the remaining bytes are rejected before allocating', () => {
  assert.throws(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0])).arrayLength(false, 4), isDecodeError('COUNT_TOO_LARGE'));
  assert.throws(() => new Reader(Buffer.from([0, 0, 0, 2, 0, 0, 0, 1])).arrayLength(false, 4), isDecodeError('COUNT_TOO_LARGE'));
  assert.equal(new Reader(Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2])).arrayLength(false, 4), 2);
  assert.equal(new Reader(Buffer.from([0])).compactArrayLength(true, 1), -1);
  assert.throws(() => new Reader(Buffer.from([0])).compactArrayLength(false, 1), isDecodeError('NEGATIVE_LENGTH'));
});

test('uuids print as Kafka prints them and fixed-width integers keep their sign', () => {
  const raw = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const id = new Reader(raw).uuid();
  assert.equal(id, raw.toString('base64url'));
  assert.equal(id.length, 22);
  assert.deepEqual(written((w) => w.uuid(id)), raw);
  const ints = written((w) => { w.int8(-2); w.int16(-3); w.int32(-4); w.int64(-5n); w.uint16(65535); w.float64(1.5); w.bool(true); });
  const r = new Reader(ints);
  assert.deepEqual([r.int8(), r.int16(), r.int32(), r.int64(), r.uint16(), r.float64(), r.bool()], [-2, -3, -4, -5n, 65535, 1.5, true]);
  assert.equal(r.remaining, 0);
});

test('Writer keeps large slices by reference and grows without losing bytes', () => {
  const big = Buffer.alloc(4096, 0xab);
  const w = new Writer(8);
  w.int32(1);
  w.raw(big);
  for (let i = 0; i < 1000; i++) w.int32(i);
  const chunks = w.toChunks();
  assert.ok(chunks.includes(big), 'the large slice is one of the chunks, not a copy');
  const all = Buffer.concat(chunks);
  assert.equal(all.length, 4 + 4096 + 4000);
  assert.equal(w.length, all.length);
  assert.equal(all.readInt32BE(4 + 4096 + 4 * 999), 999);
});
