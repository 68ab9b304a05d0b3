/**
 * Committed offsets of classic groups: OffsetCommit validation by group state and generation,
 * durable writes (a commit is answered only once its records are fsynced), OffsetFetch, and
 * expiry of old offsets (KIP-211: all offsets of a group that has been Empty for
 * offsets.retention.minutes; unsubscribed topics' offsets of a Stable consumer group; offsets of
 * simple groups by commit time).
 *
 * Contract: owned by the GroupCoordinator; in-memory offsets change only after their records
 * are durable.
 */
import type { Clock } from '../../common/clock.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { offsetKey, type Group, type OffsetEntry } from './group.js';
import type { GroupMembership } from './group-membership.js';
import { offsetCommitRecord, type KeyValue } from './group-records.js';

export interface OffsetCommitInput {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  /** OffsetCommit v1's per-partition timestamp, -1 for "now". */
  commitTimestamp: number;
}

export interface CommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-v4 retention; -1 for the broker's. */
  retentionTimeMs: number;
  offsets: OffsetCommitInput[];
}

export interface OffsetsConfig {
  maxMetadataBytes: number;
  retentionMs: number;
}

export interface OffsetsDirectory {
  get(groupId: string): Group | undefined;
  create(groupId: string): Group;
  isCurrent(group: Group): boolean;
  /** Appends records for a group (as a transactional batch of `producer` when given). */
  write(group: Group, records: KeyValue[], producer?: { producerId: bigint; producerEpoch: number }): Promise<number>;
  remove(group: Group): void;
  /** The tombstones that remove a group's own (non-offset) records. */
  metadataTombstones(group: Group): KeyValue[];
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export class GroupOffsets {
  constructor(
    private readonly clock: Clock,
    private readonly config: OffsetsConfig,
    private readonly groups: OffsetsDirectory,
    private readonly membership: GroupMembership,
  ) {}

  /** The group-level outcome of a commit's checks, creating a simple group when allowed. */
  private validateCommit(req: CommitRequest): { errorCode: number; group?: Group } {
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.generationId >= 0) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
      group = this.groups.create(req.groupId);
    }
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (group.share) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
    if (group.consumer) return { errorCode: this.checkConsumerMember(group, req), group };
    const anonymous = req.generationId < 0 && req.memberId === '' && req.groupInstanceId === null;
    if (req.generationId < 0 && group.state === 'Empty') return { errorCode: ErrorCode.NONE, group };
    if (anonymous) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    const memberError = this.membership.checkMember(group, req.memberId, req.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return { errorCode: memberError };
    if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
    if (group.state === 'CompletingRebalance') return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
    if (group.state === 'Stable' || group.state === 'PreparingRebalance') {
      this.membership.resetHeartbeat(group, group.members.get(req.memberId)!);
    }
    return { errorCode: ErrorCode.NONE, group };
  }

