/**
 * LogSegment: one `.log` file of record batches and its two sparse indexes.
 *
 * File format (`<20-digit base offset>.log`): record batches (format v2) back to back, exactly
 * as they travel on the wire, with baseOffset and partitionLeaderEpoch assigned by the broker.
 * No other framing: a batch's own length field delimits it. The segment's base offset is the
 * base offset of its first batch (or the offset the segment was rolled at, when empty).
 *
 * An index entry is added for a batch when more than `indexIntervalBytes` of log were written
 * since the last entry (see OffsetIndex and TimeIndex for their formats).
 *
 * Contract: owned by one PartitionLog, which serialises every call. Appends are written behind
 * (off the event loop, see write-behind-file.ts) but visible to reads at once; `written()` says
 * when they have reached the operating system and `flush()` makes them durable. Reads return
 * copies of file bytes holding whole batches only.
 */
import type { FileHandle, FileSystem, WriteGroup } from '../fs/file-system.js';
import { BatchField, BATCH_HEADER_SIZE, LOG_OVERHEAD } from '../../protocol/records/batch-header.js';
import { BatchScanner, type ScanStop } from './batch-scanner.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { INDEX_SUFFIX, LOG_SUFFIX, offsetFileName, TIME_INDEX_SUFFIX } from './segment-files.js';

export interface SegmentConfig {
  indexIntervalBytes: number;
  maxIndexBytes: number;
  /** Largest batch recovery accepts (max.message.bytes plus the log overhead). */
  maxBatchSize: number;
  /** The log's write-behind group: its segments' writes reach the disk in the order issued. */
  writeGroup?: WriteGroup;
}

/** A batch about to be appended: where it sits in the append buffer and what it holds. */
export interface AppendBatchInfo {
  relativePosition: number;
  size: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface SegmentRead {
  records: Buffer;
  /** Base offset of the first batch returned. */
  firstOffset: number;
  /** Offset after the last batch returned. */
  nextOffset: number;
}

/** Where a read of whole batches starts in the segment, how many bytes it takes at most, and the first batch's base offset. */
export interface SegmentReadPlan {
  position: number;
  length: number;
  baseOffset: number;
}

export interface RecoveryResult {
  validBytes: number;
  truncatedBytes: number;
  stop: ScanStop;
  batches: number;
}

export class LogSegment {
  private readonly log: FileHandle;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  size: number;
  /** Offset after the last batch in this segment (its base offset when empty). */
  nextOffset: number;
  /** Largest batch max-timestamp in the segment, -1 when none. */
  maxTimestamp = -1;
  offsetOfMaxTimestamp: number;
  /** When the segment was created, for segment.ms when it holds no timestamp. */
  readonly createdAt: number;
  /** Timestamp of the first batch appended, -1 when none: the start of segment.ms. */
  firstBatchTimestamp = -1;
  private bytesSinceLastIndexEntry = 0;
  private readonly header = Buffer.alloc(BATCH_HEADER_SIZE);

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    private readonly config: SegmentConfig,
    now: number,
    create: boolean,
  ) {
    this.log = fs.open(this.path(LOG_SUFFIX), create ? 'create' : 'readWrite', { writeBehind: config.writeGroup ?? true });
    if (create) {
      fs.remove(this.path(INDEX_SUFFIX));
      fs.remove(this.path(TIME_INDEX_SUFFIX));
    }
    this.offsetIndex = new OffsetIndex(fs, this.path(INDEX_SUFFIX), baseOffset, config.maxIndexBytes);
    this.timeIndex = new TimeIndex(fs, this.path(TIME_INDEX_SUFFIX), baseOffset, config.maxIndexBytes);
    this.size = this.log.size();
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
    this.createdAt = now;
  }

  /** A new empty segment (replacing any files at that base offset). */
  static create(fs: FileSystem, dir: string, baseOffset: number, config: SegmentConfig, now: number): LogSegment {
    return new LogSegment(fs, dir, baseOffset, config, now, true);
  }

