/**
 * The schema registry on the broker's HTTP listener, at Confluent Schema Registry's own paths, so
 * clients point their registry URL at the broker's HTTP address unchanged:
 *
 *   /subjects[...]          list, register (POST .../versions), look up (POST /subjects/{s}),
 *                           versions, delete (soft; ?permanent=true after that)
 *   /schemas[...]           by id (/schemas/ids/{id}, .../schema, .../subjects, .../versions), types
 *   /config[/{subject}]     compatibility level, global or per subject
 *   /compatibility/...      check a schema against a version, or the versions its level names
 *   /mode[/{subject}]       READWRITE, READONLY, IMPORT
 *
 * Requests authenticate as on every HTTP API (client-sessions); changes are written to `_schemas`
 * as the caller, so its ACLs decide who may change the registry. Errors are the registry's
 * `{error_code, message}` (registry-errors.ts).
 *
 * Contract: owned by the broker's HttpServer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiRouter, readJsonBody, type ApiRequest } from '../http/api-router.js';
import type { ClientSessions } from '../http/client-sessions.js';
import type { HttpApp } from '../http/http-app.js';
import { HttpError } from '../http/http-error.js';
import type { SchemaType } from './formats/index.js';
import { Registry, type SchemaInput } from './registry.js';
import { RegistryError, toRegistryError } from './registry-errors.js';
import type { Reference } from './schema-store.js';

const ROOTS = ['/subjects', '/schemas', '/config', '/compatibility', '/mode'];
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

function input(body: Record<string, unknown>): SchemaInput {
  if (typeof body.schema !== 'string' || body.schema.trim() === '') throw new RegistryError(42201, 'Invalid schema: the request has no schema');
  const type = body.schemaType ?? 'AVRO';
  if (type !== 'AVRO' && type !== 'JSON' && type !== 'PROTOBUF') throw new RegistryError(42201, `Invalid schema type ${String(type)}: AVRO, JSON or PROTOBUF`);
  const refs = body.references ?? [];
  if (!Array.isArray(refs)) throw new RegistryError(42201, 'Invalid schema: references must be a list');
  const references: Reference[] = refs.map((r: unknown, i: number) => {
    const { name, subject, version } = (r ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof subject !== 'string' || !Number.isInteger(version)) throw new RegistryError(42201, `Invalid schema: references[${i}] needs name, subject and version`);
    return { name, subject, version: version as number };
  });
  return { schema: body.schema, schemaType: type as SchemaType, references };
}

function schemaView(s: { schema: string; schemaType: SchemaType; references: Reference[] }) {
  return { ...(s.schemaType !== 'AVRO' ? { schemaType: s.schemaType } : {}), ...(s.references.length ? { references: s.references } : {}), schema: s.schema };
}

const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true';

function idParam(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new RegistryError(40403, 'Schema not found');
  return Number(raw);
}

export class SchemaRegistryService implements HttpApp {
  private readonly router = new ApiRouter();

  constructor(private readonly sessions: ClientSessions, registry: Registry) {
    const r = this.router;
    const reg = registry;
    const sync = () => reg.sync();

    r.add('GET', '/subjects', async ({ query }) => {
      await sync();
      const prefix = query.get('subjectPrefix') ?? '';
      return [...reg.store.subjects.keys()].filter((s) => s.startsWith(prefix) && reg.store.versions(s, flag(query, 'deleted')).length > 0).sort();
    });
    r.add('GET', '/subjects/:subject/versions', async ({ params, query }) => {
      await sync();
      const all = reg.store.versions(params.subject!, true);
      if (all.length === 0 || (!flag(query, 'deleted') && all.every((v) => v.deleted))) throw new RegistryError(40401, `Subject '${params.subject}' not found.`);
      return reg.store.versions(params.subject!, flag(query, 'deleted')).map((v) => v.version);
    });
    r.add('POST', '/subjects/:subject/versions', async ({ params, body, session }) => ({ id: await reg.register(session, params.subject!, input(await body())) }));
    r.add('GET', '/subjects/:subject/versions/:version', async ({ params, query }) => {
      await sync();
      const v = reg.version(params.subject!, params.version!, flag(query, 'deleted'));
      return { subject: v.subject, version: v.version, id: v.id, ...schemaView(reg.schema(v.id)) };
    });
    r.add('GET', '/subjects/:subject/versions/:version/schema', async ({ params, query }) => {
      await sync();
      const v = reg.version(params.subject!, params.version!, flag(query, 'deleted'));
      return { raw: reg.schema(v.id).schema };
    });
    r.add('GET', '/subjects/:subject/versions/:version/referencedby', async ({ params }) => {
      await sync();
      const v = reg.version(params.subject!, params.version!);
      const ids = new Set<number>();
      for (const s of reg.store.ids.values()) if (s.references.some((x) => x.subject === v.subject && x.version === v.version)) ids.add(s.id);
      return [...ids].sort((a, b) => a - b);
    });
    r.add('DELETE', '/subjects/:subject/versions/:version', async ({ params, query, session }) => reg.deleteVersion(session, params.subject!, params.version!, flag(query, 'permanent')));
    r.add('POST', '/subjects/:subject', async ({ params, query, body }) => {
      await sync();
      const v = reg.lookup(params.subject!, input(await body()), flag(query, 'deleted'));
      return { subject: v.subject, version: v.version, id: v.id, ...schemaView(reg.schema(v.id)) };
    });
    r.add('DELETE', '/subjects/:subject', async ({ params, query, session }) => reg.deleteSubject(session, params.subject!, flag(query, 'permanent')));

    r.add('GET', '/schemas/types', async () => ['JSON', 'PROTOBUF', 'AVRO']);
    r.add('GET', '/schemas', async ({ query }) => {
      await sync();
      const prefix = query.get('subjectPrefix') ?? '';
      const out = [];
      for (const subject of [...reg.store.subjects.keys()].sort()) {
        if (!subject.startsWith(prefix)) continue;
        const versions = reg.store.versions(subject, flag(query, 'deleted'));
        for (const v of flag(query, 'latestOnly') ? versions.slice(-1) : versions) out.push({ subject, version: v.version, id: v.id, ...schemaView(reg.schema(v.id)) });
      }
      return out;
    });
    r.add('GET', '/schemas/ids/:id', async ({ params }) => {
      await sync();
      return schemaView(reg.schema(idParam(params.id!)));
    });
    r.add('GET', '/schemas/ids/:id/schema', async ({ params }) => {
      await sync();
      return { raw: reg.schema(idParam(params.id!)).schema };
    });
    r.add('GET', '/schemas/ids/:id/subjects', async ({ params }) => {
      await sync();
      const id = idParam(params.id!);
      reg.schema(id);
      return [...new Set([...reg.store.subjects.values()].flatMap((m) => [...m.values()]).filter((v) => v.id === id && !v.deleted).map((v) => v.subject))].sort();
    });
    r.add('GET', '/schemas/ids/:id/versions', async ({ params }) => {
      await sync();
      const id = idParam(params.id!);
      reg.schema(id);
      return [...reg.store.subjects.values()].flatMap((m) => [...m.values()]).filter((v) => v.id === id && !v.deleted).map((v) => ({ subject: v.subject, version: v.version }));
    });

    r.add('GET', '/config', async () => {
      await sync();
      return { compatibilityLevel: reg.level('') };
    });
    r.add('PUT', '/config', async ({ body, session }) => ({ compatibility: await reg.setLevel(session, null, (await body()).compatibility) }));
    r.add('GET', '/config/:subject', async ({ params, query }) => {
      await sync();
      const own = reg.store.configs.get(params.subject!);
      if (own === undefined && !flag(query, 'defaultToGlobal')) throw new RegistryError(40408, `Subject '${params.subject}' does not have subject-level compatibility configured`);
      return { compatibilityLevel: own ?? reg.level('') };
    });
    r.add('PUT', '/config/:subject', async ({ params, body, session }) => ({ compatibility: await reg.setLevel(session, params.subject!, (await body()).compatibility) }));
    r.add('DELETE', '/config/:subject', async ({ params, session }) => ({ compatibilityLevel: await reg.deleteLevel(session, params.subject!) }));

    const verdict = (messages: string[], verbose: boolean) => ({ is_compatible: messages.length === 0, ...(verbose ? { messages } : {}) });
    r.add('POST', '/compatibility/subjects/:subject/versions/:version', async ({ params, query, body }) => {
      await sync();
      const schema = input(await body());
      const v = reg.version(params.subject!, params.version!);
      return verdict(reg.check(params.subject!, schema, [v]), flag(query, 'verbose'));
    });
    r.add('POST', '/compatibility/subjects/:subject/versions', async ({ params, query, body }) => {
      await sync();
      return verdict(reg.check(params.subject!, input(await body())), flag(query, 'verbose'));
    });

    r.add('GET', '/mode', async () => {
      await sync();
      return { mode: reg.mode('') };
    });
    r.add('PUT', '/mode', async ({ body, session }) => ({ mode: await reg.setMode(session, null, (await body()).mode) }));
    r.add('GET', '/mode/:subject', async ({ params }) => {
      await sync();
      return { mode: reg.mode(params.subject!) };
    });
    r.add('PUT', '/mode/:subject', async ({ params, body, session }) => ({ mode: await reg.setMode(session, params.subject!, (await body()).mode) }));
    r.add('DELETE', '/mode/:subject', async ({ params, session }) => ({ mode: await reg.deleteMode(session, params.subject!) }));
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    if (!ROOTS.some((root) => path === root || path.startsWith(`${root}/`))) return false;
    try {
      const method = req.method ?? 'GET';
      const { handler, params } = this.router.match(method, path);
      if (method === 'POST' || method === 'PUT') {
        const type = req.headers['content-type'] ?? '';
        if (!/^application\/(json|octet-stream|vnd\.schemaregistry(\.v1)?\+json)\b/i.test(type)) throw new RegistryError(415, `HTTP 415 Unsupported Media Type: send ${CONTENT_TYPE}`);
      }
      const session = await this.sessions.session(req.headers.authorization);
      const request: ApiRequest = { params, query, session, req, res, body: () => readJsonBody(req) };
      const answer = await handler(request);
      const raw = answer !== null && typeof answer === 'object' && 'raw' in answer ? (answer as { raw: string }).raw : undefined;
      const text = raw ?? JSON.stringify(answer);
      res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    } catch (e) {
      const err = e instanceof HttpError && (e.status === 404 || e.status === 405) ? new RegistryError(e.status, e.message) : toRegistryError(e);
      const text = JSON.stringify(err.body());
      const extra: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Basic realm="Gregor", charset="UTF-8"' } : {};
      if (!res.headersSent) {
        res.writeHead(err.status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), ...extra });
        res.end(text);
      } else res.destroy();
    }
    return true;
  }
}
