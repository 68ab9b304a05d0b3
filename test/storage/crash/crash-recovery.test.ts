/**
 * Crash test on the real filesystem: a child process (crash-writer.ts) appends batches to a
 * partition log, acknowledging each one on stdout once it is fsynced, and is killed with SIGKILL
 * at random moments, again and again on the same directory. After every kill the log is opened
 * as after a crash and must hold every acknowledged batch, in order, byte for byte, with offsets
 * that run on without a gap, and nothing else than whole, valid batches of the writer's sequence.
 *
 * SIGKILL loses no page-cache data, so this covers the process-crash path (torn writes cut short
 * by the signal, interrupted rolls and checkpoints, recovery over many segments); power loss is
 * simulated with the in-memory filesystem in test/storage/log/recovery.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../src/common/clock.js';
import { NodeFileSystem } from '../../../src/storage/fs/node-file-system.js';
import { logConfigFrom } from '../../../src/storage/log-config.js';
import { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { BatchField, LOG_OVERHEAD, isBatchCrcValid } from '../../../src/protocol/records/batch-header.js';
import {
  CHECKPOINT_FILE, CRASH_LOG_CONFIG, LOG_DIR, OffsetTable, recordCountOf, storedBatch,
} from './crash-batches.js';

const ITERATIONS = 25;
const TIME_BUDGET_MS = 40_000;
const WRITER = fileURLToPath(new URL('./crash-writer.js', import.meta.url));

interface Ack {
  seq: number;
  first: number;
  last: number;
}

interface Run {
  ready: { seq: number; logEnd: number } | undefined;
  acks: Ack[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Deterministic randomness for the schedule, so a failure can be replayed with its seed. */
