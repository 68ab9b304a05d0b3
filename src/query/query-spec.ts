/**
 * A topic query as the HTTP endpoint and `gregor query` take it, in query parameters:
 *
 *   partitions=0,2            which partitions (all when absent)
 *   fromOffset=, toOffset=    an offset range, inclusive
 *   fromTime=, toTime=        a time range, inclusive: milliseconds since the epoch or ISO 8601
 *   limit=                    records to return, 1 to 1,000,000 (default 1,000)
 *   key=, value=, header=, keyRegex=, valueRegex=, where=   the filter (record-filter.ts)
 *
 * Contract: pure; bad input throws QueryError with a message naming the parameter.
 */
import { MessageFilterError, parseMessageFilter, type MessageFilter } from './record-filter.js';
import type { ScanRange } from './topic-scan.js';

export class QueryError extends Error {}

export interface QuerySpec {
  range: Omit<ScanRange, 'partitions'> & { partitions?: number[] };
  filter: MessageFilter;
  limit: number;
}

function offsetParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new QueryError(`${name} must be an offset (a whole number ≥ 0), not '${raw}'`);
  return Number(raw);
}

function timeParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new QueryError(`${name} must be milliseconds since the epoch or an ISO 8601 time, not '${raw}'`);
  return ms;
}

export function parseQuery(q: URLSearchParams): QuerySpec {
  const partitionsRaw = q.get('partitions');
  let partitions: number[] | undefined;
  if (partitionsRaw !== null && partitionsRaw.trim() !== '') {
    partitions = partitionsRaw.split(',').map((s) => {
      if (!/^\d+$/.test(s.trim())) throw new QueryError(`partitions must be a comma-separated list of partition numbers, not '${partitionsRaw}'`);
      return Number(s.trim());
    });
  }
  const range = { partitions, fromOffset: offsetParam(q, 'fromOffset'), toOffset: offsetParam(q, 'toOffset'), fromTime: timeParam(q, 'fromTime'), toTime: timeParam(q, 'toTime') };
  if (range.fromOffset !== undefined && range.toOffset !== undefined && range.fromOffset > range.toOffset) throw new QueryError(`fromOffset ${range.fromOffset} is after toOffset ${range.toOffset}`);
  if (range.fromTime !== undefined && range.toTime !== undefined && range.fromTime > range.toTime) throw new QueryError(`fromTime is after toTime`);
  const limitRaw = q.get('limit');
  const limit = limitRaw === null || limitRaw === '' ? 1000 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new QueryError(`limit must be a whole number from 1 to 1,000,000, not '${limitRaw}'`);
  try {
    return { range, filter: parseMessageFilter(q), limit };
  } catch (e) {
    if (e instanceof MessageFilterError) throw new QueryError(e.message);
    throw e;
  }
}
