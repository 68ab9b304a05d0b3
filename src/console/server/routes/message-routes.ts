/**
 * Console API, the message browser and the produce form.
 *
 * GET /topics/:topic/messages reads records through Fetch:
 *   partitions=0,2     which partitions (all when absent)
 *   from=oldest|newest|offset|timestamp  with offset=<n> or timestamp=<ms since the epoch>;
 *                      records come in time order; newest answers the last `limit` records,
 *                      newest first
 *   cursor=<opaque>    continue where a previous answer's `cursor` left off (paging, live tail)
 *   limit=<1..500>     matching records to return (default 50)
 *   wait=<ms>          when the cursor is at the end, wait up to this long for new records (tail)
 *   key=, value=, header=, keyRegex=, valueRegex=, where=   the filter (src/query/record-filter.ts),
 *                      evaluated here; values with a schema id are decoded through the registry
 *                      (for `where` and for display, as `decoded`)
 * It answers the records, `cursor` for the next read, how many records were scanned and whether
 * every partition was read to its end.
 *
 * POST /topics/:topic/messages produces one record: {partition?, key?, value, headers?,
 * valueFormat?: text|json|base64, keyFormat?: text|base64}; json is checked to parse.
 */
import type { ProducerRecord } from '../../../client/producer/index.js';
import type { ApiRouter } from '../../../http/api-router.js';
import { intField, intParam, oneOf } from '../../../http/fields.js';
import { badRequest } from '../../../http/http-error.js';
import { MessageFilterError, parseMessageFilter } from '../../../query/record-filter.js';
import { readRecords } from '../message-reader.js';
import type { RecordView } from '../record-view.js';
import type { Registry } from '../../../registry/registry.js';
import { registryJsonOf } from '../../../query/value-decoder.js';
import { offsetsOf, tpKey, watermarksOf } from '../partition-offsets.js';

const FROM = ['oldest', 'newest', 'offset', 'timestamp'] as const;

function encodeCursor(next: Record<number, number>): string {
  return Buffer.from(JSON.stringify(next)).toString('base64url');
}

function decodeCursor(cursor: string): Map<number, number> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const out = new Map<number, number>();
    for (const [p, o] of Object.entries(parsed)) {
      if (!/^\d+$/.test(p) || typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) throw new Error('bad entry');
      out.set(Number(p), o);
    }
    return out;
  } catch {
    throw badRequest('the cursor is not one this console gave out; start again from oldest, newest, an offset or a timestamp');
  }
}

function parsePartitions(raw: string | null, all: readonly number[]): number[] {
  if (raw === null || raw.trim() === '') return [...all];
  const picked = raw.split(',').map((s) => s.trim());
  return picked.map((s) => {
    if (!/^\d+$/.test(s) || !all.includes(Number(s))) throw badRequest(`the topic has no partition '${s}' (it has ${all.length})`);
    return Number(s);
  });
}

function bytesOf(value: unknown, format: string, field: string): string | Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badRequest(`'${field}' must be a string (or null)`);
  if (format === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value.replace(/\s/g, ''))) throw badRequest(`'${field}' is not base64`);
    return Buffer.from(value, 'base64');
  }
  if (format === 'json') {
    try {
      JSON.parse(value);
    } catch (e) {
      throw badRequest(`'${field}' is not valid JSON: ${(e as Error).message}`);
    }
  }
  return value;
}

function headersOf(value: unknown): [string, string][] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.entries(value as object).map(([key, v]) => ({ key, value: v })) : null;
  if (!list) throw badRequest("'headers' must be a list of {key, value} or an object");
  return list.map((h: unknown, i) => {
    const { key, value: v } = (h ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key === '') throw badRequest(`header ${i + 1} needs a non-empty 'key'`);
    if (v !== undefined && v !== null && typeof v !== 'string') throw badRequest(`header '${key}' must have a string value`);
    return [key, (v as string | undefined) ?? ''];
  });
}

