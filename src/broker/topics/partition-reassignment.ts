/**
 * Moving a partition's replicas between brokers (KIP-455, as Kafka's KRaft controller does it),
 * as pure functions over PartitionMetadata:
 *
 *   start:    the target replicas are checked like a manual assignment; replicas in the target but
 *             not in the partition are `addingReplicas`, replicas in the partition but not in the
 *             target are `removingReplicas`, and `replicas` becomes the target followed by the
 *             removing ones. The new replicas fetch from the leader like any follower and join the
 *             ISR once caught up. A new target replaces a reassignment in progress (replicas that
 *             were being added and are not in the new target are removed again).
 *   complete: as soon as every target replica is in the ISR, `replicas` becomes the target, the
 *             ISR loses the removed replicas, and a leader outside the target hands over to the
 *             first live in-sync target replica (a new leader epoch). Run by the controller after
 *             each ISR change, and at once by `start` when the target is already in sync.
 *   cancel:   the adding replicas are dropped (from replicas and ISR) and the partition is back on
 *             its original brokers; if that would leave no in-sync replica it needs an unclean
 *             election, refused unless the topic allows one.
 *
 * Every change raises the partition epoch, so it lands only on the partition state it was
 * computed from (the store's compare-and-set).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { PartitionMetadata } from '../metadata/metadata-store.js';
import { manualAssignmentProblem, type AssignmentProblem } from './replica-assignment.js';

export function isReassigning(p: PartitionMetadata): boolean {
  return (p.addingReplicas?.length ?? 0) > 0 || (p.removingReplicas?.length ?? 0) > 0;
}

/** The replicas the partition ends up with: `replicas` without the ones being removed. */
export function targetReplicas(p: PartitionMetadata): number[] {
  const removing = p.removingReplicas ?? [];
  return p.replicas.filter((r) => !removing.includes(r));
}

function withoutReassignment(p: PartitionMetadata): PartitionMetadata {
  const { addingReplicas: _adding, removingReplicas: _removing, ...rest } = p;
  return rest;
}

/** The first live replica of `candidates` that is in `isr`, or -1. */
function firstLiveInSync(candidates: readonly number[], isr: readonly number[], live: ReadonlySet<number>): number {
  return candidates.find((r) => isr.includes(r) && live.has(r)) ?? -1;
}

/** The partition once its target replicas are all in sync; undefined while some are not. */
export function completeReassignment(p: PartitionMetadata, live: ReadonlySet<number>): PartitionMetadata | undefined {
  if (!isReassigning(p)) return undefined;
  const target = targetReplicas(p);
  if (!target.every((r) => p.isr.includes(r))) return undefined;
  const isr = target.filter((r) => p.isr.includes(r));
  const keepsLeader = target.includes(p.leader);
  const leader = keepsLeader ? p.leader : firstLiveInSync(target, isr, live);
  return {
    ...withoutReassignment(p),
    replicas: target, isr, leader,
    leaderEpoch: leader === p.leader ? p.leaderEpoch : p.leaderEpoch + 1,
    partitionEpoch: p.partitionEpoch + 1,
  };
}

/**
 * The partition with a reassignment to `target` started (or finished at once, when the target is
 * already in sync), or the INVALID_REPLICA_ASSIGNMENT problem with the target.
 */
export function startReassignment(p: PartitionMetadata, target: readonly number[], registered: ReadonlySet<number>): PartitionMetadata | AssignmentProblem {
  const problem = manualAssignmentProblem(target, registered, undefined);
  if (problem) return problem;
  const adding = target.filter((r) => !p.replicas.includes(r));
  const removing = p.replicas.filter((r) => !target.includes(r));
  const started: PartitionMetadata = {
    ...withoutReassignment(p),
    replicas: [...target, ...removing],
    partitionEpoch: p.partitionEpoch + 1,
    ...(adding.length > 0 ? { addingReplicas: adding } : {}),
    ...(removing.length > 0 ? { removingReplicas: removing } : {}),
  };
  return completeReassignment(started, registered) ?? started;
}

/** The partition back on its original replicas, or the reason it cannot be. */
export function cancelReassignment(p: PartitionMetadata, live: ReadonlySet<number>, uncleanAllowed: boolean, name: string): PartitionMetadata | AssignmentProblem {
  if (!isReassigning(p)) return { errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: `No ongoing reassignment for partition ${name}-${p.partition}.` };
  const adding = p.addingReplicas ?? [];
  const replicas = p.replicas.filter((r) => !adding.includes(r));
  let isr = p.isr.filter((r) => !adding.includes(r));
  if (isr.length === 0) {
    const anyLive = replicas.find((r) => live.has(r));
    if (!uncleanAllowed || anyLive === undefined) {
      return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Unable to revert partition assignment for ${name}-${p.partition} because it would require an unclean leader election.` };
    }
    isr = [anyLive];
  }
  const leader = replicas.includes(p.leader) && isr.includes(p.leader) ? p.leader : firstLiveInSync(replicas, isr, live);
  return {
    ...withoutReassignment(p),
    replicas, isr, leader,
    leaderEpoch: leader === p.leader ? p.leaderEpoch : p.leaderEpoch + 1,
    partitionEpoch: p.partitionEpoch + 1,
  };
}
