/**
 * Checked reads of request fields (JSON body members and query parameters): each answers 400
 * with the field's name and what was expected, so every form error the console shows says what
 * to fix.
 *
 * Contract: pure.
 */
import { badRequest } from './http-error.js';

export function stringField(body: Record<string, unknown>, name: string): string;
export function stringField(body: Record<string, unknown>, name: string, optional: true): string | undefined;
export function stringField(body: Record<string, unknown>, name: string, optional = false): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw badRequest(`'${name}' is required`);
  }
  if (typeof v !== 'string') throw badRequest(`'${name}' must be a string`);
  if (!optional && v.trim() === '') throw badRequest(`'${name}' must not be empty`);
  return v;
}

export function intField(body: Record<string, unknown>, name: string, min: number, optional: true): number | undefined;
export function intField(body: Record<string, unknown>, name: string, min: number): number;
export function intField(body: Record<string, unknown>, name: string, min: number, optional = false): number | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') {
    if (optional) return undefined;
    throw badRequest(`'${name}' is required`);
  }
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw badRequest(`'${name}' must be a whole number`);
  if (n < min) throw badRequest(`'${name}' must be at least ${min}`);
  return n;
}

/** A query parameter as a whole number ≥ min, or `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest(`the parameter '${name}' must be a whole number, not '${raw}'`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`the parameter '${name}' must be between ${min} and ${max}`);
  return n;
}

export function oneOf<T extends string>(value: string | undefined | null, name: string, allowed: readonly T[], fallback?: T): T {
  if ((value === undefined || value === null || value === '') && fallback !== undefined) return fallback;
  if (!allowed.includes(value as T)) throw badRequest(`'${name}' must be one of ${allowed.join(', ')}${value ? `, not '${value}'` : ''}`);
  return value as T;
}

/** An object of string values (topic configs), or {} when absent. */
export function stringMap(body: Record<string, unknown>, name: string): Record<string, string> {
  const v = body[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`'${name}' must be an object of names to string values`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw badRequest(`'${name}.${k}' must be a string`);
    out[k] = String(value);
  }
  return out;
}
