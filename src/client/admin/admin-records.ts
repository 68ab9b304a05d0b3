/**
 * Admin partition and cluster operations: ListOffsets and DeleteRecords (one request per
 * partition leader) and DescribeCluster.
 *
 * Contract: stateless functions over the AdminContext (the caller's KafkaClient, never closed
 * here); the Admin class in admin.ts is the public face and delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import { byTopic, call, check, connectionTo, groupByLeader, settleItems, tpKey, type ItemOutcome, type TopicPartition } from './requests.js';
import type { OffsetSpec, ListOffsetsOptions, ListedOffset, RecordsToDelete, DeletedRecords, ClusterDescription } from './admin-types.js';
import { withMissing, type AdminContext } from './admin-helpers.js';

/**
 * The offset of each partition for the spec: earliest (log start), latest (high watermark, or
 * last stable offset under read_committed), the record with the largest timestamp, or the
 * first offset whose timestamp is at least `timestamp` (-1 when there is none). Returned as
 * topic -> partition -> offset.
 */
export async function listOffsets(ctx: AdminContext, partitions: readonly TopicPartition[], spec: OffsetSpec, options: ListOffsetsOptions = {}): Promise<Map<string, Map<number, ListedOffset>>> {
  const timestamp = specTimestamp(spec);
  const isolation = options.isolationLevel === 'read_committed' ? 1 : 0;
  const minVersion = spec === 'max-timestamp' ? 7 : isolation === 1 ? 2 : 1;
  type Outcome = ItemOutcome & { listed?: ListedOffset };
  const outcomes = await settleItems<TopicPartition, Outcome>(ctx.client, partitions, tpKey, async (pending) => {
    const { byLeader, failed } = await groupByLeader(ctx.client, pending);
    const out = new Map<string, Outcome>(failed);
    await Promise.all([...byLeader].map(async ([leader, parts]) => {
      const { response } = await call(ctx.client, leader, ApiKey.ListOffsets, 10, (v) => ({
        replicaId: -1,
        ...(v >= 2 ? { isolationLevel: isolation } : {}),
        topics: [...byTopic(parts)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, timestamp })) })),
      }), minVersion);
      for (const t of response.topics) {
        for (const p of t.partitions) {
          out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), {
            errorCode: p.errorCode,
            listed: { offset: Number(p.offset ?? -1n), timestamp: Number(p.timestamp ?? -1n), leaderEpoch: p.leaderEpoch ?? -1 },
          });
        }
      }
    }));
    return withMissing(out, pending.map(tpKey));
  });
  const result = new Map<string, Map<number, ListedOffset>>();
  for (const p of partitions) {
    const o = outcomes.get(tpKey(p));
    check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `list offsets of ${p.topic}-${p.partition}`, o?.errorMessage);
    let byPartition = result.get(p.topic);
    if (!byPartition) result.set(p.topic, (byPartition = new Map()));
    byPartition.set(p.partition, o!.listed!);
  }
  return result;
}

/** Deletes records before the given offsets; returns each partition's new low watermark. */
export async function deleteRecords(ctx: AdminContext, requests: readonly RecordsToDelete[], options: { timeoutMs?: number } = {}): Promise<DeletedRecords[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  type Outcome = ItemOutcome & { lowWatermark?: number };
  const outcomes = await settleItems<RecordsToDelete, Outcome>(ctx.client, requests, tpKey, async (pending) => {
    const { byLeader, failed } = await groupByLeader(ctx.client, pending);
    const out = new Map<string, Outcome>(failed);
    await Promise.all([...byLeader].map(async ([leader, parts]) => {
      const { response } = await call(ctx.client, leader, ApiKey.DeleteRecords, 2, () => ({
        topics: [...byTopic(parts)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: BigInt(p.offset) })) })),
        timeoutMs,
      }));
      for (const t of response.topics) {
        for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode, lowWatermark: Number(p.lowWatermark) });
      }
    }));
    return withMissing(out, pending.map(tpKey));
  });
  return requests.map((r) => {
    const o = outcomes.get(tpKey(r));
    check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `delete records of ${r.topic}-${r.partition}`, o?.errorMessage);
    return { topic: r.topic, partition: r.partition, lowWatermark: o!.lowWatermark ?? -1 };
  });
}

export async function describeCluster(ctx: AdminContext): Promise<ClusterDescription> {
  return ctx.client.withRetries(async () => {
    const conn = await connectionTo(ctx.client, 'any');
    const v = conn.version(ApiKey.DescribeCluster, 1);
    if (v !== undefined) {
      const response = await conn.request(ApiKey.DescribeCluster, { includeClusterAuthorizedOperations: false }, v);
      check(response.errorCode, 'describe cluster', response.errorMessage);
      return {
        clusterId: response.clusterId,
        controllerId: response.controllerId,
        brokers: response.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
      };
    }
    const md = await ctx.client.refreshMetadata([]);
    return {
      clusterId: md.clusterId,
      controllerId: md.controllerId,
      brokers: [...md.brokers.values()].map((b) => ({ ...b })).sort((a, b) => a.nodeId - b.nodeId),
    };
  });
}

function specTimestamp(spec: OffsetSpec): bigint {
  if (spec === 'earliest') return -2n;
  if (spec === 'latest') return -1n;
  if (spec === 'max-timestamp') return -3n;
  if (typeof spec === 'object' && Number.isInteger(spec.timestamp) && spec.timestamp >= 0) return BigInt(spec.timestamp);
  throw new ClientError('INVALID_ARGUMENT', `not an offset spec: ${JSON.stringify(spec)}`);
}
