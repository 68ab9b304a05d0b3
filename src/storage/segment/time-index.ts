/**
 * TimeIndex: the sparse map from timestamps to offsets in one segment.
 *
 * File format (`<20-digit base offset>.timeindex`), a sequence of 12-byte entries, as Kafka's:
 *
 *   timestamp       int64 BE   the largest batch max-timestamp seen so far in the segment
 *   relativeOffset  int32 BE   offset - segment base offset of the record carrying it
 *
 * Timestamps are strictly increasing: an entry is added only when a new maximum appears at an
 * index interval. Lookup returns the greatest entry with timestamp <= target; the segment is
 * scanned from that offset for the first batch whose max timestamp reaches the target.
 *
 * Contract: owned by one LogSegment.
 */
import type { FileSystem } from '../fs/file-system.js';
import { IndexFile } from './index-file.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends IndexFile {
  private readonly scratch = Buffer.alloc(TIME_INDEX_ENTRY_SIZE);

  constructor(fs: FileSystem, path: string, baseOffset: number, maxIndexBytes: number) {
    super(fs, path, baseOffset, TIME_INDEX_ENTRY_SIZE, Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_SIZE));
  }

  entry(i: number): TimestampOffset {
    const at = i * TIME_INDEX_ENTRY_SIZE;
    return { timestamp: Number(this.buf.readBigInt64BE(at)), offset: this.baseOffset + this.buf.readInt32BE(at + 8) };
  }

  get lastEntry(): TimestampOffset | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /** Adds an entry when timestamp is a new maximum and the offset moved on; returns whether it did. */
  maybeAppend(timestamp: number, offset: number): boolean {
    const last = this.lastEntry;
    if (last && (timestamp <= last.timestamp || offset < last.offset)) return false;
    this.scratch.writeBigInt64BE(BigInt(timestamp), 0);
    this.scratch.writeInt32BE(offset - this.baseOffset, 8);
    this.appendEntry(this.scratch);
    return true;
  }

  /** The greatest entry with timestamp <= target, or undefined when every entry is later. */
  lookup(target: number): TimestampOffset | undefined {
    const i = this.floorIndex(target, (k) => Number(this.buf.readBigInt64BE(k * TIME_INDEX_ENTRY_SIZE)));
    return i < 0 ? undefined : this.entry(i);
  }

  /** Removes entries for offsets >= offset. */
  truncateTo(offset: number): void {
    let keep = this.count;
    while (keep > 0 && this.entry(keep - 1).offset >= offset) keep--;
    this.truncateEntries(keep);
  }

  /** A cheap check on opening after a clean shutdown: whole entries, last one not before the base. */
  lastEntryFits(): boolean {
    const { ok, entry } = this.lastRawEntry();
    return ok && (!entry || entry.readInt32BE(8) >= 0);
  }

  isConsistent(): boolean {
    for (let i = 1; i < this.count; i++) {
      const a = this.entry(i - 1);
      const b = this.entry(i);
      if (b.timestamp <= a.timestamp || b.offset < a.offset || a.offset < this.baseOffset) return false;
    }
    return true;
  }
}
