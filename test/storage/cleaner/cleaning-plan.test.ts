/**
 * When a log is cleaned: min.cleanable.dirty.ratio, min.compaction.lag.ms, max.compaction.lag.ms
 * and the cleanup policy, through the Cleaner and through the plan it makes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitAll, compactedFixture, kvBatch, newCleaner, triples, writeSegment } from './cleaner-support.js';
import { logFixture } from '../../support/logs.js';

test('min.cleanable.dirty.ratio: a log is cleaned only once its dirty share reaches the ratio', async () => {
  const f = compactedFixture({ 'min.cleanable.dirty.ratio': '0.5' });
  const log = f.open();
  for (let i = 0; i < 4; i++) writeSegment(log, [[[`k${i}`, 'x'.repeat(100)]]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  assert.equal((await cleaner.cleanOnce()).cleaned.length, 1, 'everything is dirty at first');
  const cleanSize = log.allSegments[0]!.size;

  writeSegment(log, [[['k0', 'y'.repeat(100)]]]);
  commitAll(log);
  const low = cleaner.plan(log)!;
  assert.ok(low.dirtyRatio > 0 && low.dirtyRatio < 0.5, `ratio ${low.dirtyRatio}`);
  assert.equal(low.reason, undefined);
  const segmentsBefore = log.segmentBaseOffsets();
  assert.equal((await cleaner.cleanOnce()).cleaned.length, 0);
  assert.deepEqual(log.segmentBaseOffsets(), segmentsBefore, 'below the ratio nothing is rewritten');

  while (cleaner.plan(log)!.cleanableBytes < cleanSize) {
    writeSegment(log, [[['k1', 'w'.repeat(100)]]]);
    commitAll(log);
  }
  const high = cleaner.plan(log)!;
  assert.ok(high.dirtyRatio >= 0.5);
  assert.equal(high.reason, 'dirty-ratio');
  const pass = await cleaner.cleanOnce();
  assert.equal(pass.cleaned.length, 1);
  assert.deepEqual(triples(log).map(([, k, v]) => `${k}=${v![0]}`), ['k2=x', 'k3=x', 'z=z', 'k0=y', 'k1=w']);
});

test('min.compaction.lag.ms: segments with records younger than the lag stay uncompacted', async () => {
  const f = compactedFixture({ 'min.compaction.lag.ms': '60000' });
  const log = f.open();
  const t0 = f.clock.now();
  writeSegment(log, [[['k', 'old-1'], ['k', 'old-2']]], { timestamp: t0 - 120_000 }); // old enough
  writeSegment(log, [[['k', 'new-1'], ['k', 'new-2']]], { timestamp: t0 - 1000 }); // too recent
  writeSegment(log, [[['k', 'older-but-after']]], { timestamp: t0 - 120_000 }); // after a recent one: waits too
  log.append(kvBatch([['z', 'z']], { timestamp: t0 }), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const plan = cleaner.plan(log)!;
  assert.equal(plan.firstUncleanableOffset, 2, 'the first too-recent segment ends the cleanable range');
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log).map(([o, , v]) => [o, v]), [[1, 'old-2'], [2, 'new-1'], [3, 'new-2'], [4, 'older-but-after'], [5, 'z']]);
  assert.equal(cleaner.firstDirtyOffset(log), 2);

  f.clock.advance(60_000);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log).map(([o, , v]) => [o, v]), [[4, 'older-but-after'], [5, 'z']]);
});

test('max.compaction.lag.ms: a dirty record waiting longer than the lag is compacted whatever the ratio', async () => {
  const f = compactedFixture({ 'min.cleanable.dirty.ratio': '0.9', 'max.compaction.lag.ms': '5000' });
  const log = f.open();
  for (let i = 0; i < 5; i++) writeSegment(log, [[[`k${i}`, 'x'.repeat(100)]]], { timestamp: f.clock.now() });
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  writeSegment(log, [[['k0', 'y']]], { timestamp: f.clock.now() });
  commitAll(log);
  assert.equal(cleaner.plan(log)!.reason, undefined);
  f.clock.advance(5001);
  assert.equal(cleaner.plan(log)!.reason, 'max-compaction-lag');
  const pass = await cleaner.cleanOnce();
  assert.equal(pass.cleaned[0]!.reason, 'max-compaction-lag');
  assert.ok(!triples(log).some(([, k, v]) => k === 'k0' && v!.startsWith('x')));
});

test('logs without the compact policy are left alone; compact,delete logs are compacted', async () => {
  const plain = logFixture();
  const log = plain.open();
  writeSegment(log, [[['k', '1']], [['k', '2']]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(plain);
  cleaner.register(log);
  assert.equal((await cleaner.cleanOnce()).cleaned.length, 0);
  assert.equal(triples(log).length, 3);

  const both = compactedFixture({ 'cleanup.policy': 'compact,delete' });
  const log2 = both.open();
  writeSegment(log2, [[['k', '1']], [['k', '2']]]);
  log2.append(kvBatch([['z', 'z']]), 0);
  commitAll(log2);
  const cleaner2 = newCleaner(both);
  cleaner2.register(log2);
  assert.equal((await cleaner2.cleanOnce()).cleaned.length, 1);
  assert.deepEqual(triples(log2), [[1, 'k', '2'], [2, 'z', 'z']]);
});

test('a checkpoint given back at registration is used, and one out of range is reset to the log start', async () => {
  const f = compactedFixture({ 'min.cleanable.dirty.ratio': '0' });
  const log = f.open();
  writeSegment(log, [[['k', '1'], ['k', '2']]]); // 0..1: pretend it was cleaned already
  writeSegment(log, [[['j', '1'], ['j', '2']]]); // 2..3
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log, { firstDirtyOffset: 2 });
  const plan = cleaner.plan(log)!;
  assert.equal(plan.firstDirtyOffset, 2);
  assert.equal(plan.cleanBytes, log.allSegments[0]!.size);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log).map(([o]) => o), [0, 1, 3, 4], 'only the dirty part feeds the map');

  const other = newCleaner(f);
  other.register(log, { firstDirtyOffset: 99 });
  assert.equal(other.plan(log)!.firstDirtyOffset, 0);
});
