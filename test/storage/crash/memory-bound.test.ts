/**
 * Memory stays bounded by the number of partitions, not by the data they hold: 200 partition logs
 * of 2 MiB each (9 segments apiece, densely indexed) on the real filesystem are opened after a
 * clean shutdown and read from, and the process grows by a small fraction of their index bytes and
 * nothing like their data bytes. That shows indexes load lazily (only for segments actually read)
 * and no segment's contents are kept in memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { systemClock } from '../../../src/common/clock.js';
import { NodeFileSystem } from '../../../src/storage/fs/node-file-system.js';
import { logConfigFrom } from '../../../src/storage/log-config.js';
import { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { makeBatch } from '../../support/batches.js';

const PARTITIONS = 200;
const BYTES_PER_PARTITION = 2 * 1024 * 1024;
const CONFIG = logConfigFrom({
  'segment.bytes': String(256 * 1024),
  // an index entry for every batch, so that loading every index would show plainly
  'index.interval.bytes': '0',
  // rolls by size only (the batches' timestamps are fixed, far in the past)
  'segment.ms': '9007199254740991',
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Footprint {
  /** JavaScript heap plus memory held by Buffers and other external objects. */
  heapAndBuffers: number;
  rss: number;
}

function footprint(): Footprint {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heapAndBuffers: m.heapUsed + m.external, rss: m.rss };
}

function bytesOf(root: string, suffixes: string[]): number {
  let total = 0;
  for (const dir of readdirSync(root)) {
    for (const name of readdirSync(join(root, dir))) {
      if (suffixes.some((s) => name.endsWith(s))) total += statSync(join(root, dir, name)).size;
    }
  }
  return total;
}

const MiB = 1024 * 1024;
const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

test('200 partitions opened and read from cost memory per partition, not per byte stored', { timeout: 60_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gregor-memory-'));
  const fs = new NodeFileSystem();
  const open = (dir: string, cleanShutdown: boolean): PartitionLog =>
    PartitionLog.open({ fs, clock: systemClock, dir, config: CONFIG, cleanShutdown, recoveryPoint: 0, logStartOffset: 0 });
  try {
    // One partition written through PartitionLog and shut down cleanly; the other 199 are hard
    // links to its files (copying 400 MiB into thousands of new files takes seconds here). Each
    // log still opens and reads its own files by its own paths, so to this process they are 200
    // distinct logs; what the page cache holds is the kernel's, not the process's.
    const template = join(root, 'bench-0');
    const writer = open(template, false);
    for (let i = 0; writer.sizeInBytes < BYTES_PER_PARTITION; i++) {
      writer.append(makeBatch({ count: 1, valueSize: 200, prefix: `r${i}`, timestamp: 1_700_000_000_000 + i }), 0);
    }
    const logEnd = writer.logEndOffset;
    const segments = writer.segmentCount;
    await writer.close();
    const files = readdirSync(template);
    for (let p = 1; p < PARTITIONS; p++) {
      mkdirSync(join(root, `bench-${p}`));
      for (const name of files) linkSync(join(template, name), join(root, `bench-${p}`, name));
    }
    const dataBytes = bytesOf(root, ['.log']);
    const indexBytes = bytesOf(root, ['.index', '.timeindex']);
    assert.ok(segments >= 8, `${segments} segments per partition`);

    const before = footprint();
    const logs = Array.from({ length: PARTITIONS }, (_, p) => open(join(root, `bench-${p}`), true));
    const afterOpen = footprint();
    let read = 0;
    for (const log of logs) {
      assert.equal(log.logEndOffset, logEnd);
      // a consumer in the middle of the log, and one at its tail
      for (const offset of [Math.floor(logEnd / 2), logEnd - 1]) {
        const r = log.read(offset, 64 * 1024);
        assert.ok(r.records.length > 0);
        read += r.records.length;
      }
    }
    const afterRead = footprint();

    const openGrowth = afterOpen.heapAndBuffers - before.heapAndBuffers;
    const readGrowth = afterRead.heapAndBuffers - before.heapAndBuffers;
    const rssGrowth = afterRead.rss - before.rss;
    t.diagnostic(
      `${PARTITIONS} partitions x ${segments} segments: ${mib(dataBytes)} of data, ${mib(indexBytes)} of indexes; ` +
      `heap+buffers grew ${mib(openGrowth)} after opening (${(openGrowth / PARTITIONS / 1024).toFixed(1)} KiB/partition), ` +
      `${mib(readGrowth)} after reading ${mib(read)} (${(readGrowth / PARTITIONS / 1024).toFixed(1)} KiB/partition); rss grew ${mib(rssGrowth)}`,
    );
    // Opening loads no index: far less than the index bytes on disk.
    assert.ok(openGrowth < indexBytes / 4, `opening grew memory by ${mib(openGrowth)}; the indexes hold ${mib(indexBytes)}`);
    // Reading loads the indexes of the two segments read per partition, not all eight.
    assert.ok(readGrowth < indexBytes / 2, `reading grew memory by ${mib(readGrowth)}; the indexes hold ${mib(indexBytes)}`);
    // And no segment data stays in memory: a small fraction of the data, with room for noise.
    assert.ok(readGrowth < 32 * MiB, `heap+buffers grew ${mib(readGrowth)} for ${mib(dataBytes)} of data`);
    assert.ok(rssGrowth < 64 * MiB, `rss grew ${mib(rssGrowth)} for ${mib(dataBytes)} of data`);
    for (const log of logs) log.closeNow();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
