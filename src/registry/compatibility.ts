/**
 * Compatibility levels (Confluent Schema Registry's names and meaning): BACKWARD, the new schema
 * reads data written with the latest version; FORWARD, the latest reads data written with the
 * new; FULL, both; the _TRANSITIVE forms check against every version instead of the latest; NONE
 * checks nothing. The default level is BACKWARD.
 */
import type { ParsedSchema, SchemaFormat } from './formats/index.js';

export const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof LEVELS)[number];
export const DEFAULT_LEVEL: CompatibilityLevel = 'BACKWARD';

export function isLevel(v: unknown): v is CompatibilityLevel {
  return typeof v === 'string' && (LEVELS as readonly string[]).includes(v);
}

/** Why `candidate` may not follow `existing` (oldest first) at `level`; empty when it may. */
export function incompatibilities(format: SchemaFormat, level: CompatibilityLevel, candidate: ParsedSchema, existing: readonly { version: number; parsed: ParsedSchema }[]): string[] {
  if (level === 'NONE' || existing.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? existing : existing.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const out: string[] = [];
  for (const old of against) {
    if (backward) for (const m of format.readIncompatibilities(candidate, old.parsed)) out.push(`reading data written with version ${old.version}: ${m}`);
    if (forward) for (const m of format.readIncompatibilities(old.parsed, candidate)) out.push(`version ${old.version} reading data written with the new schema: ${m}`);
  }
  return out;
}
