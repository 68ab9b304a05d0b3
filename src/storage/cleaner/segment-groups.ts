/**
 * Grouping the segments a pass rewrites: consecutive segments merge into one cleaned segment as
 * long as their combined sizes stay within segment.bytes, their index files within
 * segment.index.bytes, and their offsets within the 32-bit relative offsets of the indexes, as
 * Kafka groups them. So compaction also merges the small segments it leaves behind.
 *
 * Sizes are those of the input: a cleaned segment is never larger than its input, except that a
 * batch given a delete horizon stores its records' timestamps as deltas from that horizon, a few
 * bytes more per record; segment.bytes is a roll threshold, so that small excess is harmless.
 *
 * Contract: pure; reads index file sizes from the filesystem.
 */
import type { FileSystem } from '../fs/file-system.js';
import type { LogSegment } from '../segment/log-segment.js';
import { INDEX_SUFFIX, TIME_INDEX_SUFFIX } from '../segment/segment-files.js';

const MAX_RELATIVE_OFFSET = 0x7fffffff;

export interface GroupLimits {
  segmentBytes: number;
  maxIndexBytes: number;
}

function fileSize(fs: FileSystem, path: string): number {
  return fs.exists(path) ? fs.fileSize(path) : 0;
}

export function groupSegments(fs: FileSystem, segments: readonly LogSegment[], limits: GroupLimits): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let group: LogSegment[] = [];
  let logBytes = 0;
  let indexBytes = 0;
  let timeIndexBytes = 0;
  for (const seg of segments) {
    const segIndex = fileSize(fs, seg.path(INDEX_SUFFIX));
    const segTimeIndex = fileSize(fs, seg.path(TIME_INDEX_SUFFIX));
    const first = group[0];
    const fits =
      first !== undefined &&
      logBytes + seg.size <= limits.segmentBytes &&
      indexBytes + segIndex <= limits.maxIndexBytes &&
      timeIndexBytes + segTimeIndex <= limits.maxIndexBytes &&
      seg.nextOffset - 1 - first.baseOffset <= MAX_RELATIVE_OFFSET;
    if (!fits && group.length > 0) {
      groups.push(group);
      group = [];
      logBytes = indexBytes = timeIndexBytes = 0;
    }
    group.push(seg);
    logBytes += seg.size;
    indexBytes += segIndex;
    timeIndexBytes += segTimeIndex;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
