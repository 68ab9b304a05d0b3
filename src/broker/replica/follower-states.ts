/**
 * FollowerStates: what a partition leader knows of each follower, learnt from its fetches (Kafka's
 * replica state): the follower's log end offset (the offset it fetches from) and when it was last
 * caught up. A follower is caught up at a fetch that asks for the leader's log end offset; a fetch
 * that asks for at least the log end the leader had at the follower's previous fetch means it was
 * caught up at that previous fetch.
 *
 * Contract: owned by one Partition; plain data, no I/O, time passed in.
 */
export interface FollowerState {
  /** The follower's log end offset, -1 until its first fetch in this leader epoch. */
  logEndOffset: number;
  /** The follower's log start offset as its last fetch gave it, -1 when unknown. */
  logStartOffset: number;
  lastCaughtUpMs: number;
  lastFetchMs: number;
  leaderEndAtLastFetch: number;
}

export class FollowerStates {
  private readonly states = new Map<number, FollowerState>();

  /** Starts tracking `followers` afresh (a new leader epoch); `now` counts as caught up. */
  reset(followers: readonly number[], now: number): void {
    this.states.clear();
    for (const id of followers) this.states.set(id, { logEndOffset: -1, logStartOffset: -1, lastCaughtUpMs: now, lastFetchMs: -1, leaderEndAtLastFetch: -1 });
  }

  /** Keeps the states of replicas still assigned, adds new ones. */
  retain(followers: readonly number[], now: number): void {
    for (const id of [...this.states.keys()]) if (!followers.includes(id)) this.states.delete(id);
    for (const id of followers) {
      if (!this.states.has(id)) this.states.set(id, { logEndOffset: -1, logStartOffset: -1, lastCaughtUpMs: now, lastFetchMs: -1, leaderEndAtLastFetch: -1 });
    }
  }

  get(id: number): FollowerState | undefined {
    return this.states.get(id);
  }

  /** Records a fetch by `id` from `fetchOffset` while the leader's log ends at `leaderEnd`. */
  recordFetch(id: number, fetchOffset: number, leaderEnd: number, now: number, logStartOffset = -1): void {
    const s = this.states.get(id);
    if (!s) return;
    s.logStartOffset = logStartOffset;
    if (fetchOffset >= leaderEnd) s.lastCaughtUpMs = now;
    else if (s.lastFetchMs >= 0 && fetchOffset >= s.leaderEndAtLastFetch) s.lastCaughtUpMs = Math.max(s.lastCaughtUpMs, s.lastFetchMs);
    s.logEndOffset = fetchOffset;
    s.lastFetchMs = now;
    s.leaderEndAtLastFetch = leaderEnd;
  }

  /** Followers of `isr` not caught up for longer than `maxLagMs`. */
  laggingIn(isr: readonly number[], now: number, maxLagMs: number): number[] {
    return isr.filter((id) => {
      const s = this.states.get(id);
      return s !== undefined && now - s.lastCaughtUpMs > maxLagMs;
    });
  }

  /** Followers outside `isr` whose log has reached `highWatermark` (and the current epoch's start). */
  readyToJoin(isr: readonly number[], highWatermark: number, epochStart: number): number[] {
    const out: number[] = [];
    for (const [id, s] of this.states) {
      if (!isr.includes(id) && s.logEndOffset >= 0 && s.logEndOffset >= highWatermark && s.logEndOffset >= epochStart) out.push(id);
    }
    return out;
  }
}
