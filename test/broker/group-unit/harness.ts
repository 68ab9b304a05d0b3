/**
 * Test support for the classic group coordinator, without a network and without real timers.
 *
 * Two setups share one shape (`GroupHarness`: a ManualClock, the GroupMembership and GroupOffsets
 * under test, and a way to look groups up):
 *
 *   fakeHarness()         GroupMembership + GroupOffsets over FakeGroups, an in-memory
 *                         GroupDirectory/OffsetsDirectory that records every write and can fail
 *                         or hold them. For pure state-machine tests.
 *   coordinatorHarness()  a real GroupCoordinator over an InternalTopicLog, assembled as
 *                         Broker does (MemoryFileSystem, LogManager, EmbeddedMetadataStore,
 *                         ReplicaManager, TopicManager). `restart()` stops it cleanly and builds a
 *                         new coordinator over the same files, which replays __consumer_offsets.
 *
 * Also: request builders with sensible defaults, consumer-protocol subscription bytes, a helper
 * that tracks whether a parked request has been answered, and one that forms a Stable group.
 */
import { ManualClock, type Clock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/logger.js';
import { BrokerConfig } from '../../../src/broker/config/broker-config.js';
import type { InternalTopicLog } from '../../../src/broker/coordinator/internal-topic-log.js';
import { groupCoordinatorFromConfig } from '../../../src/broker/coordinator/coordinators-from-config.js';
import { Group } from '../../../src/broker/group/group.js';
import type { GroupCoordinator } from '../../../src/broker/group/group-coordinator.js';
import type { JoinOutcome, ProtocolOffer, SyncOutcome } from '../../../src/broker/group/group-member.js';
import {
  GroupMembership, type GroupDirectory, type JoinRequest, type MembershipConfig, type SyncRequest,
} from '../../../src/broker/group/group-membership.js';
import { GroupOffsets, type CommitRequest, type OffsetsConfig, type OffsetsDirectory } from '../../../src/broker/group/group-offsets.js';
import { groupMetadataRecord, type KeyValue } from '../../../src/broker/group/group-records.js';
import type { BrokerEndpoint } from '../../../src/broker/metadata/metadata-store.js';
import { ReplicaManager } from '../../../src/broker/replica/replica-manager.js';
import { SELF_CONTROLLER } from '../../../src/broker/metadata/controller-channel.js';
import { followMetadata } from '../../../src/broker/metadata/metadata-applier.js';
import { TopicManager } from '../../../src/broker/topics/topic-manager.js';
import { EmbeddedMetadataStore } from '../../../src/cluster/embedded-metadata-store.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { MemoryFileSystem } from '../../../src/storage/fs/memory-file-system.js';
import { LogManager } from '../../../src/storage/log-manager.js';

export const GROUP = 'group-1';
export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_MEMBERSHIP: MembershipConfig = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 0,
  maxGroupSize: 2_147_483_647,
};

export const DEFAULT_OFFSETS: OffsetsConfig = {
  maxMetadataBytes: 4096,
  retentionMs: 7 * DAY_MS,
};

// ---- bytes ----

/** A consumer-protocol Subscription v0: int16 version, topics (int32 count, int16 strings), user data. */
export function subscription(topics: readonly string[], userData: Buffer | null = null): Buffer {
  const parts: Buffer[] = [];
  const i16 = (n: number): Buffer => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  const i32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  parts.push(i16(0), i32(topics.length));
  for (const t of topics) {
    const s = Buffer.from(t, 'utf8');
    parts.push(i16(s.length), s);
  }
  parts.push(userData === null ? i32(-1) : Buffer.concat([i32(userData.length), userData]));
  return Buffer.concat(parts);
}

/** Protocols with the same subscription (to `topics`) for every name. */
export function offers(names: readonly string[], topics: readonly string[] = ['t']): ProtocolOffer[] {
  return names.map((name) => ({ name, metadata: subscription(topics) }));
}

// ---- requests ----

export function joinRequest(o: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: GROUP,
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer',
    protocols: offers(['range']),
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    supportsSkipAssignment: false,
    ...o,
  };
}

export function syncRequest(o: Partial<SyncRequest> & { memberId: string; generationId: number }): SyncRequest {
  return {
    groupId: GROUP,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: new Map(),
    ...o,
  };
}

export function commitRequest(o: Partial<CommitRequest> = {}): CommitRequest {
  return {
    groupId: GROUP,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    offsets: [{ topic: 't', partition: 0, offset: 10, leaderEpoch: -1, metadata: null, commitTimestamp: -1 }],
    ...o,
  };
}

export function commitKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

// ---- promises and time ----

