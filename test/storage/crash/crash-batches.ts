/**
 * The batches of the crash test, shared by the writer child and the checking parent: batch
 * number `seq` always has the same records, so either side can rebuild the exact bytes the log
 * must hold for it without any record of what was written.
 *
 * A batch's records, sizes and codec come from a small PRNG seeded with `seq`; its offsets follow
 * from the record counts of the batches before it, and its partition leader epoch from `seq`, so
 * the bytes expected on disk (baseOffset and epoch patched, as the broker does) are a function of
 * `seq` alone.
 */
import { buildRecordBatch, type RecordInput } from '../../../src/protocol/records/batch-builder.js';
import { BatchField } from '../../../src/protocol/records/batch-header.js';
import { CompressionType } from '../../../src/protocol/compression/index.js';

/** segment.bytes of the crash-test log: small, so that segments roll every few dozen batches. */
export const CRASH_SEGMENT_BYTES = 64 * 1024;
export const CRASH_LOG_CONFIG: Readonly<Record<string, string>> = {
  'segment.bytes': String(CRASH_SEGMENT_BYTES),
  'index.interval.bytes': '1024',
  // The batches carry fixed 2023 timestamps. PartitionLog rolls when the wall clock is segment.ms
  // past the first batch's timestamp (Kafka compares the incoming batch's timestamp instead), so
  // with the default every append would roll a new segment: keep the rolls size-driven.
  'segment.ms': '9007199254740991',
};
/** Inside the test's root directory: the log, and the writer's recovery-point checkpoint. */
export const LOG_DIR = 'crash-0';
export const CHECKPOINT_FILE = 'recovery-point';
export const BASE_TIMESTAMP = 1_700_000_000_000;

/** mulberry32: a tiny deterministic PRNG; returns floats in [0, 1). */
function prng(seed: number): () => number {
  let a = (seed * 0x9e3779b1) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  count: number;
  valueSize: number;
  compression: CompressionType;
}

function shapeOf(seq: number): Shape {
  const r = prng(seq + 1);
  const sizeRoll = r();
  const count = 1 + Math.floor(r() * (sizeRoll < 0.9 ? 8 : 3));
  let valueSize: number;
  if (sizeRoll < 0.7) valueSize = 8 + Math.floor(r() * 200);
  else if (sizeRoll < 0.95) valueSize = 200 + Math.floor(r() * 1800);
  else valueSize = 6000 + Math.floor(r() * 10000); // a few large ones, straddling index intervals
  const codecRoll = r();
  const compression = codecRoll < 0.75 ? CompressionType.None
    : codecRoll < 0.82 ? CompressionType.Gzip
      : codecRoll < 0.89 ? CompressionType.Snappy
        : codecRoll < 0.95 ? CompressionType.Lz4
          : CompressionType.Zstd;
  return { count, valueSize, compression };
}

/** How many records (offsets) batch `seq` holds. */
export function recordCountOf(seq: number): number {
  return shapeOf(seq).count;
}

/** The leader epoch the writer stamps on batch `seq` (non-decreasing, like real epochs). */
export function epochOf(seq: number): number {
  return Math.floor(seq / 500);
}

/** Batch `seq` as a producer would send it (baseOffset 0, epoch -1). */
export function producedBatch(seq: number): Buffer {
  const { count, valueSize, compression } = shapeOf(seq);
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const text = `seq-${seq}-record-${i}|`;
    // the padding varies with seq and i, so that no two batches are alike
    const fill = String.fromCharCode(97 + ((seq * 7 + i) % 26));
    records.push({
      key: (seq + i) % 3 === 0 ? null : Buffer.from(`key-${(seq + i) % 17}`),
      value: Buffer.from(text.padEnd(valueSize, fill)),
      headers: i === 0 && seq % 5 === 0 ? [{ key: 'seq', value: Buffer.from(String(seq)) }] : undefined,
      timestamp: BigInt(BASE_TIMESTAMP + seq),
    });
  }
  return buildRecordBatch(records, { compression });
}

/** The bytes the log must hold for batch `seq` appended at `baseOffset`. */
export function storedBatch(seq: number, baseOffset: number): Buffer {
  const b = producedBatch(seq);
  b.writeBigInt64BE(BigInt(baseOffset), BatchField.baseOffset);
  b.writeInt32BE(epochOf(seq), BatchField.partitionLeaderEpoch);
  return b;
}

/**
 * Base offsets of batches 0, 1, 2, … (the log starts at offset 0 and holds them back to back),
 * extended on demand.
 */
export class OffsetTable {
  private readonly bases: number[] = [0];

  /** Base offset of batch `seq` (the log end offset once batches 0..seq-1 are in). */
  baseOf(seq: number): number {
    while (this.bases.length <= seq) {
      const last = this.bases.length - 1;
      this.bases.push(this.bases[last]! + recordCountOf(last));
    }
    return this.bases[seq]!;
  }

  /** The number of whole batches ending exactly at `offset`, or -1 if `offset` falls inside one. */
  batchesEndingAt(offset: number): number {
    let seq = 0;
    while (this.baseOf(seq) < offset) seq++;
    return this.baseOf(seq) === offset ? seq : -1;
  }
}