  /**
   * An existing segment after a clean shutdown: sizes and indexes are trusted, and only the batches
   * after the last index entry are read to find the next offset and the largest timestamp.
   * Falls back to a full recovery when the indexes are not consistent with the log.
   */
  static open(fs: FileSystem, dir: string, baseOffset: number, config: SegmentConfig, now: number): LogSegment {
    const base = `${dir}/${offsetFileName(baseOffset, '')}`;
    const indexesPresent = fs.exists(base + INDEX_SUFFIX) && fs.exists(base + TIME_INDEX_SUFFIX);
    const seg = new LogSegment(fs, dir, baseOffset, config, now, false);
    if (!indexesPresent || !seg.offsetIndex.lastEntryFits(seg.size) || !seg.timeIndex.lastEntryFits()) {
      seg.recover();
      return seg;
    }
    seg.loadTail();
    seg.offsetIndex.unload();
    seg.timeIndex.unload();
    return seg;
  }

  /** An existing segment after a crash: every batch is checked (see recover). */
  static openAndRecover(fs: FileSystem, dir: string, baseOffset: number, config: SegmentConfig, now: number): { segment: LogSegment; result: RecoveryResult } {
    const seg = new LogSegment(fs, dir, baseOffset, config, now, false);
    return { segment: seg, result: seg.recover() };
  }

