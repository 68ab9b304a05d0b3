/**
 * Incremental fetch sessions (KIP-227). A consumer's full fetch (epoch 0) may open a session;
 * later fetches (epoch 1, 2, ...) list only partitions whose position changed, and the broker
 * answers only partitions with something new. The session remembers each partition's fetch
 * position and what the client was last told (high watermark, log start offset).
 *
 * Contract: owned by the broker; the Fetch handler is the only user. Sessions are evicted least
 * recently used first when the cache is full (max.incremental.fetch.session.cache.slots).
 */
import type { Clock } from '../../common/clock.js';

export interface SessionPartition {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  /** What the last response said; -1 before the first response. */
  sentHighWatermark: number;
  sentLogStartOffset: number;
  sentLastStableOffset: number;
}

export class FetchSession {
  /** The epoch the next fetch in this session must carry. */
  nextEpoch = 1;
  readonly partitions = new Map<string, SessionPartition>();
  lastUsed: number;

  constructor(
    readonly id: number,
    readonly usesTopicIds: boolean,
    now: number,
  ) {
    this.lastUsed = now;
  }

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  private nextId = 1 + Math.floor(Math.random() * 0x3fffffff);

  constructor(
    private readonly clock: Clock,
    private readonly maxSessions = 1000,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  create(usesTopicIds: boolean): FetchSession | undefined {
    if (this.maxSessions <= 0) return undefined;
    if (this.sessions.size >= this.maxSessions) this.evictOldest();
    let id = this.nextId++;
    if (this.nextId > 0x7fffffff) this.nextId = 1;
    while (this.sessions.has(id) || id === 0) id = this.nextId++;
    const session = new FetchSession(id, usesTopicIds, this.clock.now());
    this.sessions.set(id, session);
    return session;
  }

  get(id: number): FetchSession | undefined {
    const s = this.sessions.get(id);
    if (s) s.lastUsed = this.clock.now();
    return s;
  }

  remove(id: number): void {
    this.sessions.delete(id);
  }

  private evictOldest(): void {
    let oldest: FetchSession | undefined;
    for (const s of this.sessions.values()) if (!oldest || s.lastUsed < oldest.lastUsed) oldest = s;
    if (oldest) this.sessions.delete(oldest.id);
  }
}
