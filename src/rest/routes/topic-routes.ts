/**
 * REST v3 topics and partitions: list, create (partitions, replication factor, explicit replica
 * assignments, configs, validate_only), get, delete, raise the partition count (PATCH), and each
 * partition with its leader and replicas.
 */
import type { TopicInfo } from '../../client/kafka-client.js';
import type { ApiRouter } from '../../http/api-router.js';
import { intField, stringField } from '../../http/fields.js';
import { badRequest, HttpError } from '../../http/http-error.js';
import type { Links } from '../resources.js';
import type { RestRequest } from '../rest-request.js';

function topicData(links: Links, t: TopicInfo) {
  return links.resource('KafkaTopic', links.url('topics', t.name), links.crn(['topic', t.name]), {
    cluster_id: links.clusterId,
    topic_name: t.name,
    is_internal: t.internal,
    replication_factor: t.partitions[0]?.replicas.length ?? 0,
    partitions_count: t.partitions.length,
    partitions: links.related('topics', t.name, 'partitions'),
    configs: links.related('topics', t.name, 'configs'),
    partition_reassignments: links.related('topics', t.name, 'partitions', '-', 'reassignment'),
  });
}

function partitionData(links: Links, topic: string, p: TopicInfo['partitions'][number]) {
  return links.resource('KafkaPartition', links.url('topics', topic, 'partitions', p.partition), links.crn(['topic', topic], ['partition', p.partition]), {
    cluster_id: links.clusterId, topic_name: topic, partition_id: p.partition,
    ...(p.leader >= 0 ? { leader: links.related('topics', topic, 'partitions', p.partition, 'replicas', p.leader) } : {}),
    replicas: links.related('topics', topic, 'partitions', p.partition, 'replicas'),
    reassignment: links.related('topics', topic, 'partitions', p.partition, 'reassignment'),
  });
}

/** The topic, or 404 in REST Proxy's words. */
export async function topicOr404(req: RestRequest, name: string): Promise<TopicInfo> {
  try {
    return await req.session.client.withRetries(() => req.session.client.topic(name));
  } catch (e) {
    if (e instanceof Error && /UNKNOWN_TOPIC_OR_PARTITION/.test(e.message)) throw new HttpError(404, `This server does not host this topic-partition.`, 'UNKNOWN_TOPIC_OR_PARTITION');
    throw e;
  }
}

function configsOf(body: Record<string, unknown>): Record<string, string | null> {
  const v = body.configs;
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v)) throw badRequest("'configs' must be a list of {name, value}");
  const out: Record<string, string | null> = {};
  for (const [i, c] of v.entries()) {
    const { name, value } = (c ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || name === '') throw badRequest(`configs[${i}] needs a 'name'`);
    if (value !== null && value !== undefined && typeof value !== 'string') throw badRequest(`configs[${i}].value must be a string or null`);
    out[name] = (value as string | null | undefined) ?? null;
  }
  return out;
}

