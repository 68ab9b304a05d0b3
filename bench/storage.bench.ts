/**
 * Storage benchmark: Gregor's partition log on the real filesystem next to the same disk's raw
 * limits, measured in the same run on the same directory.
 *
 *   node dist/bench/storage.bench.js            (after `npx tsc -p tsconfig.json`)
 *   GREGOR_BENCH_DIR=/some/disk node dist/bench/storage.bench.js
 *
 * Raw limits (plain node:fs): sequential writes of 16 KiB and 1 MiB, buffered, with fdatasync
 * after every write, and with fdatasync after every 32 writes; sequential 1 MiB reads from the
 * page cache (warm) and from the device (cold: the files' cached pages dropped with GNU dd's
 * iflag=nocache, i.e. posix_fadvise DONTNEED, which Node does not expose; warm only without it).
 *
 * Gregor (PartitionLog, Kafka's default topic config): appends of ~16 KiB and ~1 MiB batches of
 * 1 KiB records without fsync (acks=1), each waiting for durability (acks=all, one producer),
 * and 32 appends in flight sharing group commits (acks=all, 32 producers); sequential reads of
 * the whole log with 1 MiB maxBytes, warm and cold; and recovery after an unclean shutdown (every
 * batch's CRC checked, indexes rebuilt) of a log of 256 MiB to 1 GiB depending on free space.
 *
 * Each Gregor figure is measured alternately with the raw figure it should be read against, and
 * printed with it and their ratio (medians of 3 rounds, 5 for warm reads and fsync-bound appends). Reads and recovery are
 * compared with plain reads of the very segment files Gregor reads. Everything written is deleted
 * at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/common/clock.js';
import { buildRecordBatch, type RecordInput } from '../src/protocol/records/batch-builder.js';
import { NodeFileSystem } from '../src/storage/fs/node-file-system.js';
import { logConfigFrom } from '../src/storage/log-config.js';
import { PartitionLog } from '../src/storage/log/partition-log.js';
import {
  dropCache, freeBytes, median, rawRead, rawWrite, seconds, type Rate, type Sample,
} from './storage/disk.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const ROUNDS = 3;
const SYNC_ROUNDS = 5; // fsync-bound rounds are short and noisier
const WRITE_BYTES = 256 * MiB; // per round of a buffered write test
const SYNC_BUDGET_MS = 1000; // per round of a test that fsyncs
const CONFIG = logConfigFrom({});
const fs = new NodeFileSystem();

interface Row {
  name: string;
  gregor: Rate;
  rawName: string;
  raw: Rate;
  note?: string;
}

const rows: Row[] = [];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fmt(r: Rate): string {
  return `${r.mbPerSec.toFixed(0)} MB/s (${r.opsPerSec.toFixed(0)} ops/s)`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/**
 * Runs a raw measurement and the Gregor one it is compared with alternately, `rounds` times
 * each, so that both see the same machine (shared, noisy) and the same page-cache state, and
 * records the medians and their ratio.
 */
async function pair(
  name: string,
  rawName: string,
  rounds: number,
  rawFn: () => Sample,
  gregorFn: () => Sample | Promise<Sample>,
  note?: () => string,
): Promise<Row> {
  const raws: Sample[] = [];
  const gregors: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    raws.push(rawFn());
    gregors.push(await gregorFn());
  }
  const row: Row = { name, gregor: median(gregors), rawName, raw: median(raws), note: note?.() };
  rows.push(row);
  log(`  ${name}: ${fmt(row.gregor)} | ${rawName}: ${fmt(row.raw)} | ${pct(row.gregor.mbPerSec / row.raw.mbPerSec)}${row.note ? ` | ${row.note}` : ''}`);
  return row;
}

/**
 * A batch of 1 KiB records, about `target` bytes in all. Every value is distinct random bytes, as
 * the raw writes are: this disk writes repetitive data measurably faster (probably compression or
 * deduplication below the VM), so both sides must write equally incompressible bytes.
 */
function batchOf(target: number): Buffer {
  const now = BigInt(Date.now());
  const records: RecordInput[] = [];
  for (let size = 61; size + 1040 <= target; size += 1034) records.push({ key: null, value: randomBytes(1024), timestamp: now });
  return buildRecordBatch(records);
}

function openLog(dir: string, cleanShutdown: boolean): PartitionLog {
  return PartitionLog.open({ fs, clock: systemClock, dir, config: CONFIG, cleanShutdown, recoveryPoint: 0, logStartOffset: 0 });
}