function schedule(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Starts the writer and kills it with SIGKILL either a random time after it starts (which may
 * fall in its recovery) or a random time after its k-th acknowledgement.
 */
function runWriter(root: string, inFlight: number, kill: { afterMs: number } | { afterAcks: number; extraMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, root, String(inFlight)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { ready: undefined, acks: [], signal: null, code: null, stderr: '' };
    let pending = '';
    let killTimer: NodeJS.Timeout | undefined;
    const killNow = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    };
    // never let a writer outlive its turn, whatever happens
    const safety = setTimeout(killNow, 10_000);
    if ('afterMs' in kill) killTimer = setTimeout(killNow, kill.afterMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const [kind, a, b, c] = line.split(' ');
        if (kind === 'ready') run.ready = { seq: Number(a), logEnd: Number(b) };
        else if (kind === 'ack') {
          run.acks.push({ seq: Number(a), first: Number(b), last: Number(c) });
          if ('afterAcks' in kill && run.acks.length === kill.afterAcks && killTimer === undefined) {
            killTimer = setTimeout(killNow, kill.extraMs);
          }
        }
      }
      // a line cut short by the kill was never delivered: it acknowledges nothing
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (run.stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      clearTimeout(killTimer);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

function readCheckpoint(root: string): number {
  const path = join(root, CHECKPOINT_FILE);
  return existsSync(path) ? Number(readFileSync(path, 'utf8')) : 0;
}

/** Total bytes of the log's segment files. */
function logBytes(root: string): number {
  const dir = join(root, LOG_DIR);
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

function sha1(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}

test('every acknowledged batch survives SIGKILL of the writer, in order and byte for byte', { timeout: 120_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gregor-crash-'));
  const seed = Number(process.env.GREGOR_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = schedule(seed);
  const table = new OffsetTable();
  const expectedDigest: string[] = [];
  const digestOf = (seq: number): string => (expectedDigest[seq] ??= sha1(storedBatch(seq, table.baseOf(seq))));
  const fs = new NodeFileSystem();
  const started = Date.now();
  let acked = 0; // batches 0..acked-1 have been acknowledged
  let iterations = 0;
  let killsDuringStartup = 0;
  let maxBatchesSeen = 0;
  let tornTails = 0;
  try {
    for (let i = 0; i < ITERATIONS && Date.now() - started < TIME_BUDGET_MS; i++, iterations++) {
      const inFlight = random() < 0.3 ? 1 : 1 + Math.floor(random() * 32);
      const kill = random() < 0.25
        ? { afterMs: Math.floor(random() * 400) }
        : { afterAcks: 1 + Math.floor(random() * 1200), extraMs: Math.floor(random() * 15) };
      const run = await runWriter(root, inFlight, kill);
      const context = `seed ${seed}, iteration ${i}, ${inFlight} in flight, kill ${JSON.stringify(kill)}`;
      assert.equal(run.signal, 'SIGKILL', `writer must die by SIGKILL (${context}); exit code ${run.code}: ${run.stderr}`);
      if (run.ready === undefined) killsDuringStartup++;

      // Acknowledgements arrive in order and agree with the deterministic offsets.
      if (run.ready) assert.ok(run.ready.seq >= acked, `writer resumed at batch ${run.ready.seq}, but ${acked} were acknowledged (${context})`);
      let expectSeq = run.ready?.seq ?? acked;
      for (const a of run.acks) {
        assert.equal(a.seq, expectSeq, `acks in order (${context})`);
        assert.equal(a.first, table.baseOf(a.seq), `ack offsets of batch ${a.seq}`);
        assert.equal(a.last, table.baseOf(a.seq + 1) - 1, `ack offsets of batch ${a.seq}`);
        expectSeq++;
      }
      if (run.acks.length > 0) acked = run.acks[run.acks.length - 1]!.seq + 1;

      // Recover as after a crash, and check the whole log.
      const recoveryPoint = readCheckpoint(root);
      const bytesBefore = logBytes(root);
      const log = PartitionLog.open({
        fs,
        clock: systemClock,
        dir: join(root, LOG_DIR),
        config: logConfigFrom(CRASH_LOG_CONFIG),
        cleanShutdown: false,
        recoveryPoint,
        logStartOffset: 0,
      });
      if (logBytes(root) < bytesBefore) tornTails++;
      try {
        const ackedEnd = table.baseOf(acked);
        assert.ok(log.logEndOffset >= ackedEnd, `log end ${log.logEndOffset} < ${ackedEnd}, the end of the last acknowledged batch (${context})`);
        assert.ok(log.logEndOffset >= recoveryPoint, `recovery cut below the checkpointed recovery point ${recoveryPoint} (${context})`);

        // Sequential read of everything: whole, valid batches 0, 1, 2, … with no gap.
        let seq = 0;
        let offset = 0;
        while (offset < log.logEndOffset) {
          const r = log.read(offset, 1024 * 1024);
          assert.ok(r.records.length > 0, `read at ${offset} returned nothing below log end ${log.logEndOffset}`);
          for (let pos = 0; pos < r.records.length; seq++) {
            const size = LOG_OVERHEAD + r.records.readInt32BE(pos + BatchField.batchLength);
            const batch = r.records.subarray(pos, pos + size);
            assert.equal(batch.length, size, `batch ${seq} cut short in a read`);
            assert.ok(isBatchCrcValid(batch), `batch ${seq} at offset ${offset} fails its CRC (${context})`);
            assert.equal(Number(batch.readBigInt64BE(BatchField.baseOffset)), table.baseOf(seq), `base offset of batch ${seq} (${context})`);
            assert.equal(sha1(batch), digestOf(seq), `batch ${seq} differs from what was written (${context})`);
            pos += size;
          }
          assert.equal(r.nextOffset, table.baseOf(seq), 'next offset continues after the last batch returned');
          offset = r.nextOffset;
        }
        assert.equal(offset, log.logEndOffset);
        assert.ok(seq >= acked, `${seq} batches in the log, ${acked} acknowledged (${context})`);
        maxBatchesSeen = Math.max(maxBatchesSeen, seq);

        // Reads from acknowledged offsets: this run's, and a sample of older ones.
        const targets = run.acks.map((a) => a.seq);
        for (let k = 0; k < 100 && acked > 0; k++) targets.push(Math.floor(random() * acked));
        for (const s of targets) {
          const expected = storedBatch(s, table.baseOf(s));
          const first = log.read(table.baseOf(s), 1);
          assert.ok(first.records.equals(expected), `read at the first offset of batch ${s} (${context})`);
          assert.equal(first.nextOffset, table.baseOf(s + 1));
          const lastOffset = table.baseOf(s) + recordCountOf(s) - 1;
          assert.ok(log.read(lastOffset, 1).records.equals(expected), `read at the last offset of batch ${s} (${context})`);
        }
        assert.equal(log.read(log.logEndOffset, 1 << 20).records.length, 0, 'nothing readable at the log end');
      } finally {
        log.closeNow();
      }
    }
    const segments = readdirSync(join(root, LOG_DIR)).filter((n) => n.endsWith('.log')).length;
    t.diagnostic(`seed ${seed}: ${iterations} kills (${killsDuringStartup} before recovery finished), ${acked} batches acknowledged, ` +
      `${maxBatchesSeen} in the log, ${segments} segments, ${tornTails} torn tails truncated, ${Date.now() - started} ms`);
    assert.ok(iterations >= 10, `only ${iterations} iterations ran within the time budget`);
    assert.ok(acked > 0, 'the writer acknowledged something');
    assert.ok(segments > 3, 'the log rolled several segments');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
