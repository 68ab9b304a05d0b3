/**
 * Controller: runs on every broker of a cluster and campaigns for the controller election; the
 * elected one keeps every partition led by a live broker. Whenever brokers come or go, or topics
 * change, it recomputes each partition (partition-leadership.ts), finishes reassignments whose new
 * replicas are all in sync (partition-reassignment.ts), and writes the changes with the election
 * fence, so only the current controller's decisions land. Topic creation, deletion and
 * reconfiguration reach it as forwarded requests and run through the broker's own TopicManager.
 *
 * Contract: reconciliation passes run one at a time; a change during a pass schedules one more.
 */
import type { Logger } from '../../common/logger.js';
import type { BrokerConfig } from '../../broker/config/broker-config.js';
import { StaleMetadataError, type MetadataStore, type PartitionUpdate, type TopicMetadata } from '../../broker/metadata/metadata-store.js';
import type { ControllerElection } from '../etcd/controller-election.js';
import { nextPartitionState } from './partition-leadership.js';
import { preferredLeaderMoves } from './leader-balance.js';
import { completeReassignment } from '../../broker/topics/partition-reassignment.js';

export class Controller {
  private active = false;
  private running = false;
  private again = false;
  private stopped = false;
  private balanceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly election: ControllerElection,
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.config.bool('auto.leader.rebalance.enable')) {
      const everyMs = this.config.int('leader.imbalance.check.interval.seconds') * 1000;
      this.balanceTimer = setInterval(() => void this.balanceLeaders(), everyMs);
      this.balanceTimer.unref();
    }
    this.metadata.onChange((c) => {
      if (c.kind === 'brokers' || c.kind === 'topic') this.schedule();
    });
    this.election.campaign(
      () => {
        this.active = true;
        this.schedule();
      },
      () => {
        this.active = false;
      },
    );
  }

  get isActive(): boolean {
    return this.active;
  }

  private schedule(): void {
    if (!this.active || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.reconcile();
      } while (this.again && this.active && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  private uncleanAllowed(t: TopicMetadata): boolean {
    return (t.configs['unclean.leader.election.enable'] ?? this.config.topicDefault('unclean.leader.election.enable').text) === 'true';
  }

  /** One pass over every topic; partitions that lost a race are retried by the next pass. */
  async reconcile(): Promise<void> {
    const live = new Set(this.metadata.brokers().map((b) => b.nodeId));
    for (const t of this.metadata.topics()) {
      if (!this.active || this.stopped) return;
      const updates: PartitionUpdate[] = [];
      for (const p of t.partitions) {
        const moved = nextPartitionState(p, live, this.uncleanAllowed(t));
        const next = completeReassignment(moved ?? p, live) ?? moved;
        if (next) updates.push({ expectedEpoch: p.partitionEpoch, next });
      }
      if (updates.length === 0) continue;
      try {
        await this.metadata.updatePartitions(t.name, updates);
        this.logger.info({ topic: t.name, partitions: updates.map((u) => ({ partition: u.next.partition, leader: u.next.leader, isr: u.next.isr })) }, 'partition leadership changed');
      } catch (e) {
        if (e instanceof StaleMetadataError) {
          this.again = true;
          continue;
        }
        this.logger.warn({ err: (e as Error).message, topic: t.name }, 'changing partition leadership failed; retrying');
        this.again = true;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Moves leadership back to preferred replicas where a broker leads too few of its own. */
  async balanceLeaders(): Promise<void> {
    if (!this.active || this.stopped || this.running) return;
    const live = new Set(this.metadata.brokers().map((b) => b.nodeId));
    const moves = preferredLeaderMoves(this.metadata.topics(), live, this.config.int('leader.imbalance.per.broker.percentage'));
    // one partition at a time: followers rejoining ISRs change these topics meanwhile, and one
    // stale partition must not hold back the others
    for (const [topic, updates] of moves) {
      for (const u of updates) {
        if (!this.active || this.stopped) return;
        try {
          await this.metadata.updatePartitions(topic, [u]);
          this.logger.info({ topic, partition: u.next.partition, leader: u.next.leader }, 'preferred leader restored');
        } catch (e) {
          this.logger.debug({ err: (e as Error).message, topic, partition: u.next.partition }, 'restoring a preferred leader lost a race; the next check retries');
        }
      }
    }
  }

  stop(): void {
    if (this.balanceTimer) clearInterval(this.balanceTimer);
    this.stopped = true;
    this.active = false;
  }
}
