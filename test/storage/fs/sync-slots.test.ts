import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NodeFileSystem } from '../../../src/storage/fs/node-file-system.js';
import { fsyncSlots, SyncSlots, threadPoolSize } from '../../../src/storage/fs/sync-slots.js';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('at most `slots` fsyncs run at once; the rest start in arrival order as slots free', async () => {
  const slots = new SyncSlots(2);
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const started: number[] = [];
  const runs = gates.map((g, i) => slots.run(async () => {
    started.push(i);
    await g.promise;
    return i;
  }));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1]);
  assert.equal(slots.inUse, 2);
  assert.equal(slots.queued, 2);
  gates[1]!.resolve();
  assert.equal(await runs[1], 1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  gates[0]!.resolve();
  gates[2]!.resolve();
  await Promise.all([runs[0], runs[2]]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2, 3]);
  gates[3]!.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(slots.inUse, 0);
  assert.equal(slots.queued, 0);
});

test('a failing fsync releases its slot and its caller sees the error', async () => {
  const slots = new SyncSlots(1);
  await assert.rejects(slots.run(() => Promise.reject(new Error('EIO'))), /EIO/);
  assert.equal(await slots.run(() => Promise.resolve('next')), 'next');
  assert.equal(slots.inUse, 0);
});

test('the thread-pool size comes from UV_THREADPOOL_SIZE, 4 otherwise', () => {
  assert.equal(threadPoolSize({}), 4);
  assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: '8' }), 8);
  assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: 'lots' }), 4);
  assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: '0' }), 4);
});

test('a file closed while its fsync waits for a slot keeps its descriptor until the fsync ran', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-sync-slots-'));
  try {
    const fs = new NodeFileSystem();
    for (const writeBehind of [false, true]) {
      // every slot taken, so the file's fsync has to wait
      const gate = deferred();
      const holders = Array.from({ length: fsyncSlots.slots }, () => fsyncSlots.run(() => gate.promise));
      const path = join(dir, `f-${writeBehind}`);
      const h = fs.open(path, 'create', { writeBehind });
      h.write(Buffer.from('durable'), 0, 7, 0);
      const synced = h.sync();
      h.close();
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(fsyncSlots.queued, 1);
      gate.resolve();
      await Promise.all(holders);
      await synced; // rejects with EBADF if the descriptor was closed under the waiting fsync
      assert.equal(readFileSync(path, 'utf8'), 'durable');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
