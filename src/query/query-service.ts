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

export class QueryService implements HttpApp {
  constructor(private readonly sessions: ClientSessions, private readonly registry?: Registry) {}

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
      const stats = await scanTopic(session.client, session.admin, topic.name, { ...spec.range, partitions: spec.range.partitions ?? all }, {
        filter: spec.filter, jsonOf, limit: spec.limit, cancelled: () => closed,
      }, async (r) => {
        if (!res.write(line(r, jsonOf))) {
          await new Promise<void>((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
      });
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
