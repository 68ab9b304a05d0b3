/**
 * REST Proxy v2 consumer instances on the broker's HTTP listener: a client creates a named
 * consumer in a group, subscribes it (or assigns partitions), reads records by polling, commits
 * offsets and deletes it when done, with REST Proxy's paths, bodies and error codes:
 *
 *   POST   /consumers/{group}                                   create {name?, format, auto.offset.reset, auto.commit.enable}
 *   DELETE /consumers/{group}/instances/{name}
 *   POST|GET|DELETE .../subscription                            {topics} or {topic_pattern}
 *   GET    .../records?timeout=&max_bytes=                      records in the instance's format
 *   POST|GET .../offsets                                        commit (the offset of the last record read; empty: all read) / committed
 *   POST|GET .../assignments, POST .../positions[/beginning|/end]
 *
 * An instance is one of Gregor's consumers over the caller's client session, kept in this broker
 * (as REST Proxy keeps it in one proxy) and closed after consumer.instance.timeout.ms idle
 * (5 minutes). Formats: binary (base64), json, string, and avro / jsonschema / protobuf decoded
 * through the schema registry.
 *
 * Contract: owned by the broker's HttpServer; close() closes every instance.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Consumer } from '../../client/consumer/index.js';
import type { ConsumerRecord } from '../../client/consumer/types.js';
import { ApiRouter, readJsonBody, type ApiRequest } from '../../http/api-router.js';
import type { ClientSessions } from '../../http/client-sessions.js';
import type { HttpApp } from '../../http/http-app.js';
import { HttpError } from '../../http/http-error.js';
import { registryJsonOf } from '../../query/value-decoder.js';
import type { Registry } from '../../registry/registry.js';
import { RestError, toRestError } from '../rest-errors.js';

const FORMATS = ['binary', 'json', 'string', 'avro', 'jsonschema', 'protobuf'] as const;
type Format = (typeof FORMATS)[number];
const V2 = 'application/vnd.kafka.v2+json';

interface Instance {
  group: string;
  name: string;
  user: string;
  format: Format;
  consumer: Consumer;
  autoCommit: boolean;
  lastUsed: number;
  /** The next offset of each partition read so far (what "commit everything read" commits). */
  read: Map<string, { topic: string; partition: number; offset: number }>;
  /** Polls of one instance run one at a time. */
  busy: Promise<unknown>;
}

const notFound = () => new RestError(404, 40403, 'Consumer instance not found.');

function partitionsOf(body: Record<string, unknown>, field: string): { topic: string; partition: number }[] {
  const list = body[field];
  if (!Array.isArray(list)) throw new RestError(422, 42205, `'${field}' must be a list of {topic, partition}`);
  return list.map((p: unknown, i: number) => {
    const { topic, partition } = (p ?? {}) as Record<string, unknown>;
    if (typeof topic !== 'string' || !Number.isInteger(partition)) throw new RestError(422, 42205, `${field}[${i}] needs a topic and a partition`);
    return { topic, partition: partition as number };
  });
}

function offsetsOf(body: Record<string, unknown>): { topic: string; partition: number; offset: number }[] {
  const list = body.offsets;
  if (!Array.isArray(list)) throw new RestError(422, 42205, "'offsets' must be a list of {topic, partition, offset}");
  return list.map((p: unknown, i: number) => {
    const { topic, partition, offset } = (p ?? {}) as Record<string, unknown>;
    if (typeof topic !== 'string' || !Number.isInteger(partition) || !Number.isInteger(offset) || (offset as number) < 0) throw new RestError(422, 42205, `offsets[${i}] needs a topic, a partition and an offset`);
    return { topic, partition: partition as number, offset: offset as number };
  });
}

