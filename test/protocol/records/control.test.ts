import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ControlRecordType,
  buildEndTransactionMarkerBatch,
  buildRecordBatch,
  readBatchHeader,
  readControlRecordType,
  readEndTransactionMarker,
  readRecordBatch,
} from '../../../src/protocol/records/index.js';
import { DecodeError } from '../../../src/protocol/wire/decode-error.js';

const invalid = (err: unknown) => err instanceof DecodeError && err.code === 'INVALID_VALUE';

describe('transaction marker batches', () => {
  const options = { producerId: 4000n, producerEpoch: 5, timestamp: 1_700_000_000_123n, baseOffset: 77n, partitionLeaderEpoch: 2 };

  it('builds a control + transactional batch with one record holding the marker', () => {
    const batch = buildEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 19 }, options);
    const header = readBatchHeader(batch);
    assert.equal(batch.readInt16BE(21), 0x30);
    assert.equal(header.isControl && header.isTransactional, true);
    assert.equal(header.producerId, 4000n);
    assert.equal(header.producerEpoch, 5);
    assert.equal(header.baseSequence, -1);
    assert.equal(header.recordCount, 1);
    assert.equal(header.baseOffset, 77n);
    assert.equal(header.partitionLeaderEpoch, 2);
    const [record] = readRecordBatch(batch).records;
    assert.equal(record!.key!.toString('hex'), '0000' + '0001');
    assert.equal(record!.value!.toString('hex'), '0000' + '00000013');
    assert.equal(record!.timestamp, 1_700_000_000_123n);
  });

  it('round-trips COMMIT and ABORT markers', () => {
    for (const type of [ControlRecordType.Abort, ControlRecordType.Commit]) {
      const batch = buildEndTransactionMarkerBatch({ type, coordinatorEpoch: 3 }, options);
      assert.deepEqual(readEndTransactionMarker(batch), { type, coordinatorEpoch: 3 });
    }
  });

  it('accepts later key and value versions, reading the fields it knows', () => {
    const key = Buffer.from('0003' + '0000' + 'ffff', 'hex');
    const value = Buffer.from('0001' + '0000002a' + 'abcd', 'hex');
    const batch = buildRecordBatch([{ key, value, timestamp: 0n }], { isControl: true, isTransactional: true });
    assert.deepEqual(readEndTransactionMarker(batch), { type: ControlRecordType.Abort, coordinatorEpoch: 42 });
  });

  it('rejects non-control batches, other control types and malformed keys and values', () => {
    const data = buildRecordBatch([{ key: Buffer.from('0000', 'hex'), value: null, timestamp: 0n }]);
    assert.throws(() => readEndTransactionMarker(data), invalid);
    const control = (key: Buffer | null, value: Buffer | null, count = 1) =>
      buildRecordBatch(Array.from({ length: count }, () => ({ key, value, timestamp: 0n })), { isControl: true });
    const goodKey = Buffer.from('00000001', 'hex');
    const goodValue = Buffer.from('000000000001', 'hex');
    assert.throws(() => readEndTransactionMarker(control(Buffer.from('00000002', 'hex'), goodValue)), invalid);
    assert.throws(() => readEndTransactionMarker(control(Buffer.from('000000', 'hex'), goodValue)), invalid);
    assert.throws(() => readEndTransactionMarker(control(null, goodValue)), invalid);
    assert.throws(() => readEndTransactionMarker(control(Buffer.from('ffff0001', 'hex'), goodValue)), invalid);
    assert.throws(() => readEndTransactionMarker(control(goodKey, Buffer.from('00000000', 'hex'))), invalid);
    assert.throws(() => readEndTransactionMarker(control(goodKey, null)), invalid);
    assert.throws(() => readEndTransactionMarker(control(goodKey, goodValue, 2)), invalid);
    assert.equal(readControlRecordType(Buffer.from('00000003', 'hex')), 3);
  });
});
