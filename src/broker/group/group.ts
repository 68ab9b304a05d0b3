/**
 * Group: the state of one classic group (Kafka's group membership protocol) — its state machine
 * position, generation, chosen protocol, leader, members (by member id and by static instance
 * id), member ids handed out but not yet used, and its committed offsets.
 *
 * States: Empty -> PreparingRebalance -> CompletingRebalance -> Stable, back to
 * PreparingRebalance on any membership change, and Dead once deleted or expired.
 *
 * Contract: owned by the GroupCoordinator, which makes every change; this class holds data and
 * answers questions about it.
 */
import type { Timer } from '../../common/clock.js';
import type { CommittedOffset } from './group-records.js';
import type { GroupMember, ProtocolOffer } from './group-member.js';
import { subscriptionTopics } from './consumer-protocol.js';
import type { ConsumerGroup } from './consumer-groups/consumer-group.js';
import type { ShareGroup } from './share-groups/share-group.js';

/** Classic states, then the consumer protocol's Assigning and Reconciling (share groups use Empty and Stable). */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' | 'Assigning' | 'Reconciling';

export const GROUP_STATES: readonly GroupState[] = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];

/** Kafka's group types (ListGroups v5+). */
export type GroupType = 'classic' | 'consumer' | 'share';

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export interface OffsetEntry extends CommittedOffset {
  topic: string;
  partition: number;
}

export class Group {
  state: GroupState = 'Empty';
  stateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  readonly staticMembers = new Map<string, string>();
  readonly pendingMembers = new Map<string, Timer>();
  readonly pendingSyncMembers = new Set<string>();
  newMemberAdded = false;
  /** The join phase started from Empty and waits out group.initial.rebalance.delay.ms. */
  inInitialDelay = false;
  joinTimer: Timer | undefined;
  syncTimer: Timer | undefined;
  readonly offsets = new Map<string, OffsetEntry>();
  /** Offsets committed inside open transactions, by producer id, applied by a COMMIT marker. */
  readonly pendingTxnOffsets = new Map<bigint, Map<string, OffsetEntry>>();
  /** Offset writes not yet durable, by partition key (OffsetFetch requireStable). */
  readonly pendingOffsetWrites = new Map<string, number>();
  /** Topics the members subscribe to; undefined when unknown. */
  subscribedTopics: Set<string> | undefined = new Set();
  /** Set while the group uses the consumer group protocol (KIP-848): its members and assignment. */
  consumer: ConsumerGroup | undefined;
  /** Set for a share group (KIP-932). */
  share: ShareGroup | undefined;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateTimestamp = now;
  }

  get type(): GroupType {
    return this.consumer ? 'consumer' : this.share ? 'share' : 'classic';
  }

  /** Turns an empty classic group (or a new one) into a consumer group; its offsets stay. */
  makeConsumerGroup(cg: ConsumerGroup, now: number): void {
    this.consumer = cg;
    this.protocolType = 'consumer';
    this.protocolName = null;
    this.subscribedTopics = undefined;
    this.transition('Empty', now);
  }

  /** Turns an empty consumer group back into a classic one (the downgrade path). */
  makeClassicGroup(now: number): void {
    this.consumer = undefined;
    this.protocolType = null;
    this.subscribedTopics = new Set();
    this.transition('Empty', now);
  }

  makeShareGroup(sg: ShareGroup, now: number): void {
    this.share = sg;
    this.protocolType = 'share';
    this.subscribedTopics = undefined;
    this.transition('Empty', now);
  }

  transition(state: GroupState, now: number): void {
    this.state = state;
    this.stateTimestamp = now;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** The largest rebalance timeout among the members. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /**
   * How long members have to send SyncGroup after a join phase: the rebalance timeout, but never
   * less than the longest session timeout. Kafka 3.0+ uses the rebalance timeout alone, which makes
   * a client that leaves it unset (0, as KafkaJS's raw JoinGroup does) race its own prompt SyncGroup;
   * Kafka 2.x had no sync deadline at all. The floor keeps such members while still removing
   * members that never sync.
   */
  syncTimeoutMs(): number {
    let max = this.rebalanceTimeoutMs();
    for (const m of this.members.values()) max = Math.max(max, m.sessionTimeoutMs);
    return max;
  }

  /** Protocol names every member offers. */
  candidateProtocols(): Set<string> {
    let set: Set<string> | undefined;
    for (const m of this.members.values()) {
      const names = new Set(m.protocols.map((p) => p.name));
      set = set ? new Set([...set].filter((n) => names.has(n))) : names;
    }
    return set ?? new Set();
  }

  /** Whether a member offering `protocols` of `protocolType` can join. */
  supports(protocolType: string, protocols: readonly ProtocolOffer[]): boolean {
    if (this.isEmpty) return protocolType.length > 0 && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  /** The protocol with most votes, each member voting for its preferred candidate. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      if (v) votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [name, n] of votes) if (best === undefined || n > votes.get(best)!) best = name;
    if (best === undefined) throw new Error(`group ${this.groupId} has no common protocol`);
    return best;
  }

  /** Every member has rejoined and no handed-out member id is outstanding. */
  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  addMember(m: GroupMember): void {
    if (this.isEmpty) this.protocolType = m.protocolType;
    this.members.set(m.memberId, m);
    if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, m.memberId);
    this.leaderId ??= m.memberId;
  }

  removeMember(memberId: string): GroupMember | undefined {
    const m = this.members.get(memberId);
    if (!m) return undefined;
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return m;
  }

  /** Recomputes the subscribed topics from the members' consumer subscriptions. */
  updateSubscribedTopics(): void {
    if (this.protocolType !== 'consumer' || this.protocolName === null) {
      this.subscribedTopics = this.protocolType === 'consumer' && this.isEmpty ? new Set() : undefined;
      return;
    }
    const all = new Set<string>();
    for (const m of this.members.values()) {
      const topics = subscriptionTopics(m.metadataFor(this.protocolName));
      if (!topics) {
        this.subscribedTopics = undefined;
        return;
      }
      for (const t of topics) all.add(t);
    }
    this.subscribedTopics = all;
  }

  isSubscribedTo(topic: string): boolean {
    if (this.consumer) return this.consumer.isSubscribedTo(topic);
    return this.subscribedTopics === undefined || this.subscribedTopics.has(topic);
  }
}