export function addMessageRoutes(router: ApiRouter, registry?: Registry): void {
  router.add('GET', '/topics/:topic/messages', async ({ session, params, query }) => {
    const topic = await session.client.withRetries(() => session.client.topic(params.topic!));
    const partitions = parsePartitions(query.get('partitions'), topic.partitions.map((p) => p.partition));
    const limit = intParam(query, 'limit', 1, 50, 500);
    const waitMs = intParam(query, 'wait', 0, 0, 10_000);
    let filter;
    try {
      filter = parseMessageFilter(query);
    } catch (e) {
      if (e instanceof MessageFilterError) throw badRequest(e.message);
      throw e;
    }
    const tps = partitions.map((partition) => ({ topic: topic.name, partition }));
    const marks = await watermarksOf(session.admin, tps);
    const low = new Map(partitions.map((p) => [p, marks.low.get(tpKey(topic.name, p)) ?? 0]));
    const high = new Map(partitions.map((p) => [p, marks.high.get(tpKey(topic.name, p)) ?? 0]));
    let from: Map<number, number>;
    let newest = false;
    const cursor = query.get('cursor');
    if (cursor) {
      const positions = decodeCursor(cursor);
      from = new Map(partitions.map((p) => [p, positions.get(p) ?? high.get(p)!]));
    } else {
      const mode = oneOf(query.get('from'), 'from', FROM, 'oldest');
      if (mode === 'oldest') from = new Map(low);
      else if (mode === 'newest') {
        newest = true;
        from = new Map(partitions.map((p) => [p, Math.max(low.get(p)!, high.get(p)! - limit)]));
      }
      else if (mode === 'offset') {
        const offset = intParam(query, 'offset', 0, -1);
        if (offset < 0) throw badRequest("from=offset needs the parameter 'offset'");
        from = new Map(partitions.map((p) => [p, Math.min(Math.max(offset, low.get(p)!), high.get(p)!)]));
      } else {
        const ts = intParam(query, 'timestamp', 0, -1);
        if (ts < 0) throw badRequest("from=timestamp needs the parameter 'timestamp' (milliseconds since the epoch)");
        const found = await offsetsOf(session.admin, tps, { timestamp: ts });
        from = new Map(partitions.map((p) => {
          const o = found.get(tpKey(topic.name, p)) ?? -1;
          return [p, o < 0 ? high.get(p)! : o];
        }));
      }
    }
    // each partition contributes up to `limit` matches; the answer is the first `limit` of them in
    // time order (the last `limit` for newest), and the cursor resumes at the first record left out
    if (registry) await registry.sync().catch(() => undefined);
    const result = await readRecords(session, {
      jsonOf: registryJsonOf(registry),
      topic: topic.name, from, to: high, low, filter, waitMs,
      limit: Math.min(limit * partitions.length, 5_000), perPartition: limit,
      maxScan: 200_000, budgetMs: 3_000,
    });
    const byTime = (a: RecordView, b: RecordView) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset;
    result.records.sort(newest ? (a, b) => byTime(b, a) : byTime);
    const left = result.records.slice(limit);
    result.records = result.records.slice(0, limit);
    if (!newest) {
      for (const r of left) result.next[r.partition] = Math.min(result.next[r.partition] ?? r.offset, r.offset);
      if (left.length > 0) result.reachedEnd = false;
    }
    return { ...result, cursor: encodeCursor(result.next), low: Object.fromEntries(low), high: Object.fromEntries(high) };
  });

  router.add('POST', '/topics/:topic/messages', async ({ session, params, body }) => {
    const b = await body();
    const valueFormat = oneOf(b.valueFormat as string | undefined, 'valueFormat', ['text', 'json', 'base64'] as const, 'text');
    const keyFormat = oneOf(b.keyFormat as string | undefined, 'keyFormat', ['text', 'base64'] as const, 'text');
    if (!('value' in b)) throw badRequest("'value' is required (null for a tombstone)");
    const record: ProducerRecord = {
      key: b.key === '' ? null : bytesOf(b.key, keyFormat, 'key'),
      value: bytesOf(b.value, valueFormat, 'value'),
      headers: headersOf(b.headers),
    };
    const partition = intField(b, 'partition', 0, true);
    if (partition !== undefined) {
      const topic = await session.client.withRetries(() => session.client.topic(params.topic!));
      if (!topic.partitions.some((p) => p.partition === partition)) throw badRequest(`${params.topic} has no partition ${partition} (it has ${topic.partitions.length})`);
      record.partition = partition;
    }
    const producer = await session.producer();
    const [meta] = await producer.send(params.topic!, [record]);
    return { status: 201, body: { topic: params.topic, partition: meta!.partition, offset: meta!.offset } };
  });
}