  /**
   * A commit to a consumer group (KIP-848): the member must exist and send its current member
   * epoch (STALE_MEMBER_EPOCH otherwise); a commit without a member is allowed while the group is
   * empty (tools resetting offsets).
   */
  private checkConsumerMember(group: Group, req: { memberId: string; generationId: number }): number {
    const cg = group.consumer!;
    if (req.memberId === '' && req.generationId < 0) return cg.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    const member = cg.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId === member.memberEpoch) return ErrorCode.NONE;
    // a classic member's generation is its member epoch
    return member.classic ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
  }

  /** Commits offsets; resolves to an error code per `${topic}\0${partition}`. */
  async commit(req: CommitRequest): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const { errorCode, group } = this.validateCommit(req);
    if (errorCode !== ErrorCode.NONE || !group) {
      for (const o of req.offsets) result.set(offsetKey(o.topic, o.partition), errorCode);
      return result;
    }
    const now = this.clock.now();
    const accepted: OffsetEntry[] = [];
    for (const o of req.offsets) {
      const key = offsetKey(o.topic, o.partition);
      const metadata = o.metadata ?? '';
      if (metadata.length > this.config.maxMetadataBytes) {
        result.set(key, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      accepted.push({
        topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata,
        commitTimestamp: o.commitTimestamp >= 0 ? o.commitTimestamp : now,
        expireTimestamp: req.retentionTimeMs >= 0 ? now + req.retentionTimeMs : -1,
      });
    }
    if (accepted.length === 0) return result;
    for (const e of accepted) group.pendingOffsetWrites.set(offsetKey(e.topic, e.partition), (group.pendingOffsetWrites.get(offsetKey(e.topic, e.partition)) ?? 0) + 1);
    const written = await this.groups.write(group, accepted.map((e) => offsetCommitRecord(req.groupId, e.topic, e.partition, e)));
    for (const e of accepted) {
      const key = offsetKey(e.topic, e.partition);
      const left = (group.pendingOffsetWrites.get(key) ?? 1) - 1;
      if (left > 0) group.pendingOffsetWrites.set(key, left);
      else group.pendingOffsetWrites.delete(key);
      if (written === ErrorCode.NONE && this.groups.isCurrent(group)) group.offsets.set(key, e);
      result.set(key, written);
    }
    return result;
  }

  /**
   * TxnOffsetCommit: offsets written inside a transaction, applied when it commits. A member id
   * (v3+) is checked against the group like an ordinary commit's.
   */
  async txnCommit(req: CommitRequest & { producerId: bigint; producerEpoch: number }): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const all = (code: number): Map<string, number> => {
      for (const o of req.offsets) result.set(offsetKey(o.topic, o.partition), code);
      return result;
    };
    const group = this.groups.get(req.groupId) ?? this.groups.create(req.groupId);
    if (group.state === 'Dead') return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (group.consumer && (req.memberId !== '' || req.generationId >= 0)) {
      const code = this.checkConsumerMember(group, req);
      if (code !== ErrorCode.NONE) return all(code === ErrorCode.STALE_MEMBER_EPOCH ? ErrorCode.ILLEGAL_GENERATION : code);
    } else if (req.memberId !== '' || req.groupInstanceId !== null || req.generationId >= 0) {
      const memberError = this.membership.checkMember(group, req.memberId, req.groupInstanceId);
      if (memberError !== ErrorCode.NONE) return all(memberError);
      if (req.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
    }
    const now = this.clock.now();
    const accepted: OffsetEntry[] = [];
    for (const o of req.offsets) {
      const metadata = o.metadata ?? '';
      if (metadata.length > this.config.maxMetadataBytes) {
        result.set(offsetKey(o.topic, o.partition), ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      accepted.push({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, commitTimestamp: now, expireTimestamp: -1 });
    }
    if (accepted.length === 0) return result;
    const written = await this.groups.write(group, accepted.map((e) => offsetCommitRecord(req.groupId, e.topic, e.partition, e)),
      { producerId: req.producerId, producerEpoch: req.producerEpoch });
    if (written === ErrorCode.NONE) {
      const map = group.pendingTxnOffsets.get(req.producerId) ?? new Map<string, OffsetEntry>();
      group.pendingTxnOffsets.set(req.producerId, map);
      for (const e of accepted) map.set(offsetKey(e.topic, e.partition), e);
    }
    for (const e of accepted) result.set(offsetKey(e.topic, e.partition), written);
    return result;
  }

  /** Committed offsets; null partitions means every partition with a commit. */
  fetch(groupId: string, partitions: { topic: string; partition: number }[] | null, requireStable: boolean): FetchedOffset[] {
    const group = this.groups.get(groupId);
    const toOut = (topic: string, partition: number): FetchedOffset => {
      const key = offsetKey(topic, partition);
      const inOpenTxn = group !== undefined && [...group.pendingTxnOffsets.values()].some((m) => m.has(key));
      if (requireStable && (group?.pendingOffsetWrites.has(key) || inOpenTxn)) {
        return { topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
      }
      const e = group && group.state !== 'Dead' ? group.offsets.get(key) : undefined;
      return { topic, partition, offset: e?.offset ?? -1, leaderEpoch: e?.leaderEpoch ?? -1, metadata: e?.metadata ?? '', errorCode: ErrorCode.NONE };
    };
    if (partitions) return partitions.map((p) => toOut(p.topic, p.partition));
    if (!group || group.state === 'Dead') return [];
    return [...group.offsets.values()].map((e) => toOut(e.topic, e.partition));
  }

  /** Removes offsets for the given partitions (OffsetDelete, topic deletion); writes tombstones. */
  async deleteOffsets(group: Group, keys: readonly { topic: string; partition: number }[]): Promise<void> {
    const tombstones: KeyValue[] = [];
    for (const k of keys) {
      if (group.offsets.delete(offsetKey(k.topic, k.partition))) tombstones.push(offsetCommitRecord(group.groupId, k.topic, k.partition, null));
    }
    if (tombstones.length > 0) await this.groups.write(group, tombstones);
  }

  /** Which offsets of a group have expired at `now`, by KIP-211's rules. */
  expiredOffsets(group: Group, now: number): OffsetEntry[] {
    const retention = this.config.retentionMs;
    const inOpenTxn = (k: string): boolean => [...group.pendingTxnOffsets.values()].some((m) => m.has(k));
    const due = (e: OffsetEntry, base: number): boolean =>
      !group.pendingOffsetWrites.has(offsetKey(e.topic, e.partition)) && !inOpenTxn(offsetKey(e.topic, e.partition)) &&
      (e.expireTimestamp >= 0 ? now >= e.expireTimestamp : now - base >= retention);
    const all = [...group.offsets.values()];
    if (group.protocolType === null) return all.filter((e) => due(e, e.commitTimestamp));
    if (group.state === 'Empty') return all.filter((e) => due(e, group.stateTimestamp >= 0 ? group.stateTimestamp : e.commitTimestamp));
    if (group.protocolType === 'consumer' && group.state === 'Stable' && group.subscribedTopics !== undefined) {
      return all.filter((e) => !group.subscribedTopics!.has(e.topic) && due(e, e.commitTimestamp));
    }
    return [];
  }

  /** One expiry pass: tombstones for expired offsets; empty groups without offsets go. */
  async expire(all: readonly Group[]): Promise<number> {
    const now = this.clock.now();
    let removed = 0;
    for (const group of all) {
      const expired = this.expiredOffsets(group, now);
      if (expired.length > 0) {
        await this.deleteOffsets(group, expired);
        removed += expired.length;
      }
      if (group.state === 'Empty' && group.offsets.size === 0 && group.pendingOffsetWrites.size === 0 && group.pendingTxnOffsets.size === 0 && this.groups.isCurrent(group)) {
        const tombstones = this.groups.metadataTombstones(group);
        this.groups.remove(group);
        // a group's metadata records would bring it back on load
        if (tombstones.length > 0) await this.groups.write(group, tombstones);
      }
    }
    return removed;
  }
}
