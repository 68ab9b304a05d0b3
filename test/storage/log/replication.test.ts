/**
 * PartitionLog for replication: a follower appends the leader's batches byte for byte (offsets
 * and leader epochs kept, a gap refused), every log records where each leader epoch begins, and
 * truncation removes a suffix across segments with the epochs, high watermark, producer state and
 * aborted transactions following; appends then continue from the cut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError } from '../../../src/storage/storage-error.js';
import { BatchField } from '../../../src/protocol/records/batch-header.js';
import { logFixture } from '../../support/logs.js';
import { baseOffsetsIn, makeBatch, recordsIn } from '../../support/batches.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';

function idempotent(baseSequence: number): Buffer {
  const records = [0, 1].map((i) => ({ key: null, value: Buffer.from(`s${baseSequence + i}`), timestamp: BigInt(Date.now()) }));
  return buildRecordBatch(records, { producerId: 7n, producerEpoch: 0, baseSequence });
}

test('a follower stores the leader\'s batches unchanged and records their epochs', () => {
  const leader = logFixture().open();
  leader.append(makeBatch({ count: 2, prefix: 'a' }), 3);
  leader.append(makeBatch({ count: 3, prefix: 'b' }), 5);
  const fetched = leader.read(0, 1 << 20).records;
  const follower = logFixture().open();
  const r = follower.appendAsFollower(Buffer.from(fetched));
  assert.deepEqual([r.firstOffset, r.lastOffset], [0, 4]);
  assert.deepEqual(follower.read(0, 1 << 20).records, fetched, 'byte for byte');
  assert.deepEqual(follower.epochs.all, [{ epoch: 3, startOffset: 0 }, { epoch: 5, startOffset: 2 }]);
  assert.deepEqual(leader.epochs.all, follower.epochs.all);
  assert.deepEqual(follower.epochs.endOffsetFor(3, follower.logEndOffset), { epoch: 3, endOffset: 2 });
  assert.deepEqual(follower.epochs.endOffsetFor(4, follower.logEndOffset), { epoch: 3, endOffset: 2 });
  assert.deepEqual(follower.epochs.endOffsetFor(9, follower.logEndOffset), { epoch: 5, endOffset: 5 });
});

test('a follower refuses batches that do not continue its log', () => {
  const leader = logFixture().open();
  leader.append(makeBatch({ count: 2 }), 0);
  leader.append(makeBatch({ count: 2 }), 0);
  const second = leader.read(2, 1 << 20).records;
  const follower = logFixture().open();
  assert.throws(() => follower.appendAsFollower(Buffer.from(second)), (e: unknown) => e instanceof StorageError && e.code === 'CORRUPT_MESSAGE');
  assert.equal(follower.logEndOffset, 0);
});

test('truncation cuts across segments; epochs, high watermark and appends follow the cut', () => {
  const log = logFixture({ 'segment.bytes': '600' }).open();
  for (let i = 0; i < 12; i++) log.append(makeBatch({ count: 1, valueSize: 150, prefix: `r${i}` }), i < 6 ? 1 : 2);
  assert.ok(log.segmentCount >= 4, `rolled into ${log.segmentCount} segments`);
  log.setHighWatermark(10);
  assert.equal(log.truncateTo(4), 4);
  assert.equal(log.logEndOffset, 4);
  assert.equal(log.highWatermark, 4);
  assert.deepEqual(log.epochs.all, [{ epoch: 1, startOffset: 0 }]);
  const offsets: number[] = [];
  for (let at = 0; at < log.logEndOffset;) {
    const r = log.read(at, 1 << 20);
    offsets.push(...baseOffsetsIn(r.records));
    at = r.nextOffset;
  }
  assert.deepEqual(offsets, [0, 1, 2, 3]);
  const next = makeBatch({ count: 1, prefix: 'after' });
  assert.equal(log.append(next, 3).firstOffset, 4);
  assert.equal(next.readInt32BE(BatchField.partitionLeaderEpoch), 3);
  assert.deepEqual(recordsIn(log.read(4, 1 << 20).records).map((r) => r.value), ['after-0']);
  assert.deepEqual(log.epochs.all, [{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 4 }]);
  assert.equal(log.truncateTo(100), 5, 'truncating past the end changes nothing');
});

test('truncation drops the producer state of removed batches, so a resent sequence is not a duplicate', () => {
  const log = logFixture().open();
  log.append(idempotent(0), 0);
  const second = idempotent(2);
  log.append(Buffer.from(second), 0);
  log.truncateTo(2);
  const again = log.append(Buffer.from(second), 1);
  assert.equal(again.duplicate, false);
  assert.equal(again.firstOffset, 2);
});

test('a follower behind the leader\'s log start restarts its log there', () => {
  const leader = logFixture().open();
  for (let i = 0; i < 5; i++) leader.append(makeBatch({ count: 2, prefix: `b${i}` }), 0);
  const follower = logFixture({ 'segment.bytes': '400' }).open();
  follower.appendAsFollower(Buffer.from(leader.read(0, 1 << 20, 4).records));
  assert.equal(follower.logEndOffset, 4);
  follower.truncateFullyAndStartAt(8);
  assert.deepEqual([follower.logStartOffset, follower.logEndOffset, follower.highWatermark, follower.segmentCount], [8, 8, 8, 1]);
  assert.deepEqual(follower.epochs.all, []);
  follower.appendAsFollower(Buffer.from(leader.read(8, 1 << 20).records));
  assert.deepEqual(recordsIn(follower.read(8, 1 << 20).records).map((r) => [r.offset, r.value]), [[8, 'b4-0'], [9, 'b4-1']]);
  assert.throws(() => follower.read(4, 100), (e: unknown) => e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE');
});
