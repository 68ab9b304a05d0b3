/**
 * LeaderEpochCache: for one partition, the offset at which each leader epoch began, persisted
 * in the partition directory as `leader-epoch-checkpoint` in Kafka's text format:
 *
 *   0              format version
 *   2              number of entries
 *   0 0            epoch, start offset
 *   3 1200
 *
 * Replication uses it to answer OffsetForLeaderEpoch (the end offset of an epoch is the start of
 * the next one, or the log end for the latest) and followers truncate by it after a failover.
 *
 * Contract: owned by the partition's log; every change is written atomically before the
 * returned promise resolves.
 */
import { writeFileAtomic, type FileSystem } from '../fs/file-system.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export class LeaderEpochCache {
  private entries: EpochEntry[];

  private constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
    entries: EpochEntry[],
  ) {
    this.entries = entries;
  }

  static load(fs: FileSystem, dir: string): LeaderEpochCache {
    const path = `${dir}/${LEADER_EPOCH_CHECKPOINT}`;
    let entries: EpochEntry[] = [];
    if (fs.exists(path)) entries = parseEpochs(fs.readFile(path).toString('utf8')) ?? [];
    return new LeaderEpochCache(fs, path, entries);
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1;
  }

  /** Records that `epoch` starts at `startOffset` (ignored if it is not newer than the latest). */
  async assign(epoch: number, startOffset: number): Promise<void> {
    const last = this.entries.at(-1);
    if (last && (epoch <= last.epoch || startOffset < last.startOffset)) return;
    this.entries.push({ epoch, startOffset });
    await this.persist();
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= the requested one and its end offset (the start
   * of the next epoch, or logEndOffset for the latest); {-1, -1} when unknown.
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    let i = this.entries.length - 1;
    while (i >= 0 && this.entries[i]!.epoch > epoch) i--;
    if (i < 0) return { epoch: -1, endOffset: -1 };
    const next = this.entries[i + 1];
    return { epoch: this.entries[i]!.epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** Drops epochs starting at or after `offset` (the log was truncated there). */
  async truncateFromEnd(offset: number): Promise<void> {
    const kept = this.entries.filter((e) => e.startOffset < offset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    await this.persist();
  }

  private persist(): Promise<void> {
    const text = ['0', String(this.entries.length), ...this.entries.map((e) => `${e.epoch} ${e.startOffset}`)].join('\n') + '\n';
    return writeFileAtomic(this.fs, this.path, Buffer.from(text));
  }
}

export function parseEpochs(text: string): EpochEntry[] | undefined {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== '0' || Number(lines[1]) !== lines.length - 2) return undefined;
  const out: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const m = /^(\d+) (\d+)$/.exec(line);
    if (!m) return undefined;
    out.push({ epoch: Number(m[1]), startOffset: Number(m[2]) });
  }
  return out;
}