let logCounter = 0;

/**
 * Appends `batch` over and over to a new log until `totalBytes` or `budgetMs`. inFlight 0: no
 * fsync at all; n: n producers, each awaiting durability of its append before the next.
 * Closing (a final flush) is not timed. Returns the log's directory when `keep`.
 */
async function gregorAppend(root: string, batch: Buffer, totalBytes: number, inFlight: number, budgetMs: number, keep = false): Promise<{ sample: Sample; fsyncs: number; dir: string }> {
  const dir = join(root, `log-${logCounter++}`);
  const plog = openLog(dir, true);
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  let bytes = 0;
  let ops = 0;
  if (inFlight === 0) {
    while (bytes < totalBytes && process.hrtime.bigint() < deadline) {
      plog.append(batch, 0);
      bytes += batch.length;
      ops++;
    }
  } else {
    const producer = async (): Promise<void> => {
      while (bytes < totalBytes && process.hrtime.bigint() < deadline) {
        const r = plog.append(batch, 0);
        bytes += batch.length;
        ops++;
        await plog.waitDurable(r.lastOffset + 1);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, producer));
  }
  const sample = { bytes, ops, seconds: seconds(start) };
  const fsyncs = plog.fsyncCount;
  await plog.close();
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return { sample, fsyncs, dir };
}

/** Reads the whole log from its start, 1 MiB maxBytes per read, as a catching-up consumer. */
function gregorRead(dir: string): Sample {
  const plog = openLog(dir, true);
  try {
    const start = process.hrtime.bigint();
    let bytes = 0;
    let ops = 0;
    for (let offset = plog.logStartOffset; offset < plog.logEndOffset; ops++) {
      const r = plog.read(offset, MiB);
      bytes += r.records.length;
      offset = r.nextOffset;
    }
    return { bytes, ops, seconds: seconds(start) };
  } finally {
    plog.closeNow();
  }
}

/** The `.log` files of a log, in offset order. */
function logFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.log')).sort().map((n) => join(dir, n));
}

