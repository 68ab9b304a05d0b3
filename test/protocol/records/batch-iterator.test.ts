import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionType } from '../../../src/protocol/compression/index.js';
import {
  batchesIn,
  buildLegacyMessageSet,
  buildRecordBatch,
  type BatchSpan,
} from '../../../src/protocol/records/index.js';
import { DecodeError } from '../../../src/protocol/wire/decode-error.js';

const decodeError = (code: string) => (err: unknown) => err instanceof DecodeError && err.code === code;

function batch(baseOffset: bigint, count: number, compression = CompressionType.None): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({
    key: null,
    value: Buffer.from(`value-${baseOffset}-${i}`),
    timestamp: 1000n + BigInt(i),
  }));
  return buildRecordBatch(records, { baseOffset, compression });
}

const summary = (spans: BatchSpan[]) => spans.map((s) => [s.start, s.size, s.magic, s.header?.baseOffset ?? null]);

describe('batch iterator', () => {
  const a = batch(0n, 3);
  const b = batch(3n, 5, CompressionType.Zstd);
  const c = batch(8n, 1);

  it('yields the start, size and header of each batch in order', () => {
    const it = batchesIn(Buffer.concat([a, b, c]));
    assert.deepEqual(summary([...it]), [
      [0, a.length, 2, 0n],
      [a.length, b.length, 2, 3n],
      [a.length + b.length, c.length, 2, 8n],
    ]);
    assert.equal(it.partialBytes, 0);
  });

  it('stops at a partial trailing batch and reports its bytes', () => {
    for (const cut of [1, 11, 12, 17, 60, 61, c.length - 1]) {
      const it = batchesIn(Buffer.concat([a, b, c.subarray(0, cut)]));
      assert.equal([...it].length, 2, `cut ${cut}`);
      assert.equal(it.partialBytes, cut);
    }
  });

  it('iterates a window of a buffer', () => {
    const buf = Buffer.concat([Buffer.alloc(7), a, b, c]);
    const spans = [...batchesIn(buf, 7, 7 + a.length + b.length)];
    assert.deepEqual(summary(spans), [
      [7, a.length, 2, 0n],
      [7 + a.length, b.length, 2, 3n],
    ]);
  });

  it('reports legacy messages with their magic and no header', () => {
    const legacy0 = buildLegacyMessageSet([{ offset: 9n, key: null, value: Buffer.from('x') }], { magic: 0 });
    const legacy1 = buildLegacyMessageSet([{ offset: 10n, timestamp: 5n, key: null, value: null }], { magic: 1 });
    const spans = [...batchesIn(Buffer.concat([a, legacy0, legacy1]))];
    assert.deepEqual(summary(spans), [
      [0, a.length, 2, 0n],
      [a.length, legacy0.length, 0, null],
      [a.length + legacy0.length, legacy1.length, 1, null],
    ]);
  });

  it('throws on lengths too small for any entry and on unknown magic values', () => {
    const tooShort = Buffer.from(a);
    tooShort.writeInt32BE(13, 8);
    assert.throws(() => [...batchesIn(tooShort)], decodeError('INVALID_VALUE'));
    const negative = Buffer.from(a);
    negative.writeInt32BE(-5, 8);
    assert.throws(() => [...batchesIn(negative)], decodeError('INVALID_VALUE'));
    const magic7 = Buffer.from(a);
    magic7[16] = 7;
    assert.throws(() => [...batchesIn(magic7)], decodeError('INVALID_VALUE'));
    const shortV1 = Buffer.from(a);
    shortV1[16] = 1;
    shortV1.writeInt32BE(20, 8);
    assert.throws(() => [...batchesIn(shortV1)], decodeError('INVALID_VALUE'));
  });

  it('yields nothing for an empty buffer', () => {
    const it = batchesIn(Buffer.alloc(0));
    assert.deepEqual([...it], []);
    assert.equal(it.partialBytes, 0);
  });
});
