/**
 * Partition: the broker-side owner of one topic partition this broker holds a replica of: its
 * log, its role (leader or follower), the leader epoch, and, as leader, the replication state:
 * the in-sync replicas (from the metadata), what each follower has fetched (FollowerStates), the
 * high watermark, and the produce requests waiting for it.
 *
 * High watermark: as leader, the smallest log end offset among the in-sync replicas (its own
 * included) and the followers whose joining the ISR is proposed but not yet written (Kafka's
 * "maximal ISR": a follower counts from the moment it is proposed, so nothing is committed that
 * it lacks, and it can never become leader without a committed record); it moves only forward,
 * and only once every in-sync follower has fetched in this epoch. With the leader alone in sync it follows the log end at once. As follower, the leader's
 * high watermark from the last fetch, capped at the local log end. Readers of committed data stop
 * there; every move wakes the waiting fetches.
 *
 * Committed (acks=all): an offset is committed once the high watermark has passed it; with the
 * leader alone in sync, once it is also fsynced (a single copy must be on disk). It then answers
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR has shrunk below min.insync.replicas, as Kafka does.
 *
 * Contract: every append, read and role change of the partition goes through this object, on the
 * event loop. The ISR itself is changed only through the metadata store (ReplicaManager proposes,
 * the store's compare-and-set on the partition epoch decides, and the change comes back here).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { systemClock, type Clock, type Timer } from '../../common/clock.js';
import type { PartitionLog, AppendResult, LogReadResult } from '../../storage/log/partition-log.js';
import type { PartitionMetadata } from '../metadata/metadata-store.js';
import { FollowerStates } from './follower-states.js';

export type ReplicaRole = 'leader' | 'follower';

interface CommitWaiter {
  offset: number;
  minIsr: number;
  resolve(errorCode: number): void;
  timer: Timer;
}

export class Partition {
  private readonly waiters = new Set<() => void>();
  private commitWaiters: CommitWaiter[] = [];
  readonly followers = new FollowerStates();
  role: ReplicaRole = 'leader';
  leaderId: number;
  replicas: number[];
  isr: number[];
  partitionEpoch = 0;
  /** Set once the replica is no longer served here; its log may be gone. */
  stopped = false;
  /** Followers proposed to join the ISR, until the proposal is settled (leader only). */
  private readonly joining = new Set<number>();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly topicId: string,
    readonly log: PartitionLog,
    public leaderEpoch: number,
    readonly nodeId: number = -1,
    private readonly clock: Clock = systemClock,
  ) {
    this.leaderId = nodeId;
    this.replicas = [nodeId];
    this.isr = [nodeId];
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  // ---- role changes (from the metadata) ----

  /** Leads from the metadata `m`: a new epoch starts follower tracking afresh. */
  becomeLeader(m: PartitionMetadata, now: number): void {
    const newEpoch = this.role !== 'leader' || m.leaderEpoch !== this.leaderEpoch;
    if (newEpoch) this.joining.clear();
    for (const id of m.isr) this.joining.delete(id);
    this.role = 'leader';
    this.leaderId = this.nodeId;
    this.leaderEpoch = m.leaderEpoch;
    this.replicas = [...m.replicas];
    this.isr = [...m.isr];
    this.partitionEpoch = m.partitionEpoch;
    const others = m.replicas.filter((r) => r !== this.nodeId);
    if (newEpoch) {
      this.followers.reset(others, now);
      if (m.leaderEpoch > this.log.epochs.latestEpoch) void this.log.epochs.assign(m.leaderEpoch, this.log.logEndOffset).catch(() => undefined);
    } else {
      this.followers.retain(others, now);
    }
    this.maybeAdvanceHighWatermark();
  }

  /** Follows `m.leader`: pending acks=all requests and waiting readers are released. */
  becomeFollower(m: PartitionMetadata): void {
    this.joining.clear();
    this.role = 'follower';
    this.leaderId = m.leader;
    this.leaderEpoch = m.leaderEpoch;
    this.replicas = [...m.replicas];
    this.isr = [...m.isr];
    this.partitionEpoch = m.partitionEpoch;
    this.failCommitWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    this.notifyWaiters();
  }

  /** The replica is no longer served here (deleted, reassigned away, broker stopping). */
  stop(): void {
    this.stopped = true;
    this.failCommitWaiters(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    this.notifyWaiters();
  }

  // ---- appends ----

  /** A produce (or coordinator write) on the leader. */
  append(records: Buffer): AppendResult {
    const result = this.log.append(records, this.leaderEpoch);
    if (!this.maybeAdvanceHighWatermark()) this.notifyWaiters();
    return result;
  }

  /** Batches fetched from the leader, with the leader's high watermark. */
  appendAsFollower(records: Buffer | null, leaderHighWatermark: number): AppendResult | undefined {
    const result = records && records.length > 0 ? this.log.appendAsFollower(records) : undefined;
    const before = this.log.highWatermark;
    this.log.setHighWatermark(leaderHighWatermark);
    // consumers may read from a follower (Fetch v11+): wake those waiting for committed data
    if (this.log.highWatermark !== before) this.notifyWaiters();
    return result;
  }

  /** A follower fetched from `fetchOffset` (its log end offset); its log starts at `logStartOffset` (-1: unknown). */
  recordFollowerFetch(followerId: number, fetchOffset: number, now: number, logStartOffset = -1): void {
    this.followers.recordFetch(followerId, fetchOffset, this.log.logEndOffset, now, logStartOffset);
    this.maybeAdvanceHighWatermark();
  }

  /** Moves the high watermark to the ISR's smallest log end; true (and readers woken) if it moved. */
  maybeAdvanceHighWatermark(): boolean {
    if (this.role !== 'leader') return false;
    let candidate = this.log.logEndOffset;
    for (const id of [...this.isr, ...this.joining]) {
      if (id === this.nodeId) continue;
      const s = this.followers.get(id);
      if (!s || s.logEndOffset < 0) return false;
      candidate = Math.min(candidate, s.logEndOffset);
    }
    if (candidate <= this.log.highWatermark) return false;
    this.log.updateHighWatermark(candidate);
    this.checkCommitWaiters();
    this.notifyWaiters();
    return true;
  }

  // ---- ISR expansion ----

  /** Followers proposed to join the ISR count for the high watermark from now on. */
  proposeJoining(ids: readonly number[]): void {
    for (const id of ids) if (!this.isr.includes(id)) this.joining.add(id);
  }

  /** The proposal for `ids` is settled (written, refused or failed): they count only if in the ISR. */
  joiningSettled(ids: readonly number[]): void {
    for (const id of ids) this.joining.delete(id);
    this.maybeAdvanceHighWatermark();
  }

  /** The ISR and the followers proposed to join it. */
  get maximalIsr(): number[] {
    return [...this.isr, ...[...this.joining].filter((id) => !this.isr.includes(id))];
  }

  // ---- acks=all ----

  /**
   * Resolves to a Kafka error code once `offset` (exclusive) is committed (NONE), the ISR is below
   * `minIsr` at that point (NOT_ENOUGH_REPLICAS_AFTER_APPEND), this broker stops leading
   * (NOT_LEADER_OR_FOLLOWER) or `timeoutMs` passes (REQUEST_TIMED_OUT).
   */
  waitCommitted(offset: number, minIsr: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve) => {
      const w: CommitWaiter = {
        offset, minIsr, resolve,
        timer: this.clock.schedule(Math.max(0, timeoutMs), () => this.settle(w, ErrorCode.REQUEST_TIMED_OUT)),
      };
      this.commitWaiters.push(w);
      this.checkCommitWaiters();
    });
  }

  private settle(w: CommitWaiter, errorCode: number): void {
    const i = this.commitWaiters.indexOf(w);
    if (i < 0) return;
    this.commitWaiters.splice(i, 1);
    w.timer.cancel();
    w.resolve(errorCode);
  }

  private checkCommitWaiters(): void {
    if (this.role !== 'leader') return;
    for (const w of [...this.commitWaiters]) {
      if (this.log.highWatermark < w.offset) continue;
      if (this.isr.length < w.minIsr) {
        this.settle(w, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        continue;
      }
      if (this.isr.length === 1) {
        // alone in sync: the only copy must be on disk
        this.commitWaiters.splice(this.commitWaiters.indexOf(w), 1);
        this.log.waitDurable(w.offset).then(
          () => { w.timer.cancel(); w.resolve(ErrorCode.NONE); },
          () => { w.timer.cancel(); w.resolve(ErrorCode.KAFKA_STORAGE_ERROR); },
        );
        continue;
      }
      this.settle(w, ErrorCode.NONE);
    }
  }

  private failCommitWaiters(errorCode: number): void {
    for (const w of [...this.commitWaiters]) this.settle(w, errorCode);
  }

  // ---- reads ----

  /** Whole batches from `offset`, up to the high watermark (committed data only). */
  read(offset: number, maxBytes: number, minOneBatch: boolean, maxOffset = this.log.highWatermark): LogReadResult {
    return this.log.read(offset, maxBytes, maxOffset, minOneBatch);
  }

  /** `read` with the record bytes read off the event loop (what fetches use). */
  readAsync(offset: number, maxBytes: number, minOneBatch: boolean, maxOffset = this.log.highWatermark): Promise<LogReadResult> {
    return this.log.readAsync(offset, maxBytes, maxOffset, minOneBatch);
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

  /** Produce requests waiting here for acks=all (Kafka's produce purgatory). */
  get waitingCommits(): number {
    return this.commitWaiters.length;
  }

  /** Fetches long-polling for new data here (Kafka's fetch purgatory, counted per partition). */
  get waitingFetches(): number {
    return this.waiters.size;
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
