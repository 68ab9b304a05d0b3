/**
 * Broker: assembles one broker from its configuration: storage (LogManager), the metadata store,
 * partitions, topic management, the handler registry and the network server; starts them in
 * order and stops them cleanly (no new requests, in-flight ones answered, logs flushed and
 * closed, clean-shutdown marker written).
 */
import { listenerSecurity } from './security/listener-security.js';
import { interBrokerListenerName, interBrokerSecurity } from './security/inter-broker-security.js';
import { reloadTlsOnChange } from './security/tls-reload.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import { metricSources } from './metrics/metric-sources.js';
import { ConsoleService } from '../console/server/console-service.js';
import { ClientSessions } from '../http/client-sessions.js';
import { RestApiService } from '../rest/rest-service.js';
import { ConsumerInstances } from '../rest/v2/consumer-instances.js';
import { Registry, schemaRegistry, schemasLog } from '../registry/index.js';
import { QueryService } from '../query/query-service.js';
import { KafkaClient } from '../client/kafka-client.js';
import type { HttpApp } from '../http/http-app.js';
import { HttpServer, parseHttpListeners, type ReadyState } from './http/http-server.js';
import { onFsync } from '../storage/fs/sync-slots.js';
import { Authorizer, authorizerSettings } from './security/acl/authorizer.js';
import { quotaManager } from './quota/quota-manager.js';
import { repeat, systemClock, type Clock, type Timer } from '../common/clock.js';
import { createLogger, type Logger } from '../common/logger.js';
import type { FileSystem } from '../storage/fs/file-system.js';
import { NodeFileSystem } from '../storage/fs/node-file-system.js';
import { LogManager } from '../storage/log-manager.js';
import type { BrokerConfig } from './config/broker-config.js';
import { DynamicConfigManager } from './config/dynamic-config-manager.js';
import { cleanerOffsetMapEntries, reconfigureOnChange } from './config/reconfiguration.js';
import { FetchSessionCache } from './fetch/fetch-session-cache.js';
import { buildHandlerRegistry } from './handlers/index.js';
import type { BrokerEndpoint, MetadataStore } from './metadata/metadata-store.js';
import { SELF_CONTROLLER, type ControllerChannel } from './metadata/controller-channel.js';
import { followMetadata } from './metadata/metadata-applier.js';
import type { MarkerChannel } from './txn/txn-markers.js';
import { BrokerServer, type BoundListener } from './net/broker-server.js';
import { ReplicaManager } from './replica/replica-manager.js';
import { isrUpdater } from './replica/isr-updater.js';
import type { BrokerServices } from './services.js';
import { TopicManager } from './topics/topic-manager.js';
import { ReassignmentManager } from './topics/reassignment-manager.js';
import { ReadBufferPool } from '../storage/read-buffer-pool.js';
import { groupCoordinatorFromConfig, transactionCoordinatorFromConfig } from './coordinator/coordinators-from-config.js';
import { ShareStateStore } from './group/share-groups/share-state-store.js';
import { GroupConfigs } from './group/group-configs.js';
import { SharePartitionManager } from './group/share-groups/share-partition-manager.js';
import { ProducerIdManager } from './producer/producer-id-manager.js';
import type { TransactionCoordinator } from './txn/transaction-coordinator.js';

export interface BrokerOptions {
  config: BrokerConfig;
  /** Opens the metadata store once the broker knows its advertised endpoint. */
  openMetadataStore: (fs: FileSystem, dataDir: string, self: BrokerEndpoint) => Promise<MetadataStore>;
  /** How requests reach the controller; without it this broker is its own controller. */
  controllerChannel?: (metadata: MetadataStore) => ControllerChannel;
  /** How transaction markers reach partition leaders on other brokers. */
  markerChannel?: (metadata: MetadataStore) => MarkerChannel;
  fs?: FileSystem;
  clock?: Clock;
  logger?: Logger;
}

export class Broker {
  private constructor(
    readonly services: BrokerServices,
    private readonly server: BrokerServer,
    readonly listeners: BoundListener[],
    private readonly isrCheck: Timer,
    /** The HTTP listener (/metrics, /health). */
    readonly http: HttpServer,
    private readonly stopping: () => void,
  ) {}

  static async start(o: BrokerOptions): Promise<Broker> {
    const started = Date.now();
    const server = new BrokerServer();
    try {
      return await Broker.assemble(o, server, started);
    } catch (e) {
      await server.shutdown(0);
      throw e;
    }
  }

