/**
 * Test support: partition logs on an in-memory filesystem with a manual clock.
 */
import { ManualClock } from '../../src/common/clock.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';
import type { FileSystem } from '../../src/storage/fs/file-system.js';
import { logConfigFrom } from '../../src/storage/log-config.js';
import { PartitionLog } from '../../src/storage/log/partition-log.js';

export interface LogFixture {
  fs: MemoryFileSystem;
  clock: ManualClock;
  overrides: Record<string, string>;
  open(options?: { cleanShutdown?: boolean; recoveryPoint?: number; logStartOffset?: number; fs?: FileSystem }): PartitionLog;
}

export function logFixture(overrides: Record<string, string> = {}): LogFixture {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock();
  fs.mkdirp('/data');
  return {
    fs,
    clock,
    overrides,
    open: (o = {}) =>
      PartitionLog.open({
        fs: o.fs ?? fs,
        clock,
        dir: '/data/topic-0',
        config: logConfigFrom(overrides),
        cleanShutdown: o.cleanShutdown ?? false,
        recoveryPoint: o.recoveryPoint ?? 0,
        logStartOffset: o.logStartOffset ?? 0,
      }),
  };
}
