/**
 * Console API, consumer groups: the list with state, members and total lag; one group's members
 * with their assignments and each partition's committed offset, end offset and lag; resetting a
 * group's offsets (earliest, latest, a timestamp or an offset, as kafka-consumer-groups
 * --reset-offsets does, and like it only while the group has no active members); deleting a group.
 */
import type { Admin, GroupDescription, TopicPartition } from '../../../client/admin/index.js';
import type { ApiRouter } from '../../../http/api-router.js';
import { intField, oneOf, stringField } from '../../../http/fields.js';
import { badRequest, HttpError } from '../../../http/http-error.js';
import { offsetsOf, tpKey, watermarksOf } from '../partition-offsets.js';

interface PartitionLag {
  topic: string;
  partition: number;
  /** null when the group has committed nothing for the partition. */
  committed: number | null;
  end: number | null;
  lag: number | null;
  /** The member the partition is assigned to, if any. */
  memberId: string | null;
}

async function lagOf(admin: Admin, group: GroupDescription): Promise<PartitionLag[]> {
  const committed = await admin.fetchGroupOffsets(group.groupId);
  const owner = new Map<string, string>();
  for (const m of group.members) for (const [topic, ps] of Object.entries(m.assignment ?? {})) for (const p of ps) owner.set(tpKey(topic, p), m.memberId);
  const rows = new Map<string, TopicPartition & { committed: number | null }>();
  for (const o of committed) if (o.offset >= 0) rows.set(tpKey(o.topic, o.partition), { topic: o.topic, partition: o.partition, committed: o.offset });
  for (const m of group.members) for (const [topic, ps] of Object.entries(m.assignment ?? {})) for (const partition of ps) {
    if (!rows.has(tpKey(topic, partition))) rows.set(tpKey(topic, partition), { topic, partition, committed: null });
  }
  const list = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const ends = await offsetsOf(admin, list.map(({ topic, partition }) => ({ topic, partition })), 'latest').catch(() => new Map<string, number>());
  return list.map((r) => {
    const end = ends.get(tpKey(r.topic, r.partition)) ?? null;
    return { ...r, end, lag: end !== null && r.committed !== null ? Math.max(0, end - r.committed) : null, memberId: owner.get(tpKey(r.topic, r.partition)) ?? null };
  });
}

async function describeOne(admin: Admin, groupId: string): Promise<GroupDescription> {
  const [g] = await admin.describeGroups([groupId]);
  if (!g || g.state === 'Dead') throw new HttpError(404, `no group ${groupId}`, 'GROUP_ID_NOT_FOUND');
  return g;
}

const RESET_TO = ['earliest', 'latest', 'timestamp', 'offset'] as const;

export function addGroupRoutes(router: ApiRouter): void {
  router.add('GET', '/groups', async ({ session }) => {
    // share groups have no offsets or partitions of their own to show here
    const listed = (await session.admin.listGroups()).filter((g) => g.type !== 'share');
    const described = listed.length ? await session.admin.describeGroups(listed.map((g) => g.groupId)) : [];
    const types = new Map(listed.map((g) => [g.groupId, g.type ?? 'classic']));
    return Promise.all(described.map(async (g) => {
      const lag = await lagOf(session.admin, g).catch(() => null);
      return {
        groupId: g.groupId, type: types.get(g.groupId) ?? 'classic', state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.length,
        topics: lag ? [...new Set(lag.map((l) => l.topic))] : [],
        lag: lag ? lag.reduce((sum, l) => sum + (l.lag ?? 0), 0) : null,
      };
    }));
  });

  router.add('GET', '/groups/:group', async ({ session, params }) => {
    const g = await describeOne(session.admin, params.group!);
    return {
      groupId: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol,
      members: g.members.map((m) => ({
        memberId: m.memberId, instanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost,
        assignment: Object.entries(m.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions })),
      })),
      offsets: await lagOf(session.admin, g),
      at: Date.now(),
    };
  });

  router.add('POST', '/groups/:group/reset', async ({ session, params, body }) => {
    const b = await body();
    const to = oneOf(b.to as string | undefined, 'to', RESET_TO);
    const topicName = stringField(b, 'topic', true);
    const groupId = params.group!;
    const [g] = await session.admin.describeGroups([groupId]);
    if (g && g.state !== 'Empty' && g.state !== 'Dead') {
      throw new HttpError(409, `group ${groupId} is ${g.state} with ${g.members.length} member(s); stop its consumers first (offsets are reset only while a group is inactive, as kafka-consumer-groups requires)`, 'NON_EMPTY_GROUP');
    }
    let topics: string[];
    if (topicName) topics = [topicName];
    else {
      topics = [...new Set((await session.admin.fetchGroupOffsets(groupId)).filter((o) => o.offset >= 0).map((o) => o.topic))];
      if (topics.length === 0) throw badRequest(`group ${groupId} has no committed offsets; name the topic to reset`);
    }
    const tps: TopicPartition[] = [];
    for (const t of topics) {
      const info = await session.client.withRetries(() => session.client.topic(t));
      for (const p of info.partitions) tps.push({ topic: t, partition: p.partition });
    }
    const marks = await watermarksOf(session.admin, tps);
    let target: (tp: TopicPartition) => number;
    if (to === 'earliest') target = (tp) => marks.low.get(tpKey(tp.topic, tp.partition))!;
    else if (to === 'latest') target = (tp) => marks.high.get(tpKey(tp.topic, tp.partition))!;
    else if (to === 'offset') {
      const offset = intField(b, 'offset', 0);
      target = (tp) => Math.min(Math.max(offset, marks.low.get(tpKey(tp.topic, tp.partition))!), marks.high.get(tpKey(tp.topic, tp.partition))!);
    } else {
      const found = await offsetsOf(session.admin, tps, { timestamp: intField(b, 'timestamp', 0) });
      target = (tp) => {
        const o = found.get(tpKey(tp.topic, tp.partition)) ?? -1;
        return o >= 0 ? o : marks.high.get(tpKey(tp.topic, tp.partition))!;
      };
    }
    const offsets = tps.map((tp) => ({ ...tp, offset: target(tp) }));
    if (b.dryRun !== true) {
      const results = await session.admin.commitGroupOffsets(groupId, offsets);
      const failed = results.find((r) => r.errorCode !== 0);
      if (failed) throw new HttpError(failed.error?.endsWith('AUTHORIZATION_FAILED') ? 403 : 409, `cannot reset ${failed.topic}-${failed.partition} of ${groupId}: ${failed.error}`, failed.error ?? undefined);
    }
    return { groupId, offsets, dryRun: b.dryRun === true };
  });

  router.add('DELETE', '/groups/:group', async ({ session, params }) => {
    const [r] = await session.admin.deleteGroups([params.group!]);
    if (!r || r.errorCode !== 0) {
      const status = r?.error === 'NON_EMPTY_GROUP' ? 409 : r?.error === 'GROUP_ID_NOT_FOUND' ? 404 : r?.error?.endsWith('AUTHORIZATION_FAILED') ? 403 : 400;
      throw new HttpError(status, `cannot delete group ${params.group}: ${r?.error ?? 'no answer'}`, r?.error ?? undefined);
    }
    return { deleted: params.group };
  });
}
