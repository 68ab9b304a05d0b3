/**
 * LogManager: every partition log under the data directories (log.dirs), their startup
 * recovery, background retention and time-based flushing, checkpoints, and clean shutdown.
 *
 * Layout of a data directory:
 *   <topic>-<partition>/                 one PartitionLog each
 *   recovery-point-offset-checkpoint     see OffsetCheckpoint
 *   log-start-offset-checkpoint
 *   replication-offset-checkpoint        the high watermarks, so a restarted replica does not take
 *                                        its whole log as committed
 *   .kafka_cleanshutdown                 present only while the broker is cleanly stopped
 *   <topic>-<partition>.<id>-delete/     a deleted partition whose files are being removed
 *
 * On startup the clean-shutdown marker decides whether segments are trusted (marker present) or
 * recovered from each log's recovery point; the marker is removed once logs are loaded, so a
 * later crash is detected. Background work runs on the injected Clock.
 *
 * Contract: one owner (the broker); logs are handed out to the partition owners, which serialise
 * their own calls.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../common/clock.js';
import { writeFileAtomic, type FileSystem } from './fs/file-system.js';
import { logConfigFrom, type LogConfig } from './log-config.js';
import { PartitionLog } from './log/partition-log.js';
import { applyRetention } from './log/retention.js';
import {
  LOG_START_OFFSET_CHECKPOINT, readOffsetCheckpoint, RECOVERY_POINT_CHECKPOINT, REPLICATION_OFFSET_CHECKPOINT, writeOffsetCheckpoint,
  type OffsetCheckpoint,
} from './checkpoints/offset-checkpoint-file.js';
import { Cleaner, CLEANER_OFFSET_CHECKPOINT } from './cleaner/index.js';

export const CLEAN_SHUTDOWN_MARKER = '.kafka_cleanshutdown';

export interface LogManagerOptions {
  fs: FileSystem;
  clock: Clock;
  dataDirs: readonly string[];
  /** Topic configuration (topic-level overrides merged over broker defaults) for a topic. */
  configFor: (topic: string) => LogConfig;
  retentionCheckIntervalMs?: number; // log.retention.check.interval.ms
  flushCheckIntervalMs?: number; // log.flush.scheduler.interval.ms
  checkpointIntervalMs?: number; // log.flush.offset.checkpoint.interval.ms
  /** Forget idle idempotent producers after this long (producer.id.expiration.ms). */
  producerIdExpirationMs?: number;
  /** Log compaction: off when absent (log.cleaner.enable). */
  cleaner?: { offsetMapEntries: number; backoffMs: number };
  onLogError?: (topic: string, partition: number, error: unknown) => void;
}

/** The LogManager settings that can change while it runs (dynamic broker configs). */
export interface LogManagerTunables {
  producerIdExpirationMs?: number;
  cleanerBackoffMs?: number;
  cleanerOffsetMapEntries?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export function parsePartitionDirName(name: string): TopicPartition | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const partition = name.slice(dash + 1);
  if (!/^\d+$/.test(partition)) return undefined;
  return { topic: name.slice(0, dash), partition: Number(partition) };
}

interface ManagedLog {
  log: PartitionLog;
  topic: string;
  partition: number;
  dataDir: string;
}

export interface StartupReport {
  cleanShutdown: boolean;
  logsLoaded: number;
  logsOffline: number;
}

export class LogManager {
  private readonly logs = new Map<string, ManagedLog>();
  private readonly timers: Timer[] = [];
  private stopped = false;
  private readonly cleaner: Cleaner | undefined;
  private producerIdExpirationMs: number;
  private cleanerBackoffMs: number;
  private cleanerCheckpoints: OffsetCheckpoint = new Map();

  constructor(private readonly o: LogManagerOptions) {
    this.cleaner = o.cleaner ? new Cleaner({ clock: o.clock, offsetMapEntries: o.cleaner.offsetMapEntries }) : undefined;
    this.producerIdExpirationMs = o.producerIdExpirationMs ?? 86_400_000;
    this.cleanerBackoffMs = o.cleaner?.backoffMs ?? 15_000;
  }

