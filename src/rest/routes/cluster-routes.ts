/**
 * REST v3 clusters and brokers: the one cluster this broker belongs to, and its brokers.
 */
import type { ApiRouter } from '../../http/api-router.js';
import { HttpError } from '../../http/http-error.js';
import type { Links } from '../resources.js';
import type { RestRequest } from '../rest-request.js';

export function clusterData(links: Links, controllerId: number) {
  return links.resource('KafkaCluster', links.url(), links.crn(), {
    cluster_id: links.clusterId,
    ...(controllerId >= 0 ? { controller: links.related('brokers', controllerId) } : {}),
    acls: links.related('acls'),
    brokers: links.related('brokers'),
    broker_configs: links.related('broker-configs'),
    consumer_groups: links.related('consumer-groups'),
    topics: links.related('topics'),
    partition_reassignments: links.related('topics', '-', 'partitions', '-', 'reassignment'),
  });
}

function brokerData(links: Links, b: { nodeId: number; host: string; port: number; rack: string | null }) {
  return links.resource('KafkaBroker', links.url('brokers', b.nodeId), links.crn(['broker', b.nodeId]), {
    cluster_id: links.clusterId, broker_id: b.nodeId, host: b.host, port: b.port, rack: b.rack,
    configs: links.related('brokers', b.nodeId, 'configs'),
    partition_replicas: links.related('brokers', b.nodeId, 'partition-replicas'),
  });
}

export function addClusterRoutes(router: ApiRouter<RestRequest>): void {
  router.add('GET', '/clusters/:cluster', async ({ session, links }) => {
    const md = await session.client.withRetries(() => session.client.refreshMetadata([]));
    return clusterData(links, md.controllerId);
  }, 'The cluster');

  router.add('GET', '/clusters/:cluster/brokers', async ({ session, links }) => {
    const md = await session.client.withRetries(() => session.client.refreshMetadata([]));
    return links.list('KafkaBrokerList', links.url('brokers'), [...md.brokers.values()].sort((a, b) => a.nodeId - b.nodeId).map((b) => brokerData(links, b)));
  }, 'List brokers');

  router.add('GET', '/clusters/:cluster/brokers/:broker', async ({ session, links, params }) => {
    const md = await session.client.withRetries(() => session.client.refreshMetadata([]));
    const b = md.brokers.get(Number(params.broker));
    if (!/^\d+$/.test(params.broker!) || !b) throw new HttpError(404, `Broker ${params.broker} not found.`);
    return brokerData(links, b);
  }, 'One broker');
}