  path(suffix: string): string {
    return `${this.dir}/${offsetFileName(this.baseOffset, suffix)}`;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * How long this segment has been open for segment.ms, as Kafka measures it: from its first
   * batch's timestamp to the incoming batch's, or by the clock since creation when it holds no
   * timestamp yet. (Comparing the clock with record timestamps would roll on every append of
   * backfilled data.)
   */
  timeWaitedForRoll(now: number, incomingMaxTimestamp: number): number {
    return this.firstBatchTimestamp >= 0 ? incomingMaxTimestamp - this.firstBatchTimestamp : now - this.createdAt;
  }

  /** Whether relative offsets of `lastOffset` still fit in the indexes' 32-bit fields. */
  canHoldOffset(lastOffset: number): boolean {
    return lastOffset - this.baseOffset <= 0x7fffffff;
  }

  /** Writes batches (already validated and offset-assigned) with one write and indexes them. */
  append(buf: Buffer, start: number, length: number, batches: readonly AppendBatchInfo[]): void {
    const position = this.size;
    this.log.write(buf, start, length, position);
    this.size += length;
    for (const b of batches) this.indexBatch(position + b.relativePosition, b.size, b.lastOffset, b.maxTimestamp);
  }

  private indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (this.firstBatchTimestamp < 0) this.firstBatchTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  private readHeader(position: number): { baseOffset: number; size: number; lastOffset: number; maxTimestamp: number } | undefined {
    if (position + BATCH_HEADER_SIZE > this.size) return undefined;
    this.log.read(this.header, 0, BATCH_HEADER_SIZE, position);
    const baseOffset = Number(this.header.readBigInt64BE(BatchField.baseOffset));
    return {
      baseOffset,
      size: LOG_OVERHEAD + this.header.readInt32BE(BatchField.batchLength),
      lastOffset: baseOffset + this.header.readInt32BE(BatchField.lastOffsetDelta),
      maxTimestamp: Number(this.header.readBigInt64BE(BatchField.maxTimestamp)),
    };
  }

  /** Position of the first batch whose last offset is >= offset, or undefined if none. */
  positionOf(offset: number): { position: number; baseOffset: number } | undefined {
    let position = this.offsetIndex.lookup(offset).position;
    for (;;) {
      const h = this.readHeader(position);
      if (!h) return undefined;
      if (h.lastOffset >= offset) return { position, baseOffset: h.baseOffset };
      position += h.size;
    }
  }

  /**
   * Whole batches starting with the one holding `offset`, up to `maxBytes` (but always the first
   * batch whole when `minOneBatch`), stopping before any batch starting at or after `maxOffset`.
   */
  read(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): SegmentRead | undefined {
    const plan = this.planRead(offset, maxBytes, maxOffset, minOneBatch);
    return plan ? this.readPlannedNow(plan, maxOffset) : undefined;
  }

  /** Reads what `planRead` found, in place; whole batches below `maxOffset`. */
  readPlannedNow(plan: SegmentReadPlan, maxOffset: number): SegmentRead | undefined {
    const buf = Buffer.allocUnsafe(plan.length);
    return this.wholeBatches(buf, this.log.read(buf, 0, buf.length, plan.position), plan.baseOffset, maxOffset);
  }

  /**
   * Reads what `planRead` found, off the event loop (what it returns is the segment as it stood
   * when called); whole batches below `maxOffset`. `allocate`
   * gives the buffer to read into (at least the length asked; a pool's, say).
   */
  async readPlanned(plan: SegmentReadPlan, maxOffset: number, allocate: (length: number) => Buffer = Buffer.allocUnsafe): Promise<SegmentRead | undefined> {
    const buf = allocate(plan.length);
    return this.wholeBatches(buf, await this.log.readAsync(buf, 0, plan.length, plan.position), plan.baseOffset, maxOffset);
  }

  /** Where a read starts and how many bytes it takes (at most), or undefined when it returns nothing. */
  planRead(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): SegmentReadPlan | undefined {
    const found = this.positionOf(offset);
    if (!found || found.baseOffset >= maxOffset) return undefined;
    // batches from maxOffset on are not returned: do not read them (a read_committed fetch may
    // stop far below the segment's end)
    const stop = maxOffset < this.nextOffset ? this.positionOf(maxOffset) : undefined;
    const end = stop ? (stop.baseOffset >= maxOffset ? stop.position : stop.position + this.readHeader(stop.position)!.size) : this.size;
    const limit = Math.min(end - found.position, Math.max(maxBytes, 0));
    const first = this.readHeader(found.position)!;
    const wanted = minOneBatch ? Math.max(limit, first.size) : limit;
    if (wanted < first.size) return undefined;
    return { position: found.position, length: Math.min(wanted, this.size - found.position), baseOffset: found.baseOffset };
  }

  /** The whole batches at the start of `buf` (n bytes read) that begin below `maxOffset`. */
  private wholeBatches(buf: Buffer, n: number, firstOffset: number, maxOffset: number): SegmentRead | undefined {
    let end = 0;
    let nextOffset = firstOffset;
    while (end + LOG_OVERHEAD <= n) {
      const size = LOG_OVERHEAD + buf.readInt32BE(end + BatchField.batchLength);
      const base = Number(buf.readBigInt64BE(end));
      if (end + size > n || base >= maxOffset) break;
      nextOffset = base + buf.readInt32BE(end + BatchField.lastOffsetDelta) + 1;
      end += size;
    }
    if (end === 0) return undefined;
    return { records: buf.subarray(0, end), firstOffset, nextOffset };
  }

  /**
   * The first batch whose max timestamp is >= timestamp, starting at offset >= startOffset:
   * its position and base offset (the caller looks inside it for the exact record).
   */
  findBatchByTimestamp(timestamp: number, startOffset: number): { position: number; baseOffset: number; size: number } | undefined {
    if (this.maxTimestamp < timestamp) return undefined;
    const entry = this.timeIndex.lookup(timestamp - 1);
    const from = Math.max(entry ? entry.offset : this.baseOffset, startOffset);
    let position = this.offsetIndex.lookup(from).position;
    for (;;) {
      const h = this.readHeader(position);
      if (!h) return undefined;
      if (h.lastOffset >= startOffset && h.maxTimestamp >= timestamp) return { position, baseOffset: h.baseOffset, size: h.size };
      position += h.size;
    }
  }

  /** Reads `size` bytes at `position` (one batch found by a lookup). */
  readAt(position: number, size: number): Buffer {
    const buf = Buffer.allocUnsafe(size);
    const n = this.log.read(buf, 0, size, position);
    return buf.subarray(0, n);
  }

  /** After a clean open: finds next offset and max timestamp from the last index entries on. */
  private loadTail(): void {
    const lastTime = this.timeIndex.lastEntry;
    if (lastTime) {
      this.maxTimestamp = lastTime.timestamp;
      this.offsetOfMaxTimestamp = lastTime.offset;
    }
    const first = this.readHeader(0);
    if (first) this.firstBatchTimestamp = first.maxTimestamp;
    let position = this.offsetIndex.lastEntry?.position ?? 0;
    let sinceEntry = 0;
    for (let h = this.readHeader(position); h; h = this.readHeader(position)) {
      if (h.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = h.maxTimestamp;
        this.offsetOfMaxTimestamp = h.lastOffset;
      }
      this.nextOffset = h.lastOffset + 1;
      position += h.size;
      sinceEntry += h.size;
    }
    this.bytesSinceLastIndexEntry = sinceEntry;
  }

  /**
   * Checks every batch (length, magic, CRC-32C, increasing offsets), rebuilds both indexes and
   * truncates the file after the last valid batch.
   */
  recover(): RecoveryResult {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.resetCounters();
    const scanner = new BatchScanner(this.log, this.size, 0, { verifyCrc: true, maxBatchSize: this.config.maxBatchSize });
    let batches = 0;
    let stop: ScanStop | undefined;
    for (let b = scanner.next(); b; b = scanner.next()) {
      if (b.baseOffset < this.nextOffset || b.lastOffset < b.baseOffset) {
        stop = 'bad-length';
        break;
      }
      this.indexBatch(b.position, b.size, b.lastOffset, b.maxTimestamp);
      batches++;
    }
    const validBytes = stop ? this.positionAfterBatches(batches) : scanner.position;
    const truncatedBytes = this.size - validBytes;
    if (truncatedBytes > 0) {
      this.log.truncate(validBytes);
      this.size = validBytes;
    }
    return { validBytes, truncatedBytes, stop: stop ?? scanner.stopReason ?? 'end', batches };
  }

  private positionAfterBatches(count: number): number {
    let position = 0;
    for (let i = 0; i < count; i++) position += this.readHeader(position)!.size;
    return position;
  }

  private resetCounters(): void {
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = this.baseOffset;
    this.firstBatchTimestamp = -1;
    this.bytesSinceLastIndexEntry = 0;
  }

  /** Removes every batch whose base offset is >= offset; returns the bytes removed. */
  truncateTo(offset: number): number {
    const found = this.positionOf(offset);
    if (!found) return 0;
    const cut = found.baseOffset >= offset ? found.position : found.position + this.readHeader(found.position)!.size;
    const removed = this.size - cut;
    this.log.truncate(cut);
    this.size = cut;
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.reloadCountersFromStart();
    return removed;
  }

  private reloadCountersFromStart(): void {
    this.resetCounters();
    let position = 0;
    for (let h = this.readHeader(position); h; h = this.readHeader(position)) {
      this.indexCountersOnly(h.lastOffset, h.maxTimestamp, h.size);
      position += h.size;
    }
  }

  private indexCountersOnly(lastOffset: number, maxTimestamp: number, size: number): void {
    if (this.firstBatchTimestamp < 0) this.firstBatchTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    this.bytesSinceLastIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** Resolves once every append so far has reached the operating system. */
  written(): Promise<void> {
    return this.log.written();
  }

  /**
   * Makes the log durable: what acknowledgements wait for. Indexes are not synced here; recovery
   * rebuilds the indexes of every segment from the recovery point on, and an index behind its log
   * is still correct (sparser), so their durability matters only at roll and shutdown.
   */
  flush(): Promise<void> {
    return this.log.sync();
  }

  /** Makes the log and both indexes durable, in parallel. */
  async flushAll(): Promise<void> {
    await Promise.all([this.log.sync(), this.offsetIndex.sync(), this.timeIndex.sync()]);
  }

  /**
   * After a roll: make the indexes durable, then release their memory and files. A segment closed
   * meanwhile (deleted by retention, replaced by the cleaner) no longer needs its indexes synced.
   */
  async onRolled(): Promise<void> {
    try {
      await Promise.all([this.offsetIndex.sync(), this.timeIndex.sync()]);
    } catch (e) {
      if (!this.closed) throw e;
      return;
    }
    if (this.closed) return;
    this.offsetIndex.unload();
    this.timeIndex.unload();
  }

  /** Releases index memory without syncing (segments found on disk at startup). */
  releaseIndexes(): void {
    this.offsetIndex.unload();
    this.timeIndex.unload();
  }

  private closed = false;

  /** Closes the files (callers wanting durability call flushAll first). */
  close(): void {
    this.closed = true;
    this.log.close();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  delete(): void {
    this.close();
    this.offsetIndex.delete();
    this.timeIndex.delete();
    this.fs.remove(this.path(LOG_SUFFIX));
  }
}