  /** Loads every log found in the data directories and starts background work. */
  startup(): StartupReport {
    const report: StartupReport = { cleanShutdown: true, logsLoaded: 0, logsOffline: 0 };
    for (const dir of this.o.dataDirs) {
      this.o.fs.mkdirp(dir);
      const clean = this.o.fs.exists(`${dir}/${CLEAN_SHUTDOWN_MARKER}`);
      report.cleanShutdown &&= clean;
      const recoveryPoints = readOffsetCheckpoint(this.o.fs, `${dir}/${RECOVERY_POINT_CHECKPOINT}`);
      const startOffsets = readOffsetCheckpoint(this.o.fs, `${dir}/${LOG_START_OFFSET_CHECKPOINT}`);
      const highWatermarks = readOffsetCheckpoint(this.o.fs, `${dir}/${REPLICATION_OFFSET_CHECKPOINT}`);
      for (const [k, v] of readOffsetCheckpoint(this.o.fs, `${dir}/${CLEANER_OFFSET_CHECKPOINT}`)) this.cleanerCheckpoints.set(k, v);
      for (const name of this.o.fs.list(dir)) {
        if (name.endsWith('-delete')) {
          this.o.fs.removeDir(`${dir}/${name}`);
          continue;
        }
        const tp = parsePartitionDirName(name);
        if (!tp || this.o.fs.exists(`${dir}/${name}`) === false) continue;
        try {
          this.openLog(dir, tp, clean, recoveryPoints.get(name) ?? 0, startOffsets.get(name) ?? 0, highWatermarks.get(name));
          report.logsLoaded++;
        } catch (e) {
          report.logsOffline++;
          this.o.onLogError?.(tp.topic, tp.partition, e);
        }
      }
      if (clean) this.o.fs.remove(`${dir}/${CLEAN_SHUTDOWN_MARKER}`);
    }
    this.startBackgroundWork();
    return report;
  }

  private openLog(dataDir: string, tp: TopicPartition, clean: boolean, recoveryPoint: number, logStartOffset: number, highWatermark?: number): PartitionLog {
    const log = PartitionLog.open({
      fs: this.o.fs,
      clock: this.o.clock,
      dir: `${dataDir}/${partitionDirName(tp.topic, tp.partition)}`,
      config: this.o.configFor(tp.topic),
      cleanShutdown: clean,
      recoveryPoint,
      logStartOffset,
      highWatermark,
    });
    this.logs.set(partitionDirName(tp.topic, tp.partition), { log, ...tp, dataDir });
    this.syncCleanerRegistration(log, partitionDirName(tp.topic, tp.partition));
    return log;
  }

  /** Registers a compacted log with the cleaner (or unregisters one that no longer compacts). */
  private syncCleanerRegistration(log: PartitionLog, key: string): void {
    if (!this.cleaner) return;
    const registered = this.registeredLogs.has(log);
    if (log.config.cleanupPolicy.compact && !registered) {
      this.cleaner.register(log, { key, firstDirtyOffset: this.cleanerCheckpoints.get(key) });
      this.registeredLogs.add(log);
    } else if (!log.config.cleanupPolicy.compact && this.registeredLogs.has(log)) {
      this.registeredLogs.delete(log);
      void this.cleaner.unregister(log);
    }
  }

  private readonly registeredLogs = new Set<PartitionLog>();

  private startBackgroundWork(): void {
    const every = (interval: () => number, task: () => void): void => {
      const tick = (): void => {
        if (this.stopped) return;
        task();
        this.timers.push(this.o.clock.schedule(interval(), tick));
      };
      this.timers.push(this.o.clock.schedule(interval(), tick));
    };
    every(() => this.o.retentionCheckIntervalMs ?? 300_000, () => this.runRetention());
    every(() => this.o.flushCheckIntervalMs ?? 1_000, () => this.runTimedFlush());
    every(() => this.o.checkpointIntervalMs ?? 60_000, () => void this.writeCheckpoints());
    if (this.cleaner) every(() => this.cleanerBackoffMs, () => void this.runCleaner());
  }

