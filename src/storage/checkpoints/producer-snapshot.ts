/**
 * Producer-state snapshots: per partition, the state of every idempotent or transactional
 * producer as of an offset, so that restart replays only the log after the newest snapshot.
 * File `<20-digit offset>.snapshot` in the partition directory, Kafka's format version 1:
 *
 *   version          int16   1
 *   crc              uint32  CRC-32C of everything after this field
 *   entries          int32 count, then for each producer:
 *     producerId             int64
 *     producerEpoch          int16
 *     lastSequence           int32
 *     lastOffset             int64
 *     offsetDelta            int32   lastOffset - first offset of the last batch
 *     timestamp              int64   max timestamp of the last batch
 *     coordinatorEpoch       int32
 *     currentTxnFirstOffset  int64   -1 when no transaction is open
 *
 * Contract: pure encoding plus file helpers; the producer-state owner decides when to write.
 */
import { crc32c } from '@node-rs/crc32';
import { writeFileAtomic, type FileSystem } from '../fs/file-system.js';
import { offsetFileName, parseOffsetFileName, SNAPSHOT_SUFFIX } from '../segment/segment-files.js';

export interface ProducerSnapshotEntry {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
}

const ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
const HEADER_SIZE = 2 + 4 + 4;

export function encodeProducerSnapshot(entries: readonly ProducerSnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE + entries.length * ENTRY_SIZE);
  buf.writeInt16BE(1, 0);
  buf.writeInt32BE(entries.length, 6);
  let p = HEADER_SIZE;
  for (const e of entries) {
    p = buf.writeBigInt64BE(e.producerId, p);
    p = buf.writeInt16BE(e.producerEpoch, p);
    p = buf.writeInt32BE(e.lastSequence, p);
    p = buf.writeBigInt64BE(BigInt(e.lastOffset), p);
    p = buf.writeInt32BE(e.offsetDelta, p);
    p = buf.writeBigInt64BE(BigInt(e.timestamp), p);
    p = buf.writeInt32BE(e.coordinatorEpoch, p);
    p = buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), p);
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
  return buf;
}

/** Decodes a snapshot; undefined when the version, length or CRC is wrong (the file is ignored). */
export function decodeProducerSnapshot(buf: Buffer): ProducerSnapshotEntry[] | undefined {
  if (buf.length < HEADER_SIZE || buf.readInt16BE(0) !== 1) return undefined;
  if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) return undefined;
  const count = buf.readInt32BE(6);
  if (count < 0 || buf.length !== HEADER_SIZE + count * ENTRY_SIZE) return undefined;
  const out: ProducerSnapshotEntry[] = [];
  let p = HEADER_SIZE;
  for (let i = 0; i < count; i++, p += ENTRY_SIZE) {
    out.push({
      producerId: buf.readBigInt64BE(p),
      producerEpoch: buf.readInt16BE(p + 8),
      lastSequence: buf.readInt32BE(p + 10),
      lastOffset: Number(buf.readBigInt64BE(p + 14)),
      offsetDelta: buf.readInt32BE(p + 22),
      timestamp: Number(buf.readBigInt64BE(p + 26)),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(p + 38)),
    });
  }
  return out;
}

export function writeProducerSnapshot(fs: FileSystem, dir: string, offset: number, entries: readonly ProducerSnapshotEntry[]): Promise<void> {
  return writeFileAtomic(fs, `${dir}/${offsetFileName(offset, SNAPSHOT_SUFFIX)}`, encodeProducerSnapshot(entries));
}

/** Snapshot offsets present in a partition directory, ascending. */
export function listProducerSnapshots(fs: FileSystem, dir: string): number[] {
  return fs
    .list(dir)
    .map((n) => parseOffsetFileName(n, SNAPSHOT_SUFFIX))
    .filter((o): o is number => o !== undefined)
    .sort((a, b) => a - b);
}

/** The newest readable snapshot at or below `maxOffset`, skipping corrupt files. */
export function latestProducerSnapshot(fs: FileSystem, dir: string, maxOffset = Infinity): { offset: number; entries: ProducerSnapshotEntry[] } | undefined {
  for (const offset of listProducerSnapshots(fs, dir).reverse()) {
    if (offset > maxOffset) continue;
    const entries = decodeProducerSnapshot(fs.readFile(`${dir}/${offsetFileName(offset, SNAPSHOT_SUFFIX)}`));
    if (entries) return { offset, entries };
  }
  return undefined;
}

/** Removes snapshots older than `offset` (kept: the newest below it, as a fallback, is the caller's choice). */
export function deleteProducerSnapshotsBefore(fs: FileSystem, dir: string, offset: number): void {
  for (const o of listProducerSnapshots(fs, dir)) if (o < offset) fs.remove(`${dir}/${offsetFileName(o, SNAPSHOT_SUFFIX)}`);
}
