/**
 * Tombstones (KIP-534): the first pass that cleans a batch holding tombstones removes the older
 * values, keeps the tombstones and stamps the batch with a delete horizon (attribute bit 6,
 * baseTimestamp = cleaning time + delete.retention.ms); a pass after the horizon removes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js';
import { commitAll, compactedFixture, contents, kvBatch, newCleaner, triples, writeSegment } from './cleaner-support.js';

test('a tombstone is kept with a delete horizon, then removed once delete.retention.ms has passed', async () => {
  const f = compactedFixture({ 'delete.retention.ms': '1000' });
  const log = f.open();
  const t0 = f.clock.now();
  writeSegment(log, [[['k1', 'a'], ['k2', 'b']]], { timestamp: t0 - 50 }); // 0..1
  writeSegment(log, [[['k1', null], ['k3', 'c']]], { timestamp: t0 - 20 }); // 2..3
  log.append(kvBatch([['k4', 'd']]), 0); // 4, active
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);

  const first = await cleaner.cleanOnce();
  assert.equal(first.cleaned[0]!.horizonsSet, 1);
  assert.deepEqual(triples(log), [[1, 'k2', 'b'], [2, 'k1', null], [3, 'k3', 'c'], [4, 'k4', 'd']]);
  const stamped = readBatchHeader(log.read(2, 1).records);
  assert.ok(stamped.hasDeleteHorizon, 'attribute bit 6 set');
  assert.equal(stamped.baseTimestamp, BigInt(t0 + 1000), 'baseTimestamp holds the horizon');
  assert.deepEqual(
    contents(log).filter((r) => r.offset === 2 || r.offset === 3).map((r) => r.timestamp),
    [t0 - 20, t0 - 19],
    'record timestamps survive being re-based on the horizon',
  );
  const unstamped = readBatchHeader(log.read(0, 1).records);
  assert.ok(!unstamped.hasDeleteHorizon, 'a batch without tombstones gets no horizon');

  f.clock.advance(999);
  const early = await cleaner.cleanOnce();
  assert.equal(early.cleaned.length, 0, 'nothing to do before the horizon');
  assert.deepEqual(triples(log).map(([o]) => o), [1, 2, 3, 4]);

  f.clock.advance(1);
  const late = await cleaner.cleanOnce();
  assert.equal(late.cleaned[0]!.reason, 'delete-horizon', 'a passed horizon is reason enough to clean');
  assert.equal(late.cleaned[0]!.tombstonesRemoved, 1);
  assert.deepEqual(triples(log), [[1, 'k2', 'b'], [3, 'k3', 'c'], [4, 'k4', 'd']]);
  assert.ok(!readBatchHeader(log.read(2, 1).records).hasDeleteHorizon, 'the batch, now without tombstones, loses its horizon');
  assert.equal(late.cleaned[0]!.pendingDeleteHorizon, undefined);
  assert.equal((await cleaner.cleanOnce()).cleaned.length, 0, 'and then nothing is pending');
});

test('a tombstone in the dirty part is stamped when first cleaned, not before', async () => {
  const f = compactedFixture({ 'delete.retention.ms': '500', 'min.cleanable.dirty.ratio': '0' });
  const log = f.open();
  writeSegment(log, [[['a', '1']]]);
  log.append(kvBatch([['a', null]]), 0); // in the active segment: not cleanable yet
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[0, 'a', '1'], [1, 'a', null]]);
  assert.ok(!readBatchHeader(log.read(1, 1).records).hasDeleteHorizon);

  f.clock.advance(10_000); // long after: the horizon counts from the pass that first cleans it
  log.roll();
  log.append(kvBatch([['b', '1']]), 0);
  commitAll(log);
  const now = f.clock.now();
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[1, 'a', null], [2, 'b', '1']]);
  assert.equal(readBatchHeader(log.read(1, 1).records).baseTimestamp, BigInt(now + 500));

  f.clock.advance(500);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[2, 'b', '1']]);
});

test('a tombstone superseded by a later value goes at once, without waiting for a horizon', async () => {
  const f = compactedFixture({ 'delete.retention.ms': '86400000' });
  const log = f.open();
  writeSegment(log, [[['k', '1']], [['k', null]]]);
  writeSegment(log, [[['k', '2']]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[2, 'k', '2'], [3, 'z', 'z']]);
  assert.equal(pass.cleaned[0]!.tombstonesRemoved, 1);
  assert.equal(pass.cleaned[0]!.pendingDeleteHorizon, undefined);
});

test('with a horizon of zero the tombstone is removed by the next pass, never by the one that stamps it', async () => {
  const f = compactedFixture({ 'delete.retention.ms': '0' });
  const log = f.open();
  writeSegment(log, [[['k', '1'], ['j', '1']]]);
  writeSegment(log, [[['k', null]]]);
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[1, 'j', '1'], [2, 'k', null], [3, 'z', 'z']]);
  await cleaner.cleanOnce();
  assert.deepEqual(triples(log), [[1, 'j', '1'], [3, 'z', 'z']]);
});
