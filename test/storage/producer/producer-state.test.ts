/**
 * Idempotent appends: retried batches are recognised and not written twice, gaps and fenced
 * epochs are refused, and producer state survives restarts (snapshot plus replay).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { StorageError } from '../../../src/storage/storage-error.js';
import { logFixture } from '../../support/logs.js';
import { recordsIn } from '../../support/batches.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';

function idempotentBatch(producerId: bigint, epoch: number, baseSequence: number, count: number, prefix = 'r'): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`${prefix}${baseSequence + i}`), timestamp: 1_700_000_000_000n }));
  return buildRecordBatch(records, { producerId, producerEpoch: epoch, baseSequence });
}

function code(c: string) {
  return (e: unknown): boolean => e instanceof StorageError && e.code === c;
}

function allValues(log: PartitionLog): string[] {
  const out: string[] = [];
  for (let o = log.logStartOffset; o < log.logEndOffset;) {
    const r = log.read(o, 1 << 20);
    out.push(...recordsIn(r.records).map((x) => x.value!));
    o = r.nextOffset;
  }
  return out;
}

test('a retried batch is answered with its original offsets and not written again', () => {
  const log = logFixture().open();
  const first = log.append(idempotentBatch(7n, 0, 0, 3), 0);
  log.append(idempotentBatch(7n, 0, 3, 2), 0);
  const retry = log.append(idempotentBatch(7n, 0, 0, 3), 0);
  assert.equal(retry.duplicate, true);
  assert.deepEqual([retry.firstOffset, retry.lastOffset], [first.firstOffset, first.lastOffset]);
  assert.equal(log.logEndOffset, 5);
  assert.deepEqual(allValues(log), ['r0', 'r1', 'r2', 'r3', 'r4']);
});

test('sequence gaps, repeats of older batches and old epochs are refused', () => {
  const log = logFixture().open();
  log.append(idempotentBatch(7n, 1, 0, 2), 0);
  assert.throws(() => log.append(idempotentBatch(7n, 1, 5, 1), 0), code('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  assert.throws(() => log.append(idempotentBatch(7n, 0, 2, 1), 0), code('INVALID_PRODUCER_EPOCH'));
  assert.throws(() => log.append(idempotentBatch(7n, 2, 3, 1), 0), code('OUT_OF_ORDER_SEQUENCE_NUMBER'), 'a new epoch starts at 0');
  log.append(idempotentBatch(7n, 2, 0, 1), 0);
  log.append(idempotentBatch(8n, 0, 42, 1), 0); // an unknown producer may start anywhere
  assert.equal(log.logEndOffset, 4);
});

test('only the last five batches are remembered, as in Kafka', () => {
  const log = logFixture().open();
  for (let i = 0; i < 7; i++) log.append(idempotentBatch(3n, 0, i, 1), 0);
  assert.equal(log.append(idempotentBatch(3n, 0, 2, 1), 0).duplicate, true);
  assert.throws(() => log.append(idempotentBatch(3n, 0, 1, 1), 0), code('OUT_OF_ORDER_SEQUENCE_NUMBER'));
});

test('producer state survives a clean restart and a crash', async () => {
  const f = logFixture({ 'segment.bytes': '300' });
  const log = f.open();
  for (let i = 0; i < 10; i++) log.append(idempotentBatch(9n, 0, i * 2, 2), 0);
  await log.close();
  const clean = f.open({ cleanShutdown: true, recoveryPoint: 20 });
  assert.equal(clean.append(idempotentBatch(9n, 0, 18, 2), 0).duplicate, true, 'the last batch is known after a clean restart');
  clean.append(idempotentBatch(9n, 0, 20, 2), 0);
  await clean.flush();
  f.fs.crash();
  const crashed = f.open({ recoveryPoint: 0 });
  assert.equal(crashed.append(idempotentBatch(9n, 0, 20, 2), 0).duplicate, true, 'rebuilt by replaying the log after a crash');
  assert.throws(() => crashed.append(idempotentBatch(9n, 0, 30, 1), 0), code('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  assert.ok(f.fs.list('/data/topic-0').some((n) => n.endsWith('.snapshot')), 'snapshots are written');
});

test('idle producers are forgotten after producer.id.expiration.ms, producers with open transactions are kept', () => {
  const log = logFixture().open();
  log.append(idempotentBatch(1n, 0, 0, 1), 0);
  const txn = buildRecordBatch([{ key: null, value: Buffer.from('t'), timestamp: 1_700_000_000_000n }], { producerId: 2n, producerEpoch: 0, baseSequence: 0, isTransactional: true });
  log.append(txn, 0);
  assert.equal(log.producers.size, 2);
  assert.equal(log.producers.expire(1_700_000_000_001), 1);
  assert.equal(log.producers.get(1n), undefined);
  assert.ok(log.producers.get(2n), 'a producer with an open transaction stays');
  assert.equal(log.append(idempotentBatch(1n, 0, 0, 1), 0).duplicate, false, 'an expired producer starts afresh');
});
