/**
 * Compaction outcomes: the newest value of each key survives across segments, offsets are kept
 * (with gaps), reads through the log return the compacted data, the active segment is never
 * touched, compressed batches stay compressed, and batches the cleaner must not rewrite
 * (transactional, control) or cannot compact (keyless records) are kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionType } from '../../../src/protocol/compression/index.js';
import { readBatchHeader, TimestampType, type BatchHeader } from '../../../src/protocol/records/batch-header.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../../../src/protocol/records/control.js';
import { batchesIn } from '../../../src/protocol/records/batch-iterator.js';
import { baseOffsetsIn, recordsIn } from '../../support/batches.js';
import {
  assertConsistent, commitAll, compactedFixture, contents, DIR, kvBatch, newCleaner, triples, writeSegment,
} from './cleaner-support.js';

/** Every batch readable from `offset` on, segment after segment. */
function batchesFrom(log: PartitionLog, offset: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = offset; at < log.logEndOffset; ) {
    const r = log.read(at, 1 << 24);
    if (r.records.length === 0) break;
    parts.push(r.records);
    at = r.nextOffset;
  }
  return Buffer.concat(parts);
}

function headersFrom(log: PartitionLog, offset: number): BatchHeader[] {
  const buf = batchesFrom(log, offset);
  return [...batchesIn(buf)].map((s) => readBatchHeader(buf, s.start));
}

test('keeps the newest value of each key across segments, with offsets preserved and gaps between them', async () => {
  const f = compactedFixture();
  const log = f.open();
  writeSegment(log, [[['k1', 'a1'], ['k2', 'b1'], ['k3', 'c1']]]); // 0..2
  writeSegment(log, [[['k1', 'a2'], ['k4', 'd1']]]); // 3..4
  writeSegment(log, [[['k2', 'b2']], [['k1', 'a3']]]); // 5, 6
  log.append(kvBatch([['k3', 'c2'], ['k1', 'a4']]), 0); // 7..8, active
  commitAll(log);
  const active = log.allSegments[log.allSegments.length - 1]!;
  const activeBytes = log.read(7, 1 << 20).records;

  const cleaner = newCleaner(f);
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();

  assert.equal(pass.cleaned.length, 1);
  assert.deepEqual(triples(log), [
    [2, 'k3', 'c1'], // c2 sits in the active segment, which is not mapped
    [4, 'k4', 'd1'],
    [5, 'k2', 'b2'],
    [6, 'k1', 'a3'],
    [7, 'k3', 'c2'],
    [8, 'k1', 'a4'],
  ]);
  assert.deepEqual(log.segmentBaseOffsets(), [0, 7], 'three closed segments merged into one, based at the first one');
  assert.equal(log.allSegments[1], active, 'the active segment object is untouched');
  assert.deepEqual(log.read(7, 1 << 20).records, activeBytes, 'and so are its bytes');
  assert.equal(cleaner.firstDirtyOffset(log), 7);
  assert.deepEqual(cleaner.checkpoints(), new Map([['topic-0', 7]]));
  assert.equal(log.logEndOffset, 9);
  assert.equal(log.logStartOffset, 0);

  // Batches keep their base offsets and offset spans, so a read in a gap finds the next record.
  assert.deepEqual(baseOffsetsIn(batchesFrom(log, 0)), [0, 3, 5, 6, 7]);
  const rebuilt = headersFrom(log, 0);
  assert.deepEqual(rebuilt.map((h) => [h.recordCount, h.lastOffsetDelta]), [[1, 2], [1, 1], [1, 0], [1, 0], [2, 1]]);
  const atGap = recordsIn(log.read(3, 1).records).filter((r) => r.offset >= 3);
  assert.deepEqual(atGap.map((r) => [r.offset, r.value]), [[4, 'd1']]);
  assertConsistent(f, log);
});