export class ConsumerInstances implements HttpApp {
  private readonly router = new ApiRouter();
  private readonly instances = new Map<string, Instance>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly sessions: ClientSessions, private readonly registry?: Registry, private readonly idleMs = 300_000) {
    this.sweeper = setInterval(() => void this.expire(), Math.min(idleMs, 30_000));
    this.sweeper.unref();
    this.routes();
  }

  private key(group: string, name: string): string {
    return `${group}\u0000${name}`;
  }

  private instance(req: ApiRequest): Instance {
    const i = this.instances.get(this.key(req.params.group!, req.params.instance!));
    if (!i || i.user !== req.session.user) throw notFound();
    i.lastUsed = Date.now();
    return i;
  }

  private value(format: Format, bytes: Buffer | null, decode: (b: Buffer) => unknown): unknown {
    if (bytes === null) return null;
    if (format === 'binary') return bytes.toString('base64');
    if (format === 'string') return bytes.toString('utf8');
    if (format === 'json') {
      try {
        return JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new RestError(500, 50002, 'a record is not JSON; read this topic with the binary format');
      }
    }
    const decoded = decode(bytes);
    if (decoded === undefined) throw new RestError(500, 50002, `a record does not carry a registered ${format} schema id; read it with the binary format`);
    return decoded;
  }

  private routes(): void {
    const r = this.router;
    r.add('POST', '/consumers/:group', async (req) => {
      const b = await req.body();
      const name = typeof b.name === 'string' && b.name !== '' ? b.name : `rest-consumer-${Math.random().toString(36).slice(2, 10)}`;
      const format = (typeof b.format === 'string' ? b.format.toLowerCase() : 'binary') as Format;
      if (!FORMATS.includes(format)) throw new RestError(422, 42204, `format must be one of ${FORMATS.join(', ')}`);
      const reset = b['auto.offset.reset'] ?? 'latest';
      if (reset !== 'earliest' && reset !== 'latest') throw new RestError(422, 42204, "auto.offset.reset must be 'earliest' or 'latest'");
      const autoCommit = String(b['auto.commit.enable'] ?? 'true') !== 'false';
      const key = this.key(req.params.group!, name);
      if (this.instances.has(key)) throw new RestError(409, 40902, 'Consumer with specified consumer ID already exists in the specified consumer group.');
      const consumer = new Consumer(req.session.client, { groupId: req.params.group!, autoOffsetReset: reset, enableAutoCommit: autoCommit });
      this.instances.set(key, { group: req.params.group!, name, user: req.session.user, format, consumer, autoCommit, lastUsed: Date.now(), read: new Map(), busy: Promise.resolve() });
      const host = req.req.headers.host ?? 'localhost';
      return { instance_id: name, base_uri: `http://${host}/consumers/${encodeURIComponent(req.params.group!)}/instances/${encodeURIComponent(name)}` };
    });

    r.add('DELETE', '/consumers/:group/instances/:instance', async (req) => {
      const i = this.instance(req);
      this.instances.delete(this.key(i.group, i.name));
      await i.consumer.close().catch(() => undefined);
      return { status: 204, body: undefined };
    });

    r.add('POST', '/consumers/:group/instances/:instance/subscription', async (req) => {
      const i = this.instance(req);
      const b = await req.body();
      let topics: string[];
      if (Array.isArray(b.topics) && b.topics.every((t) => typeof t === 'string') && b.topics.length > 0) topics = b.topics as string[];
      else if (typeof b.topic_pattern === 'string') {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${b.topic_pattern})$`);
        } catch (e) {
          throw new RestError(422, 42205, `topic_pattern is not a regular expression: ${(e as Error).message}`);
        }
        const md = await req.session.client.refreshMetadata(null);
        topics = [...md.topics.keys()].filter((t) => re.test(t));
      } else throw new RestError(422, 42205, "give 'topics' (a non-empty list) or 'topic_pattern'");
      i.consumer.subscribe(topics);
      return { status: 204, body: undefined };
    });
    r.add('GET', '/consumers/:group/instances/:instance/subscription', async (req) => ({ topics: this.instance(req).consumer.subscriptionTopics() }));
    r.add('DELETE', '/consumers/:group/instances/:instance/subscription', async (req) => {
      await this.instance(req).consumer.unsubscribe();
      return { status: 204, body: undefined };
    });

    r.add('POST', '/consumers/:group/instances/:instance/assignments', async (req) => {
      this.instance(req).consumer.assign(partitionsOf(await req.body(), 'partitions'));
      return { status: 204, body: undefined };
    });
    r.add('GET', '/consumers/:group/instances/:instance/assignments', async (req) => ({ partitions: this.instance(req).consumer.assignment() }));

    r.add('POST', '/consumers/:group/instances/:instance/positions', async (req) => {
      const i = this.instance(req);
      for (const o of offsetsOf(await req.body())) i.consumer.seek(o.topic, o.partition, o.offset);
      return { status: 204, body: undefined };
    });
    r.add('POST', '/consumers/:group/instances/:instance/positions/beginning', async (req) => {
      this.instance(req).consumer.seekToBeginning(partitionsOf(await req.body(), 'partitions'));
      return { status: 204, body: undefined };
    });
    r.add('POST', '/consumers/:group/instances/:instance/positions/end', async (req) => {
      this.instance(req).consumer.seekToEnd(partitionsOf(await req.body(), 'partitions'));
      return { status: 204, body: undefined };
    });

    r.add('GET', '/consumers/:group/instances/:instance/records', async (req) => {
      const i = this.instance(req);
      const accept = req.req.headers.accept ?? '';
      const m = /application\/vnd\.kafka\.(binary|json|avro|jsonschema|protobuf|string)\.v2\+json/.exec(accept);
      if (m && m[1] !== i.format) throw new RestError(406, 40601, `The requested embedded format (${m[1]}) does not match the deserializer for this consumer instance (${i.format})`);
      const timeout = Math.min(30_000, Math.max(0, Number(req.query.get('timeout') ?? 1000) || 0));
      const maxBytes = Number(req.query.get('max_bytes') ?? Infinity) || Infinity;
      const decode = registryJsonOf(this.registry);
      if (this.registry && ['avro', 'jsonschema', 'protobuf'].includes(i.format)) await this.registry.sync();
      const run = i.busy.then(() => i.consumer.poll(timeout));
      i.busy = run.catch(() => undefined);
      const records: ConsumerRecord[] = await run;
      const out = [];
      let bytes = 0;
      for (const rec of records) {
        bytes += (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
        if (out.length > 0 && bytes > maxBytes) {
          // not returned: read again from here next time
          i.consumer.seek(rec.topic, rec.partition, rec.offset);
          break;
        }
        out.push({ topic: rec.topic, key: this.value(i.format === 'json' || i.format === 'string' || i.format === 'binary' ? i.format : 'binary', rec.key, decode), value: this.value(i.format, rec.value, decode), partition: rec.partition, offset: rec.offset });
        i.read.set(`${rec.topic}\u0000${rec.partition}`, { topic: rec.topic, partition: rec.partition, offset: rec.offset + 1 });
      }
      return { raw: JSON.stringify(out), contentType: `application/vnd.kafka.${i.format}.v2+json` };
    });

    r.add('POST', '/consumers/:group/instances/:instance/offsets', async (req) => {
      const i = this.instance(req);
      const b = await req.body();
      // REST Proxy commits the offset after each one named: the next record to read
      const offsets = b.offsets === undefined ? [...i.read.values()] : offsetsOf(b).map((o) => ({ ...o, offset: o.offset + 1 }));
      if (offsets.length > 0) await i.consumer.commit(offsets);
      return { status: 204, body: undefined };
    });
    r.add('GET', '/consumers/:group/instances/:instance/offsets', async (req) => {
      const i = this.instance(req);
      const committed = await i.consumer.committed(partitionsOf(await req.body(), 'partitions'));
      return { offsets: committed.filter((c) => c.offset !== null).map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset, metadata: c.metadata ?? '' })) };
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    if (path !== '/consumers' && !path.startsWith('/consumers/')) return false;
    try {
      const method = req.method ?? 'GET';
      const { handler, params } = this.router.match(method, path);
      if (method === 'POST' && !/^application\/(json|vnd\.kafka[\w.+-]*json)\b/i.test(req.headers['content-type'] ?? '')) throw new RestError(415, 415, `HTTP 415 Unsupported Media Type: send ${V2}`);
      const session = await this.sessions.session(req.headers.authorization);
      const answer = await handler({ params, query, session, req, res, body: () => readJsonBody(req) }) as { status?: number; body?: unknown; raw?: string; contentType?: string } | undefined;
      if (answer && 'raw' in answer && answer.raw !== undefined) {
        res.writeHead(200, { 'content-type': answer.contentType ?? V2, 'content-length': Buffer.byteLength(answer.raw) });
        res.end(answer.raw);
      } else if (answer && 'status' in answer && answer.status === 204) {
        res.writeHead(204);
        res.end();
      } else {
        const text = JSON.stringify(answer);
        res.writeHead(200, { 'content-type': V2, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }
    } catch (e) {
      const err = e instanceof HttpError && (e.status === 404 || e.status === 405) ? new RestError(e.status, e.status, e.message) : toRestError(e);
      const text = JSON.stringify(err.body());
      if (!res.headersSent) {
        res.writeHead(err.status, { 'content-type': V2, 'content-length': Buffer.byteLength(text), ...(err.status === 401 ? { 'www-authenticate': 'Basic realm="Gregor", charset="UTF-8"' } : {}) });
        res.end(text);
      }
    }
    return true;
  }

  private async expire(): Promise<void> {
    const cutoff = Date.now() - this.idleMs;
    for (const [key, i] of this.instances) {
      if (i.lastUsed >= cutoff) continue;
      this.instances.delete(key);
      await i.consumer.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.all(all.map((i) => i.consumer.close().catch(() => undefined)));
  }
}
