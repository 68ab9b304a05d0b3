/**
 * ReplicaManager: the partitions this broker holds a replica of, by topic and index, following
 * the metadata: a partition whose replicas include this broker is opened here and made leader or
 * follower as the metadata says; one whose replicas no longer include it stops being served.
 *
 * `get` returns only partitions this broker leads (what produce, consumer fetches, list offsets
 * and the coordinators may use); `replica` returns any local replica. Followers are announced to
 * the `onFollowersChanged` listeners (the replica fetchers of the cluster layer).
 *
 * As leader, it proposes ISR changes (IsrUpdater): every replica.lag.time.max.ms / 2 it drops
 * followers that have not caught up for replica.lag.time.max.ms, and after each follower fetch it
 * adds followers that have reached the high watermark.
 *
 * Contract: the single owner of the Partition objects; runs on the event loop.
 */
import type { LogManager } from '../../storage/log-manager.js';
import type { Clock } from '../../common/clock.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { PartitionMetadata, TopicMetadata } from '../metadata/metadata-store.js';
import { Partition } from './partition.js';

/** A partition this broker follows, and whom. */
export interface Followed {
  partition: Partition;
  leader: number;
}

/** Proposes `isr` for a partition this broker leads; `settled` is called once the proposal is written, refused or failed. */
export type IsrProposal = (p: Partition, isr: number[], settled?: () => void) => void;

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition[]>();
  private readonly followerListeners: (() => void)[] = [];
  private proposeIsr: IsrProposal | undefined;

  constructor(
    private readonly logs: LogManager,
    private readonly config: BrokerConfig,
    private readonly nodeId: number,
    private readonly clock?: Clock,
  ) {}

  private now(): number {
    return this.clock?.now() ?? Date.now();
  }

  /** Where ISR changes go (the metadata store); without it the ISR never changes here. */
  setIsrProposal(propose: IsrProposal): void {
    this.proposeIsr = propose;
  }

  onFollowersChanged(listener: () => void): void {
    this.followerListeners.push(listener);
  }

  /** Opens the replicas of `topic` held here and gives each its role. */
  addTopic(topic: TopicMetadata): void {
    this.updateLeadership(topic);
  }

  /**
   * Deletes the logs of partitions of `topics` that this broker holds on disk but is no longer a
   * replica of (it was reassigned away while down). Logs of topics the metadata does not know are
   * left alone.
   */
  removeStrayLogs(topics: readonly TopicMetadata[]): { topic: string; partition: number }[] {
    const byName = new Map(topics.map((t) => [t.name, t]));
    const stray: { topic: string; partition: number }[] = [];
    for (const { topic, partition } of this.logs.all()) {
      const m = byName.get(topic)?.partitions[partition];
      if (!m || m.replicas.length === 0 || m.replicas.includes(this.nodeId)) continue;
      stray.push({ topic, partition });
      this.removeLog(topic, partition);
    }
    return stray;
  }

  async removeTopic(name: string): Promise<void> {
    const list = this.partitions.get(name) ?? [];
    this.partitions.delete(name);
    let hadFollowers = false;
    for (const p of list) {
      if (!p) continue;
      hadFollowers ||= p.role === 'follower';
      p.stop();
      await this.logs.delete(name, p.index);
    }
    if (hadFollowers) this.announceFollowers();
  }

  /** Applies the topic's partitions: opens new replicas, changes roles, epochs and ISR. */
  updateLeadership(topic: TopicMetadata): void {
    const list = this.partitions.get(topic.name) ?? [];
    const logConfig = this.config.topicLogConfig(topic.configs);
    let followersChanged = false;
    for (const m of topic.partitions) {
      let held = list[m.partition];
      if (!m.replicas.includes(this.nodeId) && !(m.replicas.length === 0 && m.leader === this.nodeId)) {
        if (held) {
          // reassigned away: the replica goes, with its log
          followersChanged ||= held.role === 'follower';
          held.stop();
          delete list[m.partition];
          this.removeLog(topic.name, m.partition);
        }
        continue;
      }
      if (!held) {
        const log = this.logs.getOrCreate(topic.name, m.partition);
        log.config = logConfig;
        held = new Partition(topic.name, m.partition, topic.topicId, log, m.leaderEpoch, this.nodeId, this.clock);
        list[m.partition] = held;
        if (m.leader !== this.nodeId) held.role = 'follower';
        followersChanged ||= m.leader !== this.nodeId;
      }
      if (this.applyRole(held, m)) followersChanged = true;
    }
    this.partitions.set(topic.name, list);
    if (followersChanged) this.announceFollowers();
  }

  private removeLog(topic: string, partition: number): void {
    this.logs.delete(topic, partition).catch((err: unknown) => this.logs.reportError(topic, partition, err));
  }

  /** Returns true when the set of followed partitions (or their leaders) changed. */
  private applyRole(p: Partition, m: PartitionMetadata): boolean {
    if (m.leader === this.nodeId) {
      const wasFollower = p.role === 'follower';
      p.becomeLeader(m, this.now());
      return wasFollower;
    }
    const changed = p.role !== 'follower' || p.leaderId !== m.leader || p.leaderEpoch !== m.leaderEpoch;
    p.becomeFollower(m);
    return changed;
  }

  private announceFollowers(): void {
    for (const l of this.followerListeners) l();
  }

  /** Applies changed topic configuration to the topic's logs. */
  updateConfig(topic: TopicMetadata): void {
    this.logs.updateConfig(topic.name, this.config.topicLogConfig(topic.configs));
  }

  /** The partition if this broker leads it. */
  get(topic: string, partition: number): Partition | undefined {
    const p = this.partitions.get(topic)?.[partition];
    return p?.isLeader ? p : undefined;
  }

  /** Any local replica of the partition, leader or follower. */
  replica(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(topic)?.[partition];
  }

  /** The partition if this broker leads it, or (`followerToo`) holds a replica of it that follows a leader. */
  readable(topic: string, partition: number, followerToo: boolean): Partition | undefined {
    const p = this.partitions.get(topic)?.[partition];
    if (!p || p.stopped) return undefined;
    return p.isLeader || (followerToo && p.leaderId >= 0) ? p : undefined;
  }

  /** The partitions of `topic` this broker leads. */
  partitionsOf(topic: string): Partition[] {
    return (this.partitions.get(topic) ?? []).filter((p): p is Partition => p !== undefined && p.isLeader);
  }

  /** Every partition this broker follows, with its leader. */
  followed(): Followed[] {
    const out: Followed[] = [];
    for (const list of this.partitions.values()) {
      for (const p of list) if (p && p.role === 'follower' && p.leaderId >= 0) out.push({ partition: p, leader: p.leaderId });
    }
    return out;
  }

  /** Every partition with a replica on this broker. */
  all(): Partition[] {
    const out: Partition[] = [];
    for (const list of this.partitions.values()) for (const p of list) if (p) out.push(p);
    return out;
  }

  /** Every partition this broker leads. */
  led(): Partition[] {
    const out: Partition[] = [];
    for (const list of this.partitions.values()) for (const p of list) if (p?.isLeader) out.push(p);
    return out;
  }

  // ---- ISR ----

  /** A follower fetched: record it, and propose adding it to the ISR once it has caught up. */
  followerFetched(p: Partition, followerId: number, fetchOffset: number, logStartOffset = -1): void {
    p.recordFollowerFetch(followerId, fetchOffset, this.now(), logStartOffset);
    const epochStart = p.log.epochs.all.at(-1)?.startOffset ?? 0;
    const joining = p.followers.readyToJoin(p.maximalIsr, p.highWatermark, epochStart);
    if (joining.length > 0 && this.proposeIsr) {
      // they count for the high watermark at once (Kafka's maximal ISR), so nothing gets
      // committed without them while the change is being written
      p.proposeJoining(joining);
      this.proposeIsr(p, [...p.isr, ...joining], () => p.joiningSettled(joining));
    }
  }

  /** Drops followers that stopped catching up (run every replica.lag.time.max.ms / 2). */
  shrinkIsrs(): void {
    const maxLag = this.config.int('replica.lag.time.max.ms');
    const now = this.now();
    for (const p of this.led()) {
      const lagging = p.followers.laggingIn(p.isr, now, maxLag);
      if (lagging.length > 0) this.proposeIsr?.(p, p.isr.filter((id) => !lagging.includes(id)));
    }
  }
}
