/**
 * Partition: the broker-side owner of one topic partition that this broker leads: its log, its
 * leader epoch, and the readers waiting for new data (long-polling fetches).
 *
 * On a single node the in-sync replica set is this broker alone, so the high watermark follows
 * the log end offset as soon as an append is written (acks=all additionally waits for fsync
 * before answering, see Produce). Replication will move the high watermark from follower fetches.
 *
 * Contract: every append and read of the partition goes through this object.
 */
import type { PartitionLog, AppendResult, LogReadResult } from '../../storage/log/partition-log.js';

export class Partition {
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly topicId: string,
    readonly log: PartitionLog,
    public leaderEpoch: number,
  ) {}

  append(records: Buffer): AppendResult {
    const result = this.log.append(records, this.leaderEpoch);
    this.log.updateHighWatermark(this.log.logEndOffset);
    this.notifyWaiters();
    return result;
  }

  /** Whole batches from `offset`, up to the high watermark (committed data only). */
  read(offset: number, maxBytes: number, minOneBatch: boolean, maxOffset = this.log.highWatermark): LogReadResult {
    return this.log.read(offset, maxBytes, maxOffset, minOneBatch);
  }

  get highWatermark(): number {
    return this.log.highWatermark;
  }

  /** The last stable offset: below it every transaction is committed or aborted. */
  get lastStableOffset(): number {
    return this.log.lastStableOffset;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** Calls `listener` (once) when data next becomes readable; returns a cancel function. */
  onNewData(listener: () => void): () => void {
    const once = (): void => {
      this.waiters.delete(once);
      listener();
    };
    this.waiters.add(once);
    return () => this.waiters.delete(once);
  }

  notifyWaiters(): void {
    for (const w of [...this.waiters]) w();
  }
}
