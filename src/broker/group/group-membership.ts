/**
 * The classic group membership protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, with
 * the rebalance state machine and its timers (session timeouts, rebalance timeout, the initial
 * rebalance delay, the sync deadline), dynamic and static members, MEMBER_ID_REQUIRED, and
 * protocol selection by vote — as Kafka's group coordinator behaves.
 *
 * A join phase (PreparingRebalance) parks every member's JoinGroup until all known members have
 * rejoined or the rebalance timeout passes; completing it bumps the generation, picks the
 * protocol and answers everyone (the leader also gets the members and their metadata). The
 * leader's SyncGroup carries the assignment, which is made durable as a GroupMetadata record
 * before any member gets its share and the group becomes Stable.
 *
 * Contract: owned by the GroupCoordinator; runs on the event loop, so each call sees and leaves
 * the groups consistent. Parked requests are promises resolved by later calls or timers.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { Group } from './group.js';
import { EMPTY_BYTES, GroupMember, type JoinOutcome, type ProtocolOffer, type SyncOutcome } from './group-member.js';

export interface MembershipConfig {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  maxGroupSize: number;
}

export interface GroupDirectory {
  get(groupId: string): Group | undefined;
  create(groupId: string): Group;
  /** Writes the group's metadata (with `assignments` when given); resolves to an error code. */
  persist(group: Group, assignments?: Map<string, Buffer>): Promise<number>;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolOffer[];
  clientId: string;
  clientHost: string;
  requireKnownMemberId: boolean;
  supportsSkipAssignment: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Map<string, Buffer>;
}

export interface MemberRef {
  memberId: string;
  groupInstanceId: string | null;
}

