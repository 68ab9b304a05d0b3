import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from '@node-rs/crc32';
import { CompressionType } from '../../../src/protocol/compression/index.js';
import {
  BatchField,
  TimestampType,
  buildRecordBatch,
  isBatchCrcValid,
  readBatchHeader,
  readRecordBatch,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  verifyBatchCrc,
  writeBatchCrc,
} from '../../../src/protocol/records/index.js';
import { DecodeError } from '../../../src/protocol/wire/decode-error.js';

const decodeError = (code: string) => (err: unknown) => err instanceof DecodeError && err.code === code;

const T0 = 1_700_000_000_000n; // 0x0000018BCFE56800

/**
 * The batch encoded by hand from the v2 layout, field by field, independently of the builder.
 * Two records: key "k", value "hello", header h=v at T0; then key "k" with a null value
 * (a tombstone) at T0 + 5.
 */
function handEncodedBatch(): Buffer {
  const header =
    '000000000000002a' + // baseOffset 42
    '0000004a' + //         batchLength 74 = 49 + 25 bytes of records
    '00000007' + //         partitionLeaderEpoch 7
    '02' + //               magic 2
    '00000000' + //         crc, filled in below
    '0010' + //             attributes: transactional, no compression, CreateTime
    '00000001' + //         lastOffsetDelta 1
    '0000018bcfe56800' + // baseTimestamp T0
    '0000018bcfe56805' + // maxTimestamp T0 + 5
    '00000000000004d2' + // producerId 1234
    '0003' + //             producerEpoch 3
    '0000000a' + //         baseSequence 10
    '00000002'; //          recordCount 2
  const record1 =
    '20' + //       length 16 (zig-zag 32)
    '00' + //       attributes
    '00' + //       timestampDelta 0
    '00' + //       offsetDelta 0
    '026b' + //     key: length 1, "k"
    '0a68656c6c6f' + // value: length 5, "hello"
    '02' + //       1 header
    '0268' + //     header key: length 1, "h"
    '0276'; //      header value: length 1, "v"
  const record2 =
    '0e' + //       length 7
    '00' + //       attributes
    '0a' + //       timestampDelta 5
    '02' + //       offsetDelta 1
    '026b' + //     key "k"
    '01' + //       value length -1: null
    '00'; //        no headers
  const batch = Buffer.from(header + record1 + record2, 'hex');
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

function builtBatch(compression = CompressionType.None): Buffer {
  return buildRecordBatch(
    [
      { key: Buffer.from('k'), value: Buffer.from('hello'), headers: [{ key: 'h', value: Buffer.from('v') }], timestamp: T0 },
      { key: Buffer.from('k'), value: null, timestamp: T0 + 5n },
    ],
    {
      baseOffset: 42n,
      partitionLeaderEpoch: 7,
      producerId: 1234n,
      producerEpoch: 3,
      baseSequence: 10,
      isTransactional: true,
      compression,
    },
  );
}

describe('record batch header', () => {
  it('builder output equals the hand-encoded batch byte for byte', () => {
    const expected = handEncodedBatch();
    assert.equal(expected.readUInt32BE(17), 0x4a5f90d5);
    assert.equal(builtBatch().toString('hex'), expected.toString('hex'));
  });

  it('places the fields at the documented offsets', () => {
    const batch = builtBatch();
    assert.equal(batch.length, 86);
    assert.equal(batch.readBigInt64BE(0), 42n);
    assert.equal(batch.readInt32BE(8), 74);
    assert.equal(batch.readInt32BE(12), 7);
    assert.equal(batch[16], 2);
    assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)));
    assert.equal(batch.readInt16BE(21), 0x10);
    assert.equal(batch.readInt32BE(23), 1);
    assert.equal(batch.readBigInt64BE(27), T0);
    assert.equal(batch.readBigInt64BE(35), T0 + 5n);
    assert.equal(batch.readBigInt64BE(43), 1234n);
    assert.equal(batch.readInt16BE(51), 3);
    assert.equal(batch.readInt32BE(53), 10);
    assert.equal(batch.readInt32BE(57), 2);
    assert.deepEqual(BatchField, {
      baseOffset: 0, batchLength: 8, partitionLeaderEpoch: 12, magic: 16, crc: 17, attributes: 21,
      lastOffsetDelta: 23, baseTimestamp: 27, maxTimestamp: 35, producerId: 43, producerEpoch: 51,
      baseSequence: 53, recordCount: 57,
    });
  });

  it('reads every header field through the view', () => {
    const header = readBatchHeader(builtBatch(CompressionType.Snappy));
    assert.equal(header.baseOffset, 42n);
    assert.equal(header.partitionLeaderEpoch, 7);
    assert.equal(header.magic, 2);
    assert.equal(header.attributes, 0x12);
    assert.equal(header.compression, CompressionType.Snappy);
    assert.equal(header.timestampType, TimestampType.CreateTime);
    assert.equal(header.isTransactional, true);
    assert.equal(header.isControl, false);
    assert.equal(header.hasDeleteHorizon, false);
    assert.equal(header.lastOffsetDelta, 1);
    assert.equal(header.lastOffset, 43n);
    assert.equal(header.baseTimestamp, T0);
    assert.equal(header.maxTimestamp, T0 + 5n);
    assert.equal(header.producerId, 1234n);
    assert.equal(header.producerEpoch, 3);
    assert.equal(header.baseSequence, 10);
    assert.equal(header.recordCount, 2);
    assert.equal(header.size, header.batchLength + 12);
    assert.equal(header.crc, crc32c(header.buf.subarray(21, header.size)));
  });

  it('reads a header at an offset inside a larger buffer', () => {
    const batch = builtBatch();
    const buf = Buffer.concat([Buffer.alloc(5, 0xee), batch, Buffer.alloc(3)]);
    const header = readBatchHeader(buf, 5);
    assert.equal(header.baseOffset, 42n);
    assert.equal(isBatchCrcValid(buf, 5), true);
    assert.deepEqual(header.recordsBytes, batch.subarray(61));
  });

  it('fails CRC validation when any byte of the covered region or the CRC itself changes', () => {
    const batch = builtBatch();
    verifyBatchCrc(batch);
    for (let at = 17; at < batch.length; at++) {
      const copy = Buffer.from(batch);
      copy[at]! ^= 0x01;
      assert.equal(isBatchCrcValid(copy), false, `byte ${at}`);
      assert.throws(() => verifyBatchCrc(copy), decodeError('CRC_MISMATCH'));
    }
  });

  it('keeps the CRC valid when baseOffset and partitionLeaderEpoch are patched in place', () => {
    const batch = builtBatch(CompressionType.Lz4);
    const crc = batch.readUInt32BE(17);
    setBaseOffset(batch, 0, 9_000_000_000n);
    setPartitionLeaderEpoch(batch, 0, 12);
    assert.equal(batch.readUInt32BE(17), crc);
    assert.equal(isBatchCrcValid(batch), true);
    const header = readBatchHeader(batch);
    assert.equal(header.baseOffset, 9_000_000_000n);
    assert.equal(header.partitionLeaderEpoch, 12);
    assert.deepEqual(readRecordBatch(batch).records.map((r) => r.offset), [9_000_000_000n, 9_000_000_001n]);
  });

  it('sets LogAppendTime: attribute bit 3, maxTimestamp, fresh CRC, and every record reports it', () => {
    const batch = builtBatch(CompressionType.Gzip);
    setLogAppendTime(batch, 0, T0 + 1000n);
    assert.equal(batch.readInt16BE(21), 0x10 | 0x08 | CompressionType.Gzip);
    assert.equal(batch.readBigInt64BE(35), T0 + 1000n);
    assert.equal(isBatchCrcValid(batch), true);
    const { header, records } = readRecordBatch(batch);
    assert.equal(header.timestampType, TimestampType.LogAppendTime);
    assert.deepEqual(records.map((r) => r.timestamp), [T0 + 1000n, T0 + 1000n]);
  });

  it('writeBatchCrc repairs the CRC after an edit', () => {
    const batch = builtBatch();
    batch.writeInt16BE(4, BatchField.producerEpoch);
    assert.equal(isBatchCrcValid(batch), false);
    writeBatchCrc(batch);
    assert.equal(isBatchCrcValid(batch), true);
  });

  it('rejects headers that are cut short, of another magic, too short or with an unknown codec', () => {
    const batch = builtBatch();
    const edited = (at: number, write: (b: Buffer) => void): Buffer => {
      const copy = Buffer.from(batch);
      write(copy);
      return copy.subarray(0, at);
    };
    assert.throws(() => readBatchHeader(batch.subarray(0, 60)), decodeError('TRUNCATED'));
    assert.throws(() => readBatchHeader(batch.subarray(0, batch.length - 1)), decodeError('TRUNCATED'));
    assert.throws(() => readBatchHeader(batch, 30), decodeError('TRUNCATED'));
    assert.throws(() => readBatchHeader(edited(86, (b) => b.writeInt8(1, 16))), decodeError('INVALID_VALUE'));
    assert.throws(() => readBatchHeader(edited(86, (b) => b.writeInt32BE(48, 8))), decodeError('INVALID_VALUE'));
    assert.throws(() => readBatchHeader(edited(86, (b) => b.writeInt32BE(-1, 8))), decodeError('INVALID_VALUE'));
    assert.throws(() => readBatchHeader(edited(86, (b) => b.writeInt16BE(0x15, 21))), decodeError('INVALID_VALUE'));
  });
});
