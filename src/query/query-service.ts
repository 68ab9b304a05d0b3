/**
 * Queries over a topic on the broker's HTTP listener:
 *
 *   GET /query/topics/{topic}?<query-spec.ts parameters>
 *
 * answers newline-delimited JSON (application/x-ndjson), streamed as the scan finds records: one
 * line per match — partition, offset, timestamp, key, value (text, or the record decoded through
 * the schema registry when the value carries a schema id, with `valueSchemaId`), headers — and a
 * last line with the scan's counts (`done`). Errors before the first line are
 * `{error_code, message}` with an HTTP status; an error later is a last line `{"error": ...}`.
 * The scan runs as the caller's Kafka client (READ on the topic).
 *
 * In a cluster each partition is evaluated on its leader, where the data is: the broker asked
 * sends that partition's part of the query to the leader's HTTP listener (registered with the
 * broker in the metadata store), with the caller's credentials, and passes on the matches it
 * streams back; only when the leader has no HTTP listener (or cannot be reached) does it scan the
 * partition itself through Fetch. A forwarded query is marked and never forwarded again. The last
 * line's `evaluatedBy` lists the brokers that scanned.
 *
 * Contract: owned by the broker's HttpServer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientSessions } from '../http/client-sessions.js';
import type { HttpApp } from '../http/http-app.js';
import { HttpError, toHttpError } from '../http/http-error.js';
import type { Registry } from '../registry/registry.js';
import { parseQuery, QueryError } from './query-spec.js';
import { scanTopic, type ScannedRecord } from './topic-scan.js';
import { registryJsonOf } from './value-decoder.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(b: Buffer | null): string | null | { base64: string } {
  if (b === null) return null;
  try {
    return utf8.decode(b);
  } catch {
    return { base64: b.toString('base64') };
  }
}

function line(r: ScannedRecord, decode: (v: Buffer) => unknown): string {
  const wire = r.value !== null && r.value.length >= 5 && r.value[0] === 0;
  const decoded = wire ? decode(r.value!) : undefined;
  return `${JSON.stringify({
    partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: text(r.key),
    ...(decoded !== undefined ? { value: decoded, valueSchemaId: r.value!.readInt32BE(1) } : { value: text(r.value) }),
    headers: r.headers.map(([key, value]) => ({ key, value: text(value) })),
  })}\n`;
}

export interface QueryCluster {
  nodeId: number;
  /** The cluster's brokers, with their HTTP listeners. */
  brokers(): readonly { nodeId: number; http?: string }[];
}

/** Set on a query one broker sends another: evaluate it here, do not send it on. */
const FORWARDED = 'x-gregor-query-forwarded';

type Stats = Awaited<ReturnType<typeof scanTopic>> & { evaluatedBy: number[] };

function merge(into: Stats, s: Partial<Stats>, by: number): void {
  for (const k of ['batchesRead', 'batchesSkipped', 'recordsScanned', 'bytesScanned', 'matched'] as const) into[k] += s[k] ?? 0;
  if (!into.evaluatedBy.includes(by)) into.evaluatedBy.push(by);
}

/** Streams the matches of a forwarded query into `write`; its counts, or throws its error. */
async function forward(url: string, authorization: string | undefined, write: (line: string) => Promise<void>): Promise<Partial<Stats>> {
  const res = await fetch(url, { headers: { [FORWARDED]: '1', ...(authorization ? { authorization } : {}) } });
  if (!res.ok) throw new HttpError(res.status, ((await res.json().catch(() => ({}))) as { message?: string }).message ?? `the leader answered ${res.status}`);
  let rest = '';
  let stats: Partial<Stats> | undefined;
  for await (const chunk of res.body!) {
    rest += Buffer.from(chunk as Uint8Array).toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const text = rest.slice(0, nl + 1);
      rest = rest.slice(nl + 1);
      if (text.startsWith('{"done":')) stats = JSON.parse(text) as Partial<Stats>;
      else if (text.startsWith('{"error":')) throw new Error((JSON.parse(text) as { error: string }).error);
      else await write(text);
    }
  }
  if (!stats) throw new Error('the leader ended the query without its counts');
  return stats;
}