/** A promise whose settlement can be inspected synchronously. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  readonly value: T | undefined;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t = { promise, settled: false, value: undefined as T | undefined };
  void promise.then((v) => {
    t.settled = true;
    t.value = v;
  });
  return t;
}

/** Lets pending promise callbacks and I/O completions (fsync, which uses setImmediate) run. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

// ---- the harnesses ----

export interface GroupHarness {
  readonly clock: ManualClock;
  readonly membership: GroupMembership;
  readonly offsets: GroupOffsets;
  group(groupId?: string): Group | undefined;
  /** Advances the manual clock (running due timers), then lets promise callbacks run. */
  advance(ms: number): Promise<void>;
}

export interface PersistCall {
  groupId: string;
  state: string;
  generationId: number;
  leaderId: string | null;
  protocolName: string | null;
  memberIds: string[];
  assignments: Map<string, Buffer> | undefined;
}

/**
 * An in-memory GroupDirectory and OffsetsDirectory: groups in a map, writes recorded. A write
 * answers `persistError` / `writeError`; with `hold` set it waits until `release()`.
 */
export class FakeGroups implements GroupDirectory, OffsetsDirectory {
  readonly groups = new Map<string, Group>();
  readonly persisted: PersistCall[] = [];
  readonly writes: { groupId: string; records: KeyValue[] }[] = [];
  persistError: number = ErrorCode.NONE;
  writeError: number = ErrorCode.NONE;
  hold = false;
  membership: GroupMembership | undefined;
  private held: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  get(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  create(groupId: string): Group {
    const g = new Group(groupId, this.clock.now());
    this.groups.set(groupId, g);
    return g;
  }

  isCurrent(group: Group): boolean {
    return this.groups.get(group.groupId) === group;
  }

  metadataTombstones(group: Group): KeyValue[] {
    return group.generationId > 0 ? [groupMetadataRecord(group.groupId, null)] : [];
  }

  remove(group: Group): void {
    this.membership?.cancelTimers(group);
    group.transition('Dead', this.clock.now());
    if (this.isCurrent(group)) this.groups.delete(group.groupId);
  }

  private gate(): Promise<void> {
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  /** Lets every held write complete. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const r of held) r();
  }

  get heldWrites(): number {
    return this.held.length;
  }

  async persist(group: Group, assignments?: Map<string, Buffer>): Promise<number> {
    this.persisted.push({
      groupId: group.groupId,
      state: group.state,
      generationId: group.generationId,
      leaderId: group.leaderId,
      protocolName: group.protocolName,
      memberIds: [...group.members.keys()],
      assignments: assignments ? new Map(assignments) : undefined,
    });
    await this.gate();
    return this.persistError;
  }

  async write(group: Group, records: KeyValue[]): Promise<number> {
    this.writes.push({ groupId: group.groupId, records });
    await this.gate();
    return this.writeError;
  }
}

export interface FakeHarness extends GroupHarness {
  readonly groups: FakeGroups;
  readonly membershipConfig: MembershipConfig;
  readonly offsetsConfig: OffsetsConfig;
}

export function fakeHarness(o: { membership?: Partial<MembershipConfig>; offsets?: Partial<OffsetsConfig>; clock?: ManualClock } = {}): FakeHarness {
  const clock = o.clock ?? new ManualClock();
  const membershipConfig = { ...DEFAULT_MEMBERSHIP, ...o.membership };
  const offsetsConfig = { ...DEFAULT_OFFSETS, ...o.offsets };
  const groups = new FakeGroups(clock);
  const membership = new GroupMembership(clock, membershipConfig, groups);
  groups.membership = membership;
  const offsets = new GroupOffsets(clock, offsetsConfig, groups, membership);
  return {
    clock,
    groups,
    membership,
    offsets,
    membershipConfig,
    offsetsConfig,
    group: (id = GROUP) => groups.get(id),
    async advance(ms: number) {
      clock.advance(ms);
      await settle(2);
    },
  };
}

export interface CoordinatorHarness extends GroupHarness {
  readonly fs: MemoryFileSystem;
  readonly config: BrokerConfig;
  readonly metadata: EmbeddedMetadataStore;
  readonly logs: LogManager;
  readonly replicas: ReplicaManager;
  readonly topics: TopicManager;
  readonly log: InternalTopicLog;
  readonly coordinator: GroupCoordinator;
  /** Records replayed by load() when this harness was built. */
  readonly loaded: number;
  /**
   * Clean stop, then a new coordinator over the same files and clock, loaded from the log;
   * `settings` are applied over the ones this harness was built with.
   */
  restart(settings?: Record<string, string>): Promise<CoordinatorHarness>;
  close(): Promise<void>;
}

const DATA_DIR = '/data';
const SELF: BrokerEndpoint = { nodeId: 1, host: '127.0.0.1', port: 9092, rack: null };
/** Background log work (retention, timed flush, checkpoints) is kept out of the way of the clock. */
const FAR_AWAY_MS = 1_000 * 365 * DAY_MS;

export interface CoordinatorOptions {
  /** Broker settings (strings, as in server.properties) over the harness defaults. */
  settings?: Record<string, string>;
  fs?: MemoryFileSystem;
  clock?: ManualClock;
}

/** A GroupCoordinator wired as Broker wires it, over an in-memory filesystem. */
export async function coordinatorHarness(o: CoordinatorOptions = {}): Promise<CoordinatorHarness> {
  const fs = o.fs ?? new MemoryFileSystem();
  const clock = o.clock ?? new ManualClock();
  const settings: Record<string, string> = {
    'node.id': '1',
    listeners: 'PLAINTEXT://127.0.0.1:9092',
    'log.dirs': DATA_DIR,
    'offsets.topic.num.partitions': '50',
    'offsets.topic.replication.factor': '1',
    'group.initial.rebalance.delay.ms': '0',
    ...o.settings,
  };
  const config = BrokerConfig.fromMap(settings);
  const logger = silentLogger();
  const metadata = await EmbeddedMetadataStore.open(fs, DATA_DIR, SELF);
  const logs = new LogManager({
    fs,
    clock,
    dataDirs: [DATA_DIR],
    configFor: (topic) => config.topicLogConfig(metadata.topic(topic)?.configs ?? {}),
    retentionCheckIntervalMs: FAR_AWAY_MS,
    flushCheckIntervalMs: FAR_AWAY_MS,
    checkpointIntervalMs: FAR_AWAY_MS,
  });
  logs.startup();
  const replicas = new ReplicaManager(logs, config, config.nodeId);
  for (const t of metadata.topics()) replicas.addTopic(t);
  const topics = new TopicManager(metadata, config, SELF_CONTROLLER);
  const coordinator = groupCoordinatorFromConfig(config, { metadata, topics, replicas, clock, logger });
  const log = coordinator.topicLog;
  followMetadata({
    metadata, replicas, logger,
    onTopicDeleted: (name) => coordinator.topicDeleted(name),
    onLeadershipChanged: (t) => { if (t.name === log.name) coordinator.load(); },
  });
  const loaded = coordinator.load();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    coordinator.shutdown();
    await logs.shutdown();
  };
  return {
    fs, clock, config, metadata, logs, replicas, topics, log, coordinator, loaded,
    membership: coordinator.membership,
    offsets: coordinator.offsets,
    group: (id = GROUP) => coordinator.get(id),
    async advance(ms: number) {
      clock.advance(ms);
      await settle();
    },
    async restart(more: Record<string, string> = {}) {
      await close();
      return coordinatorHarness({ ...o, settings: { ...o.settings, ...more }, fs, clock });
    },
    close,
  };
}

// ---- common scenarios ----

export interface StableGroup {
  generationId: number;
  leader: string;
  /** Member ids in join order; the first is the leader. */
  memberIds: string[];
  joins: JoinOutcome[];
  syncs: SyncOutcome[];
  /** What the leader assigned to each member. */
  assignments: Map<string, Buffer>;
}

/**
 * Joins `requests` (all at once, new members, JoinGroup below v4), completes the join phase by
 * advancing the clock past the initial delay, then syncs the leader with `assign-<i>` for member
 * i and every follower. The group ends Stable.
 */
export async function formStableGroup(h: GroupHarness, requests: JoinRequest[], initialDelayMs = 0): Promise<StableGroup> {
  const pending = requests.map((r) => h.membership.join(r));
  await h.advance(initialDelayMs);
  const joins = await Promise.all(pending);
  for (const j of joins) if (j.errorCode !== ErrorCode.NONE) throw new Error(`join failed: ${j.errorCode}`);
  const leader = joins[0]!.leader;
  const memberIds = joins.map((j) => j.memberId);
  const generationId = joins[0]!.generationId;
  const assignments = new Map(memberIds.map((id, i) => [id, Buffer.from(`assign-${i}`)]));
  const groupId = requests[0]!.groupId;
  const syncs = await Promise.all([
    h.membership.sync(syncRequest({ groupId, memberId: leader, generationId, assignments })),
    ...memberIds.filter((id) => id !== leader).map((id) => h.membership.sync(syncRequest({ groupId, memberId: id, generationId }))),
  ]);
  for (const s of syncs) if (s.errorCode !== ErrorCode.NONE) throw new Error(`sync failed: ${s.errorCode}`);
  return { generationId, leader, memberIds, joins, syncs, assignments };
}

/** `n` default join requests with client ids c0, c1, ... */
export function members(n: number, o: Partial<JoinRequest> = {}): JoinRequest[] {
  return Array.from({ length: n }, (_, i) => joinRequest({ clientId: `c${i}`, ...o }));
}
