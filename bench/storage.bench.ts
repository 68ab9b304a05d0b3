/**
 * Storage benchmark: Gregor's partition log on the real filesystem next to the same disk's raw
 * limits, measured in the same run on the same directory.
 *
 *   node dist/bench/storage.bench.js            (after `npx tsc -p tsconfig.json`)
 *   GREGOR_BENCH_DIR=/some/disk node dist/bench/storage.bench.js
 *
 * Raw limits (plain node:fs): sequential writes of 16 KiB and 1 MiB, buffered, with fdatasync
 * after every write, and with fdatasync after every 32 writes; sequential 1 MiB reads from the
 * page cache (warm) and from the device (cold: the file's cached pages dropped with GNU dd's
 * iflag=nocache, i.e. posix_fadvise DONTNEED, which Node does not expose).
 *
 * Gregor (PartitionLog, Kafka's default topic config): appends of ~16 KiB and ~1 MiB batches of
 * 1 KiB records without fsync (acks=1), each waiting for durability (acks=all, one producer),
 * and 32 appends in flight sharing group commits (acks=all, 32 producers); sequential reads of
 * the whole log with 1 MiB maxBytes, warm and cold; and recovery after an unclean shutdown (every
 * batch's CRC checked, indexes rebuilt) of a log of 256 MiB to 1 GiB depending on free space.
 *
 * Each Gregor figure is printed with the raw figure it should be read against and their ratio.
 * Medians of 3 rounds. Everything written is deleted at the end.
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
  dropCache, freeBytes, makeFile, median, rateOf, rawRead, rawWrite, seconds, type Rate, type Sample,
} from './storage/disk.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const ROUNDS = 3;
const WRITE_BYTES = 256 * MiB; // per round of a buffered write test
const SYNC_BUDGET_MS = 1000; // per round of a test that fsyncs
const CONFIG = logConfigFrom({});
const fs = new NodeFileSystem();

interface Row {
  name: string;
  rate: Rate;
  reference?: { name: string; rate: Rate };
  note?: string;
}

const rows: Row[] = [];
const raw = new Map<string, Rate>();

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function addRaw(name: string, rate: Rate): void {
  raw.set(name, rate);
  rows.push({ name, rate });
  log(`  ${name}: ${fmt(rate)}`);
}

function addGregor(name: string, rate: Rate, referenceName: string, note?: string): void {
  const reference = raw.get(referenceName);
  rows.push({ name, rate, reference: reference && { name: referenceName, rate: reference }, note });
  const ratio = reference ? `  = ${pct(rate.mbPerSec / reference.mbPerSec)} of ${referenceName}` : '';
  log(`  ${name}: ${fmt(rate)}${ratio}${note ? `  (${note})` : ''}`);
}

function fmt(r: Rate): string {
  return `${r.mbPerSec.toFixed(0)} MB/s, ${r.opsPerSec.toFixed(0)} ops/s`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/** A batch of 1 KiB records (random, incompressible, no key), about `target` bytes in all. */
