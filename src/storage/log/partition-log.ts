/**
 * PartitionLog: the log of one topic partition, a sequence of segments in the directory
 * `<data dir>/<topic>-<partition>`.
 *
 * Offsets: the log start offset (first offset a reader may ask for), the log end offset (next
 * offset to assign) and, kept apart, the high watermark (the offset below which data is
 * committed; readers of committed data stop there). Offsets are JavaScript numbers, exact up to
 * 2^53.
 *
 * Durability: appends are handed to the operating system off the event loop (segment logs are
 * write-behind files) and are visible to reads at once; `waitWritten()` resolves once they have
 * reached the operating system (what acks=1 waits for) and `waitDurable(offset)` once an fsync
 * covers the offset (group commit, see FlushCoordinator). The recovery point is the offset
 * below which everything was fsynced: after a crash, recovery checks only segments from there.
 *
 * Replication: a leader's appends stamp its leader epoch, and the first offset of every new epoch is
 * recorded in the leader-epoch cache (`leader-epoch-checkpoint`); a follower appends the leader's
 * batches unchanged (`appendAsFollower`) and records their epochs the same way. `truncateTo`
 * removes a suffix (a follower whose log diverged from its new leader's).
 *
 * Failure: a filesystem error takes this log offline. Every later call throws
 * StorageError('KAFKA_STORAGE_ERROR'); other logs are untouched.
 *
 * Contract: one owner (the partition's broker-side state) calls it; calls never interleave
 * because all of them are synchronous except the flush, which the coordinator serialises.
 */
import type { Clock } from '../../common/clock.js';
import { StorageIoError, type FileSystem, type WriteGroup } from '../fs/file-system.js';
import type { LogConfig } from '../log-config.js';
import { LogSegment, type SegmentConfig, type SegmentReadPlan } from '../segment/log-segment.js';
import { StorageError } from '../storage-error.js';
import { assignOffsets, readAssignedOffsets, splitAndCheck, type BatchBounds, type ValidatedAppend } from './append-validator.js';
import { LeaderEpochCache } from '../checkpoints/leader-epoch-cache.js';
import { BatchField } from '../../protocol/records/batch-header.js';
import { ProducerState, producerInfoOf, type ProducerBatchInfo } from '../producer/producer-state.js';
import { restoreProducerState, snapshotProducerState } from './producer-state-loader.js';
import { TransactionIndex, type AbortedTxn } from '../producer/transaction-index.js';
import { ControlRecordType, readEndTransactionMarker } from '../../protocol/records/control.js';
import { FlushCoordinator } from './flush-coordinator.js';
import { loadSegments } from './log-loader.js';
import { SegmentList } from './segment-list.js';

export interface AppendResult extends ValidatedAppend {
  logStartOffset: number;
  /** The batch repeats one an idempotent producer already wrote: nothing was written. */
  duplicate: boolean;
}

/** A read found by `planRead`: at most `length` bytes from `segment` (none when it has no segment). */
export interface LogReadPlan {
  offset: number;
  length: number;
  limit: number;
  segment?: LogSegment;
  plan?: SegmentReadPlan;
}

export interface LogReadResult {
  records: Buffer;
  /** Offset after the last batch returned (where the next read continues). */
  nextOffset: number;
}

export interface OpenLogOptions {
  fs: FileSystem;
  clock: Clock;
  dir: string;
  config: LogConfig;
  /** Whether the previous shutdown was clean (segments are then trusted without a scan). */
  cleanShutdown: boolean;
  recoveryPoint: number;
  logStartOffset: number;
  /** The checkpointed high watermark; without one the whole log counts as committed. */
  highWatermark?: number;
}

export class PartitionLog {
  private readonly segments: SegmentList;
  private readonly flusher: FlushCoordinator;
  /** Bytes appended since the log was opened (for the storage totals). */
  private appendedBytes = 0;
  private logStart: number;
  private hw: number;
  private offlineCause: unknown;
  private unflushedMessages = 0;
  /** Idempotent and transactional producers' last batches (see ProducerState). */
  readonly producers = new ProducerState();
  /** Aborted transactions, for read_committed fetches. */
  readonly abortedTxns: TransactionIndex;
  /** Where each leader epoch begins (OffsetForLeaderEpoch and follower truncation). */
  readonly epochs: LeaderEpochCache;
  /** A segment file was created since the directory was last fsynced. */
  private directoryDirty = false;
  private lastFlushAt: number;
  config: LogConfig;

