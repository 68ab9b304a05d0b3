/**
 * OffsetIndex and TimeIndex: exact file bytes, lookups at every position, truncation, lazy
 * loading and consistency checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../src/storage/fs/memory-file-system.js';
import { OffsetIndex } from '../../../src/storage/segment/offset-index.js';
import { TimeIndex } from '../../../src/storage/segment/time-index.js';

function fresh(): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  fs.mkdirp('/d');
  return fs;
}

test('offset index entries are 8 bytes: relative offset and position, big-endian', () => {
  const fs = fresh();
  const idx = new OffsetIndex(fs, '/d/00000000000000000100.index', 100, 1024);
  idx.append(105, 4096);
  idx.append(110, 8200);
  assert.deepEqual(fs.readFile('/d/00000000000000000100.index'), Buffer.from([0, 0, 0, 5, 0, 0, 0x10, 0, 0, 0, 0, 10, 0, 0, 0x20, 0x08]));
});

test('offset index lookup returns the greatest entry <= target at every position', () => {
  const fs = fresh();
  const idx = new OffsetIndex(fs, '/d/x.index', 1000, 1 << 16);
  for (let i = 1; i <= 50; i++) idx.append(1000 + i * 10, i * 100);
  for (let target = 990; target <= 1600; target++) {
    const got = idx.lookup(target);
    const k = Math.min(50, Math.floor((target - 1000) / 10));
    const expected = k >= 1 ? { offset: 1000 + k * 10, position: k * 100 } : { offset: 1000, position: 0 };
    assert.deepEqual(got, expected, `target ${target}`);
  }
});

test('offset index refuses entries that do not increase, and reports fullness', () => {
  const idx = new OffsetIndex(fresh(), '/d/x.index', 0, 16);
  idx.append(5, 10);
  assert.throws(() => idx.append(5, 20));
  assert.throws(() => idx.append(6, 10));
  idx.append(6, 20);
  assert.equal(idx.isFull, true);
});

test('offset index truncation, reload from disk and consistency', () => {
  const fs = fresh();
  const idx = new OffsetIndex(fs, '/d/x.index', 0, 1024);
  for (let i = 1; i <= 10; i++) idx.append(i * 10, i * 50);
  idx.truncateTo(55);
  assert.equal(idx.count, 5);
  assert.deepEqual(idx.lastEntry, { offset: 50, position: 250 });
  idx.unload();
  const again = new OffsetIndex(fs, '/d/x.index', 0, 1024);
  assert.equal(again.count, 5);
  assert.equal(again.isConsistent(251), true);
  assert.equal(again.isConsistent(250), false, 'a position beyond the log is inconsistent');
});

test('a torn index file (partial entry) loads its whole entries only', () => {
  const fs = fresh();
  const h = fs.open('/d/x.index', 'create');
  h.write(Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0]), 0, 11, 0);
  h.close();
  const idx = new OffsetIndex(fs, '/d/x.index', 0, 1024);
  assert.equal(idx.count, 1);
  assert.equal(fs.fileSize('/d/x.index'), 8);
});

test('time index keeps increasing timestamps and looks up the greatest <= target', () => {
  const fs = fresh();
  const idx = new TimeIndex(fs, '/d/x.timeindex', 100, 1024);
  assert.equal(idx.maybeAppend(1000, 105), true);
  assert.equal(idx.maybeAppend(1000, 110), false, 'no entry without a new maximum');
  assert.equal(idx.maybeAppend(2000, 120), true);
  assert.deepEqual(fs.readFile('/d/x.timeindex').subarray(0, 12), Buffer.from([0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 5]));
  assert.equal(idx.lookup(999), undefined);
  assert.deepEqual(idx.lookup(1000), { timestamp: 1000, offset: 105 });
  assert.deepEqual(idx.lookup(1999), { timestamp: 1000, offset: 105 });
  assert.deepEqual(idx.lookup(5000), { timestamp: 2000, offset: 120 });
  idx.truncateTo(110);
  assert.equal(idx.count, 1);
  assert.equal(idx.isConsistent(), true);
});
