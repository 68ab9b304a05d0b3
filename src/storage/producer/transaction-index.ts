/**
 * TransactionIndex: the aborted transactions of one partition, so read_committed consumers can
 * be told which producers' records in a fetched range to drop.
 *
 * File `aborted.txnindex` in the partition directory: 34-byte entries as in Kafka's .txnindex:
 *
 *   version           int16   0
 *   producerId        int64
 *   firstOffset       int64   first offset of the aborted transaction
 *   lastOffset        int64   offset of its ABORT marker
 *   lastStableOffset  int64   the partition's last stable offset when it was aborted
 *
 * Kept whole in memory (one entry per aborted transaction). A torn trailing entry is ignored on
 * load; entries at or beyond the log end after recovery are dropped, so are those below the log
 * start after retention.
 *
 * Contract: owned by one PartitionLog.
 */
import type { FileHandle, FileSystem } from '../fs/file-system.js';

export const TRANSACTION_INDEX_FILE = 'aborted.txnindex';
const ENTRY_SIZE = 34;

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export class TransactionIndex {
  private entries: AbortedTxn[] = [];
  private file: FileHandle | undefined;

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  private get path(): string {
    return `${this.dir}/${TRANSACTION_INDEX_FILE}`;
  }

  load(logStartOffset: number, logEndOffset: number): void {
    this.entries = [];
    if (!this.fs.exists(this.path)) return;
    const buf = this.fs.readFile(this.path);
    for (let p = 0; p + ENTRY_SIZE <= buf.length; p += ENTRY_SIZE) {
      if (buf.readInt16BE(p) !== 0) break;
      this.entries.push({
        producerId: buf.readBigInt64BE(p + 2),
        firstOffset: Number(buf.readBigInt64BE(p + 10)),
        lastOffset: Number(buf.readBigInt64BE(p + 18)),
        lastStableOffset: Number(buf.readBigInt64BE(p + 26)),
      });
    }
    const kept = this.entries.filter((e) => e.lastOffset < logEndOffset && e.lastOffset >= logStartOffset);
    if (kept.length !== this.entries.length || buf.length % ENTRY_SIZE !== 0) {
      this.entries = kept;
      this.rewrite();
    }
  }

  get all(): readonly AbortedTxn[] {
    return this.entries;
  }

  get lastMarkerOffset(): number {
    return this.entries.at(-1)?.lastOffset ?? -1;
  }

  append(entry: AbortedTxn): void {
    this.entries.push(entry);
    const buf = encode(entry);
    this.handle().write(buf, 0, buf.length, (this.entries.length - 1) * ENTRY_SIZE);
  }

  /** Aborted transactions that overlap [from, to). */
  overlapping(from: number, to: number): AbortedTxn[] {
    return this.entries.filter((e) => e.lastOffset >= from && e.firstOffset < to);
  }

  /** Drops entries whose marker lies at or beyond `offset` (log truncation). */
  truncateTo(offset: number): void {
    const kept = this.entries.filter((e) => e.lastOffset < offset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.rewrite();
  }

  /** Drops entries wholly below the log start offset. */
  dropBefore(logStartOffset: number): void {
    const kept = this.entries.filter((e) => e.lastOffset >= logStartOffset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.rewrite();
  }

  sync(): Promise<void> {
    return this.file ? this.file.sync() : Promise.resolve();
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  private handle(): FileHandle {
    this.file ??= this.fs.open(this.path, 'readWrite');
    return this.file;
  }

  private rewrite(): void {
    const h = this.handle();
    h.truncate(0);
    const buf = Buffer.concat(this.entries.map(encode));
    if (buf.length > 0) h.write(buf, 0, buf.length, 0);
  }
}

function encode(e: AbortedTxn): Buffer {
  const b = Buffer.alloc(ENTRY_SIZE);
  b.writeInt16BE(0, 0);
  b.writeBigInt64BE(e.producerId, 2);
  b.writeBigInt64BE(BigInt(e.firstOffset), 10);
  b.writeBigInt64BE(BigInt(e.lastOffset), 18);
  b.writeBigInt64BE(BigInt(e.lastStableOffset), 26);
  return b;
}