  private constructor(
    private readonly fs: FileSystem,
    private readonly clock: Clock,
    readonly dir: string,
    config: LogConfig,
    segments: SegmentList,
    logStartOffset: number,
    recoveryPoint: number,
    private readonly writeGroup: WriteGroup,
  ) {
    this.config = config;
    this.segments = segments;
    this.abortedTxns = new TransactionIndex(fs, dir);
    this.epochs = LeaderEpochCache.load(fs, dir);
    this.logStart = Math.max(logStartOffset, segments.first.baseOffset);
    this.hw = this.logEndOffset;
    this.flusher = new FlushCoordinator(Math.min(recoveryPoint, this.logEndOffset), () => this.flushAll());
    this.lastFlushAt = clock.now();
  }

  /** Opens (or creates) the log in `dir`, recovering it first when the shutdown was not clean. */
  static open(o: OpenLogOptions): PartitionLog {
    o.fs.mkdirp(o.dir);
    const writeGroup = o.fs.writeGroup();
    const segConfig = segmentConfig(o.config, writeGroup);
    const loaded = loadSegments(o.fs, o.dir, segConfig, o.clock.now(), {
      cleanShutdown: o.cleanShutdown,
      recoveryPoint: o.recoveryPoint,
      logStartOffset: o.logStartOffset,
    });
    const recoveryPoint = o.cleanShutdown ? loaded.logEndOffset : Math.min(o.recoveryPoint, loaded.logEndOffset);
    const log = new PartitionLog(o.fs, o.clock, o.dir, o.config, loaded.segments, o.logStartOffset, recoveryPoint, writeGroup);
    if (o.highWatermark !== undefined) log.setHighWatermark(o.highWatermark);
    log.abortedTxns.load(log.logStartOffset, log.logEndOffset);
    restoreProducerState(log);
    return log;
  }

  get logStartOffset(): number {
    return this.logStart;
  }

