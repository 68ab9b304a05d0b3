/**
 * SegmentList: a partition's segments ordered by base offset, with the floor lookup reads need.
 * The last segment is the active one (the only one appended to). Never empty.
 */
import type { LogSegment } from '../segment/log-segment.js';

export class SegmentList {
  private segments: LogSegment[];

  constructor(segments: LogSegment[]) {
    if (segments.length === 0) throw new Error('a log has at least one segment');
    this.segments = [...segments].sort((a, b) => a.baseOffset - b.baseOffset);
  }

  get all(): readonly LogSegment[] {
    return this.segments;
  }

  get count(): number {
    return this.segments.length;
  }

  get first(): LogSegment {
    return this.segments[0]!;
  }

  get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  get totalSize(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Index of the segment whose base offset is the greatest <= offset (0 if offset precedes all). */
  floorIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Segments from the one that may hold `offset` to the end. */
  *from(offset: number): Generator<LogSegment> {
    for (let i = this.floorIndex(offset); i < this.segments.length; i++) yield this.segments[i]!;
  }

  add(segment: LogSegment): void {
    if (segment.baseOffset < this.active.baseOffset) throw new Error('segments are added in offset order');
    if (segment.baseOffset === this.active.baseOffset && this.active.isEmpty) {
      this.segments[this.segments.length - 1] = segment;
      return;
    }
    this.segments.push(segment);
  }

  remove(segment: LogSegment): void {
    this.segments = this.segments.filter((s) => s !== segment);
    if (this.segments.length === 0) throw new Error('cannot remove the last segment');
  }

  replace(old: readonly LogSegment[], replacement: LogSegment): void {
    const set = new Set(old);
    const kept = this.segments.filter((s) => !set.has(s));
    kept.push(replacement);
    this.segments = kept.sort((a, b) => a.baseOffset - b.baseOffset);
  }
}
