/**
 * Admin group operations: list, describe and delete groups, and fetch, commit and delete
 * group offsets, each sent to the group's coordinator.
 *
 * Contract: stateless functions over the AdminContext (the caller's KafkaClient, never closed
 * here); the Admin class in admin.ts is the public face and delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import { decodeConsumerAssignment, decodeConsumerSubscription } from './consumer-protocol.js';
import { byTopic, call, check, errorName, isRetriable, settleItems, tpKey, type ItemOutcome, type TopicPartition } from './requests.js';
import type { GroupListing, GroupDescription, GroupResult, GroupOffset, OffsetToCommit, PartitionResult } from './admin-types.js';
import { withMissing, partitionResults, type AdminContext } from './admin-helpers.js';

/** The groups of every broker, sorted by id; `states` filters by state (ListGroups v4+). */
export async function listGroups(ctx: AdminContext, options: { states?: readonly string[]; types?: readonly string[] } = {}): Promise<GroupListing[]> {
  const md = await ctx.client.withRetries(() => ctx.client.refreshMetadata([]));
  const groups = new Map<string, GroupListing>();
  for (const nodeId of md.brokers.keys()) {
    const response = await ctx.client.withRetries(async () => {
      const { response: r } = await call(ctx.client, nodeId, ApiKey.ListGroups, 5, (v) => {
        if (options.states && v < 4) throw new ClientError('UNSUPPORTED', 'filtering groups by state needs ListGroups v4');
        if (options.types && v < 5) throw new ClientError('UNSUPPORTED', 'filtering groups by type needs ListGroups v5');
        return v >= 4 ? { statesFilter: options.states ? [...options.states] : [], ...(v >= 5 ? { typesFilter: options.types ? [...options.types] : [] } : {}) } : {};
      });
      check(r.errorCode, `list groups on broker ${nodeId}`);
      return r;
    });
    for (const g of response.groups) groups.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? null, type: g.groupType ?? null });
  }
  return [...groups.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

export async function describeGroups(ctx: AdminContext, groupIds: readonly string[]): Promise<GroupDescription[]> {
  type Outcome = ItemOutcome & { group?: GroupDescription };
  const outcomes = await settleItems<string, Outcome>(ctx.client, groupIds, (g) => g, async (pending) => {
    const out = new Map<string, Outcome>();
    for (const [nodeId, ids] of await byCoordinator(ctx, pending)) {
      const { response } = await call(ctx.client, nodeId, ApiKey.DescribeGroups, 5, (v) => ({
        groups: ids,
        ...(v >= 3 ? { includeAuthorizedOperations: false } : {}),
      }));
      for (const g of response.groups) {
        const consumer = g.protocolType === 'consumer';
        out.set(g.groupId, {
          errorCode: g.errorCode,
          group: {
            groupId: g.groupId,
            state: g.groupState,
            protocolType: g.protocolType,
            protocol: g.protocolData,
            members: g.members.map((m) => {
              const assignment = consumer ? decodeConsumerAssignment(m.memberAssignment) : null;
              const subscription = consumer ? decodeConsumerSubscription(m.memberMetadata) : null;
              return {
                memberId: m.memberId,
                groupInstanceId: m.groupInstanceId ?? null,
                clientId: m.clientId,
                clientHost: m.clientHost,
                assignment: consumer ? Object.fromEntries(assignment?.partitions ?? []) : null,
                subscription: subscription?.topics ?? null,
                memberMetadata: m.memberMetadata,
                memberAssignment: m.memberAssignment,
              };
            }),
          },
        });
      }
    }
    return withMissing(out, pending);
  });
  return groupIds.map((id) => {
    const o = outcomes.get(id);
    check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describe group ${id}`, o?.errorMessage);
    return o!.group!;
  });
}

/** Deletes (empty) groups; returns each group's error code (NONE when deleted). */
export async function deleteGroups(ctx: AdminContext, groupIds: readonly string[]): Promise<GroupResult[]> {
  const outcomes = await settleItems<string, ItemOutcome>(ctx.client, groupIds, (g) => g, async (pending) => {
    const out = new Map<string, ItemOutcome>();
    for (const [nodeId, ids] of await byCoordinator(ctx, pending)) {
      const { response } = await call(ctx.client, nodeId, ApiKey.DeleteGroups, 2, () => ({ groupsNames: ids }));
      for (const r of response.results) out.set(r.groupId, { errorCode: r.errorCode });
    }
    return withMissing(out, pending);
  });
  return groupIds.map((groupId) => {
    const code = outcomes.get(groupId)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return { groupId, errorCode: code, error: errorName(code) };
  });
}

/** The group's committed offsets: for `partitions`, or for every partition it has (null). */
export async function fetchGroupOffsets(ctx: AdminContext, groupId: string, partitions: readonly TopicPartition[] | null = null): Promise<GroupOffset[]> {
  const offsets = await ctx.client.withRetries(async () => {
    const nodeId = await ctx.client.coordinator(groupId);
    const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) }));
    const { version, response } = await call(ctx.client, nodeId, ApiKey.OffsetFetch, 9, (v) => {
      if (v >= 8) return { groups: [{ groupId, topics }] };
      if (topics === null && v < 2) throw new ClientError('UNSUPPORTED', 'fetching all offsets of a group needs OffsetFetch v2');
      return { groupId, topics };
    }, 1);
    const group = version >= 8 ? response.groups?.find((g) => g.groupId === groupId) : { errorCode: response.errorCode ?? 0, topics: response.topics ?? [] };
    if (!group) throw ClientError.kafka(ErrorCode.UNKNOWN_SERVER_ERROR, `offsets of group ${groupId}`, 'no result for the group');
    check(group.errorCode, `offsets of group ${groupId}`);
    const out: GroupOffset[] = [];
    for (const t of group.topics ?? []) {
      for (const p of t.partitions ?? []) {
        check(p.errorCode, `offset of group ${groupId} for ${t.name}-${p.partitionIndex}`);
        out.push({
          topic: t.name ?? '',
          partition: p.partitionIndex ?? -1,
          offset: Number(p.committedOffset ?? -1n),
          metadata: p.metadata ?? null,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
        });
      }
    }
    return out;
  });
  return offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * Commits offsets as a simple (group-less) consumer does: generation -1, no member id. Kafka
 * refuses this for a group with active members; each partition's outcome comes back with its
 * error code (NONE when committed).
 */
export async function commitGroupOffsets(ctx: AdminContext, groupId: string, offsets: readonly OffsetToCommit[]): Promise<PartitionResult[]> {
  const outcomes = await settleItems<OffsetToCommit, ItemOutcome>(ctx.client, offsets, tpKey, async (pending) => {
    const nodeId = await ctx.client.coordinator(groupId);
    const { response } = await call(ctx.client, nodeId, ApiKey.OffsetCommit, 9, (v) => ({
      groupId,
      // A simple consumer's commit: no generation, no member (fields of v1+).
      ...(v >= 1 ? { generationIdOrMemberEpoch: -1, memberId: '' } : {}),
      topics: [...byTopic(pending)].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({
          partitionIndex: p.partition,
          committedOffset: BigInt(p.offset),
          ...(v >= 6 && p.leaderEpoch !== undefined ? { committedLeaderEpoch: p.leaderEpoch } : {}),
          committedMetadata: p.metadata ?? '',
        })),
      })),
    }));
    const out = new Map<string, ItemOutcome>();
    for (const t of response.topics) for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode });
    return withMissing(out, pending.map(tpKey));
  });
  return partitionResults(offsets, outcomes);
}

/** Deletes the group's committed offsets of partitions (OffsetDelete); per-partition outcomes. */
export async function deleteGroupOffsets(ctx: AdminContext, groupId: string, partitions: readonly TopicPartition[]): Promise<PartitionResult[]> {
  const outcomes = await settleItems<TopicPartition, ItemOutcome>(ctx.client, partitions, tpKey, async (pending) => {
    const nodeId = await ctx.client.coordinator(groupId);
    const { response } = await call(ctx.client, nodeId, ApiKey.OffsetDelete, 0, () => ({
      groupId,
      topics: [...byTopic(pending)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition })) })),
    }));
    // A group-level error applies to every partition; retriable ones are retried, others thrown.
    if (response.errorCode !== ErrorCode.NONE) {
      if (isRetriable(response.errorCode)) return new Map(pending.map((p) => [tpKey(p), { errorCode: response.errorCode }]));
      throw ClientError.kafka(response.errorCode, `delete offsets of group ${groupId}`);
    }
    const out = new Map<string, ItemOutcome>();
    for (const t of response.topics) for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode });
    return withMissing(out, pending.map(tpKey));
  });
  return partitionResults(partitions, outcomes);
}

export async function byCoordinator(ctx: AdminContext, groupIds: readonly string[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const id of groupIds) {
    const nodeId = await ctx.client.coordinator(id);
    const list = out.get(nodeId);
    if (list) list.push(id);
    else out.set(nodeId, [id]);
  }
  return out;
}
