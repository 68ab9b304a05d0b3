/**
 * CleanedSegmentWriter: writes one cleaned segment under temporary names,
 * `<base>.log.cleaned`, `<base>.index.cleaned` and `<base>.timeindex.cleaned`, where `<base>` is
 * the base offset of the first segment it replaces.
 *
 * The files have exactly the format of a LogSegment's (batches back to back; offset and time index
 * entries added by the same rule, one every index.interval.bytes), so that once renamed into place
 * they open as an ordinary segment with its indexes trusted. The index files are created at once,
 * even if they stay empty, so that every cleaned segment comes with its three files. An index that
 * reaches segment.index.bytes takes no more entries (lookups then scan a little further).
 *
 * Crash safety: the loader removes `.cleaned` files at startup, so until they are renamed these
 * files are scratch; `flush()` makes them durable before anything depends on them.
 *
 * Contract: owned by one step of a cleaning pass; `close()` or `abort()` ends it.
 */
import type { FileHandle, FileSystem } from '../fs/file-system.js';
import { OffsetIndex } from '../segment/offset-index.js';
import { TimeIndex } from '../segment/time-index.js';
import { CLEANED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, offsetFileName, TIME_INDEX_SUFFIX } from '../segment/segment-files.js';

export const SEGMENT_FILE_SUFFIXES = [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX] as const;

export class CleanedSegmentWriter {
  private readonly log: FileHandle;
  private readonly offsetIndex: OffsetIndex;
  private readonly timeIndex: TimeIndex;
  private closed = false;
  size = 0;
  batches = 0;
  private bytesSinceLastIndexEntry = 0;
  private maxTimestamp = -1;
  private offsetOfMaxTimestamp: number;

  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    private readonly indexIntervalBytes: number,
    maxIndexBytes: number,
  ) {
    this.offsetOfMaxTimestamp = baseOffset;
    for (const suffix of SEGMENT_FILE_SUFFIXES) fs.remove(this.path(suffix));
    this.log = fs.open(this.path(LOG_SUFFIX), 'create');
    fs.open(this.path(INDEX_SUFFIX), 'create').close();
    fs.open(this.path(TIME_INDEX_SUFFIX), 'create').close();
    this.offsetIndex = new OffsetIndex(fs, this.path(INDEX_SUFFIX), baseOffset, maxIndexBytes);
    this.timeIndex = new TimeIndex(fs, this.path(TIME_INDEX_SUFFIX), baseOffset, maxIndexBytes);
  }

  /** Where the file of that kind is written: `<base><suffix>.cleaned`. */
  path(suffix: string): string {
    return `${this.dir}/${offsetFileName(this.baseOffset, suffix)}${CLEANED_SUFFIX}`;
  }

  /** Appends one whole batch (bytes [start, start+size) of buf) and indexes it. */
  append(buf: Buffer, start: number, size: number, lastOffset: number, maxTimestamp: number): void {
    const position = this.size;
    this.log.write(buf, start, size, position);
    this.size += size;
    this.batches++;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes && !this.offsetIndex.isFull) {
      this.offsetIndex.append(lastOffset, position);
      if (!this.timeIndex.isFull) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
  }

  /** Makes the three files durable. */
  async flush(): Promise<void> {
    await this.log.sync();
    await this.offsetIndex.sync();
    await this.timeIndex.sync();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.log.close();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  /** Closes and removes the files (the pass gave up on this segment). */
  abort(): void {
    this.close();
    for (const suffix of SEGMENT_FILE_SUFFIXES) this.fs.remove(this.path(suffix));
  }
}
