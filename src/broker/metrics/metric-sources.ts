/**
 * What the scrape-time metrics read from a broker's services: partitions and their logs, open
 * connections, coordinated groups with their committed offsets, and whether this broker is the
 * controller.
 */
import type { BrokerServices } from '../services.js';
import type { BrokerServer } from '../net/broker-server.js';
import type { MetricSources } from './broker-metrics.js';

export function metricSources(services: BrokerServices, server: BrokerServer): MetricSources {
  return {
    partitions: () => services.replicas.all().map((p) => ({
      topic: p.topic,
      partition: p.index,
      leader: p.isLeader,
      underReplicated: p.isLeader && p.isr.length < p.replicas.length,
      offline: p.log.isOffline,
      sizeBytes: p.log.isOffline ? 0 : p.log.sizeInBytes,
      segments: p.log.isOffline ? 0 : p.log.segmentCount,
      highWatermark: p.log.isOffline ? 0 : p.highWatermark,
      logStartOffset: p.log.isOffline ? 0 : p.log.logStartOffset,
      waitingCommits: p.waitingCommits,
      waitingFetches: p.waitingFetches,
    })),
    connections: () => server.sessions().map((s) => ({ listener: s.listener })),
    groups: () => services.groups.all().map((g) => ({
      groupId: g.groupId,
      state: g.state,
      offsets: [...g.offsets.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
    })),
    isController: () => services.metadata.controllerId() === services.nodeId,
  };
}
