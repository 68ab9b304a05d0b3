import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CompressionType } from '../../../src/protocol/compression/index.js';
import {
  TimestampType,
  batchRecords,
  buildRecordBatch,
  isBatchCrcValid,
  readBatchHeader,
  readRecordBatch,
  writeBatchCrc,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { DecodeError, EncodeError } from '../../../src/protocol/wire/decode-error.js';

const decodeError = (code: string) => (err: unknown) => err instanceof DecodeError && err.code === code;
const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const T0 = 1_650_000_000_000n;

const SAMPLE: RecordInput[] = [
  { key: Buffer.from('user-1'), value: Buffer.from('{"name":"ada"}'), timestamp: T0, headers: [{ key: 'trace', value: Buffer.from('abc') }] },
  { key: Buffer.from('user-2'), value: null, timestamp: T0 + 10n }, // tombstone
  { key: null, value: Buffer.alloc(5000, 0x41), timestamp: T0 - 3n, headers: [{ key: 'ключ', value: null }, { key: '', value: Buffer.alloc(0) }] },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: T0 + 7n },
];

/** What a reader should report for records built from `inputs` at `baseOffset`. */
function expected(inputs: readonly RecordInput[], baseOffset: bigint) {
  return inputs.map((r, i) => ({
    offset: baseOffset + BigInt(r.offsetDelta ?? i),
    timestamp: r.timestamp,
    offsetDelta: r.offsetDelta ?? i,
    key: r.key,
    value: r.value,
    headers: r.headers ?? [],
  }));
}