  /** One compaction pass over the compacted logs; resolves with the logs cleaned. */
  async runCleaner(): Promise<number> {
    if (!this.cleaner) return 0;
    const result = await this.cleaner.cleanOnce(this.o.clock.now());
    for (const f of result.failed) this.o.onLogError?.(f.key, -1, f.error);
    return result.cleaned.length;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionDirName(topic, partition))?.log;
  }

  /** The log of a partition, created empty (in the least loaded data directory) if absent. */
  getOrCreate(topic: string, partition: number): PartitionLog {
    const existing = this.get(topic, partition);
    if (existing) return existing;
    const dataDir = this.leastLoadedDir();
    return this.openLog(dataDir, { topic, partition }, true, 0, 0);
  }

  private leastLoadedDir(): string {
    const counts = new Map(this.o.dataDirs.map((d) => [d, 0]));
    for (const m of this.logs.values()) counts.set(m.dataDir, (counts.get(m.dataDir) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => a[1] - b[1])[0]![0];
  }

  all(): { topic: string; partition: number; log: PartitionLog; dataDir: string }[] {
    return [...this.logs.values()];
  }

  /** Deletes a partition's log: its directory is renamed out of the way, then removed. */
  async delete(topic: string, partition: number): Promise<void> {
    const key = partitionDirName(topic, partition);
    const m = this.logs.get(key);
    if (!m) return;
    this.logs.delete(key);
    if (this.registeredLogs.delete(m.log)) await this.cleaner?.unregister(m.log);
    this.cleanerCheckpoints.delete(key);
    m.log.closeNow();
    const doomed = `${m.dataDir}/${key}.${randomUUID().replaceAll('-', '')}-delete`;
    this.o.fs.rename(`${m.dataDir}/${key}`, doomed);
    this.o.fs.removeDir(doomed);
  }

  /** Reports a failure in a partition's log to the owner's error handler (onLogError). */
  reportError(topic: string, partition: number, error: unknown): void {
    this.o.onLogError?.(topic, partition, error);
  }

  /** Applies changed settings; they take effect from the next retention or cleaner pass. */
  reconfigure(t: LogManagerTunables): void {
    if (t.producerIdExpirationMs !== undefined) this.producerIdExpirationMs = t.producerIdExpirationMs;
    if (t.cleanerBackoffMs !== undefined) this.cleanerBackoffMs = t.cleanerBackoffMs;
    if (t.cleanerOffsetMapEntries !== undefined) this.cleaner?.resizeOffsetMap(t.cleanerOffsetMapEntries);
  }

  /** Applies new topic configuration to the topic's open logs. */
  updateConfig(topic: string, config: LogConfig): void {
    for (const [key, m] of this.logs) {
      if (m.topic !== topic) continue;
      m.log.config = config;
      this.syncCleanerRegistration(m.log, key);
    }
  }

  /** One retention pass over every online log; returns segments deleted. */
  runRetention(): number {
    const now = this.o.clock.now();
    let deleted = 0;
    for (const m of this.logs.values()) {
      if (m.log.isOffline) continue;
      try {
        m.log.producers.expire(now - this.producerIdExpirationMs);
        deleted += applyRetention(m.log, now).deletedSegments;
      } catch (e) {
        this.o.onLogError?.(m.topic, m.partition, e);
      }
    }
    return deleted;
  }

  private runTimedFlush(): void {
    const now = this.o.clock.now();
    for (const m of this.logs.values()) m.log.maybeFlushByTime(now);
  }

  /** Writes the recovery-point and log-start-offset checkpoints of every data directory. */
  async writeCheckpoints(): Promise<void> {
    for (const dir of this.o.dataDirs) {
      const recovery: OffsetCheckpoint = new Map();
      const starts: OffsetCheckpoint = new Map();
      const highWatermarks: OffsetCheckpoint = new Map();
      for (const [key, m] of this.logs) {
        if (m.dataDir !== dir || m.log.isOffline) continue;
        recovery.set(key, m.log.recoveryPoint);
        starts.set(key, m.log.logStartOffset);
        highWatermarks.set(key, m.log.highWatermark);
      }
      try {
        await writeOffsetCheckpoint(this.o.fs, `${dir}/${RECOVERY_POINT_CHECKPOINT}`, recovery);
        await writeOffsetCheckpoint(this.o.fs, `${dir}/${LOG_START_OFFSET_CHECKPOINT}`, starts);
        await writeOffsetCheckpoint(this.o.fs, `${dir}/${REPLICATION_OFFSET_CHECKPOINT}`, highWatermarks);
        if (this.cleaner) {
          const cleaned: OffsetCheckpoint = new Map();
          for (const [key, offset] of this.cleaner.checkpoints()) if (this.logs.get(key)?.dataDir === dir) cleaned.set(key, offset);
          await writeOffsetCheckpoint(this.o.fs, `${dir}/${CLEANER_OFFSET_CHECKPOINT}`, cleaned);
        }
      } catch (e) {
        this.o.onLogError?.('', -1, e);
      }
    }
  }

  /** Clean shutdown: stop background work, flush and close every log, checkpoint, mark clean. */
  /** Bytes appended and fsyncs run by the open logs since they were opened. */
  writeStats(): { appendedBytes: number; fsyncs: number } {
    let appendedBytes = 0;
    let fsyncs = 0;
    for (const m of this.logs.values()) {
      const s = m.log.writeStats;
      appendedBytes += s.appendedBytes;
      fsyncs += s.fsyncs;
    }
    return { appendedBytes, fsyncs };
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    await this.cleaner?.pause();
    let allFlushed = true;
    for (const m of this.logs.values()) {
      try {
        await m.log.close();
      } catch (e) {
        allFlushed = false;
        this.o.onLogError?.(m.topic, m.partition, e);
      }
    }
    await this.writeCheckpoints();
    if (!allFlushed) return;
    for (const dir of this.o.dataDirs) await writeFileAtomic(this.o.fs, `${dir}/${CLEAN_SHUTDOWN_MARKER}`, Buffer.alloc(0));
  }
}

/** A configFor that gives every topic Kafka's defaults plus fixed overrides (tests, tools). */
export function fixedConfig(overrides: Record<string, string> = {}): (topic: string) => LogConfig {
  const config = logConfigFrom(overrides);
  return () => config;
}
