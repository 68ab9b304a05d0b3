/**
 * REST v3 consumer groups: the list, one group, its consumers and their assignments, lag per
 * partition and the lag summary (the partition furthest behind and the total).
 */
import type { Admin, GroupDescription } from '../../client/admin/index.js';
import type { ApiRouter } from '../../http/api-router.js';
import { HttpError } from '../../http/http-error.js';
import type { Links } from '../resources.js';
import type { RestRequest } from '../rest-request.js';

/** Kafka's group states in REST Proxy's spelling (PreparingRebalance → PREPARING_REBALANCE). */
export function restState(state: string): string {
  return state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() || 'UNKNOWN';
}

function groupData(links: Links, g: GroupDescription, coordinator: number) {
  const id = g.groupId;
  return links.resource('KafkaConsumerGroup', links.url('consumer-groups', id), links.crn(['consumer-group', id]), {
    cluster_id: links.clusterId, consumer_group_id: id, is_simple: g.protocolType === '', partition_assignor: g.protocol,
    state: restState(g.state), type: 'CLASSIC', is_mixed_consumer_group: false,
    coordinator: links.related('brokers', coordinator),
    consumers: links.related('consumer-groups', id, 'consumers'),
    lag_summary: links.related('consumer-groups', id, 'lag-summary'),
  });
}

async function groupOr404(admin: Admin, id: string): Promise<GroupDescription> {
  const [g] = await admin.describeGroups([id]);
  if (!g || g.state === 'Dead') throw new HttpError(404, `Consumer group ${id} cannot be found.`);
  return g;
}

interface Lag { topic: string; partition: number; current: number; end: number; lag: number; memberId: string; instanceId: string | null; clientId: string }

async function lagsOf(admin: Admin, g: GroupDescription): Promise<Lag[]> {
  const committed = (await admin.fetchGroupOffsets(g.groupId)).filter((o) => o.offset >= 0);
  if (committed.length === 0) return [];
  const ends = await admin.listOffsets(committed.map(({ topic, partition }) => ({ topic, partition })), 'latest');
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of g.members) for (const [t, ps] of Object.entries(m.assignment ?? {})) for (const p of ps) owner.set(`${t}\u0000${p}`, m);
  return committed.map((o) => {
    const end = ends.get(o.topic)?.get(o.partition)?.offset ?? o.offset;
    const m = owner.get(`${o.topic}\u0000${o.partition}`);
    return { topic: o.topic, partition: o.partition, current: o.offset, end, lag: Math.max(0, end - o.offset), memberId: m?.memberId ?? '', instanceId: m?.groupInstanceId ?? null, clientId: m?.clientId ?? '' };
  }).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

function lagData(links: Links, group: string, l: Lag) {
  return links.resource('KafkaConsumerLag', links.url('consumer-groups', group, 'lags', l.topic, 'partitions', l.partition),
    links.crn(['consumer-group', group], ['lag', l.topic], ['partition', l.partition]), {
      cluster_id: links.clusterId, consumer_group_id: group, topic_name: l.topic, partition_id: l.partition,
      current_offset: l.current, log_end_offset: l.end, lag: l.lag, consumer_id: l.memberId, instance_id: l.instanceId, client_id: l.clientId,
    });
}

