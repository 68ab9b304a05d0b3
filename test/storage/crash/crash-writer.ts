/**
 * The writer process of the crash test (crash-recovery.test.ts), meant to be killed with SIGKILL
 * at any moment:
 *
 *   node crash-writer.js <root dir> <appends in flight>
 *
 * It opens the log `<root>/crash-0` on the real filesystem as after a crash (cleanShutdown false,
 * recovery point from `<root>/recovery-point`, which it rewrites atomically now and then, as a
 * broker checkpoints recovery points), works out from the log end offset which batch comes next,
 * and appends the deterministic batches of crash-batches.ts forever (mostly one per append,
 * sometimes several in one write), keeping up to N appends waiting for durability at once so that
 * they share fsyncs (group commit).
 *
 * Output, one line each, on stdout:
 *   ready <next seq> <log end offset>      after recovery
 *   ack <seq> <first offset> <last offset> once waitDurable covered batch <seq>
 *
 * An `ack` line is a promise the parent holds the log to: it is written only after the fsync.
 */
import { systemClock } from '../../../src/common/clock.js';
import { writeFileAtomic } from '../../../src/storage/fs/file-system.js';
import { NodeFileSystem } from '../../../src/storage/fs/node-file-system.js';
import { logConfigFrom } from '../../../src/storage/log-config.js';
import { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { CHECKPOINT_FILE, CRASH_LOG_CONFIG, LOG_DIR, OffsetTable, epochOf, producedBatch } from './crash-batches.js';

function fail(message: string): never {
  process.stderr.write(`crash-writer: ${message}\n`);
  process.exit(3);
}

async function main(): Promise<void> {
  const [root, inFlightArg] = process.argv.slice(2);
  if (root === undefined) fail('usage: crash-writer <root dir> <appends in flight>');
  const window = Math.max(1, Number(inFlightArg ?? '1'));
  const fs = new NodeFileSystem();
  const checkpointPath = `${root}/${CHECKPOINT_FILE}`;
  const recoveryPoint = fs.exists(checkpointPath) ? Number(fs.readFile(checkpointPath).toString()) : 0;
  const log = PartitionLog.open({
    fs,
    clock: systemClock,
    dir: `${root}/${LOG_DIR}`,
    config: logConfigFrom(CRASH_LOG_CONFIG),
    cleanShutdown: false,
    recoveryPoint,
    logStartOffset: 0,
  });
  const table = new OffsetTable();
  let seq = table.batchesEndingAt(log.logEndOffset);
  if (seq < 0) fail(`log end offset ${log.logEndOffset} after recovery falls inside a batch`);
  process.stdout.write(`ready ${seq} ${log.logEndOffset}\n`);

  // Checkpoint the recovery point now and then, atomically, as a broker does.
  let checkpointed = recoveryPoint;
  let writing = false;
  const timer = setInterval(() => {
    const rp = log.recoveryPoint;
    if (writing || rp <= checkpointed) return;
    writing = true;
    writeFileAtomic(fs, checkpointPath, Buffer.from(String(rp))).then(
      () => {
        checkpointed = rp;
        writing = false;
      },
      (e: unknown) => fail(`checkpoint: ${String(e)}`),
    );
  }, 50);
  timer.unref();

  const waiting: Promise<void>[] = [];
  for (;;) {
    // Mostly one batch per append, sometimes several in one write (up to ~60 KiB, never across an
    // epoch change): a larger write is a wider target for a kill that cuts it short.
    const first = seq;
    const parts = [producedBatch(seq++)];
    let bytes = parts[0]!.length;
    if (Math.random() < 0.2) {
      const want = 1 + Math.floor(Math.random() * 16);
      while (parts.length < want && epochOf(seq) === epochOf(first)) {
        const next = producedBatch(seq);
        if (bytes + next.length > 60 * 1024) break;
        parts.push(next);
        bytes += next.length;
        seq++;
      }
    }
    const r = log.append(parts.length === 1 ? parts[0]! : Buffer.concat(parts), epochOf(first));
    if (r.firstOffset !== table.baseOf(first) || r.lastOffset !== table.baseOf(seq) - 1) {
      fail(`batches ${first}..${seq - 1} got offsets ${r.firstOffset}..${r.lastOffset}, expected ${table.baseOf(first)}..${table.baseOf(seq) - 1}`);
    }
    const end = seq;
    waiting.push(
      log.waitDurable(r.lastOffset + 1).then(() => {
        let lines = '';
        for (let s = first; s < end; s++) lines += `ack ${s} ${table.baseOf(s)} ${table.baseOf(s + 1) - 1}\n`;
        process.stdout.write(lines);
      }),
    );
    if (waiting.length >= window) await waiting.shift();
  }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.stack ?? e.message : String(e)));