async function main(): Promise<void> {
  const began = process.hrtime.bigint();
  const base = process.env.GREGOR_BENCH_DIR ?? tmpdir();
  const root = mkdtempSync(join(base, 'gregor-storage-bench-'));
  const free = freeBytes(root);
  const recoveryBytes = free > 16 * GiB ? GiB : free > 4 * GiB ? 512 * MiB : 256 * MiB;
  log(`node ${process.version}, ${new Date().toISOString()}, data in ${root} (${(free / GiB).toFixed(0)} GiB free)`);
  const small = batchOf(16 * KiB);
  const large = batchOf(MiB);
  const recordsIn = (b: Buffer): number => b.readInt32BE(57);
  log(`batches: ${small.length} B (${recordsIn(small)} records) and ${large.length} B (${recordsIn(large)} records) of 1 KiB values`);
  log('case: Gregor | raw reference | ratio');
  try {
    // Buffered writes run several times faster into page-cache pages the kernel has used before
    // than into memory it touches for the first time (a VM's first touch is slow): write and
    // delete a warm-up file first, and let every round delete what it wrote, so that raw and
    // Gregor rounds alike write into recycled pages.
    rawWrite(root, MiB, 2 * WRITE_BYTES, 0, 10_000);
    for (const [label, batch, chunk] of [['16 KiB', small, 16 * KiB], ['1 MiB', large, MiB]] as const) {
      await pair(`append ${label} batches, no fsync`, `write ${label}, buffered`, ROUNDS,
        () => rawWrite(root, chunk, WRITE_BYTES, 0, 5000),
        async () => (await gregorAppend(root, batch, WRITE_BYTES, 0, 5000)).sample);
      await pair(`append ${label}, waitDurable each (1 in flight)`, `write ${label}, fdatasync each`, SYNC_ROUNDS,
        () => rawWrite(root, chunk, WRITE_BYTES, 1, SYNC_BUDGET_MS),
        async () => (await gregorAppend(root, batch, WRITE_BYTES, 1, SYNC_BUDGET_MS)).sample);
      let appends = 0;
      let fsyncs = 0;
      await pair(`append ${label}, waitDurable, 32 in flight`, `write ${label}, fdatasync every 32`, SYNC_ROUNDS,
        () => rawWrite(root, chunk, WRITE_BYTES, 32, SYNC_BUDGET_MS),
        async () => {
          const r = await gregorAppend(root, batch, WRITE_BYTES, 32, SYNC_BUDGET_MS);
          appends += r.sample.ops;
          fsyncs += r.fsyncs;
          return r.sample;
        },
        () => `${(appends / fsyncs).toFixed(1)} appends per group commit`);
    }

    // Reads: the reference reads the log's own segment files with plain 1 MiB reads. Two passes
    // first, so that both start from the same page-cache state (Linux promotes a cached page on
    // its second access; the first reads after writing are several times slower than later ones).
    let canDrop = true;
    for (const [label, batch] of [['16 KiB', small], ['1 MiB', large]] as const) {
      const dir = (await gregorAppend(root, batch, WRITE_BYTES, 0, 10_000, true)).dir;
      const files = logFiles(dir);
      rawRead(files, MiB);
      rawRead(files, MiB);
      await pair(`read log of ${label} batches, 1 MiB maxBytes, warm`, 'read 1 MiB, warm', 5, () => rawRead(files, MiB), () => gregorRead(dir));
      if (canDrop && dropCache(files)) {
        await pair(`read log of ${label} batches, 1 MiB maxBytes, cold`, 'read 1 MiB, cold', ROUNDS,
          () => (dropCache(files), rawRead(files, MiB)),
          () => (dropCache(files), gregorRead(dir)));
      } else {
        canDrop = false;
        log('  (the page cache cannot be dropped here: reads are measured warm only)');
      }
      rmSync(dir, { recursive: true, force: true });
    }

    // Recovery: open after an unclean shutdown with recovery point 0, so every batch is read,
    // CRC-checked and indexed again; the reference reads the same segment files.
    const built = await gregorAppend(root, small, recoveryBytes, 0, 60_000, true);
    const files = logFiles(built.dir);
    const expectedEnd = built.sample.ops * recordsIn(small);
    log(`recovery of a ${(recoveryBytes / MiB).toFixed(0)} MiB log of ${small.length} B batches (${files.length} segment${files.length === 1 ? "" : "s"}):`);
    const reopen = (clean: boolean): Sample => {
      const start = process.hrtime.bigint();
      const plog = openLog(built.dir, clean);
      const elapsed = seconds(start);
      if (plog.logEndOffset !== expectedEnd) throw new Error(`reopened log ends at ${plog.logEndOffset}, expected ${expectedEnd}`);
      const sample = { bytes: plog.sizeInBytes, ops: 1, seconds: elapsed };
      plog.closeNow();
      return sample;
    };
    const perGiB = (r: Row): string => `${(GiB / 1e6 / r.gregor.mbPerSec).toFixed(2)} s per GiB`;
    rawRead(files, MiB);
    rawRead(files, MiB);
    const warm = await pair('recovery (unclean open), warm', 'read 1 MiB, warm', ROUNDS, () => rawRead(files, MiB), () => reopen(false));
    warm.note = perGiB(warm);
    log(`    ${warm.note}`);
    if (canDrop) {
      const cold = await pair('recovery (unclean open), cold', 'read 1 MiB, cold', ROUNDS,
        () => (dropCache(files), rawRead(files, MiB)),
        () => (dropCache(files), reopen(false)));
      cold.note = perGiB(cold);
      log(`    ${cold.note}`);
    }
    const cleanMs = Array.from({ length: ROUNDS }, () => reopen(true).seconds * 1000).sort((a, b) => a - b)[1]!;
    log(`  clean open of the same log (no scan): ${cleanMs.toFixed(1)} ms`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  log(`total ${seconds(began).toFixed(0)} s`);
  printMarkdown();
}

function printMarkdown(): void {
  log('\n| case | Gregor MB/s | Gregor ops/s | raw reference (same run) | raw MB/s | ratio |');
  log('|---|---:|---:|---|---:|---:|');
  for (const r of rows) {
    const name = r.note ? `${r.name} (${r.note})` : r.name;
    const ops = r.name.startsWith('recovery') ? '—' : r.gregor.opsPerSec.toFixed(0);
    log(`| ${name} | ${r.gregor.mbPerSec.toFixed(0)} | ${ops} | ${r.rawName} | ${r.raw.mbPerSec.toFixed(0)} | ${pct(r.gregor.mbPerSec / r.raw.mbPerSec)} |`);
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
