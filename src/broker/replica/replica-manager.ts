/**
 * ReplicaManager: the partitions this broker holds, by topic and index, created from the
 * metadata at startup and as topics are created, removed as topics are deleted.
 *
 * Contract: the single owner of the Partition objects; handlers look partitions up here.
 */
import type { LogManager } from '../../storage/log-manager.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { TopicMetadata } from '../metadata/metadata-store.js';
import { Partition } from './partition.js';

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition[]>();

  constructor(
    private readonly logs: LogManager,
    private readonly config: BrokerConfig,
    private readonly nodeId: number,
  ) {}

  /** Opens the logs of every partition of `topic` that this broker leads. */
  addTopic(topic: TopicMetadata): void {
    const list = this.partitions.get(topic.name) ?? [];
    const logConfig = this.config.topicLogConfig(topic.configs);
    for (const p of topic.partitions) {
      if (list[p.partition] || p.leader !== this.nodeId) continue;
      const log = this.logs.getOrCreate(topic.name, p.partition);
      log.config = logConfig;
      list[p.partition] = new Partition(topic.name, p.partition, topic.topicId, log, p.leaderEpoch);
    }
    this.partitions.set(topic.name, list);
  }

  async removeTopic(name: string): Promise<void> {
    const list = this.partitions.get(name) ?? [];
    this.partitions.delete(name);
    for (const p of list) {
      if (!p) continue;
      p.notifyWaiters();
      await this.logs.delete(name, p.index);
    }
  }

  /**
   * Applies new leaders and leader epochs of a topic: partitions this broker now leads are opened,
   * those it keeps get their new epoch, those it no longer leads stop being served here.
   */
  updateLeadership(topic: TopicMetadata): void {
    const list = this.partitions.get(topic.name) ?? [];
    for (const p of topic.partitions) {
      const held = list[p.partition];
      if (p.leader !== this.nodeId) {
        if (held) {
          held.notifyWaiters();
          delete list[p.partition];
        }
      } else if (held) {
        held.leaderEpoch = p.leaderEpoch;
      }
    }
    this.partitions.set(topic.name, list);
    this.addTopic(topic);
  }

  /** Applies changed topic configuration to the topic's logs. */
  updateConfig(topic: TopicMetadata): void {
    this.logs.updateConfig(topic.name, this.config.topicLogConfig(topic.configs));
  }

  get(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(topic)?.[partition];
  }

  partitionsOf(topic: string): Partition[] {
    return (this.partitions.get(topic) ?? []).filter((p): p is Partition => p !== undefined);
  }
}
