/**
 * The Cleaner as a component: pause and resume, passes that do not overlap, unregistering while
 * a pass runs, appends while a pass runs, a log that changes under a pass, and a corrupt segment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';
import type { LogFixture } from '../../support/logs.js';
import { assertConsistent, commitAll, compactedFixture, DIR, kvBatch, newCleaner, triples, writeSegment } from './cleaner-support.js';

/** A log with many small duplicate-heavy segments, so a pass takes many steps. */
function busyLog(f: LogFixture): PartitionLog {
  const log = f.open();
  for (let s = 0; s < 6; s++) writeSegment(log, Array.from({ length: 10 }, (_, i) => [[`k${i % 3}`, `s${s}-${i}`]] as [string, string][]));
  log.append(kvBatch([['z', 'z']]), 0);
  commitAll(log);
  return log;
}

test('pause waits for the running pass to end; a paused cleaner does nothing until resumed', async () => {
  const f1 = compactedFixture();
  const f2 = compactedFixture();
  const log1 = busyLog(f1);
  const log2 = busyLog(f2);
  const cleaner = newCleaner(f1, { yieldEveryBytes: 64 });
  cleaner.register(log1);
  cleaner.register(log2);
  let passEnded = false;
  const pass = cleaner.cleanOnce().then((r) => {
    passEnded = true;
    return r;
  });
  assert.ok(cleaner.isRunning);
  await new Promise((r) => setImmediate(r)); // the pass is now inside its first log
  await cleaner.pause();
  assert.ok(passEnded, 'pause resolved only after the pass ended');
  assert.ok(!cleaner.isRunning);
  const result = await pass;
  assert.equal(result.cleaned.length, 1, 'the log being cleaned was finished, the other not started');
  const untouched = result.cleaned[0]!.dir === log1.dir ? log2 : log1;
  const before = triples(untouched);
  assert.equal(before.length, 61);

  const paused = await cleaner.cleanOnce();
  assert.equal(paused.ran, false);
  assert.deepEqual(triples(untouched), before, 'paused: nothing cleaned');

  cleaner.resume();
  const resumed = await cleaner.cleanOnce();
  assert.equal(resumed.ran, true);
  assert.equal(resumed.cleaned.length, 1);
  assert.deepEqual(triples(untouched).map(([, k]) => k).sort(), ['k0', 'k1', 'k2', 'z'], 'three keys and the active segment');
  assert.equal(await cleaner.pause(), undefined, 'pausing an idle cleaner resolves at once');
});

test('passes do not overlap: a second call while one runs does nothing', async () => {
  const f = compactedFixture();
  const log = busyLog(f);
  const cleaner = newCleaner(f, { yieldEveryBytes: 64 });
  cleaner.register(log);
  const first = cleaner.cleanOnce();
  const second = await cleaner.cleanOnce();
  assert.equal(second.ran, false);
  assert.equal((await first).cleaned.length, 1);
});

test('appends and reads go on while a pass runs, and what they add is not lost', async () => {
  const f = compactedFixture();
  const log = busyLog(f);
  const cleaner = newCleaner(f, { yieldEveryBytes: 64 });
  cleaner.register(log);
  const pass = cleaner.cleanOnce();
  let appended = 0;
  while (cleaner.isRunning) {
    log.append(kvBatch([['live', `x${appended++}`]]), 0);
    assert.ok(triples(log).length > 0);
    await new Promise((r) => setImmediate(r));
  }
  await pass;
  assert.ok(appended > 3, `${appended} appends during the pass`);
  const live = triples(log).filter(([, k]) => k === 'live');
  assert.equal(live.length, appended, 'every record appended during the pass is there');
  assertConsistent(f, log);
});

test('unregistering a log stops the pass cleaning it, removing its temporary files', async () => {
  const f = compactedFixture();
  const log = busyLog(f);
  const before = triples(log);
  const cleaner = newCleaner(f, { yieldEveryBytes: 64 });
  cleaner.register(log);
  const pass = cleaner.cleanOnce();
  await new Promise((r) => setImmediate(r));
  await cleaner.unregister(log);
  const result = await pass;
  assert.equal(result.cleaned.length, 0);
  assert.equal(result.aborted.length, 1);
  assert.equal(cleaner.registeredLogs, 0);
  assert.deepEqual(triples(log), before);
  assertConsistent(f, log);
});

test('a log changed under the pass (retention removed a segment) is left as it is and tried again later', async () => {
  const f = compactedFixture({ 'file.delete.delay.ms': '0' });
  const log = busyLog(f);
  let interfered = false;
  const cleaner = newCleaner(f, {
    onSwapStep: (step, l) => {
      if (step === 'cleaned-written' && !interfered) {
        interfered = true;
        l.removeSegments([l.allSegments[0]!]);
      }
    },
  });
  cleaner.register(log);
  const expected = triples(log).filter(([o]) => o >= log.allSegments[1]!.baseOffset);
  const result = await cleaner.cleanOnce();
  assert.equal(result.aborted.length, 1);
  assert.match(result.aborted[0]!.reason, /changed during cleaning/);
  assert.deepEqual(triples(log), expected, 'retention took its segment; the cleaner replaced nothing');
  assert.equal(cleaner.firstDirtyOffset(log), undefined, 'the checkpoint did not move');
  assertConsistent(f, log);
  const again = await cleaner.cleanOnce();
  assert.equal(again.cleaned.length, 1);
  assert.deepEqual(triples(log).map(([, k]) => k).sort(), ['k0', 'k1', 'k2', 'z']);
});

test('a corrupt segment makes its log uncleanable, and the cleaner leaves it alone', async () => {
  const f = compactedFixture();
  const log = busyLog(f);
  const victim = log.allSegments[1]!;
  const h = f.fs.open(victim.path('.log'), 'readWrite');
  h.write(Buffer.from([0xff, 0xee]), 0, 2, 70); // inside the records of the first batch: the CRC no longer matches
  h.close();
  const cleaner = newCleaner(f);
  cleaner.register(log);
  const result = await cleaner.cleanOnce();
  assert.equal(result.failed.length, 1);
  assert.equal(cleaner.uncleanable().length, 1);
  assert.match(String(cleaner.uncleanable()[0]!.error), /bad-crc/);
  assert.deepEqual(f.fs.list(DIR).filter((n) => /cleaned|swap/.test(n)), []);
  assert.equal((await cleaner.cleanOnce()).cleaned.length, 0);
  assert.equal(log.segmentCount, 7, 'nothing replaced');
});
