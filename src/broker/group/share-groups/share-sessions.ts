/**
 * Share sessions (KIP-932): the partitions a share consumer fetches from one broker, so that
 * later ShareFetch requests need only name what changes. Epoch 0 opens (or reopens) a session
 * with the request's partitions, each later request carries the epoch the last answer implied
 * (1, 2, ... wrapping to 1) and adds partitions or forgets some; -1 closes it. A wrong epoch
 * answers INVALID_SHARE_SESSION_EPOCH, an unknown session SHARE_SESSION_NOT_FOUND.
 *
 * Contract: owned by the SharePartitionManager; one session per (group, member) on this broker.
 */
import { ErrorCode } from '../../../protocol/generated/error-codes.js';

export interface SessionPartition {
  topicId: string;
  partition: number;
  /** The partition's byte limit per fetch, as the request that added it gave it. */
  maxBytes?: number;
}

export const FINAL_SESSION_EPOCH = -1;
const MAX_EPOCH = 0x7fffffff;

export class ShareSession {
  epoch = 1;
  readonly partitions = new Map<string, SessionPartition>();

  add(list: readonly SessionPartition[]): void {
    for (const p of list) this.partitions.set(`${p.topicId}:${p.partition}`, { topicId: p.topicId, partition: p.partition, maxBytes: p.maxBytes });
  }

  forget(list: readonly SessionPartition[]): void {
    for (const p of list) this.partitions.delete(`${p.topicId}:${p.partition}`);
  }
}

export class ShareSessions {
  private readonly sessions = new Map<string, ShareSession>();

  private key(groupId: string, memberId: string): string {
    return `${groupId}\u0000${memberId}`;
  }

  /**
   * The session a request with `epoch` continues (or opens), after applying its partitions and
   * forgotten partitions; an error code when the epoch does not fit.
   */
  use(groupId: string, memberId: string, epoch: number, added: readonly SessionPartition[], forgotten: readonly SessionPartition[]): ShareSession | number {
    const key = this.key(groupId, memberId);
    if (epoch === 0) {
      const s = new ShareSession();
      s.add(added);
      this.sessions.set(key, s);
      return s;
    }
    const s = this.sessions.get(key);
    if (!s) return ErrorCode.SHARE_SESSION_NOT_FOUND;
    if (epoch === FINAL_SESSION_EPOCH) {
      this.sessions.delete(key);
      return s;
    }
    if (epoch !== s.epoch) return ErrorCode.INVALID_SHARE_SESSION_EPOCH;
    s.epoch = s.epoch === MAX_EPOCH ? 1 : s.epoch + 1;
    s.add(added);
    s.forget(forgotten);
    return s;
  }

  /** Checks a ShareAcknowledge's epoch without opening a session (0 is not allowed there). */
  check(groupId: string, memberId: string, epoch: number): ShareSession | number {
    const s = this.sessions.get(this.key(groupId, memberId));
    if (!s) return ErrorCode.SHARE_SESSION_NOT_FOUND;
    if (epoch === FINAL_SESSION_EPOCH) {
      this.sessions.delete(this.key(groupId, memberId));
      return s;
    }
    if (epoch !== s.epoch) return ErrorCode.INVALID_SHARE_SESSION_EPOCH;
    s.epoch = s.epoch === MAX_EPOCH ? 1 : s.epoch + 1;
    return s;
  }

  remove(groupId: string, memberId: string): void {
    this.sessions.delete(this.key(groupId, memberId));
  }
}
