/**
 * The web console behind the broker's HTTP listener:
 *
 *   /ui/            the single-page console (static files from dist/console)
 *   /ui/api/...     its JSON API (routes/*.ts), every call made as a Kafka client under the
 *                   caller's identity (console-clients.ts)
 *
 * Requests that change something (POST, PUT, DELETE) must send JSON and, when the browser names
 * an Origin, come from this same host: a page on another site cannot drive the console.
 * Errors are `{error_code, message}` with an HTTP status (http-error.ts); a 401 carries a Basic
 * challenge so the browser asks for the Kafka user and password.
 *
 * Contract: owned by the broker's HttpServer; the Kafka clients belong to the shared ClientSessions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiRouter, readJsonBody } from '../../http/api-router.js';
import type { ClientSessions } from '../../http/client-sessions.js';
import type { HttpApp } from '../../http/http-app.js';
import { foreignOrigin } from '../../http/same-origin.js';
import type { Registry } from '../../registry/registry.js';
import { HttpError, toHttpError } from '../../http/http-error.js';
import { addClusterRoutes, type TrafficTotals } from './routes/cluster-routes.js';
import { addGroupRoutes } from './routes/group-routes.js';
import { addMessageRoutes } from './routes/message-routes.js';
import { addSecurityRoutes } from './routes/security-routes.js';
import { addTopicRoutes } from './routes/topic-routes.js';
import { StaticAssets } from './static-assets.js';

export interface ConsoleOptions {
  brokerId: number;
  sessions: ClientSessions;
  /** The schema registry, to decode values that carry a schema id (absent: values are shown as they are). */
  registry?: Registry;
  traffic(): TrafficTotals;
  assetDir?: string;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function checkMutationOrigin(req: IncomingMessage): void {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send the request body as application/json');
  const origin = foreignOrigin(req);
  if (origin !== undefined) throw new HttpError(403, `requests from ${origin} may not change this cluster; use the console at http://${req.headers.host}/ui/`);
}

export class ConsoleService implements HttpApp {
  private readonly router = new ApiRouter();
  private readonly clients: ClientSessions;
  private readonly assets: StaticAssets;

  constructor(options: ConsoleOptions) {
    this.clients = options.sessions;
    this.assets = new StaticAssets(options.assetDir);
    addClusterRoutes(this.router, { brokerId: options.brokerId, traffic: options.traffic, needsCredentials: () => this.clients.needsCredentials });
    addTopicRoutes(this.router);
    addMessageRoutes(this.router, options.registry);
    addGroupRoutes(this.router);
    addSecurityRoutes(this.router);
  }

  /** Serves `path` if it belongs to the console; false when it does not. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    if (path === '/ui') {
      res.writeHead(308, { location: '/ui/' });
      res.end();
      return true;
    }
    if (!path.startsWith('/ui/')) return false;
    try {
      if (path.startsWith('/ui/api/')) await this.api(req, res, path.slice('/ui/api'.length), query);
      else await this.file(req, res, path.slice('/ui/'.length));
    } catch (e) {
      const err = toHttpError(e);
      const extra: Record<string, string> = {};
      if (err.status === 401) extra['www-authenticate'] = 'Basic realm="Gregor console", charset="UTF-8"';
      // a body too large is left unread: close the connection rather than reuse it
      if (err.status === 413) extra.connection = 'close';
      if (!res.headersSent) send(res, err.status, err.body(), extra);
      else res.destroy();
    }
    return true;
  }

  private async api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    const { handler, params } = this.router.match(method, path);
    if (method !== 'GET') checkMutationOrigin(req);
    const session = await this.clients.session(req.headers.authorization);
    const answer = await handler({ params, query, session, body: () => readJsonBody(req), req, res });
    if (answer !== null && typeof answer === 'object' && 'status' in answer && 'body' in answer) {
      const a = answer as { status: number; body: unknown };
      send(res, a.status, a.body);
    } else send(res, 200, answer);
  }

  private async file(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not allowed on /ui/${name}`);
    if (name.includes('/') || name.startsWith('.')) throw new HttpError(404, `no such console file: ${name}`);
    const asset = await this.assets.get(name);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.contentType, 'content-length': asset.bytes.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : asset.bytes);
  }
}
