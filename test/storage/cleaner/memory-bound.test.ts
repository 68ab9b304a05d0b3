/**
 * The offset map's memory bound: a map too small for the dirty range cleans up to where it
 * filled and leaves the rest for later passes, ending with the same log as a map big enough for
 * everything; and the map itself (fixed tables, refusal when full).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetMap } from '../../../src/storage/cleaner/offset-map.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { assertConsistent, commitAll, compactedFixture, contents, kvBatch, newCleaner, triples, type KV } from './cleaner-support.js';

/** 8 segments, 40 keys written in an interleaved order, some of them several times, a few deleted. */
function fill(log: PartitionLog): void {
  let n = 0;
  for (let s = 0; s < 8; s++) {
    for (let b = 0; b < 5; b++) {
      const pairs: KV[] = [];
      for (let r = 0; r < 4; r++) {
        const key = `key-${(n * 7) % 40}`;
        pairs.push([key, n % 23 === 5 ? null : `v${n}`]);
        n++;
      }
      log.append(kvBatch(pairs), 0);
    }
    log.roll();
  }
  log.append(kvBatch([['tail', 't']]), 0);
  commitAll(log);
}

test('a map holding a few keys cleans in several passes and ends where a big map ends in one', async () => {
  const big = compactedFixture({ 'min.cleanable.dirty.ratio': '0', 'delete.retention.ms': '100000' });
  const bigLog = big.open();
  fill(bigLog);
  const bigCleaner = newCleaner(big, { offsetMapEntries: 10_000 });
  bigCleaner.register(bigLog);
  const one = await bigCleaner.cleanOnce();
  assert.equal(one.cleaned[0]!.mapFull, false);
  assert.equal((await bigCleaner.cleanOnce()).cleaned.length, 0, 'one pass did it all');

  const small = compactedFixture({ 'min.cleanable.dirty.ratio': '0', 'delete.retention.ms': '100000' });
  const smallLog = small.open();
  fill(smallLog);
  const smallCleaner = newCleaner(small, { offsetMapEntries: 6 });
  smallCleaner.register(smallLog);
  const checkpoints: number[] = [];
  let passes = 0;
  for (;;) {
    const pass = await smallCleaner.cleanOnce();
    if (pass.cleaned.length === 0) break;
    passes++;
    const r = pass.cleaned[0]!;
    assert.ok(r.endOffset > r.firstDirtyOffset, 'every pass makes progress');
    checkpoints.push(r.endOffset);
    assert.ok(passes < 100);
  }
  assert.ok(passes >= 5, `${passes} passes`);
  assert.deepEqual([...checkpoints].sort((a, b) => a - b), checkpoints, 'the checkpoint only moves forward');
  assert.equal(smallCleaner.firstDirtyOffset(smallLog), bigCleaner.firstDirtyOffset(bigLog));
  assert.deepEqual(triples(smallLog), triples(bigLog));
  assert.deepEqual(new Set(contents(bigLog).map((r) => r.key)).size, contents(bigLog).length, 'one record per key');
  assertConsistent(small, smallLog);
});

test('a full map stops the pass at the first record it cannot hold', async () => {
  const f = compactedFixture({ 'min.cleanable.dirty.ratio': '0' });
  const log = f.open();
  log.append(kvBatch([['a', '1'], ['b', '1'], ['a', '2'], ['c', '1'], ['b', '2']]), 0); // 0..4
  log.roll();
  log.append(kvBatch([['c', '2'], ['a', '3']]), 0); // 5..6
  log.roll();
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  const cleaner = newCleaner(f, { offsetMapEntries: 2 });
  cleaner.register(log);
  const first = await cleaner.cleanOnce();
  assert.equal(first.cleaned[0]!.endOffset, 3, 'c at offset 3 is the third key');
  assert.equal(first.cleaned[0]!.mapFull, true);
  // Map {a: 2, b: 1}: a@0 goes; c@3 and everything after are kept as they are.
  assert.deepEqual(triples(log).map(([o]) => o), [1, 2, 3, 4, 5, 6, 7]);

  const second = await cleaner.cleanOnce(); // maps c@3, b@4, c@5; a@6 does not fit
  assert.deepEqual([second.cleaned[0]!.firstDirtyOffset, second.cleaned[0]!.endOffset], [3, 6]);
  assert.deepEqual(triples(log).map(([o]) => o), [2, 4, 5, 6, 7]);

  const third = await cleaner.cleanOnce(); // maps a@6 and reaches the active segment
  assert.deepEqual([third.cleaned[0]!.endOffset, third.cleaned[0]!.mapFull], [7, false]);
  assert.deepEqual(triples(log), [[4, 'b', '2'], [5, 'c', '2'], [6, 'a', '3'], [7, 'z', 'z']]);
});

test('the offset map refuses a new key when full, still updates the keys it has, and clears', () => {
  const map = new OffsetMap(3);
  const k = (s: string): Buffer => Buffer.from(s);
  assert.ok(map.put(k('a'), 1));
  assert.ok(map.put(k('b'), 2));
  assert.ok(map.put(k('a'), 5));
  assert.ok(map.put(k('c'), 6));
  assert.equal(map.size, 3);
  assert.ok(map.isFull);
  assert.equal(map.put(k('d'), 7), false, 'no room for a fourth key');
  assert.equal(map.get(k('d')), -1);
  assert.ok(map.put(k('b'), 8), 'a key already held is updated');
  assert.deepEqual(['a', 'b', 'c', 'zz'].map((s) => map.get(k(s))), [5, 8, 6, -1]);
  assert.equal(map.latestOffset, 8);
  assert.ok(map.memoryBytes <= 3 * 40, `${map.memoryBytes} bytes for 3 keys`);
  map.clear();
  assert.equal(map.size, 0);
  assert.equal(map.get(k('a')), -1);
  assert.equal(map.latestOffset, -1);
  assert.throws(() => new OffsetMap(0), RangeError);
});

test('the offset map tells apart many keys, including long and empty ones', () => {
  const map = new OffsetMap(20_002);
  for (let i = 0; i < 20_000; i++) assert.ok(map.put(Buffer.from(`key-${i}`), i));
  assert.ok(map.put(Buffer.alloc(0), 1));
  assert.ok(map.put(Buffer.alloc(100_000, 7), 2));
  for (let i = 0; i < 20_000; i += 97) assert.equal(map.get(Buffer.from(`key-${i}`)), i);
  assert.equal(map.get(Buffer.alloc(0)), 1);
  assert.equal(map.get(Buffer.alloc(100_000, 7)), 2);
  assert.equal(map.get(Buffer.alloc(100_000, 8)), -1);
});