  private static async assemble(o: BrokerOptions, server: BrokerServer, started: number): Promise<Broker> {
    const { config } = o;
    const fs = o.fs ?? new NodeFileSystem();
    const clock = o.clock ?? systemClock;
    const logger = o.logger ?? createLogger();
    const nodeId = config.nodeId;
    const secured = config.listeners().map((l) => ({ ...l, security: listenerSecurity(config, l.name) }));
    const listeners = await server.bind(secured);
    const advertisedAll = config.advertisedListeners().map((l) => ({
      name: l.name, host: l.host, port: l.port === 0 ? listeners.find((b) => b.name === l.name)?.boundPort ?? 0 : l.port,
    }));
    const interBroker = interBrokerListenerName(config);
    const advertised = advertisedAll.find((l) => l.name === interBroker) ?? advertisedAll[0]!;
    const self: BrokerEndpoint = {
      nodeId,
      host: advertised.host,
      port: advertised.port,
      rack: config.str('broker.rack'),
      listeners: advertisedAll,
    };
    const dataDirs = config.logDirs();
    const metadata = await o.openMetadataStore(fs, dataDirs[0]!, self);
    const dynamicConfig = new DynamicConfigManager(config, metadata, nodeId, logger);
    dynamicConfig.reload();
    const logs = new LogManager({
      fs,
      clock,
      dataDirs,
      configFor: (topic) => config.topicLogConfig(metadata.topic(topic)?.configs ?? {}),
      retentionCheckIntervalMs: config.int('log.retention.check.interval.ms'),
      checkpointIntervalMs: config.int('log.flush.offset.checkpoint.interval.ms'),
      producerIdExpirationMs: config.int('producer.id.expiration.ms'),
      cleaner: config.bool('log.cleaner.enable')
        ? { offsetMapEntries: cleanerOffsetMapEntries(config.int('log.cleaner.dedupe.buffer.size')), backoffMs: config.int('log.cleaner.backoff.ms') }
        : undefined,
      onLogError: (topic, partition, err) => logger.error({ err, topic, partition }, 'log error'),
    });
    const report = logs.startup();
    const replicas = new ReplicaManager(logs, config, nodeId, clock);
    const metrics = new BrokerMetrics();
    const updateIsr = isrUpdater(metadata, logger);
    replicas.setIsrProposal((p, isr, settled) => {
      if (isr.length < p.isr.length) metrics.isrShrinks.inc();
      else if (isr.length > p.isr.length) metrics.isrExpands.inc();
      updateIsr(p, isr, settled);
    });
    for (const t of metadata.topics()) replicas.addTopic(t);
    const stray = replicas.removeStrayLogs(metadata.topics());
    if (stray.length > 0) logger.info({ partitions: stray }, 'deleted the logs of partitions reassigned away from this broker');
    const isrCheck = repeat(clock, Math.max(50, Math.floor(config.int('replica.lag.time.max.ms') / 2)), () => replicas.shrinkIsrs());
    const controller = o.controllerChannel?.(metadata) ?? SELF_CONTROLLER;
    const topics = new TopicManager(metadata, config, controller);
    const reassignments = new ReassignmentManager(metadata, config, controller);
    reloadTlsOnChange(metadata, server, config, logger);
    reconfigureOnChange(dynamicConfig, { config, metadata, logs, replicas });
    const groups = groupCoordinatorFromConfig(config, { metadata, topics, replicas, clock, logger });
    const loaded = groups.load();
    groups.start();
    const producerIds = new ProducerIdManager(metadata);
    const transactions = transactionCoordinatorFromConfig(config, { metadata, topics, replicas, clock, logger, groups, producerIds, markers: o.markerChannel?.(metadata) });
    followMetadata({
      metadata, replicas, dynamicConfig, logger,
      onTopicDeleted: (name) => groups.topicDeleted(name),
      onLeadershipChanged: (t) => {
        if (t.name === groups.topicLog.name) groups.load();
        else if (t.name === transactions.topicLog.name) transactions.load();
      },
    });
    const txnLoaded = transactions.load();
    transactions.start();
    if (txnLoaded > 0) logger.info({ records: txnLoaded, transactionalIds: transactions.all().length }, 'transactions loaded');
    // the schema registry's log: read by the registry's HTTP API and by produce for topics that
    // validate schemas; nothing is read until one of them asks
    const schemas = schemasLog(() => KafkaClient.connect({
      bootstrap: [`${advertised.host}:${advertised.port}`], clientId: `gregor-registry-${nodeId}`, security: interBrokerSecurity(config),
    }));
    const groupConfigs = new GroupConfigs(config, metadata);
    const shareStates = new ShareStateStore(() => KafkaClient.connect({
      bootstrap: [`${advertised.host}:${advertised.port}`], clientId: `gregor-share-state-${nodeId}`, security: interBrokerSecurity(config),
    }), () => ({ partitions: config.int('share.coordinator.state.topic.num.partitions'), replicationFactor: config.int('share.coordinator.state.topic.replication.factor') }));
    const shares = new SharePartitionManager({
      clock, logger, store: shareStates,
      limits: (groupId) => ({
        lockDurationMs: groupConfigs.int(groupId, 'share.record.lock.duration.ms'),
        deliveryCountLimit: config.int('group.share.delivery.count.limit'),
        maxInFlight: config.int('group.share.partition.max.record.locks'),
      }),
      autoOffsetReset: (groupId) => (groupConfigs.text(groupId, 'share.auto.offset.reset') === 'earliest' ? 'earliest' : 'latest'),
    });
    groups.onShareMemberGone = (groupId, memberId) => shares.releaseMember(groupId, memberId);
    groups.onShareGroupDeleted = (groupId) => shares.deleteGroup(groupId);
    const shareEviction = repeat(clock, 60_000, () => void shares.evictIdle());
    const services: BrokerServices = {
      nodeId, config, dynamicConfig, clock, logger, metadata, logs, replicas, topics, reassignments, groups, shares, producerIds,
      authorizer: new Authorizer(() => authorizerSettings(config), () => metadata.acls()),
      quotas: quotaManager(metadata, config),
      metrics,
      transactions, transactionLog: transactions.topicLog,
      fetchSessions: new FetchSessionCache(clock),
      readBuffers: new ReadBufferPool(),
      handlers: buildHandlerRegistry(config.list('group.coordinator.rebalance.protocols') ?? []),
      schemaIds: config.bool('http.schema.registry.enable') ? schemas : undefined,
    };
    if (loaded > 0) logger.info({ records: loaded, groups: groups.all().length }, 'consumer groups loaded');
    metrics.attach(metricSources(services, server));
    const stopFsyncMetrics = onFsync((seconds) => metrics.fsync(seconds));
    let state: ReadyState = { ready: false, reason: 'starting' };
    const registry = new Registry(schemas);
    const sessions = new ClientSessions(listeners.map((l) => ({ listener: l.name, host: l.host, port: l.boundPort, security: secured.find((s) => s.name === l.name)!.security })));
    const consoleOn = config.bool('http.console.enable');
    const apps: HttpApp[] = [
      ...(consoleOn ? [new ConsoleService({ brokerId: nodeId, sessions, traffic: () => ({ ...metrics.totals }), registry: config.bool('http.schema.registry.enable') ? registry : undefined })] : []),
      ...(config.bool('http.rest.enable') ? [
        new RestApiService(sessions, config.bool('http.schema.registry.enable') ? registry : undefined),
        new ConsumerInstances(sessions, config.bool('http.schema.registry.enable') ? registry : undefined),
      ] : []),
      ...(config.bool('http.schema.registry.enable') ? [schemaRegistry(sessions, registry)] : []),
      new QueryService(sessions, config.bool('http.schema.registry.enable') ? registry : undefined, { nodeId, brokers: () => metadata.brokers() }),
    ];
    const http = new HttpServer(metrics, () => state, { apps, sessions, browserHome: consoleOn ? '/ui/' : undefined });
    await http.listen(parseHttpListeners(config.list('http.listeners') ?? []));
    const httpAt = http.bound[0];
    if (httpAt) self.http = `http://${httpAt.host === '0.0.0.0' || httpAt.host === '::' || httpAt.host === '' ? self.host : httpAt.host.includes(':') ? `[${httpAt.host}]` : httpAt.host}:${httpAt.port}`;
    server.serve(services);
    await metadata.register();
    state = { ready: true };
    logger.info(
      { nodeId, listeners: listeners.map((l) => `${l.name}://${l.host}:${l.boundPort}`), http: http.bound.map((e) => `http://${e.host}:${e.port}/`), dataDirs, clusterId: metadata.clusterId,
        logs: report.logsLoaded, cleanShutdown: report.cleanShutdown, startupMs: Date.now() - started },
      'Gregor broker started',
    );
    return new Broker(services, server, listeners, isrCheck, http, () => {
      state = { ready: false, reason: 'shutting down' };
      stopFsyncMetrics();
      void schemas.close();
      shareEviction.cancel();
      void shareStates.close();
    });
  }

  /** The port clients reach the first listener on. */
  /** Each live connection's listener, client address and principal. */
  sessions(): ReturnType<BrokerServer['sessions']> {
    return this.server.sessions();
  }

  get port(): number {
    return this.listeners[0]!.boundPort;
  }

  async stop(): Promise<void> {
    const { logger, logs } = this.services;
    logger.info('shutting down');
    this.stopping();
    this.isrCheck.cancel();
    await this.server.shutdown();
    this.services.groups.shutdown();
    (this.services.transactions as TransactionCoordinator | undefined)?.shutdown();
    const { appendedBytes, fsyncs } = logs.writeStats();
    logger.info({ appendedMiB: Math.round(appendedBytes / 1048576), fsyncs, kibPerFsync: fsyncs > 0 ? Math.round(appendedBytes / 1024 / fsyncs) : 0 }, 'storage totals since startup');
    // whatever fails (a log directory gone, etcd unreachable), everything else is still closed
    let failure: unknown;
    await logs.shutdown().catch((e: unknown) => void (failure = e));
    await this.services.metadata.close().catch((e: unknown) => void (failure ??= e));
    await this.http.close();
    if (failure !== undefined) throw failure;
    logger.info('shut down cleanly');
  }
}
