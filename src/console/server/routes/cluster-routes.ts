/**
 * Console API, cluster pages: who is signed in, and the overview (brokers, controller, topic and
 * partition counts, under-replicated and offline partitions, and this broker's traffic counters,
 * which the browser turns into rates between polls).
 */
import type { ApiRouter } from '../../../http/api-router.js';

export interface TrafficTotals {
  /** Record bytes produced to this broker. */
  bytesIn: number;
  /** Record bytes fetched from this broker by consumers. */
  bytesOut: number;
  /** Records produced to this broker. */
  messagesIn: number;
}

export interface ClusterRouteDeps {
  brokerId: number;
  traffic(): TrafficTotals;
  needsCredentials(): boolean;
}

export function addClusterRoutes(router: ApiRouter, deps: ClusterRouteDeps): void {
  router.add('GET', '/session', async ({ session }) => ({ user: session.user, signInRequired: deps.needsCredentials() }));

  router.add('GET', '/overview', async ({ session }) => {
    const md = await session.client.withRetries(() => session.client.refreshMetadata(null));
    let partitions = 0;
    let underReplicated = 0;
    let offline = 0;
    for (const t of md.topics.values()) {
      for (const p of t.partitions) {
        partitions++;
        if (p.leader < 0) offline++;
        else if (p.isr.length < p.replicas.length) underReplicated++;
      }
    }
    return {
      clusterId: md.clusterId,
      controllerId: md.controllerId,
      servedBy: deps.brokerId,
      brokers: [...md.brokers.values()].sort((a, b) => a.nodeId - b.nodeId).map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      topics: md.topics.size,
      partitions,
      underReplicated,
      offline,
      traffic: { at: Date.now(), ...deps.traffic() },
    };
  });
}
