/**
 * The console API's routing table: each route is a method and a path pattern with `:name`
 * parameters, and a handler that returns the JSON to answer (or throws an HttpError). A path that
 * no route matches is 404; a path that matches with another method is 405.
 *
 * Contract: built once at startup; match() is pure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, HttpError } from './http-error.js';
import type { ClientSession } from './client-sessions.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler is given. */
export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body (an object), read and parsed on first call; 400 for anything else. */
  body(): Promise<Record<string, unknown>>;
  /** The Kafka client acting for the caller (with their credentials). */
  session: ClientSession;
  /** The raw exchange, for handlers that stream (they answer STREAMED). */
  req: IncomingMessage;
  res: ServerResponse;
}

/** A handler's answer when it has written the response itself. */
export const STREAMED = Symbol('streamed');

/** A handler's answer: a JSON body (status 200) or a status with a body. */
export type ApiAnswer = unknown | { status: number; body: unknown };

export type Handler<R extends ApiRequest = ApiRequest> = (req: R) => Promise<ApiAnswer>;

export interface Route<R extends ApiRequest = ApiRequest> {
  method: Method;
  /** The path as registered, with `:name` parameters. */
  path: string;
  pattern: RegExp;
  names: string[];
  handler: Handler<R>;
  /** One line saying what the route does (for the OpenAPI document). */
  summary?: string;
}

export class ApiRouter<R extends ApiRequest = ApiRequest> {
  private readonly routes: Route<R>[] = [];

  add(method: Method, path: string, handler: Handler<R>, summary?: string): this {
    const names: string[] = [];
    const source = path.split('/').map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    }).join('/');
    this.routes.push({ method, path, pattern: new RegExp(`^${source}$`), names, handler, summary });
    return this;
  }

  /** Every route, in the order added. */
  all(): readonly Route<R>[] {
    return this.routes;
  }

  /** The handler and path parameters for a request; throws 404 or 405. */
  match(method: string, path: string): { handler: Handler<R>; params: Record<string, string> } {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw badRequest(`the path segment '${m[i + 1]}' is not valid URL encoding`);
        }
      });
      return { handler: r.handler, params };
    }
    if (pathMatched) throw new HttpError(405, `${method} is not allowed on ${path}`);
    throw new HttpError(404, `no such endpoint: ${path}`);
  }
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Reads a JSON object body of at most 2 MiB. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
