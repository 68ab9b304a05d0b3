/**
 * Crash safety of putting a cleaned segment in place: a power loss (MemoryFileSystem.crash) at
 * each step leaves a directory that, once interrupted swaps are completed and the log loaded,
 * holds either the data as it was or the compacted data, with consistent segments and indexes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SwapStep } from '../../../src/storage/cleaner/segment-swap.js';
import { completeInterruptedSwaps } from '../../../src/storage/cleaner/swap-recovery.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';
import type { LogFixture } from '../../support/logs.js';
import { assertConsistent, commitAll, compactedFixture, DIR, kvBatch, newCleaner, triples, writeSegment } from './cleaner-support.js';

const CONFIG = { 'index.interval.bytes': '60', 'delete.retention.ms': '1000' };

/** Four segments of overwritten keys and a tombstone, merged into one cleaned segment. */
function build(f: LogFixture): PartitionLog {
  const log = f.open();
  for (let s = 0; s < 4; s++) {
    writeSegment(log, Array.from({ length: 8 }, (_, i) => [[`k${(i * 3 + s) % 5}`, s === 2 && i === 4 ? null : `s${s}-${i}`]] as [string, string | null][]));
  }
  log.append(kvBatch([['tail', 't']]), 0);
  commitAll(log);
  return log;
}

/** What the same log holds after a pass that did not crash. */
async function compacted(): Promise<ReturnType<typeof triples>> {
  const f = compactedFixture(CONFIG);
  const log = build(f);
  const cleaner = newCleaner(f);
  cleaner.register(log);
  await cleaner.cleanOnce();
  return triples(log);
}

/** Makes the filesystem lose power now and refuse everything after, as a dead process would. */
function powerLoss(f: LogFixture): never {
  f.fs.crash();
  f.fs.beforeOperation = () => {
    throw new Error('the process is gone');
  };
  throw new Error('simulated crash');
}

/** Runs a pass that crashes where `crashHere` says, then restarts the log as the broker would. */
async function crashAndRestart(setup: (f: LogFixture) => Parameters<typeof newCleaner>[1]): Promise<{
  f: LogFixture; before: ReturnType<typeof triples>; after: PartitionLog; completed: number[]; removed: number[];
}> {
  const f = compactedFixture(CONFIG);
  const log = build(f);
  const before = triples(log);
  const cleaner = newCleaner(f, setup(f));
  cleaner.register(log);
  const pass = await cleaner.cleanOnce();
  assert.equal(pass.failed.length, 1, 'the pass died with the crash');
  const recoveryPoint = log.recoveryPoint;
  f.fs.beforeOperation = undefined;
  const settled = completeInterruptedSwaps(f.fs, DIR);
  const after = f.open({ recoveryPoint });
  return { f, before, after, completed: settled.completed, removed: settled.removedSegments };
}

const steps: { step: SwapStep; cleaned: boolean }[] = [
  { step: 'cleaned-written', cleaned: false },
  { step: 'swap-renamed', cleaned: true },
  { step: 'old-removed', cleaned: true },
  { step: 'log-renamed', cleaned: true },
  { step: 'replaced', cleaned: true },
];

for (const { step, cleaned } of steps) {
  test(`a crash at '${step}' leaves a log that reopens with ${cleaned ? 'the compacted' : 'the original'} data`, async () => {
    const expectedCompacted = await compacted();
    const { f, before, after, completed, removed } = await crashAndRestart((fx) => ({
      onSwapStep: (s) => {
        if (s === step) powerLoss(fx);
      },
    }));
    assert.deepEqual(triples(after), cleaned ? expectedCompacted : before);
    assert.notDeepEqual(expectedCompacted, before);
    if (step === 'swap-renamed') {
      assert.deepEqual(completed, [0], 'the committed swap was completed');
      assert.equal(removed.length, 3, 'and the three segments merged into it removed');
    }
    assertConsistent(f, after);
    assert.equal(after.logEndOffset, before[before.length - 1]![0] + 1);

    // The restarted log can be cleaned again and keeps working.
    const cleaner = newCleaner(f);
    cleaner.register(after);
    await cleaner.cleanOnce();
    assert.deepEqual(triples(after), expectedCompacted);
    after.append(kvBatch([['k0', 'later']]), 0);
    assert.equal(triples(after).at(-1)![2], 'later');
    assertConsistent(f, after);
  });
}

test('a crash while the cleaned segment is still being written (before its fsync) leaves the original data', async () => {
  const { f, before, after } = await crashAndRestart((fx) => {
    fx.fs.beforeOperation = (op, path) => {
      if (op === 'fsync' && path.endsWith('.log.cleaned')) powerLoss(fx);
    };
    return {};
  });
  assert.deepEqual(triples(after), before);
  assertConsistent(f, after);
});

test('a crash halfway through removing the merged segments completes the swap at restart', async () => {
  const expectedCompacted = await compacted();
  const { f, after, removed } = await crashAndRestart((fx) => ({
    onSwapStep: (s) => {
      if (s !== 'swap-renamed') return;
      let unlinked = 0;
      fx.fs.beforeOperation = (op, path) => {
        if (op === 'unlink' && path.endsWith('.log') && ++unlinked === 2) powerLoss(fx);
      };
    },
  }));
  assert.equal(removed.length, 2, 'one merged segment was already gone; restart removed the other two');
  assert.deepEqual(triples(after), expectedCompacted);
  assertConsistent(f, after);
});

test('completing swaps is idempotent and leaves a directory without swaps alone', () => {
  const f = compactedFixture(CONFIG);
  const log = build(f);
  const names = f.fs.list(DIR);
  assert.deepEqual(completeInterruptedSwaps(f.fs, DIR), { completed: [], removedSegments: [] });
  assert.deepEqual(f.fs.list(DIR), names);
  log.closeNow();
});
