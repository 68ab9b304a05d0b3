/**
 * LogManager: loading logs from data directories, checkpoints, clean-shutdown detection,
 * background retention on the injected clock, and deletion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/common/clock.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import { CLEAN_SHUTDOWN_MARKER, fixedConfig, LogManager, parsePartitionDirName } from '../../src/storage/log-manager.js';
import { readOffsetCheckpoint } from '../../src/storage/checkpoints/offset-checkpoint-file.js';
import { makeBatch, recordsIn } from '../support/batches.js';

function manager(fs: MemoryFileSystem, clock: ManualClock, overrides: Record<string, string> = {}) {
  return new LogManager({ fs, clock, dataDirs: ['/data'], configFor: fixedConfig(overrides), retentionCheckIntervalMs: 1000 });
}

test('partition directory names parse with dashes in topic names', () => {
  assert.deepEqual(parsePartitionDirName('my-topic-12'), { topic: 'my-topic', partition: 12 });
  assert.equal(parsePartitionDirName('noise'), undefined);
  assert.equal(parsePartitionDirName('topic-x'), undefined);
});

test('logs survive a clean shutdown and reopen without recovery; the marker is consumed', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock();
  const m = manager(fs, clock);
  assert.equal(m.startup().logsLoaded, 0);
  m.getOrCreate('orders', 0).append(makeBatch({ count: 2, prefix: 'a' }), 0);
  m.getOrCreate('orders', 1).append(makeBatch({ count: 3, prefix: 'b' }), 0);
  await m.shutdown();
  assert.ok(fs.exists(`/data/${CLEAN_SHUTDOWN_MARKER}`));
  const recovery = readOffsetCheckpoint(fs, '/data/recovery-point-offset-checkpoint');
  assert.deepEqual([...recovery.entries()].sort(), [['orders-0', 2], ['orders-1', 3]]);
  const again = manager(fs, clock);
  const report = again.startup();
  assert.deepEqual(report, { cleanShutdown: true, logsLoaded: 2, logsOffline: 0 });
  assert.equal(fs.exists(`/data/${CLEAN_SHUTDOWN_MARKER}`), false, 'a later crash will be noticed');
  assert.equal(again.get('orders', 1)!.logEndOffset, 3);
  assert.deepEqual(recordsIn(again.get('orders', 0)!.read(0, 1 << 20).records).map((r) => r.value), ['a-0', 'a-1']);
});

test('after a crash, logs recover from their checkpointed recovery points', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock();
  const m = manager(fs, clock);
  m.startup();
  const log = m.getOrCreate('t', 0);
  log.append(makeBatch({ count: 2, prefix: 'durable' }), 0);
  await log.flush();
  await m.writeCheckpoints();
  log.append(makeBatch({ count: 2, prefix: 'volatile' }), 0);
  fs.crash();
  const again = manager(fs, clock);
  assert.equal(again.startup().cleanShutdown, false);
  assert.equal(again.get('t', 0)!.logEndOffset, 2);
});

test('the high watermark is checkpointed: a restarted log does not take its whole length as committed', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock();
  const m = manager(fs, clock);
  m.startup();
  const log = m.getOrCreate('replicated', 0);
  log.appendAsFollower(Buffer.concat([0, 2].map((base) => {
    const b = makeBatch({ count: 2, prefix: `r${base}` });
    b.writeBigInt64BE(BigInt(base), 0);
    return b;
  })));
  log.setHighWatermark(2);
  await log.flush();
  await m.writeCheckpoints();
  assert.equal(readOffsetCheckpoint(fs, '/data/replication-offset-checkpoint').get('replicated-0'), 2);
  fs.crash();
  const again = manager(fs, clock);
  again.startup();
  const reopened = again.get('replicated', 0)!;
  assert.deepEqual([reopened.logEndOffset, reopened.highWatermark], [4, 2]);
});

test('background retention runs on the clock', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock();
  const m = manager(fs, clock, { 'retention.ms': '5000', 'segment.bytes': '300' });
  m.startup();
  const log = m.getOrCreate('t', 0);
  for (let i = 0; i < 10; i++) log.append(makeBatch({ count: 1, valueSize: 100, timestamp: clock.now() }), 0);
  log.updateHighWatermark(log.logEndOffset);
  await log.flush();
  const before = log.segmentCount;
  clock.advance(1000);
  assert.equal(log.segmentCount, before, 'nothing expired yet');
  clock.advance(10_000);
  assert.ok(log.logStartOffset > 0, `retention ran: start offset ${log.logStartOffset}`);
  await m.shutdown();
});

test('deleting a partition removes its directory', async () => {
  const fs = new MemoryFileSystem();
  const m = manager(fs, new ManualClock());
  m.startup();
  m.getOrCreate('gone', 0).append(makeBatch(), 0);
  await m.delete('gone', 0);
  assert.equal(m.get('gone', 0), undefined);
  assert.deepEqual(fs.list('/data').filter((n) => n.startsWith('gone')), []);
});

test('compacted logs are cleaned in the background and the cleaner checkpoint survives restarts', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock();
  const open = () => new LogManager({
    fs, clock, dataDirs: ['/data'], configFor: fixedConfig({ 'cleanup.policy': 'compact', 'segment.bytes': '300', 'min.cleanable.dirty.ratio': '0.01' }),
    cleaner: { offsetMapEntries: 1000, backoffMs: 1000 },
  });
  const m = open();
  m.startup();
  const log = m.getOrCreate('compacted', 0);
  for (let i = 0; i < 12; i++) log.append(makeBatch({ keys: [`k${i % 3}`], values: [`v${i}`], valueSize: 60 }), 0);
  log.updateHighWatermark(log.logEndOffset);
  await log.flush();
  const cleaned = await m.runCleaner();
  assert.equal(cleaned, 1);
  const values: string[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset;) {
    const r = log.read(offset, 1 << 20);
    values.push(...recordsIn(r.records).map((x) => `${x.key}=${x.value!.replace(/\.+$/, '')}`));
    offset = r.nextOffset;
  }
  for (const k of ['k0', 'k1', 'k2']) assert.ok(values.filter((v) => v.startsWith(`${k}=`)).length <= 2, `${k} compacted: ${values.join(' ')}`);
  assert.ok(values.includes('k2=v11'), 'the newest value of each key stays');
  await m.shutdown();
  assert.ok(readOffsetCheckpoint(fs, '/data/cleaner-offset-checkpoint').get('compacted-0')! > 0);
});
