/**
 * Segment file names: the base offset as 20 decimal digits, then the kind of file, as Kafka names
 * them (00000000000000000042.log, .index, .timeindex, .snapshot).
 */
export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
/** Marks a segment file scheduled for deletion (renamed first, removed after a delay). */
export const DELETED_SUFFIX = '.deleted';
/** Marks files written by the cleaner before they replace the originals. */
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

export function offsetFileName(offset: number, suffix: string): string {
  return String(offset).padStart(20, '0') + suffix;
}

/** The base offset of a segment file name with the given suffix, or undefined if it is not one. */
export function parseOffsetFileName(name: string, suffix: string): number | undefined {
  if (!name.endsWith(suffix)) return undefined;
  const digits = name.slice(0, -suffix.length);
  if (!/^\d{20}$/.test(digits)) return undefined;
  return Number(digits);
}
