/**
 * The metadata backend `gregor serve` starts a broker with, chosen by `metadata.store`:
 *   - embedded: the single-node store in the first data directory; the broker is its own
 *     controller;
 *   - etcd://host:port[,...]: the etcd store under `metadata.store.prefix`, requests for the
 *     controller forwarded over inter-broker connections, and a Controller that campaigns once the
 *     broker is up. The data directory's meta.properties must name the cluster etcd holds.
 */
import type { Logger } from '../common/logger.js';
import type { Broker, BrokerOptions } from '../broker/broker.js';
import type { BrokerConfig } from '../broker/config/broker-config.js';
import type { MetadataStore } from '../broker/metadata/metadata-store.js';
import { EmbeddedMetadataStore } from './embedded-metadata-store.js';
import type { EtcdMetadataStore } from './etcd/etcd-metadata-store.js';
import { checkNodeId, META_PROPERTIES, newClusterId, readMetaProperties, writeMetaProperties } from './meta-properties.js';
import { BrokerConnections } from './net/broker-connections.js';
import { interBrokerSecurity } from '../broker/security/inter-broker-security.js';
import { ForwardingChannel } from './controller/forwarding-channel.js';
import { WriteTxnMarkersChannel } from './net/marker-channel.js';
import { Controller } from './controller/controller.js';
import { ReplicaFetchers } from './replication/replica-fetchers.js';

export interface MetadataBackend {
  openMetadataStore: BrokerOptions['openMetadataStore'];
  controllerChannel?: BrokerOptions['controllerChannel'];
  markerChannel?: BrokerOptions['markerChannel'];
  /** Called once the broker serves and is registered. */
  started(broker: Broker): void;
  /** Called before the broker stops; resolves when the broker may stop. */
  stopping(): Promise<void>;
}

/** How long a stopping broker waits for its leaderships to move (controlled shutdown). */
const HANDOVER_TIMEOUT_MS = 10_000;

/**
 * Controlled shutdown: the broker leaves the election and withdraws its registration; the
 * controller then gives every partition it leads to another in-sync replica, as when a broker
 * dies but without waiting for a lease to lapse; the broker keeps serving (and replicating) until
 * it leads nothing another live in-sync replica could lead, or the timeout passes.
 */
async function controlledShutdown(store: EtcdMetadataStore, nodeId: number, timeoutMs: number, logger: Logger): Promise<void> {
  try {
    await store.withdraw();
    const handedOver = (): boolean => {
      const live = new Set(store.brokers().map((b) => b.nodeId));
      return store.topics().every((t) => t.partitions.every((p) => p.leader !== nodeId || !p.isr.some((r) => r !== nodeId && live.has(r))));
    };
    await store.waitFor(handedOver, timeoutMs);
    logger.info('controlled shutdown: leaderships handed over');
  } catch (e) {
    logger.warn({ err: (e as Error).message }, 'controlled shutdown did not complete; stopping anyway');
  }
}

export function etcdEndpoints(setting: string): string[] | undefined {
  if (!setting.startsWith('etcd://')) return undefined;
  return setting.slice('etcd://'.length).split(',').map((h) => `http://${h.trim()}`);
}

export function metadataBackend(config: BrokerConfig, logger: Logger): MetadataBackend {
  const endpoints = etcdEndpoints(config.str('metadata.store') ?? 'embedded');
  if (!endpoints) {
    return { openMetadataStore: (fs, dir, self) => EmbeddedMetadataStore.open(fs, dir, self), started: () => undefined, stopping: () => Promise.resolve() };
  }
  let store: EtcdMetadataStore | undefined;
  let connections: BrokerConnections | undefined;
  let controller: Controller | undefined;
  let fetchers: ReplicaFetchers | undefined;
  const timeoutMs = config.int('metadata.store.request.timeout.ms');
  // checked at start: a secured inter-broker listener without credentials is a configuration error
  const security = interBrokerSecurity(config);
  const connectionsOf = (metadata: MetadataStore): BrokerConnections => {
    connections ??= new BrokerConnections(metadata, {
      clientId: `gregor-broker-${config.nodeId}`, connectTimeoutMs: timeoutMs, requestTimeoutMs: config.int('replica.socket.timeout.ms'), security,
    });
    return connections;
  };
  return {
    async openMetadataStore(fs, dir, self): Promise<MetadataStore> {
      const meta = readMetaProperties(fs, dir);
      checkNodeId(meta, dir, self.nodeId);
      // loaded only for a cluster: the etcd client brings gRPC and its schema parser
      const { EtcdMetadataStore: Store } = await import('./etcd/etcd-metadata-store.js');
      store = await Store.open({
        endpoints, prefix: config.str('metadata.store.prefix')!, self, proposedClusterId: meta?.clusterId ?? newClusterId(),
        sessionTimeoutMs: config.int('broker.session.timeout.ms'), requestTimeoutMs: timeoutMs, logger,
      });
      if (meta?.clusterId !== undefined && meta.clusterId !== store.clusterId) {
        await store.close();
        throw new Error(`${dir}/${META_PROPERTIES} belongs to cluster ${meta.clusterId}, but etcd (${config.str('metadata.store.prefix')}) holds cluster ${store.clusterId}`);
      }
      if (!meta) await writeMetaProperties(fs, dir, store.clusterId, self.nodeId);
      return store;
    },
    controllerChannel(metadata) {
      return new ForwardingChannel(metadata, config.nodeId, connectionsOf(metadata), timeoutMs);
    },
    markerChannel(metadata) {
      return new WriteTxnMarkersChannel(connectionsOf(metadata));
    },
    started(broker) {
      if (!store) return;
      controller = new Controller(store, store.election, config, logger);
      controller.start();
      fetchers = new ReplicaFetchers(broker.services.replicas, connectionsOf(store), config, logger);
      fetchers.start();
    },
    async stopping() {
      controller?.stop();
      if (store && config.bool('controlled.shutdown.enable')) await controlledShutdown(store, config.nodeId, HANDOVER_TIMEOUT_MS, logger);
      fetchers?.stop();
      connections?.closeAll();
    },
  };
}