test('a second pass over new writes compacts the clean part again and moves the checkpoint', async () => {
  const f = compactedFixture({ 'min.cleanable.dirty.ratio': '0.01' });
  const log = f.open();
  writeSegment(log, [[['a', '1'], ['b', '1']]]);
  writeSegment(log, [[['a', '2']]]);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[1, 'b', '1'], [2, 'a', '2']]);
  writeSegment(log, [[['b', '2'], ['c', '1']]]);
  log.append(kvBatch([['a', '3']]), 0);
  commitAll(log);
  const pass = await cleaner.cleanOnce();
  assert.equal(pass.cleaned[0]!.firstDirtyOffset, 3);
  assert.deepEqual(triples(log), [[2, 'a', '2'], [3, 'b', '2'], [4, 'c', '1'], [5, 'a', '3']]);
  assert.equal(cleaner.firstDirtyOffset(log), 5);
  assertConsistent(f, log);
});

test('the active segment is never cleaned, even when it alone holds duplicates', async () => {
  const f = compactedFixture({ 'min.cleanable.dirty.ratio': '0' });
  const log = f.open();
  for (let i = 0; i < 5; i++) log.append(kvBatch([['k', `v${i}`]]), 0);
  commitAll(log);
  const before = log.read(0, 1 << 20).records;
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();
  assert.equal(pass.cleaned.length, 0);
  assert.deepEqual(log.read(0, 1 << 20).records, before);
  assert.equal(cleaner.plan(log)!.cleanableBytes, 0);
});

test('segments not wholly below the high watermark are not cleaned', async () => {
  const f = compactedFixture();
  const log = f.open();
  writeSegment(log, [[['k', '1'], ['k', '2']]]); // 0..1
  writeSegment(log, [[['k', '3'], ['k', '4']]]); // 2..3
  log.append(kvBatch([['x', '1']]), 0);
  log.updateHighWatermark(3); // the second segment is not all committed
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[1, 'k', '2'], [2, 'k', '3'], [3, 'k', '4'], [4, 'x', '1']]);
  assert.equal(cleaner.firstDirtyOffset(log), 2);
  commitAll(log);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[3, 'k', '4'], [4, 'x', '1']]);
});

test('compressed batches are compacted and stay compressed with their codec', async () => {
  for (const compression of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    const f = compactedFixture();
    const log = f.open();
    writeSegment(log, [[['a', 'a1'], ['b', 'b1'], ['c', 'c1'], ['d', 'd1']]], { compression });
    writeSegment(log, [[['a', 'a2'], ['c', 'c2']]], { compression });
    log.append(kvBatch([['z', 'z']]), 0);
    commitAll(log);
    const cleaner = newCleaner(f);
    cleaner.register(log);
    await cleaner.cleanOnce();
    assert.deepEqual(triples(log), [[1, 'b', 'b1'], [3, 'd', 'd1'], [4, 'a', 'a2'], [5, 'c', 'c2'], [6, 'z', 'z']], CompressionType[compression]);
    const headers = headersFrom(log, 0);
    assert.deepEqual(headers.map((h) => h.compression), [compression, compression, CompressionType.None]);
    assert.deepEqual(headers.map((h) => [h.recordCount, h.lastOffsetDelta]), [[2, 3], [2, 1], [1, 0]]);
    assertConsistent(f, log);
  }
});

