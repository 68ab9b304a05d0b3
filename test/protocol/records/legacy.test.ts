import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { crc32 } from '@node-rs/crc32';
import { CompressionType, decompress, xxhash32 } from '../../../src/protocol/compression/index.js';
import {
  ControlRecordType,
  TimestampType,
  buildEndTransactionMarkerBatch,
  buildLegacyMessageSet,
  buildRecordBatch,
  downConvertBatches,
  legacyToRecordInputs,
  readLegacyMessageSet,
  readRecordBatch,
  recordsToLegacyMessageSet,
  type LegacyMagic,
  type LegacyMessageInput,
} from '../../../src/protocol/records/index.js';
import { encodeMessage } from '../../../src/protocol/records/legacy.js';
import { DecodeError, EncodeError } from '../../../src/protocol/wire/decode-error.js';

const decodeError = (code: string) => (err: unknown) => err instanceof DecodeError && err.code === code;
const LEGACY_CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];

const MESSAGES: LegacyMessageInput[] = [
  { offset: 10n, timestamp: 1000n, key: Buffer.from('a'), value: Buffer.from('first') },
  { offset: 11n, timestamp: 1005n, key: null, value: null },
  { offset: 12n, timestamp: 999n, key: Buffer.from('c'), value: Buffer.alloc(3000, 0x62) },
];

function expectedMessages(magic: LegacyMagic, timestampType = TimestampType.CreateTime) {
  return MESSAGES.map((m) => ({
    offset: m.offset,
    magic,
    timestamp: magic === 0 ? -1n : m.timestamp!,
    timestampType,
    key: m.key,
    value: m.value,
  }));
}