export class QueryService implements HttpApp {
  constructor(private readonly sessions: ClientSessions, private readonly registry?: Registry, private readonly cluster?: QueryCluster) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    const m = /^\/query\/topics\/([^/]+)$/.exec(path);
    if (!m && !path.startsWith('/query/') && path !== '/query') return false;
    let streaming = false;
    let closed = false;
    res.on('close', () => (closed = true));
    try {
      if (!m) throw new HttpError(404, `no such endpoint: ${path} (queries are GET /query/topics/{topic})`);
      if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed on ${path}`);
      let topicName: string;
      try {
        topicName = decodeURIComponent(m[1]!);
      } catch {
        throw new HttpError(400, `the topic name in ${path} is not valid URL encoding`);
      }
      let spec;
      try {
        spec = parseQuery(query);
      } catch (e) {
        if (e instanceof QueryError) throw new HttpError(400, e.message);
        throw e;
      }
      const session = await this.sessions.session(req.headers.authorization);
      const topic = await session.client.withRetries(() => session.client.topic(topicName));
      const all = topic.partitions.map((p) => p.partition);
      for (const p of spec.range.partitions ?? []) if (!all.includes(p)) throw new HttpError(400, `${topicName} has no partition ${p} (it has ${all.length})`);
      if (this.registry && spec.filter.where.length > 0) await this.registry.sync().catch(() => undefined);
      const jsonOf = registryJsonOf(this.registry);
      const started = Date.now();
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      streaming = true;
      const write = async (text: string) => {
        if (!res.write(text)) {
          await new Promise<void>((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
      };
      const self = this.cluster?.nodeId ?? -1;
      const forwarded = req.headers[FORWARDED] !== undefined;
      const stats: Stats = { partitions: 0, batchesRead: 0, batchesSkipped: 0, recordsScanned: 0, bytesScanned: 0, matched: 0, evaluatedBy: [] };
      for (const partition of spec.range.partitions ?? all) {
        const limit = spec.limit - stats.matched;
        if (limit <= 0 || closed) break;
        stats.partitions++;
        const leader = topic.partitions.find((p) => p.partition === partition)?.leader ?? -1;
        const leaderHttp = !forwarded && leader >= 0 && leader !== self ? this.cluster?.brokers().find((b) => b.nodeId === leader)?.http : undefined;
        if (leaderHttp) {
          const q = new URLSearchParams(query);
          q.set('partitions', String(partition));
          q.set('limit', String(limit));
          let passed = 0;
          try {
            merge(stats, await forward(`${leaderHttp}/query/topics/${encodeURIComponent(topic.name)}?${q}`, req.headers.authorization, (text) => {
              passed++;
              return write(text);
            }), leader);
            continue;
          } catch (e) {
            // the leader could not be asked (gone, or no longer serving queries): scan from here,
            // unless it had started answering (its matches are out; more would repeat them)
            if ((e instanceof HttpError && e.status < 500) || passed > 0) throw e;
          }
        }
        const s = await scanTopic(session.client, session.admin, topic.name, { ...spec.range, partitions: [partition] }, {
          filter: spec.filter, jsonOf, limit, cancelled: () => closed,
        }, (r) => write(line(r, jsonOf)));
        merge(stats, s, self);
      }
      res.end(`${JSON.stringify({ done: true, ...stats, elapsedMs: Date.now() - started })}\n`);
    } catch (e) {
      const err = toHttpError(e);
      if (streaming) res.end(`${JSON.stringify({ error: err.message })}\n`);
      else if (!res.headersSent) {
        const body = JSON.stringify(err.body());
        res.writeHead(err.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    }
    return true;
  }
}
