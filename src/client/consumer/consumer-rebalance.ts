/**
 * Rebalance handling: (re)joining the group through GroupMembership, applying the new
 * assignment (eager: revoke everything first; cooperative: revoke only what moved, then rejoin),
 * running the rebalance callbacks and leaving the group.
 *
 * Ownership contract: stateless functions over the ConsumerCore of one Consumer, called from
 * poll(), unsubscribe() and close() only (never concurrently with each other).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { sortTopicPartitions, tpKey, type RebalanceEvent } from './types.js';
import type { ConsumerCore } from './consumer-state.js';

export async function rejoin(core: ConsumerCore): Promise<void> {
  const membership = core.membership!;
  membership.stopHeartbeats();
  if (core.lostPending) {
    core.lostPending = false;
    await dropAll(core, 'lost');
  } else {
    if (membership.inGroup && core.options.enableAutoCommit) {
      await core.autoCommitting;
      await core.commitNow().catch(() => undefined);
    }
    if (core.lostPending) {
      // the commit found the member out of the group
      core.lostPending = false;
      await dropAll(core, 'lost');
    } else if (!core.cooperative) {
      await dropAll(core, 'revoked');
    }
  }
  core.needsJoin = false;
  const owned = core.cooperative ? core.assignment() : [];
  let joined;
  try {
    joined = await membership.join(core.subscription, owned, (topics) => topicCounts(core, topics), () => core.closed);
  } catch (e) {
    core.needsJoin = true;
    throw e;
  }
  membership.startHeartbeats();
  core.topicSnapshot = joined.topicSnapshot;
  core.nextSnapshotCheckAt = Date.now() + core.options.metadataMaxAgeMs;
  const next = new Map(joined.assignment.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
  const revoked = [...core.partitions.values()].filter((s) => !next.has(tpKey(s.topic, s.partition)));
  const added = [...next].filter(([key]) => !core.partitions.has(key)).map(([, tp]) => tp);
  for (const s of revoked) core.partitions.delete(tpKey(s.topic, s.partition));
  for (const tp of added) core.partitions.set(tpKey(tp.topic, tp.partition), core.newState(tp));
  let callbackError: unknown;
  if (revoked.length > 0) {
    await emitRebalance(core, { type: 'revoked', partitions: sortTopicPartitions(revoked), generation: joined.generation }).catch((e: unknown) => {
      callbackError = e;
    });
    // the revoked partitions can only go to their new owner in a follow-up rebalance
    if (core.cooperative) core.needsJoin = true;
  }
  await emitRebalance(core, { type: 'assigned', partitions: sortTopicPartitions(added), generation: joined.generation }).catch((e: unknown) => {
    callbackError ??= e;
  });
  core.wake();
  if (callbackError !== undefined) throw callbackError;
}

/** Drops the whole assignment, telling the application (revoked or lost) when it had any. */
export async function dropAll(core: ConsumerCore, type: 'revoked' | 'lost'): Promise<void> {
  const all = core.assignment();
  core.partitions.clear();
  if (all.length > 0) await emitRebalance(core, { type, partitions: all, generation: core.membership?.generation ?? -1 });
}

export async function emitRebalance(core: ConsumerCore, event: RebalanceEvent): Promise<void> {
  if (core.options.onRebalance) await core.options.onRebalance(event);
  core.events.emit('rebalance', event);
}

export async function leaveGroup(core: ConsumerCore, reason: string): Promise<void> {
  const membership = core.membership!;
  membership.stopHeartbeats();
  if (core.lostPending || !membership.inGroup) {
    core.lostPending = false;
    await dropAll(core, 'lost').catch(() => undefined);
  } else {
    if (core.options.enableAutoCommit) {
      await core.autoCommitting;
      await core.commitNow().catch(() => undefined);
    }
    await dropAll(core, 'revoked').catch(() => undefined);
  }
  await membership.leave(reason);
}

/** Partition counts of topics, for the leader's assignment. */
export async function topicCounts(core: ConsumerCore, topics: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (topics.length === 0) return counts;
  const md = await core.client.withRetries(() => core.client.refreshMetadata(topics, core.options.allowAutoTopicCreation));
  for (const t of topics) {
    const info = md.topics.get(t);
    if (info && info.errorCode === ErrorCode.NONE) counts.set(t, info.partitions.length);
  }
  return counts;
}
