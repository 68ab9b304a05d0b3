/**
 * MetadataApplier: makes the broker follow its metadata view. Every change the store announces,
 * whoever made it (this broker, the controller, another broker), is applied here and nowhere
 * else: a new topic's partitions are opened where this broker leads them, a deleted topic's logs
 * and committed offsets go, changed configs reach the logs, leadership changes reach the
 * partitions (and the coordinators, for their internal topics), and changed dynamic broker configs
 * are laid over the static ones.
 *
 * Contract: runs on the event loop, in the order the store announces changes.
 */
import type { Logger } from '../../common/logger.js';
import type { DynamicConfigManager } from '../config/dynamic-config-manager.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { MetadataChange, MetadataStore, TopicMetadata } from './metadata-store.js';

export interface MetadataFollowers {
  metadata: MetadataStore;
  replicas: ReplicaManager;
  dynamicConfig?: DynamicConfigManager;
  logger: Logger;
  /** A topic was deleted (the group coordinator forgets its offsets). */
  onTopicDeleted?: (name: string) => Promise<void>;
  /** Partitions of a topic changed leader (the coordinators follow their internal topics). */
  onLeadershipChanged?: (topic: TopicMetadata) => void;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function followMetadata(f: MetadataFollowers): void {
  const fail = (what: string, name: string) => (err: unknown): void => f.logger.error({ err, topic: name }, what);
  f.metadata.onChange((c: MetadataChange) => {
    switch (c.kind) {
      case 'topic': {
        if (!c.after) {
          f.replicas.removeTopic(c.name).catch(fail('removing a deleted topic\'s logs failed', c.name));
          f.onTopicDeleted?.(c.name).catch(fail('forgetting a deleted topic\'s offsets failed', c.name));
          return;
        }
        if (!c.before) {
          f.replicas.addTopic(c.after);
          f.onLeadershipChanged?.(c.after);
          return;
        }
        if (!sameJson(c.before.configs, c.after.configs)) f.replicas.updateConfig(c.after);
        if (!sameJson(c.before.partitions, c.after.partitions)) {
          f.replicas.updateLeadership(c.after);
          f.onLeadershipChanged?.(c.after);
        }
        return;
      }
      case 'brokerConfigs':
        f.dynamicConfig?.reload();
        return;
      default:
    }
  });
}
