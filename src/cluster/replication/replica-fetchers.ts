/**
 * ReplicaFetchers: a cluster broker's replication, one FetchLoop per leader broker it follows
 * partitions on (num.replica.fetchers is 1). Whenever the ReplicaManager announces a change of
 * the partitions followed or of their leaders, the loops are regrouped: new leaders get a loop,
 * loops left without partitions stop.
 *
 * Contract: created by the cluster wiring once the broker runs; stop() ends every loop.
 */
import type { Logger } from '../../common/logger.js';
import type { BrokerConfig } from '../../broker/config/broker-config.js';
import type { ReplicaManager } from '../../broker/replica/replica-manager.js';
import type { Partition } from '../../broker/replica/partition.js';
import type { BrokerConnections } from '../net/broker-connections.js';
import { FetchLoop } from './fetch-loop.js';

export class ReplicaFetchers {
  private readonly loops = new Map<number, FetchLoop>();
  private stopped = false;

  constructor(
    private readonly replicas: ReplicaManager,
    private readonly connections: BrokerConnections,
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.replicas.onFollowersChanged(() => this.regroup());
    this.regroup();
  }

  private regroup(): void {
    if (this.stopped) return;
    const byLeader = new Map<number, Partition[]>();
    for (const f of this.replicas.followed()) byLeader.set(f.leader, [...(byLeader.get(f.leader) ?? []), f.partition]);
    for (const [leader, loop] of this.loops) {
      if (byLeader.has(leader)) continue;
      loop.stop();
      this.loops.delete(leader);
    }
    for (const [leader, partitions] of byLeader) {
      let loop = this.loops.get(leader);
      if (!loop) {
        loop = new FetchLoop(this.connections, {
          nodeId: this.config.nodeId, leader,
          maxWaitMs: this.config.int('replica.fetch.wait.max.ms'),
          minBytes: this.config.int('replica.fetch.min.bytes'),
          maxBytes: this.config.int('replica.fetch.response.max.bytes'),
          partitionMaxBytes: this.config.int('replica.fetch.max.bytes'),
          backoffMs: this.config.int('replica.fetch.backoff.ms'),
          logger: this.logger,
        });
        this.loops.set(leader, loop);
        loop.setPartitions(partitions);
        loop.start();
      } else {
        loop.setPartitions(partitions);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const loop of this.loops.values()) loop.stop();
    this.loops.clear();
  }
}
