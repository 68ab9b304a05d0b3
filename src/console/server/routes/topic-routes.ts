/**
 * Console API, topics: the list (partitions, replication, size on disk, end offsets for the
 * browser's message rate), one topic's partitions (leader, replicas, ISR, watermarks) and configs
 * with their source, and the changes: create, delete, add partitions, alter configs. Every call is
 * the matching Kafka request made as the signed-in user.
 */
import type { ConfigEntry, ConfigSourceName } from '../../../client/admin/index.js';
import type { ApiRouter } from '../../../http/api-router.js';
import { intField, stringField, stringMap } from '../../../http/fields.js';
import { badRequest, HttpError } from '../../../http/http-error.js';
import { offsetsOf, tpKey, watermarksOf } from '../partition-offsets.js';

/** Where a config value comes from, in the console's words. */
export function sourceLabel(source: ConfigSourceName): 'topic' | 'broker' | 'default' | 'other' {
  if (source === 'DYNAMIC_TOPIC_CONFIG') return 'topic';
  if (source === 'DEFAULT_CONFIG') return 'default';
  if (source === 'STATIC_BROKER_CONFIG' || source === 'DYNAMIC_BROKER_CONFIG' || source === 'DYNAMIC_DEFAULT_BROKER_CONFIG') return 'broker';
  return 'other';
}

function configView(e: ConfigEntry) {
  return { name: e.name, value: e.value, source: sourceLabel(e.source), kafkaSource: e.source, readOnly: e.readOnly, sensitive: e.sensitive, documentation: e.documentation };
}

export function addTopicRoutes(router: ApiRouter): void {
  router.add('GET', '/topics', async ({ session, query }) => {
    const md = await session.client.withRetries(() => session.client.refreshMetadata(null));
    const includeInternal = query.get('internal') !== 'false';
    const topics = [...md.topics.values()].filter((t) => t.errorCode === 0 && (includeInternal || !t.internal)).sort((a, b) => a.name.localeCompare(b.name));
    const partitions = topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    // sizes need DESCRIBE on the cluster and offsets DESCRIBE on each topic: show what may be seen
    const [sizes, ends] = await Promise.all([
      session.admin.describeLogDirs().catch(() => null),
      offsetsOf(session.admin, partitions, 'latest').catch(() => null),
    ]);
    return topics.map((t) => ({
      name: t.name,
      internal: t.internal,
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      underReplicated: t.partitions.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length).length,
      offline: t.partitions.filter((p) => p.leader < 0).length,
      sizeBytes: sizes ? sizes.filter((s) => s.topic === t.name).reduce((sum, s) => sum + s.size, 0) : null,
      endOffsets: ends ? t.partitions.reduce((sum, p) => sum + Math.max(0, ends.get(tpKey(t.name, p.partition)) ?? 0), 0) : null,
    }));
  });

  router.add('POST', '/topics', async ({ session, body }) => {
    const b = await body();
    const name = stringField(b, 'name').trim();
    const [result] = await session.admin.createTopics([{
      name,
      numPartitions: intField(b, 'partitions', 1, true),
      replicationFactor: intField(b, 'replicationFactor', 1, true),
      configs: stringMap(b, 'configs'),
    }], { returnErrors: true, validateOnly: b.validateOnly === true });
    if (!result || result.errorCode !== 0) {
      throw new HttpError(result?.error === 'TOPIC_ALREADY_EXISTS' ? 409 : result?.error?.endsWith('AUTHORIZATION_FAILED') ? 403 : 400,
        `cannot create ${name}: ${result?.error ?? 'no answer'}${result?.errorMessage ? ` (${result.errorMessage})` : ''}`, result?.error ?? undefined);
    }
    return { status: 201, body: { name, partitions: result.numPartitions, replicationFactor: result.replicationFactor, topicId: result.topicId } };
  });

  router.add('GET', '/topics/:topic', async ({ session, params }) => {
    const t = await session.client.withRetries(() => session.client.topic(params.topic!));
    const tps = t.partitions.map((p) => ({ topic: t.name, partition: p.partition }));
    const [marks, configs] = await Promise.all([
      watermarksOf(session.admin, tps),
      session.admin.describeConfigs([{ type: 'topic', name: t.name }], { includeDocumentation: true }),
    ]);
    return {
      name: t.name,
      topicId: t.topicId,
      internal: t.internal,
      partitions: t.partitions.map((p) => ({
        partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr,
        low: marks.low.get(tpKey(t.name, p.partition)) ?? null, high: marks.high.get(tpKey(t.name, p.partition)) ?? null,
      })),
      configs: (configs[0]?.entries ?? []).map(configView).sort((a, b) => a.name.localeCompare(b.name)),
    };
  });

  router.add('DELETE', '/topics/:topic', async ({ session, params }) => {
    const [r] = await session.admin.deleteTopics([params.topic!], { returnErrors: true });
    if (!r || r.errorCode !== 0) {
      throw new HttpError(r?.error === 'UNKNOWN_TOPIC_OR_PARTITION' ? 404 : r?.error?.endsWith('AUTHORIZATION_FAILED') ? 403 : 400,
        `cannot delete ${params.topic}: ${r?.error ?? 'no answer'}${r?.errorMessage ? ` (${r.errorMessage})` : ''}`, r?.error ?? undefined);
    }
    return { deleted: params.topic };
  });

  router.add('POST', '/topics/:topic/partitions', async ({ session, params, body }) => {
    const count = intField(await body(), 'count', 1);
    await session.admin.createPartitions(params.topic!, count);
    return { topic: params.topic, partitions: count };
  });

  router.add('PUT', '/topics/:topic/configs', async ({ session, params, body }) => {
    const b = await body();
    const set = stringMap(b, 'set');
    const remove = b.delete ?? [];
    if (!Array.isArray(remove) || remove.some((k) => typeof k !== 'string')) throw badRequest("'delete' must be a list of config names");
    const ops = [
      ...Object.entries(set).map(([name, value]) => ({ name, op: 'set' as const, value })),
      ...(remove as string[]).map((name) => ({ name, op: 'delete' as const })),
    ];
    if (ops.length === 0) throw badRequest("nothing to change: give 'set' and/or 'delete'");
    await session.admin.incrementalAlterConfigs('topic', params.topic!, ops, { validateOnly: b.validateOnly === true });
    return { topic: params.topic, changed: ops.map((o) => o.name) };
  });
}
