/**
 * Cleaner: log compaction for the logs whose cleanup.policy contains `compact` (alone or with
 * `delete`; retention by time and size stays with retention.ts).
 *
 * It owns a set of registered logs and, for each, the cleaner checkpoint: the first dirty offset,
 * below which the log was compacted. The checkpoints live in memory; `checkpoints()` hands them
 * out keyed `<topic>-<partition>` (the log directory's name), the shape of an OffsetCheckpoint, so
 * the caller can persist them as Kafka's `cleaner-offset-checkpoint` and give them back through
 * `register(log, { firstDirtyOffset })` after a restart. A missing checkpoint only means the
 * first pass treats the whole log as dirty.
 *
 * `cleanOnce(now)` runs one pass: every registered compacted log that should be cleaned (see
 * cleaning-plan.ts), dirtiest first, is cleaned once (log-cleaning.ts). Passes never overlap (a
 * call while one runs returns at once with `ran: false`). Time comes from the injected clock
 * unless `now` is given. One offset map, of `offsetMapEntries` keys (about 32 bytes each), is
 * allocated on first use and reused by every pass: that is the cleaner's memory bound.
 *
 * A pass is file work cut into small synchronous steps with yields to the event loop between
 * them, off the append path: appends, fetches and flushes proceed while it runs.
 *
 * `pause()` stops passes: a paused cleaner's `cleanOnce` does nothing, and pause resolves once a
 * pass already running has ended (it finishes the log it is on and starts no other).
 * `resume()` lets passes run again. `unregister(log)` stops a pass working on that log at its next
 * step (removing its temporary files) and resolves once the log is no longer touched; the log's
 * owner does this before closing, deleting or truncating the log.
 *
 * A log whose segments turn out to be corrupt, or whose cleaning fails on an I/O error, is marked
 * uncleanable (`uncleanable()`) and skipped until it is registered again, as Kafka does.
 *
 * Contract: one Cleaner per broker (or per data directory); the logs stay owned by their
 * partitions, the cleaner only replaces closed segments through PartitionLog.replaceSegments.
 */
import { basename } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { PartitionLog } from '../log/partition-log.js';
import { CleaningAborted } from './cleaner-errors.js';
import { planCleaning, type CleaningPlan } from './cleaning-plan.js';
import { cleanLog, newLogCleanResult, type LogCleanResult } from './log-cleaning.js';
import { OffsetMap } from './offset-map.js';
import type { SwapHook } from './segment-swap.js';
import { StepBudget } from './step-budget.js';

/** Kafka's name for the file of cleaner checkpoints in each data directory. */
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

export interface CleanerOptions {
  clock: Clock;
  /** Distinct keys one pass can hold (memory about 32 bytes per key); default 500,000. */
  offsetMapEntries?: number;
  /** Bytes of segment data read between two yields to the event loop; default 256 KiB. */
  yieldEveryBytes?: number;
  /** Called at each step of putting a cleaned segment in place (tests, metrics). */
  onSwapStep?: SwapHook;
}

export interface RegisterOptions {
  /** The log's name in checkpoints; defaults to its directory's name (`<topic>-<partition>`). */
  key?: string;
  /** A checkpoint saved by an earlier run. */
  firstDirtyOffset?: number;
}

export interface CleanPassResult {
  /** False when the cleaner was paused or a pass was already running. */
  ran: boolean;
  cleaned: LogCleanResult[];
  /** Logs whose cleaning was abandoned because they changed meanwhile (tried again later). */
  aborted: { key: string; reason: string }[];
  /** Logs found uncleanable in this pass. */
  failed: { key: string; error: unknown }[];
}

interface LogState {
  log: PartitionLog;
  key: string;
  checkpoint: number | undefined;
  pendingDeleteHorizon: number | undefined;
  failure: unknown;
  unregistering: boolean;
}

export const DEFAULT_OFFSET_MAP_ENTRIES = 500_000;
export const DEFAULT_YIELD_EVERY_BYTES = 256 * 1024;

export class Cleaner {
  private readonly logs = new Map<PartitionLog, LogState>();
  private map: OffsetMap | undefined;
  private paused = false;
  private running: Promise<CleanPassResult> | undefined;
  private readonly clock: Clock;
  private offsetMapEntries: number;
  private readonly yieldEveryBytes: number;
  private readonly onSwapStep: SwapHook | undefined;

  constructor(options: CleanerOptions) {
    this.clock = options.clock;
    this.offsetMapEntries = options.offsetMapEntries ?? DEFAULT_OFFSET_MAP_ENTRIES;
    this.yieldEveryBytes = options.yieldEveryBytes ?? DEFAULT_YIELD_EVERY_BYTES;
    this.onSwapStep = options.onSwapStep;
    if (!Number.isInteger(this.offsetMapEntries) || this.offsetMapEntries < 1) {
      throw new RangeError(`offsetMapEntries must be a positive integer, not ${this.offsetMapEntries}`);
    }
  }

  /** Changes the offset map's size (log.cleaner.dedupe.buffer.size); the next pass allocates it. */
  resizeOffsetMap(entries: number): void {
    if (!Number.isInteger(entries) || entries < 1) throw new RangeError(`offsetMapEntries must be a positive integer, not ${entries}`);
    this.offsetMapEntries = entries;
  }