export function addGroupRoutes(router: ApiRouter<RestRequest>): void {
  router.add('GET', '/clusters/:cluster/consumer-groups', async ({ session, links }) => {
    // share groups have no offsets or partitions of their own to show here
    const listed = (await session.admin.listGroups()).filter((g) => g.type !== 'share');
    const described = listed.length ? await session.admin.describeGroups(listed.map((g) => g.groupId)) : [];
    const coordinators = await Promise.all(described.map((g) => session.client.coordinator(g.groupId)));
    return links.list('KafkaConsumerGroupList', links.url('consumer-groups'), described.map((g, i) => groupData(links, g, coordinators[i]!)));
  }, 'List consumer groups');

  router.add('GET', '/clusters/:cluster/consumer-groups/:group', async ({ session, links, params }) => {
    const g = await groupOr404(session.admin, params.group!);
    return groupData(links, g, await session.client.coordinator(g.groupId));
  }, 'One consumer group');

  router.add('GET', '/clusters/:cluster/consumer-groups/:group/consumers', async ({ session, links, params }) => {
    const g = await groupOr404(session.admin, params.group!);
    return links.list('KafkaConsumerList', links.url('consumer-groups', g.groupId, 'consumers'), g.members.map((m) => links.resource('KafkaConsumer',
      links.url('consumer-groups', g.groupId, 'consumers', m.memberId), links.crn(['consumer-group', g.groupId], ['consumer', m.memberId]), {
        cluster_id: links.clusterId, consumer_group_id: g.groupId, consumer_id: m.memberId, instance_id: m.groupInstanceId, client_id: m.clientId,
        assignments: links.related('consumer-groups', g.groupId, 'consumers', m.memberId, 'assignments'),
      })));
  }, "A group's consumers");

  router.add('GET', '/clusters/:cluster/consumer-groups/:group/consumers/:consumer/assignments', async ({ session, links, params }) => {
    const g = await groupOr404(session.admin, params.group!);
    const m = g.members.find((x) => x.memberId === params.consumer);
    if (!m) throw new HttpError(404, `Consumer ${params.consumer} cannot be found.`);
    const rows = Object.entries(m.assignment ?? {}).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
    return links.list('KafkaConsumerAssignmentList', links.url('consumer-groups', g.groupId, 'consumers', m.memberId, 'assignments'), rows.map((r) => links.resource('KafkaConsumerAssignment',
      links.url('consumer-groups', g.groupId, 'consumers', m.memberId, 'assignments', r.topic, 'partitions', r.partition),
      links.crn(['consumer-group', g.groupId], ['consumer', m.memberId], ['assignment', r.topic], ['partition', r.partition]), {
        cluster_id: links.clusterId, consumer_group_id: g.groupId, consumer_id: m.memberId, topic_name: r.topic, partition_id: r.partition,
        partition: links.related('topics', r.topic, 'partitions', r.partition), lag: links.related('consumer-groups', g.groupId, 'lags', r.topic, 'partitions', r.partition),
      })));
  }, "A consumer's assigned partitions");

  router.add('GET', '/clusters/:cluster/consumer-groups/:group/lags', async ({ session, links, params }) => {
    const g = await groupOr404(session.admin, params.group!);
    return links.list('KafkaConsumerLagList', links.url('consumer-groups', g.groupId, 'lags'), (await lagsOf(session.admin, g)).map((l) => lagData(links, g.groupId, l)));
  }, "A group's lag per partition");

  router.add('GET', '/clusters/:cluster/consumer-groups/:group/lags/:topic/partitions/:partition', async ({ session, links, params }) => {
    const g = await groupOr404(session.admin, params.group!);
    const l = (await lagsOf(session.admin, g)).find((x) => x.topic === params.topic && String(x.partition) === params.partition);
    if (!l) throw new HttpError(404, `Consumer lag for ${params.topic}-${params.partition} in group ${g.groupId} cannot be found.`);
    return lagData(links, g.groupId, l);
  }, "A group's lag on one partition");

  router.add('GET', '/clusters/:cluster/consumer-groups/:group/lag-summary', async ({ session, links, params }) => {
    const g = await groupOr404(session.admin, params.group!);
    const lags = await lagsOf(session.admin, g);
    if (lags.length === 0) throw new HttpError(404, `Consumer group ${g.groupId} has no committed offsets.`);
    const max = lags.reduce((a, b) => (b.lag > a.lag ? b : a));
    return links.resource('KafkaConsumerGroupLagSummary', links.url('consumer-groups', g.groupId, 'lag-summary'), links.crn(['consumer-group', g.groupId], ['lag-summary', '']), {
      cluster_id: links.clusterId, consumer_group_id: g.groupId, max_lag_consumer_id: max.memberId, max_lag_instance_id: max.instanceId,
      max_lag_client_id: max.clientId, max_lag_topic_name: max.topic, max_lag_partition_id: max.partition, max_lag: max.lag,
      total_lag: lags.reduce((s, l) => s + l.lag, 0),
      max_lag_consumer: links.related('consumer-groups', g.groupId, 'consumers', max.memberId),
      max_lag_partition: links.related('topics', max.topic, 'partitions', max.partition),
    });
  }, "A group's total lag and the partition furthest behind");
}
