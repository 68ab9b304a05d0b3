/**
 * SharePartition: which records of one topic partition a share group (KIP-932) has handed out,
 * to whom, how often, and which are done — Kafka's share-partition state, kept on the partition's
 * leader.
 *
 *   startOffset  every record below it is done (acknowledged, archived, or a gap)
 *   endOffset    the first record never acquired; offsets in [startOffset, endOffset) not held in
 *                `inFlight` are done too
 *
 * A record in flight is AVAILABLE (to be delivered again) or ACQUIRED by one member until its
 * acquisition lock expires (group.share.record.lock.duration.ms). Acknowledgements:
 *   ACCEPT   done, delivered
 *   RELEASE  available again (its delivery count stays)
 *   REJECT   done, archived undelivered
 *   GAP      done: the offset holds no record (compaction, control records)
 * A record acquired group.share.delivery.count.limit times is archived instead of being made
 * available again when its lock expires or it is released.
 *
 * At most `maxInFlight` records (group.share.partition.max.record.locks) are acquired at once.
 *
 * Contract: owned by the SharePartitionManager; methods run on the event loop and take the time
 * as an argument, so lock expiry is deterministic in tests.
 */
import { ErrorCode } from '../../../protocol/generated/error-codes.js';

export const AcknowledgeType = { GAP: 0, ACCEPT: 1, RELEASE: 2, REJECT: 3 } as const;

/** Kafka's delivery states as stored in share-group state batches. */
export const DeliveryState = { AVAILABLE: 0, ACQUIRED: 1, ACKNOWLEDGED: 2, ARCHIVED: 4 } as const;

export interface InFlightRecord {
  state: 'available' | 'acquired';
  deliveryCount: number;
  memberId: string | null;
  lockExpiresAt: number;
}

export interface AcquiredRange {
  firstOffset: number;
  lastOffset: number;
  deliveryCount: number;
}

/** The offsets a log read offered: batches with their first and last offsets. */
export interface OfferedBatch {
  baseOffset: number;
  lastOffset: number;
  isControl: boolean;
}

export interface PersistedBatch {
  firstOffset: number;
  lastOffset: number;
  deliveryState: number;
  deliveryCount: number;
}

export interface SharePartitionLimits {
  lockDurationMs: number;
  deliveryCountLimit: number;
  maxInFlight: number;
}

export class SharePartition {
  startOffset: number;
  endOffset: number;
  readonly inFlight = new Map<number, InFlightRecord>();
  /** Raised by every change that must be persisted. */
  stateEpoch = 0;

  constructor(startOffset: number, private readonly limits: () => SharePartitionLimits) {
    this.startOffset = startOffset;
    this.endOffset = startOffset;
  }

  /** Where the next log read should start: the first available record, else the end. */
  nextFetchOffset(): number {
    let lowest = this.endOffset;
    for (const [offset, r] of this.inFlight) if (r.state === 'available' && offset < lowest) lowest = offset;
    return lowest;
  }

  acquiredCount(): number {
    let n = 0;
    for (const r of this.inFlight.values()) if (r.state === 'acquired') n++;
    return n;
  }

  /** Whether anything could be acquired from a log whose high watermark is `hw`. */
  hasAcquirable(hw: number): boolean {
    if (this.acquiredCount() >= this.limits().maxInFlight) return false;
    if (hw > this.endOffset) return true;
    for (const r of this.inFlight.values()) if (r.state === 'available') return true;
    return false;
  }

  /**
   * Acquires for `memberId` the available and new records of the batches a read returned, up to
   * the in-flight limit; returns the acquired ranges (by delivery count). Control batches and the
   * gaps between batches are done at once.
   */
  acquire(memberId: string, batches: readonly OfferedBatch[], now: number): AcquiredRange[] {
    const { lockDurationMs, maxInFlight } = this.limits();
    let room = maxInFlight - this.acquiredCount();
    const taken: number[] = [];
    for (const b of batches) {
      if (room <= 0) break;
      if (b.baseOffset > this.endOffset) this.endOffset = b.baseOffset; // a gap: nothing there
      for (let offset = Math.max(b.baseOffset, this.startOffset); offset <= b.lastOffset && room > 0; offset++) {
        if (offset >= this.endOffset) {
          this.endOffset = offset + 1;
          if (b.isControl) continue;
          this.inFlight.set(offset, { state: 'available', deliveryCount: 0, memberId: null, lockExpiresAt: 0 });
        }
        const r = this.inFlight.get(offset);
        if (!r || r.state !== 'available') continue;
        r.state = 'acquired';
        r.deliveryCount += 1;
        r.memberId = memberId;
        r.lockExpiresAt = now + lockDurationMs;
        taken.push(offset);
        room--;
      }
    }
    if (taken.length > 0) this.stateEpoch++;
    this.advance();
    return ranges(taken, (o) => this.inFlight.get(o)!.deliveryCount);
  }

