/**
 * Admin reassignment operations (KIP-455): start or cancel moving partitions' replicas to other
 * brokers (AlterPartitionReassignments) and list the moves in progress
 * (ListPartitionReassignments). Both go to the controller.
 *
 * Contract: stateless functions over the AdminContext; the Admin class delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { call, check, errorName, settleItems, tpKey, byTopic, type ItemOutcome, type TopicPartition } from './requests.js';
import { withMissing, type AdminContext } from './admin-helpers.js';
import type { OngoingReassignment, ReassignmentResult, ReplicaMove } from './admin-types.js';

/** Starts (replicas given) or cancels (replicas null) reassignments; per-partition outcomes. */
export async function alterPartitionReassignments(ctx: AdminContext, moves: readonly ReplicaMove[], options: { timeoutMs?: number } = {}): Promise<ReassignmentResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  const outcomes = await settleItems<ReplicaMove, ItemOutcome>(ctx.client, moves, tpKey, async (pending) => {
    const { response } = await call(ctx.client, 'controller', ApiKey.AlterPartitionReassignments, 0, () => ({
      timeoutMs,
      topics: [...byTopic(pending)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas === null ? null : [...p.replicas] })) })),
    }));
    check(response.errorCode, 'alter partition reassignments', response.errorMessage);
    const out = new Map<string, ItemOutcome>();
    for (const t of response.responses) {
      for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode, errorMessage: p.errorMessage ?? null });
    }
    return withMissing(out, pending.map(tpKey));
  });
  return moves.map((m) => {
    const o = outcomes.get(tpKey(m)) ?? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'no answer for the partition' };
    return { topic: m.topic, partition: m.partition, errorCode: o.errorCode, error: errorName(o.errorCode), errorMessage: o.errorMessage ?? null };
  });
}

/** The reassignments in progress: of `partitions`, or of every partition (null). */
export async function listPartitionReassignments(ctx: AdminContext, partitions: readonly TopicPartition[] | null = null): Promise<OngoingReassignment[]> {
  return ctx.client.withRetries(async () => {
    const { response } = await call(ctx.client, 'controller', ApiKey.ListPartitionReassignments, 0, () => ({
      timeoutMs: ctx.timeoutMs,
      topics: partitions === null ? null : [...byTopic(partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) })),
    }));
    check(response.errorCode, 'list partition reassignments', response.errorMessage);
    return response.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas,
    }))).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  });
}
