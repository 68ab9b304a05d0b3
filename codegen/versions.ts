/**
 * Version ranges as Kafka's schemas write them ("3+", "0-2", "5", "none"), and the JavaScript
 * conditions that test a version against them inside a known range.
 */
export interface VersionRange {
  min: number;
  max: number; // Infinity for open ranges; min > max for the empty range
}

export const EMPTY: VersionRange = { min: 1, max: 0 };

export function parseVersions(text: string): VersionRange {
  const s = text.trim();
  if (s === 'none' || s === '') return EMPTY;
  if (s.endsWith('+')) return { min: Number(s.slice(0, -1)), max: Infinity };
  const dash = s.indexOf('-');
  if (dash > 0) return { min: Number(s.slice(0, dash)), max: Number(s.slice(dash + 1)) };
  const v = Number(s);
  if (!Number.isInteger(v)) throw new Error(`bad version range: ${text}`);
  return { min: v, max: v };
}

export function isEmpty(r: VersionRange): boolean {
  return r.min > r.max;
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  const r = { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
  return isEmpty(r) ? EMPTY : r;
}

export function contains(r: VersionRange, v: number): boolean {
  return v >= r.min && v <= r.max;
}

/**
 * A boolean JavaScript expression over `v` that is true exactly for the versions of `range`
 * within `within`: the literal 'true' or 'false' when it does not depend on `v`.
 */
export function condition(range: VersionRange, within: VersionRange, v = 'v'): string {
  const r = intersect(range, within);
  if (isEmpty(r)) return 'false';
  const parts: string[] = [];
  if (r.min > within.min) parts.push(`${v} >= ${r.min}`);
  if (r.max < within.max) parts.push(`${v} <= ${r.max}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}

export function describe(r: VersionRange): string {
  if (isEmpty(r)) return 'none';
  if (r.max === Infinity) return `${r.min}+`;
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`;
}