  get logEndOffset(): number {
    return this.segments.active.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Offsets below this are fsynced. */
  get recoveryPoint(): number {
    return this.flusher.flushedOffset;
  }

  get isOffline(): boolean {
    return this.offlineCause !== undefined;
  }

  get sizeInBytes(): number {
    return this.segments.totalSize;
  }

  get segmentCount(): number {
    return this.segments.count;
  }

  segmentBaseOffsets(): number[] {
    return this.segments.all.map((s) => s.baseOffset);
  }

  private checkOnline(): void {
    if (this.offlineCause !== undefined) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `log ${this.dir} is offline: ${String(this.offlineCause)}`);
    }
  }

  /** Runs f, taking the log offline if the filesystem fails under it. */
  private guard<T>(f: () => T): T {
    this.checkOnline();
    try {
      return f();
    } catch (e) {
      if (e instanceof StorageIoError) this.goOffline(e);
      throw e;
    }
  }

  private goOffline(cause: unknown): never {
    this.offlineCause = cause;
    throw new StorageError('KAFKA_STORAGE_ERROR', `log ${this.dir} went offline: ${String(cause)}`);
  }

  /**
   * Appends the record batches in `records` (one or more, format v2): validates them, assigns
   * offsets in place, and writes them with one write. `records` is modified.
   */
  append(records: Buffer, leaderEpoch: number): AppendResult {
    return this.guard(() => {
      const now = this.clock.now();
      const bounds = splitAndCheck(records, this.config);
      const infos = bounds.map((b) => producerInfoOf(records, b.start));
      const duplicate = this.findDuplicate(infos);
      if (duplicate) return duplicate;
      const validated = assignOffsets(records, bounds, this.logEndOffset, leaderEpoch, now, this.config);
      if (leaderEpoch >= 0) this.noteEpoch(leaderEpoch, validated.firstOffset);
      return this.write(records, bounds, infos, validated, now);
    });
  }

  /**
   * A follower's append of batches fetched from the leader: offsets and leader epochs are the
   * leader's, the first batch must start at this log's end, and the bytes are written unchanged.
   */
  appendAsFollower(records: Buffer): AppendResult {
    return this.guard(() => {
      const now = this.clock.now();
      const bounds = splitAndCheck(records, { ...this.config, maxMessageBytes: Number.MAX_SAFE_INTEGER });
      const infos = bounds.map((b) => producerInfoOf(records, b.start));
      const validated = readAssignedOffsets(records, bounds, this.logEndOffset);
      for (const b of bounds) {
        this.noteEpoch(records.readInt32BE(b.start + BatchField.partitionLeaderEpoch), Number(records.readBigInt64BE(b.start + BatchField.baseOffset)));
      }
      return this.write(records, bounds, infos, validated, now);
    });
  }

  /** Records that `epoch` begins at `startOffset` when it is newer than every epoch known. */
  private noteEpoch(epoch: number, startOffset: number): void {
    if (epoch > this.epochs.latestEpoch) {
      void this.epochs.assign(epoch, startOffset).catch((e: unknown) => {
        if (!this.isOffline) this.offlineCause = e;
      });
    }
  }

  private write(records: Buffer, bounds: readonly BatchBounds[], infos: readonly (ProducerBatchInfo | undefined)[], validated: ValidatedAppend, now: number): AppendResult {
    if (records.length > this.config.segmentBytes) {
      throw new StorageError('RECORD_LIST_TOO_LARGE', `${records.length} bytes exceed segment.bytes ${this.config.segmentBytes}`);
    }
    const segment = this.maybeRoll(records.length, validated, now);
    segment.append(records, 0, records.length, validated.batches);
    this.appendedBytes += records.length;
    validated.batches.forEach((b, i) => {
      const info = infos[i];
      if (!info) return;
      const start = bounds[i]!.start;
      if (info.isControl) this.recordMarker(info.producerId, records, start, b.lastOffset);
      this.producers.update(info, Number(records.readBigInt64BE(start)), b.lastOffset, b.maxTimestamp);
    });
    this.unflushedMessages += validated.recordCount;
    if (this.unflushedMessages >= this.config.flushMessages) void this.flusher.requestFlush();
    return { ...validated, logStartOffset: this.logStart, duplicate: false };
  }

  /**
   * Removes every batch at or after `offset` (never below the log start): segments wholly past it
   * go, the one holding it is cut, and the high watermark, durable point, aborted-transaction
   * index, leader-epoch cache and producer state follow. Returns the new log end offset.
   */
  truncateTo(offset: number): number {
    return this.guard(() => {
      const target = Math.max(offset, this.logStart);
      if (target >= this.logEndOffset) return this.logEndOffset;
      for (const seg of [...this.segments.all].reverse()) {
        if (seg.baseOffset < target || seg === this.segments.first) break;
        this.segments.remove(seg);
        scheduleDelete(this.fs, this.clock, seg, 0);
      }
      this.segments.active.truncateTo(target);
      this.hw = Math.min(this.hw, this.logEndOffset);
      this.flusher.reset(Math.min(this.flusher.flushedOffset, this.logEndOffset));
      this.abortedTxns.truncateTo(this.logEndOffset);
      void this.epochs.truncateFromEnd(this.logEndOffset).catch((e: unknown) => {
        if (!this.isOffline) this.offlineCause = e;
      });
      restoreProducerState(this);
      return this.logEndOffset;
    });
  }

  /**
   * Empties the log and restarts it at `offset` (a follower whose log end fell below the leader's
   * log start): every segment goes, an empty one begins at `offset`, which becomes the log start,
   * and the epochs, producer state and aborted transactions are forgotten.
   */
  truncateFullyAndStartAt(offset: number): void {
    this.guard(() => {
      const old = [...this.segments.all];
      const fresh = LogSegment.create(this.fs, this.dir, offset, this.segmentConfig(), this.clock.now());
      this.segments.add(fresh);
      for (const seg of old) {
        this.segments.remove(seg);
        scheduleDelete(this.fs, this.clock, seg, 0);
      }
      this.directoryDirty = true;
      this.logStart = offset;
      this.hw = offset;
      this.flusher.reset(offset);
      this.abortedTxns.truncateTo(offset);
      void this.epochs.truncateFromEnd(0).catch((e: unknown) => {
        if (!this.isOffline) this.offlineCause = e;
      });
      this.producers.clear();
    });
  }

  /** Sets the high watermark (a follower takes the leader's), never past the log end. */
  setHighWatermark(offset: number): void {
    this.hw = Math.max(this.logStart, Math.min(offset, this.logEndOffset));
  }

  /**
   * A transaction marker was written at `offset`: an ABORT enters the aborted-transactions index
   * (read before the producer's state forgets where its transaction began).
   */
  recordMarker(producerId: bigint, buf: Buffer, start: number, offset: number): void {
    if (offset <= this.abortedTxns.lastMarkerOffset) return;
    let type: ControlRecordType;
    try {
      type = readEndTransactionMarker(buf, start, { verifyCrc: false }).type;
    } catch {
      return;
    }
    const first = this.producers.get(producerId)?.currentTxnFirstOffset ?? -1;
    if (type === ControlRecordType.Abort && first >= 0) {
      this.abortedTxns.append({ producerId, firstOffset: first, lastOffset: offset, lastStableOffset: this.lastStableOffset });
    }
  }

  /**
   * The last stable offset: below it every transaction is decided. The first offset of the
   * oldest open transaction, or the high watermark when none is open.
   */
  get lastStableOffset(): number {
    let lso = this.hw;
    for (const e of this.producers.all()) {
      if (e.currentTxnFirstOffset >= 0 && e.currentTxnFirstOffset < lso) lso = e.currentTxnFirstOffset;
    }
    return lso;
  }

  /** Aborted transactions overlapping [from, to), for read_committed fetches. */
  abortedTransactions(from: number, to: number): AbortedTxn[] {
    return this.abortedTxns.overlapping(from, to);
  }

  /** The original append of a retried idempotent batch, or undefined when it is new. */
  private findDuplicate(infos: readonly (ProducerBatchInfo | undefined)[]): AppendResult | undefined {
    for (let i = 0; i < infos.length; i++) {
      const info = infos[i];
      if (!info) continue;
      const dup = this.producers.check(info);
      if (!dup) continue;
      if (infos.length > 1) throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', 'a duplicate batch arrived together with other batches');
      return {
        batches: [], firstOffset: dup.firstOffset, lastOffset: dup.lastOffset, maxTimestamp: dup.maxTimestamp,
        offsetOfMaxTimestamp: dup.lastOffset, recordCount: 0, logAppendTime: -1, logStartOffset: this.logStart, duplicate: true,
      };
    }
    return undefined;
  }

  private maybeRoll(incoming: number, v: ValidatedAppend, now: number): LogSegment {
    const active = this.segments.active;
    if (active.isEmpty) return active;
    const full = active.size + incoming > this.config.segmentBytes;
    // a compacted topic also rolls by max.compaction.lag.ms, or records in the active segment could
    // never become cleanable in time
    const rollMs = this.config.cleanupPolicy.compact ? Math.min(this.config.segmentMs, this.config.maxCompactionLagMs) : this.config.segmentMs;
    const old = active.timeWaitedForRoll(now, v.maxTimestamp) > rollMs - this.config.segmentJitterMs;
    const indexFull = active.offsetIndex.isFull || active.timeIndex.isFull;
    if (full || old || indexFull || !active.canHoldOffset(v.lastOffset)) return this.roll(now);
    return active;
  }

  /** Starts a new active segment at the log end offset. */
  roll(now = this.clock.now()): LogSegment {
    return this.guard(() => {
      const previous = this.segments.active;
      if (previous.isEmpty) return previous;
      const next = LogSegment.create(this.fs, this.dir, this.logEndOffset, this.segmentConfig(), now);
      this.segments.add(next);
      this.directoryDirty = true;
      void snapshotProducerState(this, next.baseOffset).catch(() => undefined);
      void previous.onRolled().catch((e: unknown) => {
        if (!this.isOffline) this.offlineCause = e;
      });
      return next;
    });
  }

  /**
   * Whole batches from `offset` on, at most `maxBytes` (the first batch is returned whole even if
   * larger, when `minOneBatch`), not reaching batches at or after `maxOffset`.
   * Throws OFFSET_OUT_OF_RANGE when offset lies outside [log start, log end].
   */
  read(offset: number, maxBytes: number, maxOffset = this.logEndOffset, minOneBatch = true): LogReadResult {
    const p = this.planRead(offset, maxBytes, maxOffset, minOneBatch);
    const r = p.segment && p.plan ? this.guard(() => p.segment!.readPlannedNow(p.plan!, p.limit)) : undefined;
    return r ? { records: r.records, nextOffset: r.nextOffset } : { records: Buffer.alloc(0), nextOffset: offset };
  }

  /**
   * `read` with the record bytes read off the event loop, so a reader of cold data does not stall
   * everything else while the disk seeks. The batch positions are found in place (index and a few
   * headers); errors take the log offline as in `read`.
   */
  async readAsync(offset: number, maxBytes: number, maxOffset = this.logEndOffset, minOneBatch = true): Promise<LogReadResult> {
    return this.readPlanned(this.planRead(offset, maxBytes, maxOffset, minOneBatch));
  }

  /**
   * The in-place half of `readAsync`: which segment bytes a read would return (at most
   * `plan.length` of them), so that a fetch can share its byte limit between partitions before
   * any bytes are read. Throws OFFSET_OUT_OF_RANGE like `read`.
   */
  planRead(offset: number, maxBytes: number, maxOffset = this.logEndOffset, minOneBatch = true): LogReadPlan {
    return this.guard(() => {
      if (offset < this.logStart || offset > this.logEndOffset) {
        throw new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${this.logStart}, ${this.logEndOffset}]`);
      }
      const limit = Math.min(maxOffset, this.logEndOffset);
      for (const seg of this.segments.from(offset)) {
        if (seg.baseOffset >= limit) break;
        const plan = seg.planRead(Math.max(offset, seg.baseOffset), maxBytes, limit, minOneBatch);
        if (plan) return { offset, length: plan.length, segment: seg, plan, limit };
      }
      return { offset, length: 0, limit };
    });
  }

  /** Reads what `planRead` found, off the event loop, into a buffer from `allocate` (see LogSegment.readPlanned). */
  async readPlanned(p: LogReadPlan, allocate?: (length: number) => Buffer): Promise<LogReadResult> {
    if (!p.segment || !p.plan) return { records: Buffer.alloc(0), nextOffset: p.offset };
    this.checkOnline();
    let r;
    try {
      r = await p.segment.readPlanned(p.plan, p.limit, allocate);
    } catch (e) {
      if (e instanceof StorageIoError && !this.isOffline) this.goOffline(e);
      throw e;
    }
    return r ? { records: r.records, nextOffset: r.nextOffset } : { records: Buffer.alloc(0), nextOffset: p.offset };
  }

  /**
   * Resolves once every append so far has reached the operating system (page cache); a write that
   * failed takes the log offline and rejects with KAFKA_STORAGE_ERROR.
   */
  waitWritten(): Promise<void> {
    this.checkOnline();
    const recent = this.segments.all.slice(-2);
    return Promise.all(recent.map((seg) => seg.written())).then(() => undefined, (e: unknown) => {
      if (!this.isOffline) this.offlineCause = e;
      throw new StorageError('KAFKA_STORAGE_ERROR', `log ${this.dir} failed to write: ${String(e)}`);
    });
  }

  /** Bytes durable: resolves when an fsync covered every offset below `offset`. */
  waitDurable(offset: number): Promise<void> {
    this.checkOnline();
    return this.flusher.waitDurable(offset).catch((e: unknown) => {
      if (!this.isOffline) this.offlineCause = e;
      throw new StorageError('KAFKA_STORAGE_ERROR', `log ${this.dir} failed to flush: ${String(e)}`);
    });
  }

  /** Bytes appended and fsyncs run since the log was opened. */
  get writeStats(): { appendedBytes: number; fsyncs: number } {
    return { appendedBytes: this.appendedBytes, fsyncs: this.flusher.flushCount };
  }

  /** Flushes now (flush.ms, shutdown); resolves when done. */
  flush(): Promise<void> {
    return this.waitDurable(this.logEndOffset);
  }

  /** Applies flush.ms: flushes when unflushed data is older than it. */
  maybeFlushByTime(now: number): void {
    if (this.isOffline || this.recoveryPoint >= this.logEndOffset) return;
    if (now - this.lastFlushAt >= this.config.flushMs) void this.flusher.requestFlush();
  }

  get fsyncCount(): number {
    return this.flusher.flushCount;
  }

  private async flushAll(): Promise<number> {
    const target = this.logEndOffset;
    const from = this.flusher.flushedOffset;
    this.unflushedMessages = 0;
    this.lastFlushAt = this.clock.now();
    const dirty = this.segments.all.filter((seg) => seg.nextOffset > from || seg === this.segments.active);
    const syncDir = this.directoryDirty;
    this.directoryDirty = false;
    await Promise.all(dirty.map((seg) => seg.flush()));
    // a new segment's directory entry must be durable too, or a power loss could drop the file
    if (syncDir) await this.fs.syncDir(this.dir);
    return target;
  }

  /** Moves the high watermark (never past the log end, never backwards). */
  updateHighWatermark(offset: number): void {
    this.hw = Math.max(this.hw, Math.min(offset, this.logEndOffset));
  }

  /**
   * DeleteRecords: moves the log start offset forward to `offset` (at most the high watermark).
   * Segments wholly below it go at the next retention pass.
   */
  deleteRecordsBefore(offset: number): number {
    this.checkOnline();
    if (offset > this.hw || offset < 0) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} is beyond the high watermark ${this.hw}`);
    }
    if (offset > this.logStart) this.logStart = offset;
    return this.logStart;
  }

  /** Segments in order, for retention, compaction and lookups by timestamp. */
  get allSegments(): readonly LogSegment[] {
    return this.segments.all;
  }

  /** Removes segments (oldest first, never the active one) and advances the log start offset. */
  removeSegments(doomed: readonly LogSegment[]): void {
    this.guard(() => {
      for (const seg of doomed) {
        if (seg === this.segments.active) continue;
        this.segments.remove(seg);
        scheduleDelete(this.fs, this.clock, seg, this.config.fileDeleteDelayMs);
      }
      this.logStart = Math.max(this.logStart, this.segments.first.baseOffset);
    });
  }

  /** Replaces segments with cleaned ones (compaction). */
  replaceSegments(old: readonly LogSegment[], replacement: LogSegment): void {
    this.guard(() => this.segments.replace(old, replacement));
  }

  segmentConfig(): SegmentConfig {
    return segmentConfig(this.config, this.writeGroup);
  }

  get filesystem(): FileSystem {
    return this.fs;
  }

  /** Flushes logs and indexes and closes every segment (clean shutdown). */
  async close(): Promise<void> {
    if (!this.isOffline) {
      await this.flush();
      await this.abortedTxns.sync();
      await snapshotProducerState(this, this.logEndOffset).catch(() => undefined);
      await Promise.all(this.segments.all.map((seg) => seg.flushAll()));
    }
    for (const seg of this.segments.all) seg.close();
    this.abortedTxns.close();
  }

  /** Closes without flushing (after a failure, or when the log is being deleted). */
  closeNow(): void {
    for (const seg of this.segments.all) {
      try {
        seg.close();
      } catch {
        // already failing: nothing more to do for this file
      }
    }
  }

  /** Deletes every file of the log (topic deletion). */
  deleteAll(): void {
    this.closeNow();
    this.fs.removeDir(this.dir);
  }
}

export function segmentConfig(config: LogConfig, writeGroup?: WriteGroup): SegmentConfig {
  return {
    indexIntervalBytes: config.indexIntervalBytes,
    maxIndexBytes: config.segmentIndexBytes,
    maxBatchSize: Math.max(config.maxMessageBytes, 1048588) + 12,
    ...(writeGroup ? { writeGroup } : {}),
  };
}

/** Renames a segment's files to `.deleted` and removes them after the delay (file.delete.delay.ms). */
function scheduleDelete(fs: FileSystem, clock: Clock, seg: LogSegment, delayMs: number): void {
  seg.close();
  const files = [seg.path('.log'), seg.path('.index'), seg.path('.timeindex')].filter((p) => fs.exists(p));
  const renamed = files.map((p) => {
    fs.rename(p, `${p}.deleted`);
    return `${p}.deleted`;
  });
  const remove = (): void => {
    for (const p of renamed) fs.remove(p);
  };
  if (delayMs <= 0) remove();
  else clock.schedule(delayMs, remove);
}
