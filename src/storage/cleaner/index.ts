/**
 * Log compaction (cleanup.policy=compact): the public face of the cleaner.
 *
 * Cleaner (cleaner.ts) is what the broker holds; completeInterruptedSwaps (swap-recovery.ts) is
 * meant to run first whenever a log directory is loaded (the loader does not call it yet); the
 * rest is exported for tests and tools.
 *
 * Contract: re-exports only.
 */
export {
  Cleaner, CLEANER_OFFSET_CHECKPOINT, DEFAULT_OFFSET_MAP_ENTRIES, DEFAULT_YIELD_EVERY_BYTES,
  type CleanerOptions, type CleanPassResult, type RegisterOptions,
} from './cleaner.js';
export { CleanerCorruptionError, CleaningAborted } from './cleaner-errors.js';
export { firstDirtyOffsetOf, planCleaning, type CleaningPlan, type CleaningReason } from './cleaning-plan.js';
export type { LogCleanResult } from './log-cleaning.js';
export { OffsetMap } from './offset-map.js';
export type { SwapHook, SwapStep } from './segment-swap.js';
export { completeInterruptedSwaps, type SwapRecoveryResult } from './swap-recovery.js';
