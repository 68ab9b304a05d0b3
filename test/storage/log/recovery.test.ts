/**
 * Durability and recovery: group commit, clean reopen without scanning, crash recovery that
 * truncates torn or corrupt tails and rebuilds indexes, and disk errors that take one log offline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError } from '../../../src/storage/storage-error.js';
import { StorageIoError } from '../../../src/storage/fs/file-system.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { logFixture } from '../../support/logs.js';
import { LogSegment } from '../../../src/storage/segment/log-segment.js';
import { segmentConfig } from '../../../src/storage/log/partition-log.js';
import { logConfigFrom } from '../../../src/storage/log-config.js';
import { makeBatch, recordsIn } from '../../support/batches.js';

/** Every value in the log, reading segment after segment as a consumer would. */
function values(log: PartitionLog): (string | null)[] {
  const out: (string | null)[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const r = log.read(offset, 1 << 24);
    out.push(...recordsIn(r.records).map((x) => x.value));
    offset = r.nextOffset;
  }
  return out;
}

test('many appends waiting for durability share one fsync (group commit)', async () => {
  const log = logFixture().open();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    const r = log.append(makeBatch({ prefix: `m${i}` }), 0);
    waits.push(log.waitDurable(r.lastOffset + 1));
  }
  await Promise.all(waits);
  assert.equal(log.fsyncCount, 1, 'one fsync served fifty appends');
  assert.equal(log.recoveryPoint, 50);
  await log.waitDurable(50);
  assert.equal(log.fsyncCount, 1, 'already durable: no new fsync');
});

test('appends arriving during an fsync are covered by the next one', async () => {
  const log = logFixture().open();
  log.append(makeBatch(), 0);
  const first = log.waitDurable(1);
  log.append(makeBatch(), 0);
  const second = log.waitDurable(2);
  log.append(makeBatch(), 0);
  const third = log.waitDurable(3);
  await Promise.all([first, second, third]);
  assert.ok(log.fsyncCount <= 2, `${log.fsyncCount} fsyncs for three appends`);
  assert.equal(log.recoveryPoint, 3);
});

test('a crash loses only unsynced data; what was fsynced survives byte for byte', async () => {
  const f = logFixture();
  const log = f.open();
  const durable = makeBatch({ count: 3, prefix: 'keep' });
  log.append(durable, 0);
  await log.waitDurable(3);
  log.append(makeBatch({ count: 2, prefix: 'lost' }), 0);
  f.fs.crash();
  const again = f.open({ recoveryPoint: log.recoveryPoint });
  assert.equal(again.logEndOffset, 3);
  assert.deepEqual(again.read(0, 1 << 20).records, durable);
  again.append(makeBatch({ prefix: 'next' }), 0);
  assert.deepEqual(values(again), ['keep-0', 'keep-1', 'keep-2', 'next-0'], 'offsets continue after recovery');
});

test('a torn tail (part of a batch written) is truncated at every possible cut', async () => {
  const whole = makeBatch({ count: 2, valueSize: 50, prefix: 'torn' }).length;
  for (let keep = 1; keep < whole; keep += 7) {
    const f = logFixture();
    const log = f.open();
    log.append(makeBatch({ count: 2, prefix: 'ok' }), 0);
    await log.waitDurable(2);
    log.append(makeBatch({ count: 2, valueSize: 50, prefix: 'torn' }), 0);
    f.fs.crash({ keepUnsynced: (path) => (path.endsWith('.log') ? keep : 0) });
    const again = f.open({ recoveryPoint: 2 });
    assert.equal(again.logEndOffset, 2, `cut after ${keep} bytes`);
    assert.deepEqual(values(again), ['ok-0', 'ok-1']);
  }
});

test('a corrupt batch in the middle truncates the log there and later segments go', async () => {
  const f = logFixture({ 'segment.bytes': '300' });
  const log = f.open();
  for (let i = 0; i < 12; i++) log.append(makeBatch({ count: 1, valueSize: 60, prefix: `s${i}` }), 0);
  await log.flush();
  const segs = log.allSegments.map((s) => s.baseOffset);
  assert.ok(segs.length >= 4);
  await log.close();
  const victim = `/data/topic-0/${String(segs[1]).padStart(20, '0')}.log`;
  const h = f.fs.open(victim, 'readWrite');
  const size = h.size();
  const b = Buffer.alloc(1);
  h.read(b, 0, 1, size - 3);
  b[0] ^= 0x55;
  h.write(b, 0, 1, size - 3);
  h.close();
  const again = f.open({ cleanShutdown: false, recoveryPoint: 0 });
  const survivors = values(again);
  assert.ok(survivors.length >= 1 && survivors.length < 12);
  survivors.forEach((v, i) => assert.ok(v!.startsWith(`s${i}-`)));
  assert.equal(again.logEndOffset, survivors.length);
  assert.equal(again.segmentCount, 2, 'segments after the corrupt one were deleted');
});