test('rebuilt batches keep their producer fields, leader epoch and timestamps', async () => {
  const f = compactedFixture();
  const log = f.open();
  const ts = f.clock.now() - 1000;
  const idempotent = buildRecordBatch(
    [
      { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: BigInt(ts) },
      { key: Buffer.from('b'), value: Buffer.from('1'), timestamp: BigInt(ts + 5) },
      { key: Buffer.from('c'), value: Buffer.from('1'), timestamp: BigInt(ts + 9) },
    ],
    { producerId: 42n, producerEpoch: 3, baseSequence: 17 },
  );
  log.append(idempotent, 5);
  log.roll();
  writeSegment(log, [[['c', '2']]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  const h = headersFrom(log, 0)[0]!;
  assert.deepEqual(
    [h.baseOffset, h.lastOffsetDelta, h.recordCount, h.producerId, h.producerEpoch, h.baseSequence, h.partitionLeaderEpoch],
    [0n, 2, 2, 42n, 3, 17, 5],
  );
  assert.equal(h.maxTimestamp, BigInt(ts + 5), 'max timestamp of the records kept');
  assert.deepEqual(contents(log).slice(0, 2).map((r) => [r.key, r.timestamp]), [['a', ts], ['b', ts + 5]]);
});

test('LogAppendTime batches keep their timestamp type and broker time', async () => {
  const f = compactedFixture({ 'message.timestamp.type': 'LogAppendTime' });
  const log = f.open();
  const appendedAt = f.clock.now();
  writeSegment(log, [[['a', '1'], ['b', '1']]]);
  f.clock.advance(10);
  writeSegment(log, [[['a', '2']]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  const h = headersFrom(log, 0)[0]!;
  assert.equal(h.timestampType, TimestampType.LogAppendTime);
  assert.equal(h.maxTimestamp, BigInt(appendedAt));
  assert.deepEqual(contents(log).map((r) => [r.key, r.timestamp]), [['b', appendedAt], ['a', appendedAt + 10], ['z', appendedAt + 10]]);
});

test('records without a key cannot be compacted and are kept', async () => {
  const f = compactedFixture();
  const log = f.open();
  writeSegment(log, [[[null, 'n1'], ['k', '1'], [null, null]]]);
  writeSegment(log, [[['k', '2'], [null, 'n2']]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[0, null, 'n1'], [2, null, null], [3, 'k', '2'], [4, null, 'n2'], [5, 'z', 'z']]);
});

test('transactional and control batches are copied as they are, and do not supersede older values', async () => {
  const f = compactedFixture();
  const log = f.open();
  const ts = BigInt(f.clock.now());
  writeSegment(log, [[['k', 'plain-1'], ['j', 'plain-1']]]); // 0..1
  const txn = buildRecordBatch(
    [{ key: Buffer.from('k'), value: Buffer.from('txn'), timestamp: ts }, { key: Buffer.from('j'), value: Buffer.from('txn'), timestamp: ts }],
    { producerId: 9n, producerEpoch: 0, baseSequence: 0, isTransactional: true },
  );
  log.append(txn, 0); // 2..3
  const marker = buildEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 1 }, { producerId: 9n, producerEpoch: 0, timestamp: ts });
  log.append(marker, 0); // 4
  log.roll();
  writeSegment(log, [[['j', 'plain-2']]]); // 5
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const txnStored = Buffer.from(log.read(2, 1).records);
  const markerStored = Buffer.from(log.read(4, 1).records);

  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  // k's plain value stays: the transactional record is not mapped. j's is superseded by a plain write.
  assert.deepEqual(contents(log).map((r) => r.offset), [0, 2, 3, 4, 5, 6]);
  assert.deepEqual(triples(log).filter(([o]) => o !== 4), [
    [0, 'k', 'plain-1'],
    [2, 'k', 'txn'],
    [3, 'j', 'txn'],
    [5, 'j', 'plain-2'],
    [6, 'z', 'z'],
  ]);
  assert.deepEqual(log.read(2, 1).records, txnStored, 'the transactional batch is byte for byte the same');
  assert.deepEqual(log.read(4, 1).records, markerStored, 'and so is the marker');
});

test("an emptied batch is kept, without records, only when it is its producer's last batch", async () => {
  const f = compactedFixture();
  const log = f.open();
  const ts = BigInt(f.clock.now());
  const rec = (k: string, v: string) => ({ key: Buffer.from(k), value: Buffer.from(v), timestamp: ts });
  log.append(buildRecordBatch([rec('a', '1'), rec('b', '1')], { producerId: 7n, producerEpoch: 1, baseSequence: 0 }), 0); // 0..1
  log.append(buildRecordBatch([rec('c', '1')], { producerId: 8n, producerEpoch: 2, baseSequence: 30 }), 0); // 2
  log.append(buildRecordBatch([rec('a', '2'), rec('b', '2')], { producerId: 7n, producerEpoch: 1, baseSequence: 2, compression: CompressionType.Zstd }), 0); // 3..4
  log.roll();
  writeSegment(log, [[['a', '3'], ['b', '3'], ['c', '2']]]); // 5..7, no producer id
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();
  const headers = headersFrom(log, 0);
  assert.deepEqual(
    headers.map((h) => [Number(h.baseOffset), h.recordCount, h.lastOffsetDelta, h.producerId, h.baseSequence, h.compression]),
    [
      // producer 7's first batch went (a later batch of 7 exists); 7's last and 8's only batch
      // stay, empty and uncompressed
      [2, 0, 0, 8n, 30, CompressionType.None],
      [3, 0, 1, 7n, 2, CompressionType.None],
      [5, 3, 2, -1n, -1, CompressionType.None],
      [8, 1, 0, -1n, -1, CompressionType.None],
    ],
  );
  assert.equal(pass.cleaned[0]!.emptyBatchesKept, 2);
  assert.equal(pass.cleaned[0]!.batchesDropped, 1);
  assert.equal(headers[0]!.maxTimestamp, ts, 'an empty batch keeps its timestamps');
  assert.deepEqual(triples(log), [[5, 'a', '3'], [6, 'b', '3'], [7, 'c', '2'], [8, 'z', 'z']]);
  assertConsistent(f, log);
});

test('segments are merged in groups that stay within segment.bytes', async () => {
  const f = compactedFixture({ 'segment.bytes': '600', 'index.interval.bytes': '100' });
  const log = f.open();
  for (let i = 0; i < 12; i++) writeSegment(log, [[[`k${String(i).padStart(2, '0')}`, `v${i}`.padEnd(80, '.')]]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const sizes = log.allSegments.slice(0, -1).map((s) => s.size);
  assert.ok(sizes.every((s) => s === sizes[0]) && sizes[0]! * 12 > 600);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();
  const perGroup = Math.floor(600 / sizes[0]!);
  assert.equal(pass.cleaned[0]!.segmentsWritten, Math.ceil(12 / perGroup));
  assert.equal(log.segmentCount, Math.ceil(12 / perGroup) + 1);
  for (const s of log.allSegments.slice(0, -1)) assert.ok(s.size <= 600, `segment ${s.baseOffset} is ${s.size} bytes`);
  assert.deepEqual(contents(log).map((r) => r.key), [...Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`), 'z']);
  assertConsistent(f, log);
});

test('a group whose records are all superseded becomes an empty segment that reads skip', async () => {
  const f = compactedFixture({ 'segment.bytes': '100', 'min.cleanable.dirty.ratio': '0' });
  const log = f.open();
  writeSegment(log, [[['k', '1'], ['j', '1']]]); // 0..1, each segment its own group
  writeSegment(log, [[['k', '2'], ['j', '2']]]); // 2..3
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();
  assert.equal(pass.cleaned[0]!.segmentsWritten, 2);
  assert.deepEqual(log.segmentBaseOffsets(), [0, 2, 4]);
  assert.ok(log.allSegments[0]!.isEmpty);
  assert.deepEqual(triples(log), [[2, 'k', '2'], [3, 'j', '2'], [4, 'z', 'z']]);
  assert.deepEqual(triples(log).slice(0, 1), recordsIn(log.read(0, 1).records).slice(0, 1).map((r) => [r.offset, r.key, r.value]));
  assertConsistent(f, log);
  log.roll();
  log.append(kvBatch([['y', 'y']]), 0);
  commitAll(log);
  await cleaner.cleanOnce();
  assert.equal(log.allSegments[0]!.baseOffset, 0, 'the empty segment merges into the next group');
  assert.ok(!log.allSegments[0]!.isEmpty);
  assert.deepEqual(triples(log), [[2, 'k', '2'], [3, 'j', '2'], [4, 'z', 'z'], [5, 'y', 'y']]);
  assertConsistent(f, log);
});

test('a cleaned log reopens after a clean shutdown with its indexes trusted, and after a crash', async () => {
  const f = compactedFixture({ 'index.interval.bytes': '64' });
  const log = f.open();
  for (let s = 0; s < 4; s++) writeSegment(log, Array.from({ length: 6 }, (_, i) => [[`k${i % 5}`, `s${s}-${i}`]] as [string, string][]));
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  const expected = triples(log);
  const recoveryPoint = log.recoveryPoint;
  await log.close();
  const again = f.open({ cleanShutdown: true, recoveryPoint });
  assert.deepEqual(triples(again), expected);
  assertConsistent(f, again);
  again.closeNow();
  f.fs.crash();
  const recovered = f.open({ recoveryPoint: 0 });
  assert.deepEqual(triples(recovered), expected);
  assertConsistent(f, recovered);
  assert.ok(f.fs.list(DIR).length > 0);
});
