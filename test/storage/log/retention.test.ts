/**
 * Retention, DeleteRecords and lookups by timestamp on a partition log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError } from '../../../src/storage/storage-error.js';
import { applyRetention } from '../../../src/storage/log/retention.js';
import { offsetForTimestamp, offsetOfMaxTimestamp } from '../../../src/storage/log/offset-lookup.js';
import { logFixture } from '../../support/logs.js';
import { makeBatch, recordsIn } from '../../support/batches.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';

async function filled(overrides: Record<string, string>, batches: number, timestampOf: (i: number) => number) {
  const f = logFixture({ 'segment.bytes': '400', ...overrides });
  const log = f.open();
  for (let i = 0; i < batches; i++) log.append(makeBatch({ count: 1, valueSize: 100, timestamp: timestampOf(i), prefix: `r${i}` }), 0);
  log.updateHighWatermark(log.logEndOffset);
  await log.flush();
  return { f, log };
}

function firstValue(log: PartitionLog): string {
  return recordsIn(log.read(log.logStartOffset, 1 << 20).records)[0]!.value!;
}

test('retention.ms deletes whole segments whose newest record is too old, oldest first', async () => {
  const now = 1_700_000_000_000;
  const { f, log } = await filled({ 'retention.ms': '60000', 'file.delete.delay.ms': '1000' }, 12, (i) => (i < 6 ? now - 120_000 : now));
  const before = log.segmentCount;
  const result = applyRetention(log, f.clock.now());
  assert.ok(result.deletedSegments >= 2, `deleted ${result.deletedSegments} of ${before}`);
  assert.ok(firstValue(log).startsWith('r'), 'reads work after deletion');
  const first = recordsIn(log.read(log.logStartOffset, 1 << 20).records)[0]!;
  assert.equal(first.offset, log.logStartOffset);
  assert.ok(first.offset <= 6, 'no record newer than retention was deleted');
  assert.throws(() => log.read(0, 100), (e: unknown) => e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE');
  const deletedFiles = f.fs.list('/data/topic-0').filter((n) => n.endsWith('.deleted'));
  assert.ok(deletedFiles.length > 0, 'files wait as .deleted for file.delete.delay.ms');
  f.clock.advance(1000);
  assert.deepEqual(f.fs.list('/data/topic-0').filter((n) => n.endsWith('.deleted')), []);
});

test('retention.bytes keeps the log under the limit by whole segments', async () => {
  const { f, log } = await filled({ 'retention.bytes': '800' }, 12, () => 1_700_000_000_000);
  applyRetention(log, f.clock.now());
  assert.ok(log.sizeInBytes <= 800 + 400, `size ${log.sizeInBytes}`);
  assert.ok(log.sizeInBytes > 800 - 400);
  assert.equal(log.logEndOffset, 12);
});

test('when everything has expired the log rolls and keeps accepting appends', async () => {
  const now = 1_700_000_000_000;
  const { f, log } = await filled({ 'retention.ms': '1000', 'segment.bytes': '100000' }, 3, () => now - 10_000);
  assert.equal(log.segmentCount, 1);
  applyRetention(log, f.clock.now());
  assert.equal(log.logStartOffset, 3);
  assert.equal(log.logEndOffset, 3);
  log.append(makeBatch({ prefix: 'after', timestamp: now }), 0);
  assert.equal(recordsIn(log.read(3, 1 << 20).records)[0]!.value, 'after-0');
});

test('retention never deletes data above the high watermark or not yet flushed', async () => {
  const f = logFixture({ 'segment.bytes': '400', 'retention.ms': '1000' });
  const log = f.open();
  for (let i = 0; i < 10; i++) log.append(makeBatch({ count: 1, valueSize: 100, timestamp: 1 }), 0);
  assert.equal(applyRetention(log, f.clock.now()).deletedSegments, 0, 'nothing below the high watermark');
  log.updateHighWatermark(10);
  assert.equal(applyRetention(log, f.clock.now()).deletedSegments, 0, 'nothing flushed');
  await log.flush();
  assert.ok(applyRetention(log, f.clock.now()).deletedSegments > 0);
});

test('cleanup.policy=compact alone disables time and size retention', async () => {
  const { f, log } = await filled({ 'retention.ms': '1', 'retention.bytes': '1', 'cleanup.policy': 'compact' }, 8, () => 1);
  assert.equal(applyRetention(log, f.clock.now()).deletedSegments, 0);
});

test('DeleteRecords moves the log start offset; whole segments below it go at the next pass', async () => {
  const { f, log } = await filled({}, 12, () => 1_700_000_000_000);
  assert.equal(log.deleteRecordsBefore(5), 5);
  assert.throws(() => log.read(4, 100), (e: unknown) => e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE');
  assert.equal(recordsIn(log.read(5, 1 << 20).records).find((r) => r.offset === 5)?.value?.startsWith('r5'), true);
  assert.equal(log.deleteRecordsBefore(3), 5, 'never moves backwards');
  assert.throws(() => log.deleteRecordsBefore(13), (e: unknown) => e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE');
  const segsBefore = log.segmentCount;
  applyRetention(log, f.clock.now());
  assert.ok(log.segmentCount < segsBefore);
  assert.equal(log.logStartOffset, 5);
});

test('offset for timestamp finds the first record at or after the target, across segments', async () => {
  const base = 1_700_000_000_000;
  const { log } = await filled({}, 12, (i) => base + i * 1000);
  // each batch holds one record with timestamp base + i*1000
  assert.deepEqual(offsetForTimestamp(log, base), { offset: 0, timestamp: base });
  assert.deepEqual(offsetForTimestamp(log, base + 1), { offset: 1, timestamp: base + 1000 });
  assert.deepEqual(offsetForTimestamp(log, base + 7000), { offset: 7, timestamp: base + 7000 });
  assert.deepEqual(offsetForTimestamp(log, base + 11_000), { offset: 11, timestamp: base + 11_000 });
  assert.equal(offsetForTimestamp(log, base + 11_001), undefined);
  assert.deepEqual(offsetOfMaxTimestamp(log), { offset: 11, timestamp: base + 11_000 });
  log.deleteRecordsBefore(4);
  assert.deepEqual(offsetForTimestamp(log, base), { offset: 4, timestamp: base + 4000 });
});

test('offset for timestamp looks inside a batch and honours out-of-order timestamps', async () => {
  const f = logFixture();
  const log = f.open();
  log.append(makeBatch({ count: 5, timestamp: 100 }), 0); // records at 100..104
  log.append(makeBatch({ count: 1, timestamp: 50 }), 0); // offset 5 at 50
  log.append(makeBatch({ count: 1, timestamp: 500 }), 0); // offset 6 at 500
  assert.deepEqual(offsetForTimestamp(log, 103), { offset: 3, timestamp: 103 });
  assert.deepEqual(offsetForTimestamp(log, 105), { offset: 6, timestamp: 500 });
  assert.deepEqual(offsetOfMaxTimestamp(log), { offset: 6, timestamp: 500 });
});
