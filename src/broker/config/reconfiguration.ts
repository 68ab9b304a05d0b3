/**
 * What the broker does when dynamic settings change: topic defaults (log.retention.ms,
 * message.max.bytes, log.cleanup.policy, ...) are re-derived for every topic's logs at once; the
 * producer-id expiry and the cleaner's pause and key-map size apply from the next pass. Settings
 * without machinery in Gregor (thread pools, listeners) are stored and reported only.
 */
import type { LogManager } from '../../storage/log-manager.js';
import { TOPIC_CONFIG_DEFS } from '../../storage/log-config.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { BrokerConfig } from './broker-config.js';
import type { DynamicConfigManager } from './dynamic-config-manager.js';

const TOPIC_DEFAULT_SETTINGS = new Set(TOPIC_CONFIG_DEFS.flatMap((d) => d.serverSynonyms ?? []));

export interface Reconfigurable {
  config: BrokerConfig;
  metadata: MetadataStore;
  logs: LogManager;
  replicas: ReplicaManager;
}

/** Bytes per key the cleaner's offset map is sized with (log.cleaner.dedupe.buffer.size / 32). */
export function cleanerOffsetMapEntries(dedupeBufferSize: number): number {
  return Math.max(1024, Math.floor(dedupeBufferSize / 32));
}

export function reconfigureOnChange(dynamic: DynamicConfigManager, r: Reconfigurable): void {
  dynamic.onChange((changed) => {
    if ([...changed].some((n) => TOPIC_DEFAULT_SETTINGS.has(n))) {
      for (const topic of r.metadata.topics()) r.replicas.updateConfig(topic);
    }
    r.logs.reconfigure({
      producerIdExpirationMs: changed.has('producer.id.expiration.ms') ? r.config.int('producer.id.expiration.ms') : undefined,
      cleanerBackoffMs: changed.has('log.cleaner.backoff.ms') ? r.config.int('log.cleaner.backoff.ms') : undefined,
      cleanerOffsetMapEntries: changed.has('log.cleaner.dedupe.buffer.size') ? cleanerOffsetMapEntries(r.config.int('log.cleaner.dedupe.buffer.size')) : undefined,
    });
  });
}
