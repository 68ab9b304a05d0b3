/**
 * Why a cleaning pass over one log stopped early.
 *
 * CleaningAborted: the log changed under the pass (a segment it was rewriting was removed or
 * altered, the log went offline, or it was unregistered); nothing was replaced, the pass's
 * temporary files were removed and the log is simply tried again at a later pass.
 *
 * CleanerCorruptionError: a segment holds bytes that are not valid record batches; the Cleaner
 * stops cleaning that log (Kafka marks such a partition uncleanable) and reports it.
 *
 * Contract: plain values; thrown inside the cleaner and caught by the Cleaner.
 */
export class CleaningAborted extends Error {
  override readonly name = 'CleaningAborted';
}

export class CleanerCorruptionError extends Error {
  override readonly name = 'CleanerCorruptionError';
}
