/**
 * PartitionLog: appends assign offsets in place and land byte-identical; reads return whole
 * batches from the right place; segments roll; bad batches get Kafka's errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError } from '../../../src/storage/storage-error.js';
import { BatchField } from '../../../src/protocol/records/batch-header.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { logFixture } from '../../support/logs.js';
import { baseOffsetsIn, makeBatch, recordsIn } from '../../support/batches.js';

function storageError(code: string) {
  return (e: unknown): boolean => e instanceof StorageError && e.code === code;
}

test('appends assign consecutive offsets by patching base offset and leader epoch', () => {
  const log = logFixture().open();
  const a = makeBatch({ count: 3, prefix: 'a' });
  const r1 = log.append(a, 7);
  assert.deepEqual([r1.firstOffset, r1.lastOffset, r1.recordCount], [0, 2, 3]);
  const r2 = log.append(makeBatch({ count: 2, prefix: 'b' }), 7);
  assert.deepEqual([r2.firstOffset, r2.lastOffset], [3, 4]);
  assert.equal(log.logEndOffset, 5);
  assert.equal(a.readBigInt64BE(BatchField.baseOffset), 0n);
  assert.equal(a.readInt32BE(BatchField.partitionLeaderEpoch), 7);
  const read = log.read(0, 1 << 20);
  assert.deepEqual(recordsIn(read.records).map((r) => [r.offset, r.value]), [
    [0, 'a-0'], [1, 'a-1'], [2, 'a-2'], [3, 'b-0'], [4, 'b-1'],
  ]);
  assert.deepEqual(read.records.subarray(0, a.length), a, 'stored bytes are the appended bytes');
  assert.equal(read.nextOffset, 5);
});

test('several batches in one append are written together and offsets continue across them', () => {
  const log = logFixture().open();
  const both = Buffer.concat([makeBatch({ count: 2 }), makeBatch({ count: 3 })]);
  const r = log.append(both, 0);
  assert.deepEqual([r.firstOffset, r.lastOffset, r.batches.length], [0, 4, 2]);
  assert.deepEqual(baseOffsetsIn(log.read(0, 1 << 20).records), [0, 2]);
});

test('reads start at the batch holding the offset, respect max bytes and the max offset', () => {
  const log = logFixture().open();
  for (let i = 0; i < 10; i++) log.append(makeBatch({ count: 2, valueSize: 100, prefix: `b${i}` }), 0);
  assert.deepEqual(baseOffsetsIn(log.read(7, 1 << 20).records), [6, 8, 10, 12, 14, 16, 18]);
  const batchSize = makeBatch({ count: 2, valueSize: 100 }).length;
  assert.deepEqual(baseOffsetsIn(log.read(0, batchSize * 2 + 10).records), [0, 2]);
  assert.deepEqual(baseOffsetsIn(log.read(0, 1).records), [0], 'the first batch comes whole even when larger');
  assert.equal(log.read(0, 1, undefined, false).records.length, 0, 'unless minOneBatch is off');
  assert.deepEqual(baseOffsetsIn(log.read(0, 1 << 20, 6).records), [0, 2, 4], 'stops before batches at max offset');
  assert.equal(log.read(20, 1 << 20).records.length, 0, 'reading at the log end returns nothing');
  assert.throws(() => log.read(21, 100), storageError('OFFSET_OUT_OF_RANGE'));
  assert.throws(() => log.read(-1, 100), storageError('OFFSET_OUT_OF_RANGE'));
});

test('segments roll by size and reads cross segment boundaries', () => {
  const log = logFixture({ 'segment.bytes': '1000' }).open();
  for (let i = 0; i < 20; i++) log.append(makeBatch({ count: 1, valueSize: 200, prefix: `r${i}` }), 0);
  assert.ok(log.segmentCount >= 5, `rolled into ${log.segmentCount} segments`);
  for (const seg of log.allSegments) assert.ok(seg.size <= 1000);
  const all = recordsIn(log.read(0, 1 << 20).records);
  assert.ok(all.length >= 1 && all[0]!.value!.startsWith('r0'));
  let offset = 0;
  const seen: number[] = [];
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20);
    seen.push(...recordsIn(r.records).map((x) => x.offset));
    offset = r.nextOffset;
  }
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(log.segmentBaseOffsets(), log.allSegments.map((s) => s.baseOffset));
});

test('segments roll by age (segment.ms) and by a full index', () => {
  const f = logFixture({ 'segment.ms': '1000' });
  const log = f.open();
  log.append(makeBatch({ timestamp: f.clock.now() }), 0);
  f.clock.advance(500);
  log.append(makeBatch({ timestamp: f.clock.now() }), 0);
  assert.equal(log.segmentCount, 1);
  f.clock.advance(1000);
  log.append(makeBatch({ timestamp: f.clock.now() }), 0);
  assert.equal(log.segmentCount, 2);
  const backfill = logFixture({ 'segment.ms': '1000' });
  const old = backfill.open();
  for (let i = 0; i < 10; i++) old.append(makeBatch({ timestamp: backfill.clock.now() - 8 * 86_400_000 + i }), 0);
  assert.equal(old.segmentCount, 1, 'old record timestamps alone do not roll a segment on every append');
  const small = logFixture({ 'segment.index.bytes': '16', 'index.interval.bytes': '1' }).open();
  for (let i = 0; i < 8; i++) small.append(makeBatch({ count: 1, valueSize: 10 }), 0);
  assert.ok(small.segmentCount >= 2, 'an index with room for two entries rolls');
});

test('bad batches get the Kafka error for what is wrong with them', () => {
  const log = logFixture({ 'max.message.bytes': '500' }).open();
  const corrupt = makeBatch({ count: 2 });
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.throws(() => log.append(corrupt, 0), storageError('CORRUPT_MESSAGE'));
  assert.throws(() => log.append(makeBatch({ count: 1, valueSize: 600 }), 0), storageError('MESSAGE_TOO_LARGE'));
  const v1 = makeBatch();
  v1[BatchField.magic] = 1;
  assert.throws(() => log.append(v1, 0), storageError('INVALID_RECORD'));
  assert.throws(() => log.append(makeBatch().subarray(0, 40), 0), storageError('CORRUPT_MESSAGE'));
  assert.throws(() => log.append(Buffer.alloc(0), 0), storageError('INVALID_RECORD'));
  const lying = buildRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: 1n }], { lastOffsetDelta: 3 });
  assert.throws(() => log.append(lying, 0), storageError('INVALID_RECORD'));
  assert.equal(log.logEndOffset, 0, 'nothing was appended');
});

test('LogAppendTime stamps the broker time and keeps the CRC valid', () => {
  const f = logFixture({ 'message.timestamp.type': 'LogAppendTime' });
  const log = f.open();
  const r = log.append(makeBatch({ count: 2, timestamp: 5 }), 0);
  assert.equal(r.logAppendTime, f.clock.now());
  const recs = recordsIn(log.read(0, 1 << 20).records);
  assert.equal(recs.length, 2);
  assert.equal(log.allSegments[0]!.maxTimestamp, f.clock.now());
});

test('timestamps outside message.timestamp.before/after.max.ms are refused', () => {
  const f = logFixture({ 'message.timestamp.before.max.ms': '1000', 'message.timestamp.after.max.ms': '1000' });
  const log = f.open();
  assert.throws(() => log.append(makeBatch({ timestamp: f.clock.now() - 5000 }), 0), storageError('INVALID_TIMESTAMP'));
  assert.throws(() => log.append(makeBatch({ timestamp: f.clock.now() + 5000 }), 0), storageError('INVALID_TIMESTAMP'));
  log.append(makeBatch({ timestamp: f.clock.now() }), 0);
});

test('the high watermark is separate from the log end offset', () => {
  const log = logFixture().open();
  log.append(makeBatch({ count: 3 }), 0);
  assert.equal(log.logEndOffset, 3);
  assert.equal(log.highWatermark, 0);
  log.updateHighWatermark(2);
  assert.equal(log.highWatermark, 2);
  log.updateHighWatermark(1);
  assert.equal(log.highWatermark, 2, 'never moves backwards');
  log.updateHighWatermark(10);
  assert.equal(log.highWatermark, 3, 'never passes the log end');
});
