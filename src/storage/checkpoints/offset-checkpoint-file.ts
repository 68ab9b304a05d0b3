/**
 * Offset checkpoint files, one per data directory, in Kafka's text format:
 *
 *   0                     format version
 *   2                     number of entries
 *   orders 0 1500         topic, partition, offset
 *   orders 1 1320
 *
 * Gregor keeps two, as Kafka does: `recovery-point-offset-checkpoint` (offsets below which each
 * log was fsynced, so recovery after a crash starts there) and `log-start-offset-checkpoint`
 * (each log's start offset, moved by DeleteRecords). Written atomically (temp file, fsync,
 * rename); a missing or unreadable file reads as empty, which only costs a longer recovery.
 */
import { writeFileAtomic, type FileSystem } from '../fs/file-system.js';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
/** The high watermark of every log (Kafka's name for it). */
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';

export type OffsetCheckpoint = Map<string, number>; // key: `${topic}-${partition}`

export function formatOffsetCheckpoint(entries: OffsetCheckpoint): string {
  const lines = ['0', String(entries.size)];
  for (const [key, offset] of entries) {
    const dash = key.lastIndexOf('-');
    lines.push(`${key.slice(0, dash)} ${key.slice(dash + 1)} ${offset}`);
  }
  return lines.join('\n') + '\n';
}

/** Parses a checkpoint; returns undefined when the text is not a valid version-0 checkpoint. */
export function parseOffsetCheckpoint(text: string): OffsetCheckpoint | undefined {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== '0' || lines.length < 2) return undefined;
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) return undefined;
  const out: OffsetCheckpoint = new Map();
  for (const line of lines.slice(2)) {
    const parts = line.split(' ');
    if (parts.length !== 3) return undefined;
    const [topic, partition, offset] = parts as [string, string, string];
    if (!/^\d+$/.test(partition) || !/^-?\d+$/.test(offset)) return undefined;
    out.set(`${topic}-${partition}`, Number(offset));
  }
  return out;
}

export function readOffsetCheckpoint(fs: FileSystem, path: string): OffsetCheckpoint {
  if (!fs.exists(path)) return new Map();
  try {
    return parseOffsetCheckpoint(fs.readFile(path).toString('utf8')) ?? new Map();
  } catch {
    return new Map();
  }
}

export function writeOffsetCheckpoint(fs: FileSystem, path: string, entries: OffsetCheckpoint): Promise<void> {
  return writeFileAtomic(fs, path, Buffer.from(formatOffsetCheckpoint(entries)));
}