export function addTopicRoutes(router: ApiRouter<RestRequest>): void {
  router.add('GET', '/clusters/:cluster/topics', async ({ session, links }) => {
    const md = await session.client.withRetries(() => session.client.refreshMetadata(null));
    const topics = [...md.topics.values()].filter((t) => t.errorCode === 0).sort((a, b) => a.name.localeCompare(b.name));
    return links.list('KafkaTopicList', links.url('topics'), topics.map((t) => topicData(links, t)));
  }, 'List topics');

  router.add('POST', '/clusters/:cluster/topics', async (req) => {
    const b = await req.body();
    const name = stringField(b, 'topic_name');
    const assignments = b.replicas_assignments;
    if (assignments !== undefined && assignments !== null && (typeof assignments !== 'object' || Array.isArray(assignments))) throw badRequest("'replicas_assignments' must map partition ids to lists of broker ids");
    const [result] = await req.session.admin.createTopics([{
      name,
      numPartitions: intField(b, 'partitions_count', 1, true),
      replicationFactor: intField(b, 'replication_factor', 1, true),
      configs: configsOf(b),
      ...(assignments ? { replicaAssignments: Object.fromEntries(Object.entries(assignments as Record<string, unknown>).map(([p, r]) => {
        if (!/^\d+$/.test(p) || !Array.isArray(r) || r.some((x) => !Number.isInteger(x))) throw badRequest(`replicas_assignments.${p} must be a list of broker ids`);
        return [p, r as number[]];
      })) } : {}),
    }], { returnErrors: true, validateOnly: b.validate_only === true });
    if (!result || result.errorCode !== 0) throw new HttpError(400, result?.errorMessage ?? `Topic '${name}' could not be created: ${result?.error}`, result?.error ?? 'UNKNOWN_SERVER_ERROR');
    if (b.validate_only === true) {
      return { status: 201, body: req.links.resource('KafkaTopic', req.links.url('topics', name), req.links.crn(['topic', name]), { cluster_id: req.links.clusterId, topic_name: name, is_internal: false, replication_factor: result.replicationFactor ?? 0, partitions_count: result.numPartitions ?? 0 }) };
    }
    const t = await topicOr404(req, name);
    return { status: 201, body: topicData(req.links, t) };
  }, 'Create a topic');

  router.add('GET', '/clusters/:cluster/topics/:topic', async (req) => topicData(req.links, await topicOr404(req, req.params.topic!)), 'One topic');

  router.add('PATCH', '/clusters/:cluster/topics/:topic', async (req) => {
    const count = intField(await req.body(), 'partitions_count', 1);
    const before = await topicOr404(req, req.params.topic!);
    if (count <= before.partitions.length) throw new HttpError(400, `Topic already has ${before.partitions.length} partitions.`, 'INVALID_PARTITIONS');
    await req.session.admin.createPartitions(before.name, count);
    await req.session.client.refreshMetadata([before.name]);
    return topicData(req.links, await topicOr404(req, before.name));
  }, 'Raise the partition count');

  router.add('DELETE', '/clusters/:cluster/topics/:topic', async (req) => {
    const [r] = await req.session.admin.deleteTopics([req.params.topic!], { returnErrors: true });
    if (r?.error === 'UNKNOWN_TOPIC_OR_PARTITION') throw new HttpError(404, 'This server does not host this topic-partition.', 'UNKNOWN_TOPIC_OR_PARTITION');
    if (!r || r.errorCode !== 0) throw new HttpError(400, r?.errorMessage ?? `cannot delete ${req.params.topic}: ${r?.error}`, r?.error ?? 'UNKNOWN_SERVER_ERROR');
    return { status: 204, body: undefined };
  }, 'Delete a topic');

  router.add('GET', '/clusters/:cluster/topics/:topic/partitions', async (req) => {
    const t = await topicOr404(req, req.params.topic!);
    return req.links.list('KafkaPartitionList', req.links.url('topics', t.name, 'partitions'), t.partitions.map((p) => partitionData(req.links, t.name, p)));
  }, 'List partitions');

  router.add('GET', '/clusters/:cluster/topics/:topic/partitions/:partition', async (req) => {
    const t = await topicOr404(req, req.params.topic!);
    const p = t.partitions.find((x) => String(x.partition) === req.params.partition);
    if (!p) throw new HttpError(404, 'This server does not host this topic-partition.', 'UNKNOWN_TOPIC_OR_PARTITION');
    return partitionData(req.links, t.name, p);
  }, 'One partition');

  router.add('GET', '/clusters/:cluster/topics/:topic/partitions/:partition/replicas', async (req) => {
    const t = await topicOr404(req, req.params.topic!);
    const p = t.partitions.find((x) => String(x.partition) === req.params.partition);
    if (!p) throw new HttpError(404, 'This server does not host this topic-partition.', 'UNKNOWN_TOPIC_OR_PARTITION');
    const l = req.links;
    return l.list('KafkaReplicaList', l.url('topics', t.name, 'partitions', p.partition, 'replicas'), p.replicas.map((b) => l.resource('KafkaReplica',
      l.url('topics', t.name, 'partitions', p.partition, 'replicas', b), l.crn(['topic', t.name], ['partition', p.partition], ['replica', b]),
      { cluster_id: l.clusterId, topic_name: t.name, partition_id: p.partition, broker_id: b, is_leader: b === p.leader, is_in_sync: p.isr.includes(b), broker: l.related('brokers', b) })));
  }, 'Replicas of a partition');
}