test('a clean reopen trusts the files; missing or broken indexes are rebuilt', async () => {
  const f = logFixture({ 'index.interval.bytes': '100' });
  const log = f.open();
  for (let i = 0; i < 30; i++) log.append(makeBatch({ count: 1, valueSize: 80, prefix: `c${i}` }), 0);
  await log.close();
  const base = '/data/topic-0/00000000000000000000';
  const entries = f.fs.fileSize(`${base}.index`) / 8;
  assert.ok(entries > 5, `${entries} index entries`);
  const clean = f.open({ cleanShutdown: true, recoveryPoint: 30 });
  assert.equal(clean.logEndOffset, 30);
  assert.equal(clean.recoveryPoint, 30);
  await clean.close();
  f.fs.remove(`${base}.index`);
  const rebuilt = f.open({ cleanShutdown: true, recoveryPoint: 30 });
  assert.equal(f.fs.fileSize(`${base}.index`) / 8, entries, 'the index is rebuilt with the same entries');
  assert.ok(values(rebuilt).at(-1)!.startsWith('c29-0'));
  await rebuilt.close();
  // a last entry pointing past the end of the log (as a stale or torn index would)
  const h = f.fs.open(`${base}.index`, 'readWrite');
  h.write(Buffer.from([0, 0, 0x7f, 0, 0x7f, 0, 0, 0]), 0, 8, (entries - 1) * 8);
  h.close();
  const repaired = f.open({ cleanShutdown: true, recoveryPoint: 30 });
  assert.equal(recordsIn(repaired.read(17, 1 << 20).records)[0]!.offset, 17);
});

test('a failed fsync takes the log offline with KAFKA_STORAGE_ERROR; another log is unaffected', async () => {
  const f = logFixture();
  const log = f.open();
  const other = f.open({ fs: f.fs });
  log.append(makeBatch(), 0);
  f.fs.beforeOperation = (op) => {
    if (op === 'fsync') throw new Error('EIO: simulated fsync failure');
  };
  await assert.rejects(log.waitDurable(1), (e: unknown) => e instanceof StorageError && e.code === 'KAFKA_STORAGE_ERROR');
  assert.equal(log.isOffline, true);
  assert.throws(() => log.append(makeBatch(), 0), (e: unknown) => e instanceof StorageError && e.code === 'KAFKA_STORAGE_ERROR');
  assert.throws(() => log.read(0, 100), (e: unknown) => e instanceof StorageError && e.code === 'KAFKA_STORAGE_ERROR');
  f.fs.beforeOperation = undefined;
  void other;
});

test('a failed write takes the log offline and does not advance the log end', () => {
  const f = logFixture();
  const a = f.open();
  f.fs.mkdirp('/data/other-0');
  a.append(makeBatch(), 0);
  f.fs.beforeOperation = (op, path) => {
    if (op === 'write' && path.startsWith('/data/topic-0/')) throw new Error('ENOSPC: simulated full disk');
  };
  assert.throws(() => a.append(makeBatch(), 0), (e: unknown) => e instanceof StorageIoError || e instanceof StorageError);
  assert.equal(a.isOffline, true);
  assert.equal(a.logEndOffset, 1);
  f.fs.beforeOperation = undefined;
});

test('flush.messages and flush.ms force fsyncs without anyone waiting', async () => {
  const byCount = logFixture({ 'flush.messages': '3' }).open();
  byCount.append(makeBatch({ count: 2 }), 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(byCount.fsyncCount, 0, 'two messages: below flush.messages');
  byCount.append(makeBatch({ count: 1 }), 0);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(byCount.fsyncCount, 1);
  assert.equal(byCount.recoveryPoint, 3);
  const f = logFixture({ 'flush.ms': '1000' });
  const byTime = f.open();
  byTime.append(makeBatch(), 0);
  byTime.maybeFlushByTime(f.clock.now());
  assert.equal(byTime.fsyncCount, 0, 'not yet due');
  f.clock.advance(1000);
  byTime.maybeFlushByTime(f.clock.now());
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(byTime.recoveryPoint, 1);
});

test('after a crash, an empty segment rolled past the end of the data (its predecessor lost its last writes) is dropped', () => {
  const f = logFixture();
  const log = f.open();
  log.append(makeBatch({ values: ['a', 'b', 'c'] }), 0);
  log.closeNow();
  // what a crash right after a roll can leave when the old segment's tail writes never landed
  LogSegment.create(f.fs, '/data/topic-0', 7, segmentConfig(logConfigFrom({})), 0).close();
  const clean = f.open({ cleanShutdown: true });
  assert.equal(clean.segmentCount, 2, 'after a clean shutdown the files are trusted');
  clean.closeNow();
  const recovered = f.open({ cleanShutdown: false, recoveryPoint: 0 });
  assert.equal(recovered.segmentCount, 1);
  assert.equal(recovered.logEndOffset, 3, 'the log ends where its data does');
  assert.equal(f.fs.exists('/data/topic-0/00000000000000000007.log'), false);
  assert.deepEqual(values(recovered), ['a', 'b', 'c']);
});
