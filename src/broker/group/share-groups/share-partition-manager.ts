/**
 * SharePartitionManager: the share-partition state (share-partition.ts) of every share group for
 * the partitions this broker leads — loading it from `__share_group_state` the first time a share
 * partition is used (or after the leadership moved here), acquiring records for ShareFetch,
 * applying acknowledgements, releasing what a departed member held, and writing the state back
 * before a request is answered, so an acknowledged record is never delivered again after a
 * restart or a leader change. Also owns the share sessions.
 *
 * A share partition without saved state starts at the group's share.auto.offset.reset: 'latest'
 * (the high watermark, Kafka's default) or 'earliest' (the log start).
 *
 * Contract: one per broker, on the event loop. Acquisition happens synchronously once a log read
 * has returned, so concurrent fetches of one share partition never acquire a record twice; the
 * state writes of one share partition are issued in order.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import { batchesIn } from '../../../protocol/records/batch-iterator.js';
import type { Partition } from '../../replica/partition.js';
import { SharePartition, type AcquiredRange, type OfferedBatch, type SharePartitionLimits } from './share-partition.js';
import { ShareSessions } from './share-sessions.js';
import type { ShareStateStore, SharePartitionKey } from './share-state-store.js';

export interface SharePartitionManagerOptions {
  clock: Clock;
  logger: Logger;
  store: ShareStateStore;
  limits: (groupId: string) => SharePartitionLimits;
  autoOffsetReset: (groupId: string) => 'earliest' | 'latest';
}

interface Loaded {
  sp: SharePartition;
  leaderEpoch: number;
  /** The last state epoch written (or read). */
  written: number;
  writing: Promise<void>;
  lastUsed: number;
}

/** A share partition unused this long, holding no acquired records, is dropped from memory (it is all in the store). */
export const SHARE_PARTITION_IDLE_MS = 10 * 60_000;

export interface AcquireResult {
  records: Buffer;
  acquired: AcquiredRange[];
}

const MAX_READ_ATTEMPTS = 4;

function keyOf(k: SharePartitionKey): string {
  return `${k.groupId}\u0000${k.topicId}\u0000${k.partition}`;
}

export class SharePartitionManager {
  readonly sessions = new ShareSessions();
  private readonly loaded = new Map<string, Promise<Loaded>>();

  constructor(private readonly o: SharePartitionManagerOptions) {}