function batchOf(target: number): Buffer {
  const value = randomBytes(1024);
  const now = BigInt(Date.now());
  const records: RecordInput[] = [];
  for (let size = 61; size + 1040 <= target; size += 1034) records.push({ key: null, value, timestamp: now });
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

function segmentFiles(dir: string): string[] {
  return readdirSync(dir).map((n) => join(dir, n));
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
  log(`batches: ${small.length} B (${small.readInt32BE(57)} records) and ${large.length} B (${large.readInt32BE(57)} records) of 1 KiB values`);
  try {
    log('raw disk (node:fs, same directory):');
    for (const [label, size] of [['16 KiB', 16 * KiB], ['1 MiB', MiB]] as const) {
      addRaw(`raw write ${label}, buffered`, median(Array.from({ length: ROUNDS }, () => rawWrite(root, size, WRITE_BYTES, 0, 5000))));
      addRaw(`raw write ${label}, fdatasync each`, median(Array.from({ length: ROUNDS }, () => rawWrite(root, size, WRITE_BYTES, 1, SYNC_BUDGET_MS))));
      addRaw(`raw write ${label}, fdatasync every 32`, median(Array.from({ length: ROUNDS }, () => rawWrite(root, size, WRITE_BYTES, 32, SYNC_BUDGET_MS))));
    }
    const file = makeFile(root, WRITE_BYTES);
    rawRead(file, MiB);
    addRaw('raw read 1 MiB, warm', median(Array.from({ length: ROUNDS }, () => rawRead(file, MiB))));
    const canDrop = dropCache([file]);
    if (canDrop) {
      addRaw('raw read 1 MiB, cold', median(Array.from({ length: ROUNDS }, () => (dropCache([file]), rawRead(file, MiB)))));
    } else {
      log('  (cannot drop the page cache here: read figures are warm only)');
    }
    rmSync(file);

    log('Gregor PartitionLog (default topic config):');
    const logs: Record<string, string> = {};
    for (const [label, batch, size] of [['16 KiB', small, '16 KiB'], ['1 MiB', large, '1 MiB']] as const) {
      const noSync: Sample[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const r = await gregorAppend(root, batch, WRITE_BYTES, 0, 5000, round === ROUNDS - 1);
        noSync.push(r.sample);
        if (round === ROUNDS - 1) logs[label] = r.dir;
      }
      addGregor(`append ${label} batches, no fsync`, median(noSync), `raw write ${size}, buffered`);
      const each: Sample[] = [];
      for (let round = 0; round < ROUNDS; round++) each.push((await gregorAppend(root, batch, WRITE_BYTES, 1, SYNC_BUDGET_MS)).sample);
      addGregor(`append ${label}, waitDurable each (1 in flight)`, median(each), `raw write ${size}, fdatasync each`);
      const grouped: { sample: Sample; fsyncs: number }[] = [];
      for (let round = 0; round < ROUNDS; round++) grouped.push(await gregorAppend(root, batch, WRITE_BYTES, 32, SYNC_BUDGET_MS));
      const g = median(grouped.map((x) => x.sample));
      const perSync = grouped.reduce((a, x) => a + x.sample.ops, 0) / grouped.reduce((a, x) => a + x.fsyncs, 0);
      addGregor(`append ${label}, waitDurable, 32 in flight`, g, `raw write ${size}, fdatasync every 32`, `${perSync.toFixed(1)} appends per group commit`);
    }
    for (const label of ['16 KiB', '1 MiB']) {
      const dir = logs[label]!;
      gregorRead(dir);
      addGregor(`read log of ${label} batches, 1 MiB maxBytes, warm`, median(Array.from({ length: ROUNDS }, () => gregorRead(dir))), 'raw read 1 MiB, warm');
      if (canDrop) {
        const cold = Array.from({ length: ROUNDS }, () => (dropCache(segmentFiles(dir)), gregorRead(dir)));
        addGregor(`read log of ${label} batches, 1 MiB maxBytes, cold`, median(cold), 'raw read 1 MiB, cold');
      }
      rmSync(dir, { recursive: true, force: true });
    }

    log(`recovery of a ${recoveryBytes / MiB} MiB log of ${small.length} B batches:`);
    const built = await gregorAppend(root, small, recoveryBytes, 0, 60_000, true);
    const expectedEnd = built.sample.ops * small.readInt32BE(57);
    const reopen = (clean: boolean): Sample => {
      const start = process.hrtime.bigint();
      const plog = openLog(built.dir, clean);
      const elapsed = seconds(start);
      if (plog.logEndOffset !== expectedEnd) throw new Error(`recovered log ends at ${plog.logEndOffset}, expected ${expectedEnd}`);
      const sample = { bytes: plog.sizeInBytes, ops: 1, seconds: elapsed };
      plog.closeNow();
      return sample;
    };
    const perGiB = (s: Rate): string => `${(1000 / s.mbPerSec * GiB / 1e9).toFixed(2)} s per GiB`;
    const warm = median(Array.from({ length: ROUNDS }, () => reopen(false)));
    addGregor('recovery (unclean open, CRC of every batch), warm', warm, 'raw read 1 MiB, warm', perGiB(warm));
    if (canDrop) {
      const cold = median(Array.from({ length: ROUNDS }, () => (dropCache(segmentFiles(built.dir)), reopen(false))));
      addGregor('recovery (unclean open, CRC of every batch), cold', cold, 'raw read 1 MiB, cold', perGiB(cold));
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
  log('\n| case | MB/s | ops/s | reference (same run) | ratio |');
  log('|---|---:|---:|---|---:|');
  for (const r of rows) {
    const ref = r.reference ? `${r.reference.name}: ${r.reference.rate.mbPerSec.toFixed(0)} MB/s` : '—';
    const ratio = r.reference ? pct(r.rate.mbPerSec / r.reference.rate.mbPerSec) : '—';
    log(`| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.rate.mbPerSec.toFixed(0)} | ${r.rate.opsPerSec.toFixed(0)} | ${ref} | ${ratio} |`);
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