describe('legacy message sets', () => {
  it('encodes a magic 0 message exactly as laid out', () => {
    const expected = Buffer.from(
      '0000000000000005' + // offset 5
        '00000011' + //       messageSize 17
        '00000000' + //       crc, below
        '00' + //             magic 0
        '00' + //             attributes
        'ffffffff' + //       null key
        '00000003616263', //  value "abc"
      'hex',
    );
    expected.writeUInt32BE(crc32(expected.subarray(16)), 12);
    assert.deepEqual(buildLegacyMessageSet([{ offset: 5n, key: null, value: Buffer.from('abc') }], { magic: 0 }), expected);
  });

  it('encodes a magic 1 message exactly as laid out', () => {
    const expected = Buffer.from(
      '0000000000000006' + // offset 6
        '00000017' + //       messageSize 23
        '00000000' + //       crc, below
        '01' + //             magic 1
        '08' + //             attributes: LogAppendTime
        '0000000000000bb8' + // timestamp 3000
        '000000016b' + //     key "k"
        'ffffffff', //        null value
      'hex',
    );
    expected.writeUInt32BE(crc32(expected.subarray(16)), 12);
    const built = buildLegacyMessageSet([{ offset: 6n, timestamp: 1n, key: Buffer.from('k'), value: null }], {
      magic: 1,
      timestampType: TimestampType.LogAppendTime,
      logAppendTime: 3000n,
    });
    assert.deepEqual(built, expected);
  });

  for (const magic of [0, 1] as const) {
    for (const compression of LEGACY_CODECS) {
      it(`round-trips magic ${magic} with ${CompressionType[compression]}`, () => {
        const set = buildLegacyMessageSet(MESSAGES, { magic, compression });
        assert.deepEqual(readLegacyMessageSet(set), expectedMessages(magic));
      });
    }
  }

  it('writes one magic 1 wrapper at the last offset around relative inner offsets', () => {
    const set = buildLegacyMessageSet(MESSAGES, { magic: 1, compression: CompressionType.Gzip });
    assert.equal(set.readBigInt64BE(0), 12n);
    assert.equal(set[17]! & 0x07, CompressionType.Gzip);
    assert.equal(set.readBigInt64BE(18), 1005n); // the wrapper carries the largest timestamp
    assert.equal(set.readInt32BE(26), -1); // null key
    const inner = decompress(CompressionType.Gzip, set.subarray(34));
    const innerOffsets = readLegacyMessageSet(inner).map((m) => m.offset);
    assert.deepEqual(innerOffsets, [0n, 1n, 2n]);
  });

  it('keeps absolute inner offsets for magic 0 and uses the magic-0 LZ4 descriptor checksum', () => {
    const set = buildLegacyMessageSet(MESSAGES, { magic: 0, compression: CompressionType.Lz4 });
    const frame = set.subarray(26); // after offset, size, crc, magic, attributes, null key, value length
    assert.equal(frame.readUInt32LE(0), 0x184d2204);
    assert.equal(frame[6], (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff);
    assert.throws(() => decompress(CompressionType.Lz4, frame), decodeError('COMPRESSION'));
    assert.deepEqual(readLegacyMessageSet(set).map((m) => m.offset), [10n, 11n, 12n]);
  });

  it('gives every inner message the timestamp of a LogAppendTime wrapper', () => {
    const set = buildLegacyMessageSet(MESSAGES, {
      magic: 1,
      compression: CompressionType.Snappy,
      timestampType: TimestampType.LogAppendTime,
      logAppendTime: 5555n,
    });
    const messages = readLegacyMessageSet(set);
    assert.ok(messages.every((m) => m.timestamp === 5555n && m.timestampType === TimestampType.LogAppendTime));
  });

  it('reads several entries, plain and wrapped, in a row', () => {
    const set = Buffer.concat([
      buildLegacyMessageSet(MESSAGES.slice(0, 1), { magic: 1 }),
      buildLegacyMessageSet(MESSAGES.slice(1), { magic: 1, compression: CompressionType.Lz4 }),
    ]);
    assert.deepEqual(readLegacyMessageSet(set), expectedMessages(1));
  });

  it('rejects nested compression, empty wrappers, mixed magic and zstd', () => {
    const innerWrapper = buildLegacyMessageSet(MESSAGES, { magic: 1, compression: CompressionType.Gzip });
    const nested = encodeMessage(12n, 1, CompressionType.Gzip, 0n, null, gzipSync(innerWrapper));
    assert.throws(() => readLegacyMessageSet(nested), decodeError('INVALID_VALUE'));
    const empty = encodeMessage(0n, 1, CompressionType.Gzip, 0n, null, gzipSync(Buffer.alloc(0)));
    assert.throws(() => readLegacyMessageSet(empty), decodeError('INVALID_VALUE'));
    const magic0Inside = encodeMessage(0n, 1, CompressionType.Gzip, 0n, null, gzipSync(buildLegacyMessageSet(MESSAGES, { magic: 0 })));
    assert.throws(() => readLegacyMessageSet(magic0Inside), decodeError('INVALID_VALUE'));
    const nullValue = encodeMessage(0n, 1, CompressionType.Gzip, 0n, null, null);
    assert.throws(() => readLegacyMessageSet(nullValue), decodeError('INVALID_VALUE'));
    const zstd = encodeMessage(0n, 1, CompressionType.Zstd, 0n, null, Buffer.from('x'));
    assert.throws(() => readLegacyMessageSet(zstd), decodeError('INVALID_VALUE'));
    assert.throws(() => buildLegacyMessageSet(MESSAGES, { magic: 1, compression: CompressionType.Zstd }), EncodeError);
    const belowZero = buildLegacyMessageSet(MESSAGES, { magic: 1, compression: CompressionType.Gzip });
    belowZero.writeBigInt64BE(1n, 0); // wrapper offset 1 with inner offsets 0..2
    assert.throws(() => readLegacyMessageSet(belowZero), decodeError('INVALID_VALUE'));
  });

  it('checks CRCs, unless told not to', () => {
    const set = buildLegacyMessageSet(MESSAGES, { magic: 0 });
    set[set.length - 1]! ^= 0x01;
    assert.throws(() => readLegacyMessageSet(set), decodeError('CRC_MISMATCH'));
    assert.equal(readLegacyMessageSet(set, { verifyCrc: false }).length, 3);
  });

  it('throws on a partial trailing message unless asked to ignore it', () => {
    const set = buildLegacyMessageSet(MESSAGES, { magic: 1 });
    const cut = set.subarray(0, set.length - 10);
    assert.throws(() => readLegacyMessageSet(cut), decodeError('TRUNCATED'));
    assert.equal(readLegacyMessageSet(cut, { allowPartialTrailing: true }).length, 2);
  });

  it('rejects a message whose size disagrees with its key and value', () => {
    const message = Buffer.concat([buildLegacyMessageSet(MESSAGES.slice(0, 1), { magic: 0 }), Buffer.alloc(2)]);
    message.writeInt32BE(message.readInt32BE(8) + 2, 8);
    assert.throws(() => readLegacyMessageSet(message, { verifyCrc: false }), decodeError('TRAILING_BYTES'));
  });
});

describe('legacy conversion', () => {
  it('up-converts legacy messages to a v2 batch and back down to magic 0 and 1', () => {
    const legacy = readLegacyMessageSet(buildLegacyMessageSet(MESSAGES, { magic: 1, compression: CompressionType.Snappy }));
    const inputs = legacyToRecordInputs(legacy);
    assert.deepEqual(inputs.map((r) => r.offsetDelta), [0, 1, 2]);
    const batch = buildRecordBatch(inputs, { baseOffset: 10n, compression: CompressionType.Gzip });
    const { records } = readRecordBatch(batch);
    assert.deepEqual(records.map((r) => [r.offset, r.timestamp]), MESSAGES.map((m) => [m.offset, m.timestamp]));
    for (const magic of [0, 1] as const) {
      for (const compression of LEGACY_CODECS) {
        const down = recordsToLegacyMessageSet(records, { magic, compression });
        assert.deepEqual(readLegacyMessageSet(down), expectedMessages(magic));
      }
    }
  });

  it('down-converts fetched batches, skipping transaction markers and keeping each codec', () => {
    const first = buildRecordBatch(
      MESSAGES.slice(0, 2).map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp!, headers: [{ key: 'dropped', value: null }] })),
      { baseOffset: 10n, compression: CompressionType.Lz4 },
    );
    const marker = buildEndTransactionMarkerBatch(
      { type: ControlRecordType.Commit, coordinatorEpoch: 0 },
      { producerId: 1n, producerEpoch: 0, timestamp: 0n, baseOffset: 12n },
    );
    const last = buildRecordBatch([{ key: MESSAGES[2]!.key, value: MESSAGES[2]!.value, timestamp: 999n }], { baseOffset: 12n });
    const fetched = Buffer.concat([first, marker, last, last.subarray(0, 20)]);
    for (const magic of [0, 1] as const) {
      const down = downConvertBatches(fetched, magic);
      assert.deepEqual(readLegacyMessageSet(down), expectedMessages(magic));
      assert.equal(down[17]! & 0x07, CompressionType.Lz4);
    }
  });

  it('down-converts magic 1 entries to magic 0 and copies entries already old enough', () => {
    const v1 = buildLegacyMessageSet(MESSAGES, { magic: 1, compression: CompressionType.Gzip });
    assert.deepEqual(readLegacyMessageSet(downConvertBatches(v1, 0)), expectedMessages(0));
    assert.deepEqual(downConvertBatches(v1, 1), v1);
  });

  it('refuses to down-convert zstd batches', () => {
    const zstd = buildRecordBatch([{ key: null, value: Buffer.from('z'), timestamp: 0n }], { compression: CompressionType.Zstd });
    assert.throws(() => downConvertBatches(zstd, 1), EncodeError);
  });
});