/** Kafka's join timeout for a member that has not completed its first join phase. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

export function joinError(errorCode: number, memberId: string): JoinOutcome {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [], skipAssignment: false };
}

export function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

export class GroupMembership {
  constructor(
    private readonly clock: Clock,
    private readonly config: MembershipConfig,
    private readonly groups: GroupDirectory,
  ) {}

  /** FENCED_INSTANCE_ID or UNKNOWN_MEMBER_ID when the member is not who it says, else NONE. */
  checkMember(group: Group, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const mapped = group.staticMembers.get(groupInstanceId);
      if (mapped === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (mapped !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return group.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  // ---- JoinGroup ----

  join(req: JoinRequest): Promise<JoinOutcome> {
    if (req.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    const isNew = req.memberId === '';
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (!isNew) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      group = this.groups.create(req.groupId);
    }
    if (!this.hasRoom(group, req.memberId)) {
      if (group.has(req.memberId)) this.removeMember(group, group.members.get(req.memberId)!);
      return Promise.resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
    }
    if (group.state === 'Dead') return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, isNew ? '' : req.memberId));
    if (!group.supports(req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, isNew ? '' : req.memberId));
    }
    const outcome = isNew ? this.joinNewMember(group, req) : this.joinKnownMember(group, req);
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    return outcome;
  }

  private hasRoom(group: Group, memberId: string): boolean {
    const max = this.config.maxGroupSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        if (group.members.get(memberId)?.awaitingJoin) return true;
        let parked = 0;
        for (const m of group.members.values()) if (m.awaitingJoin) parked++;
        return parked < max;
      }
      default:
        return group.has(memberId) || group.members.size < max;
    }
  }

  private joinNewMember(group: Group, req: JoinRequest): Promise<JoinOutcome> {
    const memberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const existing = group.staticMembers.get(req.groupInstanceId);
      if (existing !== undefined) return this.replaceStaticMember(group, existing, memberId, req);
      return this.addMemberAndRebalance(group, memberId, req);
    }
    if (req.requireKnownMemberId) {
      const timer = this.clock.schedule(req.sessionTimeoutMs, () => this.expirePendingMember(group, memberId));
      group.pendingMembers.set(memberId, timer);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, memberId, req);
  }

  private joinKnownMember(group: Group, req: JoinRequest): Promise<JoinOutcome> {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    const error = this.checkMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return Promise.resolve(joinError(error, req.memberId));
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateAndPark(member, req);
      case 'CompletingRebalance': {
        if (member.matches(req.protocols)) return Promise.resolve(this.currentJoinInfo(group, member, group.isLeader(member.memberId)));
        const parked = this.updateAndPark(member, req);
        this.prepareRebalance(group);
        return parked;
      }
      case 'Stable': {
        if (group.isLeader(member.memberId) || !member.matches(req.protocols)) {
          const parked = this.updateAndPark(member, req);
          this.prepareRebalance(group);
          return parked;
        }
        return Promise.resolve(this.currentJoinInfo(group, member, false));
      }
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  private park(member: GroupMember): Promise<JoinOutcome> {
    return new Promise((resolve) => {
      member.awaitingJoin = resolve;
    });
  }

  private updateAndPark(member: GroupMember, req: JoinRequest): Promise<JoinOutcome> {
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.supportsSkipAssignment = req.supportsSkipAssignment;
    return this.park(member);
  }

  private membersFor(group: Group): JoinOutcome['members'] {
    const protocol = group.protocolName ?? '';
    return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }));
  }

  private currentJoinInfo(group: Group, member: GroupMember, withMembers: boolean): JoinOutcome {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: withMembers ? this.membersFor(group) : [],
      skipAssignment: false,
    };
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinRequest): Promise<JoinOutcome> {
    const member = new GroupMember(memberId, req.groupInstanceId, req.clientId, req.clientHost,
      req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols);
    member.supportsSkipAssignment = req.supportsSkipAssignment;
    const parked = this.park(member);
    group.addMember(member);
    this.resetHeartbeat(group, member);
    if (group.state === 'PreparingRebalance' && group.generationId === 0) group.newMemberAdded = true;
    this.maybePrepareRebalance(group);
    return parked;
  }

  /** A static member rejoining with a new process: the old one is fenced, the id replaced. */
  private async replaceStaticMember(group: Group, oldId: string, newId: string, req: JoinRequest): Promise<JoinOutcome> {
    const member = group.members.get(oldId)!;
    const oldLeader = group.leaderId;
    const old = { protocols: member.protocols, rebalance: member.rebalanceTimeoutMs, session: member.sessionTimeoutMs };
    member.awaitingJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    member.awaitingJoin = undefined;
    member.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    member.awaitingSync = undefined;
    this.renameMember(group, member, newId);
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.supportsSkipAssignment = req.supportsSkipAssignment;
    this.resetHeartbeat(group, member);
    if (group.state === 'PreparingRebalance') return this.park(member);
    if (group.state === 'CompletingRebalance' || group.selectProtocol() !== group.protocolName) {
      const parked = this.park(member);
      this.prepareRebalance(group);
      return parked;
    }
    const generation = group.generationId;
    const errorCode = await this.groups.persist(group);
    if (errorCode !== ErrorCode.NONE) {
      if (group.members.get(newId) === member) {
        this.renameMember(group, member, oldId);
        member.protocols = old.protocols;
        member.rebalanceTimeoutMs = old.rebalance;
        member.sessionTimeoutMs = old.session;
        this.resetHeartbeat(group, member);
      }
      return { ...this.currentJoinInfo(group, member, false), errorCode, memberId: '', leader: oldLeader ?? '' };
    }
    if (req.supportsSkipAssignment && group.isLeader(newId)) {
      return { ...this.currentJoinInfo(group, member, true), generationId: generation, skipAssignment: true };
    }
    return { ...this.currentJoinInfo(group, member, false), generationId: generation, leader: oldLeader ?? '' };
  }

  private renameMember(group: Group, member: GroupMember, newId: string): void {
    const oldId = member.memberId;
    group.members.delete(oldId);
    member.memberId = newId;
    group.members.set(newId, member);
    if (member.groupInstanceId !== null) group.staticMembers.set(member.groupInstanceId, newId);
    if (group.leaderId === oldId) group.leaderId = newId;
    if (group.pendingSyncMembers.delete(oldId)) group.pendingSyncMembers.add(newId);
  }

  private expirePendingMember(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  // ---- rebalancing ----

  private maybePrepareRebalance(group: Group): void {
    if (group.state === 'Empty' || group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
  }

  /** Starts a join phase: parked syncs are told to rejoin, the join timer starts. */
  prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY_BYTES;
        if (m.awaitingSync) {
          m.awaitingSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          m.awaitingSync = undefined;
          // its deadline may have passed (ignored) while it was parked
          this.resetHeartbeat(group, m);
        }
      }
    }
    group.pendingSyncMembers.clear();
    group.syncTimer?.cancel();
    group.joinTimer?.cancel();
    const fromEmpty = group.state === 'Empty';
    group.transition('PreparingRebalance', this.clock.now());
    if (fromEmpty) this.startInitialDelay(group);
    else {
      group.joinTimer = this.clock.schedule(group.rebalanceTimeoutMs(), () => this.completeJoin(group));
      this.maybeCompleteJoin(group);
    }
  }

  /** The initial rebalance delay: each new joiner extends it by up to one more delay. */
  private startInitialDelay(group: Group): void {
    const delay = this.config.initialRebalanceDelayMs;
    const window = (ms: number, remaining: number): void => {
      group.joinTimer = this.clock.schedule(ms, () => {
        if (group.state !== 'PreparingRebalance') return;
        if (group.newMemberAdded && remaining > 0) {
          group.newMemberAdded = false;
          const next = Math.min(delay, remaining);
          window(next, Math.max(remaining - next, 0));
        } else {
          group.joinTimer = undefined;
          this.completeJoin(group);
        }
      });
    };
    group.inInitialDelay = true;
    window(delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
  }

  maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.inInitialDelay || !group.allMembersJoined()) return;
    group.joinTimer?.cancel();
    group.joinTimer = undefined;
    this.completeJoin(group);
  }

  /** Ends the join phase: a new generation with the members that rejoined. */
  private completeJoin(group: Group): void {
    group.inInitialDelay = false;
    if (group.state !== 'PreparingRebalance') return;
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin && !m.isStatic) this.dropMember(group, m);
    }
    if (group.leaderId === null || !group.members.get(group.leaderId)?.awaitingJoin) {
      const rejoined = [...group.members.values()].find((m) => m.awaitingJoin);
      if (rejoined) group.leaderId = rejoined.memberId;
      else if (group.members.size > 0) {
        group.joinTimer = this.clock.schedule(group.rebalanceTimeoutMs(), () => this.completeJoin(group));
        return;
      }
    }
    group.generationId++;
    group.newMemberAdded = false;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transition('Empty', this.clock.now());
      group.updateSubscribedTopics();
      void this.groups.persist(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.updateSubscribedTopics();
    group.transition('CompletingRebalance', this.clock.now());
    const members = this.membersFor(group);
    for (const m of group.members.values()) {
      const outcome = this.currentJoinInfo(group, m, false);
      if (m.memberId === group.leaderId) outcome.members = members;
      m.awaitingJoin?.(outcome);
      m.awaitingJoin = undefined;
      m.isNew = false;
      this.resetHeartbeat(group, m);
      group.pendingSyncMembers.add(m.memberId);
    }
    const generation = group.generationId;
    group.syncTimer = this.clock.schedule(group.syncTimeoutMs(), () => this.syncDeadlinePassed(group, generation));
  }

  private syncDeadlinePassed(group: Group, generation: number): void {
    if (group.generationId !== generation || (group.state !== 'CompletingRebalance' && group.state !== 'Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    for (const id of [...group.pendingSyncMembers]) {
      const m = group.members.get(id);
      if (m) this.dropMember(group, m);
    }
    this.maybePrepareRebalance(group);
  }

  // ---- SyncGroup ----

  sync(req: SyncRequest): Promise<SyncOutcome> {
    if (req.groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(req.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.state === 'Dead') return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const memberError = this.checkMember(group, req.memberId, req.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return Promise.resolve(syncError(memberError));
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'Empty':
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        group.pendingSyncMembers.delete(member.memberId);
        this.resetHeartbeat(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      default: {
        const parked = new Promise<SyncOutcome>((resolve) => {
          member.awaitingSync = resolve;
        });
        group.pendingSyncMembers.delete(member.memberId);
        if (group.isLeader(member.memberId)) void this.storeAssignment(group, req.assignments);
        return parked;
      }
    }
  }

  private async storeAssignment(group: Group, given: Map<string, Buffer>): Promise<void> {
    const assignments = new Map<string, Buffer>();
    for (const id of group.members.keys()) assignments.set(id, given.get(id) ?? EMPTY_BYTES);
    const generation = group.generationId;
    const errorCode = await this.groups.persist(group, assignments);
    if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return;
    if (errorCode !== ErrorCode.NONE) {
      for (const m of group.members.values()) {
        m.assignment = EMPTY_BYTES;
        if (m.awaitingSync) {
          m.awaitingSync(syncError(errorCode));
          m.awaitingSync = undefined;
          this.resetHeartbeat(group, m);
        }
      }
      this.prepareRebalance(group);
      return;
    }
    for (const m of group.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? EMPTY_BYTES;
      if (m.awaitingSync) {
        m.awaitingSync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
        m.awaitingSync = undefined;
        this.resetHeartbeat(group, m);
      }
    }
    group.transition('Stable', this.clock.now());
  }

  // ---- Heartbeat ----

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const memberError = this.checkMember(group, memberId, groupInstanceId);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID;
    this.resetHeartbeat(group, group.members.get(memberId)!);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  // ---- LeaveGroup ----

  leave(groupId: string, members: readonly MemberRef[]): { errorCode: number; members: (MemberRef & { errorCode: number })[] } {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    return { errorCode: ErrorCode.NONE, members: members.map((m) => ({ ...m, errorCode: this.leaveOne(group, m) })) };
  }

  private leaveOne(group: Group, ref: MemberRef): number {
    if (ref.memberId === '') {
      const id = ref.groupInstanceId === null ? undefined : group.staticMembers.get(ref.groupInstanceId);
      if (id === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(group, group.members.get(id)!);
      return ErrorCode.NONE;
    }
    const pending = group.pendingMembers.get(ref.memberId);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(ref.memberId);
      if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const error = this.checkMember(group, ref.memberId, ref.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    this.removeMember(group, group.members.get(ref.memberId)!);
    return ErrorCode.NONE;
  }

  // ---- removal and session timeouts ----

  /** Removes a member (left, expired, fenced out) and lets the group react. */
  removeMember(group: Group, member: GroupMember): void {
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
    member.awaitingJoin = undefined;
    member.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingSync = undefined;
    this.dropMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  /** Removes a member without answering anything or reacting. */
  private dropMember(group: Group, member: GroupMember): void {
    member.heartbeatTimer?.cancel();
    member.heartbeatTimer = undefined;
    group.removeMember(member.memberId);
  }

  resetHeartbeat(group: Group, member: GroupMember): void {
    member.heartbeatTimer?.cancel();
    const timeout = member.isNew ? NEW_MEMBER_JOIN_TIMEOUT_MS : member.sessionTimeoutMs;
    member.heartbeatTimer = this.clock.schedule(timeout, () => this.heartbeatExpired(group, member));
  }

  private heartbeatExpired(group: Group, member: GroupMember): void {
    member.heartbeatTimer = undefined;
    if (group.members.get(member.memberId) !== member || group.state === 'Dead') return;
    // a member waiting in JoinGroup or SyncGroup is covered by the join and sync deadlines
    if (!member.isNew && (member.awaitingJoin || member.awaitingSync)) return;
    this.removeMember(group, member);
  }

  /** Cancels every timer of a group (deletion, shutdown). */
  cancelTimers(group: Group): void {
    group.joinTimer?.cancel();
    group.syncTimer?.cancel();
    for (const t of group.pendingMembers.values()) t.cancel();
    for (const m of group.members.values()) m.heartbeatTimer?.cancel();
  }
}
