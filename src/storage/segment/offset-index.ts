/**
 * OffsetIndex: the sparse map from offsets to file positions in one segment's `.log` file.
 *
 * File format (`<20-digit base offset>.index`), a sequence of 8-byte entries, as Kafka's:
 *
 *   relativeOffset  int32 BE   offset - segment base offset (of the last record of a batch)
 *   position        int32 BE   byte position in the .log file of the batch holding that offset
 *
 * Entries are strictly increasing in both fields. One entry is added every `index.interval.bytes`
 * of log, so a lookup finds the greatest indexed offset <= the target by binary search and the
 * log is scanned forward from its position: O(log n) plus at most one interval of batch headers.
 *
 * Contract: owned by one LogSegment.
 */
import type { FileSystem } from '../fs/file-system.js';
import { IndexFile } from './index-file.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends IndexFile {
  private readonly scratch = Buffer.alloc(OFFSET_INDEX_ENTRY_SIZE);

  constructor(fs: FileSystem, path: string, baseOffset: number, maxIndexBytes: number) {
    super(fs, path, baseOffset, OFFSET_INDEX_ENTRY_SIZE, Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_SIZE));
  }

  entry(i: number): OffsetPosition {
    const at = i * OFFSET_INDEX_ENTRY_SIZE;
    return { offset: this.baseOffset + this.buf.readInt32BE(at), position: this.buf.readInt32BE(at + 4) };
  }

  get lastEntry(): OffsetPosition | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /** Adds an entry; offsets and positions must increase. */
  append(offset: number, position: number): void {
    const last = this.lastEntry;
    if (last && (offset <= last.offset || position <= last.position)) {
      throw new Error(`offset index ${this.path}: entry (${offset}, ${position}) does not follow (${last.offset}, ${last.position})`);
    }
    this.scratch.writeInt32BE(offset - this.baseOffset, 0);
    this.scratch.writeInt32BE(position, 4);
    this.appendEntry(this.scratch);
  }

  /** The greatest entry with offset <= target, or (baseOffset, 0) when there is none. */
  lookup(target: number): OffsetPosition {
    const rel = target - this.baseOffset;
    const i = this.floorIndex(rel, (k) => this.buf.readInt32BE(k * OFFSET_INDEX_ENTRY_SIZE));
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i);
  }

  /** Removes entries for offsets >= offset. */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset;
    const keep = this.floorIndex(rel - 1, (k) => this.buf.readInt32BE(k * OFFSET_INDEX_ENTRY_SIZE)) + 1;
    this.truncateEntries(keep);
  }

  /**
   * A cheap check on opening after a clean shutdown, as Kafka's sanity check: whole entries, and
   * the last one inside the log and not before the base offset.
   */
  lastEntryFits(logSize: number): boolean {
    const { ok, entry } = this.lastRawEntry();
    if (!ok) return false;
    if (!entry) return true;
    return entry.readInt32BE(0) >= 0 && entry.readInt32BE(4) < logSize;
  }

  /** True if entries increase strictly and every position lies inside a log of `logSize` bytes. */
  isConsistent(logSize: number): boolean {
    let prev: OffsetPosition | undefined;
    for (let i = 0; i < this.count; i++) {
      const e = this.entry(i);
      if (e.position >= logSize || e.offset < this.baseOffset) return false;
      if (prev && (e.offset <= prev.offset || e.position <= prev.position)) return false;
      prev = e;
    }
    return true;
  }
}
