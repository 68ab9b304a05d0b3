/**
 * FetchLoop: a follower's replication from one leader broker (Kafka's replica fetcher thread):
 * one long-polling Fetch after another (replica id = this broker, no session), carrying every
 * partition this broker follows on that leader, each from its local log end at its known leader
 * epoch. Fetched batches are appended unchanged, and the leader's high watermark is taken.
 *
 * Before a partition's first fetch under a leader epoch it is truncated where its log diverged
 * from the leader's: OffsetForLeaderEpoch with the latest local epoch gives the leader's end of
 * that epoch (or of the newest older one it knows), and the local log is cut at the smaller of
 * that and the local end of the same epoch. A follower with no epoch recorded cuts at its high
 * watermark. A fetch offset past the leader's end triggers the same truncation again; one below
 * the leader's log start (the leader deleted what this follower still needs) empties the local
 * log and restarts it at the leader's log start.
 *
 * Errors (the leader moved, the connection broke) back off for replica.fetch.backoff.ms; the
 * metadata then says where to fetch from.
 *
 * Contract: owned by ReplicaFetchers; one request in flight at a time; a partition whose role or
 * epoch changed while a request was out ignores that request's answer.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { Logger } from '../../common/logger.js';
import type { Partition } from '../../broker/replica/partition.js';
import type { BrokerConnections } from '../net/broker-connections.js';

export interface FetchLoopOptions {
  nodeId: number;
  leader: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  backoffMs: number;
  logger: Logger;
}

interface Followed {
  partition: Partition;
  /** The leader epoch the partition was last truncated for. */
  truncatedFor: number;
}

function keyOf(p: Partition): string {
  return `${p.topic}\u0000${p.index}`;
}