  /** The state of a share partition led here, loaded on first use (again after a leader change). */
  private async state(k: SharePartitionKey, partition: Partition): Promise<Loaded> {
    const key = keyOf(k);
    const cached = this.loaded.get(key);
    if (cached) {
      const l = await cached;
      l.lastUsed = this.o.clock.now();
      if (l.leaderEpoch === partition.leaderEpoch) return l;
      if (this.loaded.get(key) === cached) this.loaded.delete(key);
    }
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = this.load(k, partition);
      this.loaded.set(key, loading);
      loading.catch(() => this.loaded.delete(key));
    }
    return loading;
  }

  private async load(k: SharePartitionKey, partition: Partition): Promise<Loaded> {
    const saved = await this.o.store.read(k);
    const logStart = partition.logStartOffset;
    let sp: SharePartition;
    if (saved) {
      sp = SharePartition.restore(Math.max(saved.startOffset, logStart), saved.batches, () => this.o.limits(k.groupId));
      sp.stateEpoch = saved.stateEpoch;
    } else {
      const start = this.o.autoOffsetReset(k.groupId) === 'earliest' ? logStart : partition.highWatermark;
      sp = new SharePartition(start, () => this.o.limits(k.groupId));
    }
    return { sp, leaderEpoch: partition.leaderEpoch, written: sp.stateEpoch, writing: Promise.resolve(), lastUsed: this.o.clock.now() };
  }

  /** Writes the state if it changed since the last write; resolves when it is durable. */
  private persist(k: SharePartitionKey, l: Loaded): Promise<void> {
    if (l.sp.stateEpoch === l.written) return l.writing;
    l.written = l.sp.stateEpoch;
    l.writing = l.writing.catch(() => undefined).then(() => {
      const snap = l.sp.snapshot();
      return this.o.store.write(k, { stateEpoch: l.sp.stateEpoch, leaderEpoch: l.leaderEpoch, startOffset: snap.startOffset, batches: snap.batches });
    });
    return l.writing;
  }

  /** Reads from the share partition's next fetch offset and acquires what it can for `memberId`. */
  async acquire(k: SharePartitionKey, memberId: string, partition: Partition, maxBytes: number): Promise<AcquireResult> {
    const l = await this.state(k, partition);
    const now = this.o.clock.now();
    l.sp.expireLocks(now);
    let result: AcquireResult = { records: Buffer.alloc(0), acquired: [] };
    // a concurrent fetch may take what this one read: read again from where things now stand
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS && result.acquired.length === 0; attempt++) {
      const hw = partition.highWatermark;
      if (!l.sp.hasAcquirable(hw)) break;
      const from = Math.min(Math.max(l.sp.nextFetchOffset(), partition.logStartOffset), hw);
      const read = await partition.log.readAsync(from, maxBytes, hw, true);
      const offered: OfferedBatch[] = [];
      for (const span of batchesIn(read.records)) {
        if (!span.header) continue;
        offered.push({ baseOffset: Number(span.header.baseOffset), lastOffset: Number(span.header.lastOffset), isControl: span.header.isControl });
      }
      const acquired = l.sp.acquire(memberId, offered, this.o.clock.now());
      result = { records: acquired.length > 0 ? read.records : Buffer.alloc(0), acquired };
    }
    await this.persist(k, l);
    return result;
  }

  /** Applies acknowledgement batches; resolves to a Kafka error code for the partition. */
  async acknowledge(k: SharePartitionKey, memberId: string, partition: Partition, batches: readonly { firstOffset: number; lastOffset: number; types: readonly number[] }[]): Promise<number> {
    if (batches.length === 0) return ErrorCode.NONE;
    const l = await this.state(k, partition);
    l.sp.expireLocks(this.o.clock.now());
    let code: number = ErrorCode.NONE;
    for (const b of batches) {
      const c = l.sp.acknowledge(memberId, b.firstOffset, b.lastOffset, b.types);
      if (c !== ErrorCode.NONE && code === ErrorCode.NONE) code = c;
    }
    await this.persist(k, l);
    return code;
  }

  /** Releases everything `memberId` holds in the group's share partitions on this broker. */
  releaseMember(groupId: string, memberId: string): void {
    this.sessions.remove(groupId, memberId);
    for (const [key, loading] of this.loaded) {
      if (!key.startsWith(`${groupId}\u0000`)) continue;
      void loading.then((l) => {
        if (!l.sp.releaseMember(memberId)) return;
        const [, topicId, partition] = key.split('\u0000');
        return this.persist({ groupId, topicId: topicId!, partition: Number(partition) }, l);
      }).catch((e: unknown) => this.o.logger.warn({ err: e, groupId }, 'releasing a share-group member\'s records failed'));
    }
  }

  /** Releases what `memberId` holds in the given share partitions (its share session closed). */
  async releaseIn(keys: readonly SharePartitionKey[], memberId: string): Promise<void> {
    await Promise.all(keys.map(async (k) => {
      const loading = this.loaded.get(keyOf(k));
      if (!loading) return;
      const l = await loading;
      if (l.sp.releaseMember(memberId)) await this.persist(k, l);
    }));
  }

  /**
   * Deletes a share group's state: what this broker holds in memory and every record of the group
   * in __share_group_state (tombstones). Other brokers drop what they cached for the group when
   * it is next idle (see evictIdle).
   */
  async deleteGroup(groupId: string): Promise<void> {
    for (const key of [...this.loaded.keys()]) if (key.startsWith(`${groupId}\u0000`)) this.loaded.delete(key);
    await this.o.store.deleteGroup(groupId);
  }

  /** Drops share partitions idle for SHARE_PARTITION_IDLE_MS with nothing acquired; returns how many. */
  async evictIdle(): Promise<number> {
    const now = this.o.clock.now();
    let evicted = 0;
    for (const [key, loading] of [...this.loaded]) {
      const l = await loading.catch(() => undefined);
      if (!l || now - l.lastUsed < SHARE_PARTITION_IDLE_MS || l.sp.acquiredCount() > 0 || l.written !== l.sp.stateEpoch) continue;
      if (this.loaded.get(key) === loading) {
        this.loaded.delete(key);
        evicted++;
      }
    }
    return evicted;
  }
}
