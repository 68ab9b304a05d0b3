/**
 * Test support for the cleaner: compacted logs on the in-memory filesystem, batches of
 * (key, value) pairs, and readers that list what a consumer would see.
 */
import assert from 'node:assert/strict';
import type { CompressionType } from '../../../src/protocol/compression/index.js';
import { Cleaner, type CleanerOptions } from '../../../src/storage/cleaner/cleaner.js';
import type { PartitionLog } from '../../../src/storage/log/partition-log.js';
import { logFixture, type LogFixture } from '../../support/logs.js';
import { makeBatch, recordsIn, type ReadRecord } from '../../support/batches.js';

export const DIR = '/data/topic-0';

export type KV = [key: string | null, value: string | null];

/** A fixture whose topic has cleanup.policy=compact (plus the given overrides). */
export function compactedFixture(overrides: Record<string, string> = {}): LogFixture {
  return logFixture({ 'cleanup.policy': 'compact', ...overrides });
}

/** One batch holding the pairs (null value: a tombstone). */
export function kvBatch(pairs: readonly KV[], o: { timestamp?: number; compression?: CompressionType; valueSize?: number } = {}): Buffer {
  return makeBatch({
    keys: pairs.map((p) => p[0]),
    values: pairs.map((p) => p[1]),
    ...(o.timestamp === undefined ? {} : { timestamp: o.timestamp }),
    ...(o.compression === undefined ? {} : { compression: o.compression }),
    ...(o.valueSize === undefined ? {} : { valueSize: o.valueSize }),
  });
}

/** Appends each batch (one list of pairs per batch) and rolls: one closed segment. */
export function writeSegment(log: PartitionLog, batches: readonly (readonly KV[])[], o: { timestamp?: number; compression?: CompressionType } = {}): void {
  for (const b of batches) log.append(kvBatch(b, o), 0);
  log.roll();
}

/** Every record a consumer reading the whole log would get, in order. */
export function contents(log: PartitionLog): ReadRecord[] {
  const out: ReadRecord[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 24);
    if (r.records.length === 0) break;
    out.push(...recordsIn(r.records).filter((x) => x.offset >= offset));
    offset = r.nextOffset;
  }
  return out;
}

/** [offset, key, value] of every record, for compact assertions. */
export function triples(log: PartitionLog): [number, string | null, string | null][] {
  return contents(log).map((r) => [r.offset, r.key, r.value]);
}

export function newCleaner(f: LogFixture, options: Partial<CleanerOptions> = {}): Cleaner {
  return new Cleaner({ clock: f.clock, ...options });
}

/** Marks everything appended as committed, as replication would. */
export function commitAll(log: PartitionLog): void {
  log.updateHighWatermark(log.logEndOffset);
}

/** Structural checks after cleaning or recovery: ordered, non-overlapping segments with their files,
 *  no leftover temporary files, and a read at every offset landing on the right record. */
export function assertConsistent(f: LogFixture, log: PartitionLog): void {
  const segs = log.allSegments;
  for (let i = 1; i < segs.length; i++) {
    assert.ok(segs[i - 1]!.nextOffset <= segs[i]!.baseOffset, `segment ${segs[i - 1]!.baseOffset} overlaps ${segs[i]!.baseOffset}`);
  }
  const names = f.fs.list(DIR);
  assert.deepEqual(names.filter((n) => /\.(cleaned|swap|deleted)$/.test(n)), [], 'no temporary files left');
  const bases = (suffix: string): number[] => names.filter((n) => n.endsWith(suffix)).map((n) => Number(n.slice(0, 20)));
  const segmentBases = segs.map((s) => s.baseOffset);
  assert.deepEqual(bases('.log'), segmentBases, 'one .log file per segment');
  const closed = segmentBases.slice(0, -1);
  for (const suffix of ['.index', '.timeindex']) {
    // The active segment creates its index files lazily; every closed one has both.
    assert.deepEqual(bases(suffix).filter((b) => b !== segmentBases[segmentBases.length - 1]), closed, `${suffix} files`);
  }
  const all = contents(log);
  for (let offset = log.logStartOffset; offset < log.logEndOffset; offset++) {
    const want = all.find((r) => r.offset >= offset);
    let got: ReadRecord | undefined;
    for (let at = offset; at < log.logEndOffset; ) {
      const r = log.read(at, 1);
      got = recordsIn(r.records).find((x) => x.offset >= offset);
      if (got || r.records.length === 0) break;
      at = r.nextOffset; // a batch whose remaining records all lie below `offset`
    }
    assert.equal(got?.offset, want?.offset, `a read at offset ${offset}`);
  }
}
