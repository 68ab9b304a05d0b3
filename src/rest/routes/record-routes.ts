/**
 * REST v3 produce.
 *
 * POST .../topics/{topic}/records takes one record, or many as concatenated JSON; each gets a
 * delivery report in the same order, `error_code` 200 on success. With `Transfer-Encoding:
 * chunked` the exchange streams: records are produced as they arrive (pipelined through one
 * producer, so they batch) and reports are written as they complete, under HTTP 200 for as long as
 * the connection lasts. Without it, a single record's failure is also the HTTP status.
 *
 * POST .../records:batch takes {entries: [{id, ...record}]} and answers 207 with the successes and
 * failures by id.
 */
import type { Producer } from '../../client/producer/index.js';
import type { TopicInfo } from '../../client/kafka-client.js';
import { STREAMED, type ApiRouter } from '../../http/api-router.js';
import { badRequest } from '../../http/http-error.js';
import { ConcatenatedJson, ConcatenatedJsonError } from '../concatenated-json.js';
import { parseProduceRecord, type ParsedRecord, type SchemaData } from '../produce-record.js';
import { SchemaSerializer } from '../schema-serializer.js';
import type { Registry } from '../../registry/registry.js';
import { RestError, toRestError } from '../rest-errors.js';
import type { RestRequest } from '../rest-request.js';
import { topicOr404 } from './topic-routes.js';

type Report = { error_code: number; [k: string]: unknown };
type Result = { report: Report; status: number };

function failed(e: unknown): Result {
  const err = toRestError(e);
  return { status: err.status, report: err.body() };
}

/**
 * Produces the records that arrived together in one producer call (they batch), answering a
 * result per record in order; a record that does not parse (or serialize) fails alone.
 */
function produceMany(req: RestRequest, producer: Producer, topic: TopicInfo, bodies: readonly unknown[], schemas: SchemaData | undefined): Promise<Result>[] {
  const parsed = Promise.all(bodies.map(async (body): Promise<ParsedRecord | Result> => {
    try {
      const p = await parseProduceRecord(body, schemas);
      if (p.record.partition !== undefined && !topic.partitions.some((x) => x.partition === p.record.partition)) {
        throw new RestError(404, 40402, `Partition ${p.record.partition} of topic ${topic.name} not found.`);
      }
      p.record.timestamp ??= Date.now();
      return p;
    } catch (e) {
      return failed(e);
    }
  }));
  const sent = parsed.then((all) => {
    const valid = all.filter((p): p is ParsedRecord => 'record' in p);
    return { all, slot: new Map(valid.map((p, k) => [p, k])), metas: valid.length > 0 ? producer.send(topic.name, valid.map((p) => p.record)) : Promise.resolve([]) };
  });
  return bodies.map((_, i) => sent.then(async ({ all, slot, metas }) => {
    const p = all[i]!;
    if (!('record' in p)) return p;
    try {
      const meta = (await metas)[slot.get(p)!]!;
      return {
        status: 200,
        report: {
          error_code: 200, cluster_id: req.links.clusterId, topic_name: topic.name, partition_id: meta.partition, offset: meta.offset,
          timestamp: new Date(p.record.timestamp!).toISOString().replace('.000Z', 'Z'),
          key: p.key, value: p.value,
        },
      };
    } catch (e) {
      return failed(e);
    }
  }));
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function addRecordRoutes(router: ApiRouter<RestRequest>, registry?: Registry): void {
  const schemasFor = (req: RestRequest, topic: string): SchemaData | undefined => {
    if (!registry) return undefined;
    const serializer = new SchemaSerializer(registry, req.session);
    return (isKey, d) => serializer.serialize(topic, isKey, d);
  };

  router.add('POST', '/clusters/:cluster/topics/:topic/records', async (req) => {
    const topic = await topicOr404(req, req.params.topic!);
    const producer = await req.session.producer();
    const streaming = /chunked/i.test(req.req.headers['transfer-encoding'] ?? '');
    const parser = new ConcatenatedJson();
    const results: Promise<Result>[] = [];
    let written = Promise.resolve();
    // reports go out in order, those of records that arrived together in one write
    const emit = (group: Promise<{ report: Report }>[]) => {
      written = written.then(async () => {
        const done = await Promise.all(group);
        if (!req.res.headersSent) req.res.writeHead(200, JSON_HEADERS);
        req.res.write(done.map((d) => JSON.stringify(d.report)).join(''));
      });
    };
    let failure: RestError | undefined;
    try {
      for await (const chunk of req.req) {
        const values = parser.push(chunk as Buffer);
        if (values.length === 0) continue;
        const group = produceMany(req, producer, topic, values, schemasFor(req, topic.name));
        results.push(...group);
        if (streaming) emit(group);
      }
      parser.end();
    } catch (e) {
      failure = e instanceof ConcatenatedJsonError ? new RestError(400, 400, `Bad Request: ${e.message}`) : toRestError(e);
    }
    if (streaming) {
      if (failure) emit([Promise.resolve({ report: failure.body() })]);
      await written;
      if (!req.res.headersSent) req.res.writeHead(results.length === 0 && !failure ? 422 : 200, JSON_HEADERS);
      if (results.length === 0 && !failure) req.res.write(JSON.stringify({ error_code: 422, message: 'Payload error. Request body is empty. Data is required.' }));
      req.res.end();
      return STREAMED;
    }
    if (failure) throw failure;
    if (results.length === 0) throw new RestError(422, 422, 'Payload error. Request body is empty. Data is required.');
    const done = await Promise.all(results);
    if (done.length === 1) return { status: done[0]!.status, body: done[0]!.report };
    req.res.writeHead(200, JSON_HEADERS);
    req.res.end(done.map((d) => JSON.stringify(d.report)).join(''));
    return STREAMED;
  }, 'Produce records (one, concatenated, or streamed with chunked encoding)');

  router.add('POST', '/clusters/:cluster/topics/:topic/records:batch', async (req) => {
    const topic = await topicOr404(req, req.params.topic!);
    const b = await req.body();
    if (!Array.isArray(b.entries) || b.entries.length === 0) throw badRequest("'entries' must be a non-empty list of records, each with an 'id'");
    const ids = new Set<string>();
    for (const [i, e] of b.entries.entries()) {
      const id = (e as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id.length < 1 || id.length > 80) throw badRequest(`entries[${i}].id must be a string of 1 to 80 characters`);
      if (ids.has(id)) throw badRequest(`entries[${i}].id '${id}' is used twice`);
      ids.add(id);
    }
    const producer = await req.session.producer();
    const results = produceMany(req, producer, topic, b.entries, schemasFor(req, topic.name));
    const done = await Promise.all(b.entries.map(async (e: { id: string }, i: number) => ({ id: e.id, ...(await results[i]!) })));
    return {
      status: 207,
      body: {
        successes: done.filter((d) => d.report.error_code === 200).map((d) => {
          const { error_code: _code, ...rest } = d.report;
          return { id: d.id, ...rest };
        }),
        failures: done.filter((d) => d.report.error_code !== 200).map((d) => ({ id: d.id, error_code: d.report.error_code, message: d.report.message })),
      },
    };
  }, 'Produce a batch of records with ids');
}
