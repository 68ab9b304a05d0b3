/**
 * The disk's own limits, measured with plain node:fs calls on the directory the storage
 * benchmark writes to, so that Gregor's figures can be read as a share of them: sequential
 * writes (buffered, and with fdatasync after every write or every few writes) and sequential
 * reads from the page cache and, when the cache can be dropped for a file, from the device.
 *
 * Every measurement is bounded both in bytes and in time, and leaves no file behind.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync, readSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** One timed run: how much moved in how long. */
export interface Sample {
  bytes: number;
  ops: number;
  seconds: number;
}

export interface Rate {
  mbPerSec: number;
  opsPerSec: number;
}

export function rateOf(s: Sample): Rate {
  return { mbPerSec: s.bytes / s.seconds / 1e6, opsPerSec: s.ops / s.seconds };
}

/** The median round by throughput (rounds on a shared machine are noisy). */
export function median(samples: Sample[]): Rate {
  const rates = samples.map(rateOf).sort((a, b) => a.mbPerSec - b.mbPerSec);
  return rates[Math.floor(rates.length / 2)]!;
}

export function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Bytes free for an unprivileged writer on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * Asks the kernel to drop the cached pages of `paths` (clean pages only, so sync first), with
 * GNU dd's `iflag=nocache` (posix_fadvise DONTNEED), which Node does not expose. Returns false when
 * that is not available, so the caller can report warm figures only.
 */
export function dropCache(paths: string[]): boolean {
  for (const p of paths) {
    const r = spawnSync('dd', [`if=${p}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
    if (r.status !== 0) return false;
  }
  return true;
}

let fileCounter = 0;

/**
 * Writes `chunk`-byte buffers sequentially into a new file until `totalBytes` or `budgetMs`,
 * with an fdatasync after every `syncEvery` writes (0: never; the buffered case). The final
 * fdatasync that settles the page cache afterwards is not timed.
 */
export function rawWrite(dir: string, chunk: number, totalBytes: number, syncEvery: number, budgetMs: number): Sample {
  const path = join(dir, `raw-write-${process.pid}-${fileCounter++}`);
  const buf = randomBytes(chunk);
  const fd = openSync(path, 'w');
  try {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(budgetMs) * 1_000_000n;
    let position = 0;
    let writes = 0;
    while (position < totalBytes && process.hrtime.bigint() < deadline) {
      writeSync(fd, buf, 0, chunk, position);
      position += chunk;
      writes++;
      if (syncEvery > 0 && writes % syncEvery === 0) fdatasyncSync(fd);
    }
    if (syncEvery > 0 && writes % syncEvery !== 0) fdatasyncSync(fd);
    const elapsed = seconds(start);
    fdatasyncSync(fd);
    return { bytes: position, ops: writes, seconds: elapsed };
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

/** Reads files start to end, one after the other, with `chunk`-byte reads into one buffer. */
export function rawRead(paths: string[], chunk: number): Sample {
  const buf = Buffer.allocUnsafe(chunk);
  const start = process.hrtime.bigint();
  let bytes = 0;
  let reads = 0;
  for (const path of paths) {
    const fd = openSync(path, 'r');
    try {
      for (let position = 0; ; ) {
        const n = readSync(fd, buf, 0, chunk, position);
        if (n === 0) break;
        position += n;
        bytes += n;
        reads++;
      }
    } finally {
      closeSync(fd);
    }
  }
  return { bytes, ops: reads, seconds: seconds(start) };
}
