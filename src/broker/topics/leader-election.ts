/**
 * Kafka's leader election rules for one partition (ElectLeaders, and the controller when brokers
 * come and go): PREFERRED makes the first replica the leader when it is alive and in sync;
 * UNCLEAN gives a leaderless partition the first live in-sync replica, else the first live replica.
 * A partition already led as asked is ELECTION_NOT_NEEDED.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { PartitionMetadata } from '../metadata/metadata-store.js';

export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

export interface ElectionOutcome {
  errorCode: number;
  errorMessage: string | null;
  /** The new leader when the election changes it. */
  leader?: number;
}

export function electLeader(p: PartitionMetadata, type: number, live: ReadonlySet<number>): ElectionOutcome {
  const none = (errorCode: number, errorMessage: string | null = null): ElectionOutcome => ({ errorCode, errorMessage });
  if (type === ElectionType.PREFERRED) {
    const preferred = p.replicas[0];
    if (preferred !== undefined && p.leader === preferred) return none(ErrorCode.ELECTION_NOT_NEEDED);
    if (preferred !== undefined && live.has(preferred) && p.isr.includes(preferred)) return { ...none(ErrorCode.NONE), leader: preferred };
    return none(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
  }
  if (p.leader >= 0 && live.has(p.leader)) return none(ErrorCode.ELECTION_NOT_NEEDED);
  const inSync = p.replicas.find((r) => live.has(r) && p.isr.includes(r));
  const any = inSync ?? p.replicas.find((r) => live.has(r));
  if (any !== undefined) return { ...none(ErrorCode.NONE), leader: any };
  return none(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
}