  /**
   * Applies one acknowledgement of [first, last] by `memberId`; resolves to a Kafka error code:
   * INVALID_RECORD_STATE when some record of the range is not acquired by that member.
   */
  acknowledge(memberId: string, first: number, last: number, types: readonly number[]): number {
    if (last < first || types.length === 0 || (types.length !== 1 && types.length !== last - first + 1)) return ErrorCode.INVALID_REQUEST;
    // nothing outside [startOffset, endOffset) is held by anyone (this also bounds the work)
    if (first < this.startOffset || last >= this.endOffset) return ErrorCode.INVALID_RECORD_STATE;
    for (let offset = first; offset <= last; offset++) {
      const type = types.length === 1 ? types[0]! : types[offset - first]!;
      if (type === AcknowledgeType.GAP && !this.inFlight.has(offset)) continue;
      const r = this.inFlight.get(offset);
      if (!r || r.state !== 'acquired' || r.memberId !== memberId) return ErrorCode.INVALID_RECORD_STATE;
    }
    const limit = this.limits().deliveryCountLimit;
    for (let offset = first; offset <= last; offset++) {
      const type = types.length === 1 ? types[0]! : types[offset - first]!;
      const r = this.inFlight.get(offset);
      if (!r) continue;
      if (type === AcknowledgeType.RELEASE) this.makeAvailable(offset, r, limit);
      else this.inFlight.delete(offset);
    }
    this.stateEpoch++;
    this.advance();
    return ErrorCode.NONE;
  }

  /** Returns expired acquisitions; true when something changed. */
  expireLocks(now: number): boolean {
    return this.releaseWhere((r) => r.lockExpiresAt <= now);
  }

  /** Releases every record `memberId` holds (it left, or its share session closed). */
  releaseMember(memberId: string): boolean {
    return this.releaseWhere((r) => r.memberId === memberId);
  }

  /** Makes the acquired records that `which` picks available again (or archives them); true when any. */
  private releaseWhere(which: (r: InFlightRecord) => boolean): boolean {
    const limit = this.limits().deliveryCountLimit;
    let changed = false;
    for (const [offset, r] of [...this.inFlight]) {
      if (r.state !== 'acquired' || !which(r)) continue;
      this.makeAvailable(offset, r, limit);
      changed = true;
    }
    if (changed) {
      this.stateEpoch++;
      this.advance();
    }
    return changed;
  }

  private makeAvailable(offset: number, r: InFlightRecord, deliveryCountLimit: number): void {
    if (r.deliveryCount >= deliveryCountLimit) {
      this.inFlight.delete(offset); // archived: delivered as often as allowed
      return;
    }
    r.state = 'available';
    r.memberId = null;
    r.lockExpiresAt = 0;
  }

  /** Moves startOffset past every done record. */
  private advance(): void {
    let lowest = this.endOffset;
    for (const offset of this.inFlight.keys()) if (offset < lowest) lowest = offset;
    this.startOffset = lowest;
  }

  /** The state as Kafka's share-group state batches (acquired records count as available). */
  snapshot(): { startOffset: number; batches: PersistedBatch[] } {
    const offsets = [...this.inFlight.keys()].sort((a, b) => a - b);
    const batches: PersistedBatch[] = [];
    for (const offset of offsets) {
      const r = this.inFlight.get(offset)!;
      const last = batches[batches.length - 1];
      if (last && last.lastOffset === offset - 1 && last.deliveryCount === r.deliveryCount) last.lastOffset = offset;
      else batches.push({ firstOffset: offset, lastOffset: offset, deliveryState: DeliveryState.AVAILABLE, deliveryCount: r.deliveryCount });
    }
    // the end of what was handed out, so that done records past the last in-flight one stay done
    if (this.endOffset > (offsets[offsets.length - 1] ?? this.startOffset - 1) + 1) {
      batches.push({ firstOffset: this.endOffset - 1, lastOffset: this.endOffset - 1, deliveryState: DeliveryState.ACKNOWLEDGED, deliveryCount: 0 });
    }
    return { startOffset: this.startOffset, batches };
  }

  /** Rebuilds a share partition from a snapshot: records that were acquired are available again. */
  static restore(startOffset: number, batches: readonly PersistedBatch[], limits: () => SharePartitionLimits): SharePartition {
    const sp = new SharePartition(startOffset, limits);
    for (const b of batches) {
      for (let offset = b.firstOffset; offset <= b.lastOffset; offset++) {
        if (offset < startOffset) continue;
        if (b.deliveryState === DeliveryState.AVAILABLE || b.deliveryState === DeliveryState.ACQUIRED) {
          sp.inFlight.set(offset, { state: 'available', deliveryCount: b.deliveryCount, memberId: null, lockExpiresAt: 0 });
        }
        sp.endOffset = Math.max(sp.endOffset, offset + 1);
      }
    }
    sp.advance();
    return sp;
  }
}

function ranges(offsets: number[], countOf: (offset: number) => number): AcquiredRange[] {
  const out: AcquiredRange[] = [];
  for (const offset of offsets.sort((a, b) => a - b)) {
    const count = countOf(offset);
    const last = out[out.length - 1];
    if (last && last.lastOffset === offset - 1 && last.deliveryCount === count) last.lastOffset = offset;
    else out.push({ firstOffset: offset, lastOffset: offset, deliveryCount: count });
  }
  return out;
}