export class FetchLoop {
  private readonly followed = new Map<string, Followed>();
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly connections: BrokerConnections, private readonly o: FetchLoopOptions) {}

  /** Replaces the set of partitions fetched from this leader. */
  setPartitions(partitions: readonly Partition[]): void {
    const keep = new Set(partitions.map(keyOf));
    for (const k of [...this.followed.keys()]) if (!keep.has(k)) this.followed.delete(k);
    for (const p of partitions) if (!this.followed.has(keyOf(p))) this.followed.set(keyOf(p), { partition: p, truncatedFor: -1 });
    this.wake?.();
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private current(): Followed[] {
    return [...this.followed.values()].filter((f) => !f.partition.stopped && f.partition.role === 'follower' && f.partition.leaderId === this.o.leader);
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const work = this.current();
      if (work.length === 0) {
        await this.pause(this.o.backoffMs);
        continue;
      }
      try {
        const stale = work.filter((f) => f.truncatedFor !== f.partition.leaderEpoch);
        const truncated = stale.length > 0 ? await this.truncate(stale) : false;
        const ready = work.filter((f) => f.truncatedFor === f.partition.leaderEpoch);
        const ok = ready.length === 0 ? truncated : await this.fetch(ready);
        if (!ok) await this.pause(this.o.backoffMs);
      } catch (e) {
        if (this.stopped) return;
        this.o.logger.debug({ err: (e as Error).message, leader: this.o.leader }, 'replica fetch failed; retrying');
        await this.pause(this.o.backoffMs);
      }
    }
  }

  /** OffsetForLeaderEpoch for partitions entering a new leader epoch, then truncation; true if any is done. */
  private async truncate(partitions: Followed[]): Promise<boolean> {
    let done = false;
    const connection = await this.connections.get(this.o.leader);
    const asked = partitions.map((f) => ({ f, epoch: f.partition.leaderEpoch, localEpoch: f.partition.log.epochs.latestEpoch }));
    const byTopic = new Map<string, typeof asked>();
    for (const a of asked) byTopic.set(a.f.partition.topic, [...(byTopic.get(a.f.partition.topic) ?? []), a]);
    const r = await connection.request(ApiKey.OffsetForLeaderEpoch, {
      replicaId: this.o.nodeId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic, partitions: list.map((a) => ({ partition: a.f.partition.index, currentLeaderEpoch: a.epoch, leaderEpoch: a.localEpoch })),
      })),
    }, 3);
    for (const t of r.topics) {
      for (const rp of t.partitions) {
        const a = asked.find((x) => x.f.partition.topic === t.topic && x.f.partition.index === rp.partition);
        if (!a || a.f.partition.stopped || a.f.partition.role !== 'follower' || a.f.partition.leaderEpoch !== a.epoch) continue;
        if (rp.errorCode !== ErrorCode.NONE) continue;
        const p = a.f.partition;
        const leaderEpoch = rp.leaderEpoch ?? -1;
        let target: number;
        if (a.localEpoch < 0 || leaderEpoch < 0) {
          target = p.highWatermark;
        } else if (leaderEpoch === a.localEpoch) {
          target = Math.min(Number(rp.endOffset), p.logEndOffset);
        } else {
          const local = p.log.epochs.endOffsetFor(leaderEpoch, p.logEndOffset);
          target = Math.min(Number(rp.endOffset), local.epoch === leaderEpoch ? local.endOffset : p.highWatermark);
        }
        if (target < p.logEndOffset) {
          const before = p.logEndOffset;
          p.log.truncateTo(target);
          this.o.logger.info({ topic: p.topic, partition: p.index, from: before, to: p.logEndOffset, leader: this.o.leader, leaderEpoch: a.epoch }, 'truncated a diverging log suffix');
        }
        a.f.truncatedFor = a.epoch;
        done = true;
      }
    }
    return done;
  }

  /** One Fetch; false when nothing could be done (to back off). */
  private async fetch(partitions: Followed[]): Promise<boolean> {
    const connection = await this.connections.get(this.o.leader);
    const sent = partitions.map((f) => ({ f, epoch: f.partition.leaderEpoch, offset: f.partition.logEndOffset }));
    const byTopic = new Map<string, typeof sent>();
    for (const s of sent) byTopic.set(s.f.partition.topic, [...(byTopic.get(s.f.partition.topic) ?? []), s]);
    const r = await connection.request(ApiKey.Fetch, {
      replicaId: this.o.nodeId, maxWaitMs: this.o.maxWaitMs, minBytes: this.o.minBytes, maxBytes: this.o.maxBytes,
      isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((s) => ({
          partition: s.f.partition.index, currentLeaderEpoch: s.epoch, fetchOffset: BigInt(s.offset), lastFetchedEpoch: -1,
          logStartOffset: BigInt(s.f.partition.logStartOffset), partitionMaxBytes: this.o.partitionMaxBytes,
        })),
      })),
      forgottenTopicsData: [], rackId: '',
    }, 12);
    let progressed = false;
    for (const t of r.responses) {
      for (const rp of t.partitions) {
        const s = sent.find((x) => x.f.partition.topic === t.topic && x.f.partition.index === rp.partitionIndex);
        if (!s) continue;
        const p = s.f.partition;
        if (p.stopped || p.role !== 'follower' || p.leaderEpoch !== s.epoch || p.logEndOffset !== s.offset) continue;
        if (rp.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          const leaderStart = Number(rp.logStartOffset);
          if (leaderStart >= 0 && s.offset < leaderStart) {
            // the leader no longer has what comes next here: start over at its log start
            p.log.truncateFullyAndStartAt(leaderStart);
            this.o.logger.info({ topic: p.topic, partition: p.index, from: s.offset, to: leaderStart, leader: this.o.leader }, 'log restarted at the leader\'s log start');
            progressed = true;
          } else {
            s.f.truncatedFor = -1;
          }
          continue;
        }
        if (rp.errorCode !== ErrorCode.NONE) continue;
        p.appendAsFollower(rp.records, Number(rp.highWatermark));
        progressed = true;
      }
    }
    return progressed || r.responses.every((t) => t.partitions.every((p) => p.errorCode === ErrorCode.NONE));
  }
}