describe('record batch build and read', () => {
  for (const compression of CODECS) {
    it(`round-trips keys, tombstones and headers with ${CompressionType[compression]}`, () => {
      const batch = buildRecordBatch(SAMPLE, { baseOffset: 100n, compression, producerId: 7n, producerEpoch: 1, baseSequence: 0 });
      assert.equal(isBatchCrcValid(batch), true);
      const { header, records } = readRecordBatch(batch);
      assert.equal(header.compression, compression);
      assert.equal(header.recordCount, 4);
      assert.equal(header.lastOffsetDelta, 3);
      assert.equal(header.baseTimestamp, T0);
      assert.equal(header.maxTimestamp, T0 + 10n);
      assert.deepEqual(records, expected(SAMPLE, 100n));
      if (compression !== CompressionType.None) assert.ok(batch.length < 1000, 'the 5000-byte value compresses');
    });
  }

  it('returns keys and values of uncompressed batches as views of the batch', () => {
    const batch = buildRecordBatch(SAMPLE);
    const [first] = readRecordBatch(batch).records;
    assert.equal(first!.key!.buffer, batch.buffer);
    const at = first!.key!.byteOffset - batch.byteOffset;
    assert.ok(at > 61 && at < batch.length);
  });

  it('round-trips random record lists with every codec', () => {
    const header = fc
      .record({ key: fc.string({ maxLength: 10 }), value: fc.option(fc.uint8Array({ maxLength: 20 }).map(Buffer.from), { nil: null }) })
      .map((h) => ({ ...h }));
    const record = fc
      .record({
        key: fc.option(fc.uint8Array({ maxLength: 50 }).map(Buffer.from), { nil: null }),
        value: fc.option(fc.uint8Array({ maxLength: 500 }).map(Buffer.from), { nil: null }),
        headers: fc.array(header, { maxLength: 3 }),
        timestamp: fc.bigInt(0n, 2n ** 50n),
        gap: fc.integer({ min: 1, max: 1000 }),
      })
      .map((r) => ({ ...r }));
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 30 }),
        fc.constantFrom(...CODECS),
        fc.bigInt(0n, 2n ** 60n),
        (generated, compression, baseOffset) => {
          let offsetDelta = -1;
          const inputs: RecordInput[] = generated.map(({ gap, ...r }) => ({ ...r, offsetDelta: (offsetDelta += gap) }));
          const batch = buildRecordBatch(inputs, { baseOffset, compression });
          const { header, records } = readRecordBatch(batch);
          assert.deepEqual(records, expected(inputs, baseOffset));
          assert.equal(header.lastOffsetDelta, offsetDelta);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('builds an empty batch (as compaction leaves) with a kept lastOffsetDelta', () => {
    const batch = buildRecordBatch([], { baseOffset: 50n, lastOffsetDelta: 9 });
    assert.equal(batch.length, 61);
    const { header, records } = readRecordBatch(batch);
    assert.deepEqual(records, []);
    assert.equal(header.lastOffset, 59n);
    assert.equal(header.baseTimestamp, -1n);
    assert.equal(header.maxTimestamp, -1n);
  });

  it('stores a delete horizon as baseTimestamp with attribute bit 6', () => {
    const batch = buildRecordBatch(SAMPLE.slice(0, 2), { deleteHorizonMs: T0 + 86_400_000n });
    const { header, records } = readRecordBatch(batch);
    assert.equal(header.hasDeleteHorizon, true);
    assert.equal(header.attributes & 0x40, 0x40);
    assert.equal(header.baseTimestamp, T0 + 86_400_000n);
    assert.deepEqual(records.map((r) => r.timestamp), [T0, T0 + 10n]);
  });

  it('builds LogAppendTime batches whose records all report the append time', () => {
    const batch = buildRecordBatch(SAMPLE, { timestampType: TimestampType.LogAppendTime, logAppendTime: T0 + 999n });
    const { header, records } = readRecordBatch(batch);
    assert.equal(header.timestampType, TimestampType.LogAppendTime);
    assert.equal(header.maxTimestamp, T0 + 999n);
    assert.ok(records.every((r) => r.timestamp === T0 + 999n));
  });

  it('iterates lazily and reads a batch placed inside a larger buffer', () => {
    const batch = buildRecordBatch(SAMPLE, { compression: CompressionType.Lz4 });
    const buf = Buffer.concat([Buffer.alloc(10), batch]);
    const iterator = batchRecords(buf, 10);
    assert.equal(iterator.next().value?.key?.toString(), 'user-1');
    assert.equal([...iterator].length, 3);
  });

  it('rejects offset deltas that do not increase', () => {
    const records = [
      { key: null, value: null, timestamp: 0n, offsetDelta: 2 },
      { key: null, value: null, timestamp: 0n, offsetDelta: 2 },
    ];
    assert.throws(() => buildRecordBatch(records), EncodeError);
  });

  it('checks the CRC unless told not to', () => {
    const batch = buildRecordBatch(SAMPLE);
    batch[1000]! ^= 0xff; // inside the 5000-byte value
    assert.throws(() => readRecordBatch(batch), decodeError('CRC_MISMATCH'));
    assert.equal(readRecordBatch(batch, 0, { verifyCrc: false }).records.length, 4);
  });

  it('requires the record count to match the records present', () => {
    const withCount = (count: number, compression: CompressionType): Buffer => {
      const batch = buildRecordBatch(SAMPLE, { compression });
      batch.writeInt32BE(count, 57);
      writeBatchCrc(batch);
      return batch;
    };
    for (const compression of [CompressionType.None, CompressionType.Snappy]) {
      assert.throws(() => readRecordBatch(withCount(3, compression)), decodeError('TRAILING_BYTES'));
      assert.throws(() => readRecordBatch(withCount(5, compression)), decodeError('TRUNCATED'));
      assert.throws(() => readRecordBatch(withCount(-1, compression)), decodeError('INVALID_VALUE'));
      assert.throws(() => readRecordBatch(withCount(1_000_000, compression)), decodeError('COUNT_TOO_LARGE'));
    }
  });

  it('caps decompression of the records region', () => {
    const batch = buildRecordBatch(SAMPLE, { compression: CompressionType.Zstd });
    assert.throws(() => readRecordBatch(batch, 0, { maxDecompressedSize: 1000 }), decodeError('COMPRESSION'));
    assert.equal(readRecordBatch(batch, 0, { maxDecompressedSize: 6000 }).records.length, 4);
  });

  it('reports a corrupt compressed region as DecodeError(COMPRESSION)', () => {
    const batch = buildRecordBatch(SAMPLE, { compression: CompressionType.Gzip });
    batch.fill(0x55, 70, 90);
    writeBatchCrc(batch);
    assert.equal(readBatchHeader(batch).compression, CompressionType.Gzip);
    assert.throws(() => readRecordBatch(batch), decodeError('COMPRESSION'));
  });
});