  register(log: PartitionLog, options: RegisterOptions = {}): void {
    if (this.logs.has(log)) throw new Error(`log ${log.dir} is already registered with the cleaner`);
    this.logs.set(log, {
      log,
      key: options.key ?? basename(log.dir),
      checkpoint: options.firstDirtyOffset,
      pendingDeleteHorizon: undefined,
      failure: undefined,
      unregistering: false,
    });
  }

  /** Forgets the log, after stopping a pass that is cleaning it. */
  async unregister(log: PartitionLog): Promise<void> {
    const state = this.logs.get(log);
    if (!state) return;
    state.unregistering = true;
    // Passes starting from now on skip the log; only one already running may still touch it.
    if (this.running) await this.running;
    if (this.logs.get(log) === state) this.logs.delete(log);
  }

  get registeredLogs(): number {
    return this.logs.size;
  }

  /** Checkpoints of the registered logs that have one: key -> first dirty offset. */
  checkpoints(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.logs.values()) if (s.checkpoint !== undefined) out.set(s.key, s.checkpoint);
    return out;
  }

  /** The log's checkpoint, undefined before its first pass (or when not registered). */
  firstDirtyOffset(log: PartitionLog): number | undefined {
    return this.logs.get(log)?.checkpoint;
  }

  /** Logs the cleaner gave up on, with the error that made it. */
  uncleanable(): { key: string; error: unknown }[] {
    return [...this.logs.values()].filter((s) => s.failure !== undefined).map((s) => ({ key: s.key, error: s.failure }));
  }

  /** What a pass now would decide for the log (undefined when not registered). */
  plan(log: PartitionLog, now = this.clock.now()): CleaningPlan | undefined {
    const s = this.logs.get(log);
    return s ? planCleaning(log, s.checkpoint, now, s.pendingDeleteHorizon) : undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Stops passes; resolves once a running pass has ended. */
  async pause(): Promise<void> {
    this.paused = true;
    if (this.running) await this.running;
  }

  resume(): void {
    this.paused = false;
  }

  /** Runs one pass over the registered logs. */
  cleanOnce(now = this.clock.now()): Promise<CleanPassResult> {
    if (this.paused || this.running) return Promise.resolve({ ran: false, cleaned: [], aborted: [], failed: [] });
    const pass = this.runPass(now).finally(() => {
      this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  private eligible(s: LogState): boolean {
    return s.failure === undefined && !s.unregistering && !s.log.isOffline && s.log.config.cleanupPolicy.compact;
  }

  private async runPass(now: number): Promise<CleanPassResult> {
    const result: CleanPassResult = { ran: true, cleaned: [], aborted: [], failed: [] };
    const order = [...this.logs.values()]
      .filter((s) => this.eligible(s))
      .map((s) => ({ s, plan: planCleaning(s.log, s.checkpoint, now, s.pendingDeleteHorizon) }))
      .filter((c) => c.plan.reason !== undefined)
      .sort((a, b) => b.plan.dirtyRatio - a.plan.dirtyRatio)
      .map((c) => c.s);
    for (const s of order) {
      if (this.paused) break;
      if (!this.eligible(s) || this.logs.get(s.log) !== s) continue;
      // Earlier logs of this pass yielded to the event loop: decide again on the log as it is now.
      const plan = planCleaning(s.log, s.checkpoint, now, s.pendingDeleteHorizon);
      if (plan.reason === undefined) continue;
      await this.cleanOne(s, plan, now, result);
    }
    return result;
  }

  private async cleanOne(s: LogState, plan: CleaningPlan, now: number, pass: CleanPassResult): Promise<void> {
    const check = (): void => {
      if (s.unregistering) throw new CleaningAborted(`log ${s.log.dir} was unregistered`);
      if (s.log.isOffline) throw new CleaningAborted(`log ${s.log.dir} is offline`);
    };
    if (this.map?.maxEntries !== this.offsetMapEntries) this.map = new OffsetMap(this.offsetMapEntries);
    const progress = newLogCleanResult(s.log, plan);
    try {
      await cleanLog(
        s.log,
        plan,
        { map: this.map, budget: new StepBudget(this.yieldEveryBytes, check), now, check, ...(this.onSwapStep ? { hook: this.onSwapStep } : {}) },
        progress,
      );
      s.checkpoint = progress.endOffset;
      s.pendingDeleteHorizon = progress.pendingDeleteHorizon;
      pass.cleaned.push(progress);
    } catch (e) {
      if (e instanceof CleaningAborted) {
        // Segments already swapped in may carry new delete horizons: remember the earliest.
        if (progress.pendingDeleteHorizon !== undefined) {
          s.pendingDeleteHorizon = Math.min(s.pendingDeleteHorizon ?? Infinity, progress.pendingDeleteHorizon);
        }
        pass.aborted.push({ key: s.key, reason: e.message });
      } else {
        s.failure = e;
        pass.failed.push({ key: s.key, error: e });
      }
    } finally {
      this.map.clear();
    }
  }
}
