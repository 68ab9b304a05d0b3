/**
 * The broker's HTTP listener (`http.listeners`, default http://127.0.0.1:9644; empty: none):
 *
 *   GET /metrics        the broker's metrics in the Prometheus text format (docs/metrics.md)
 *   GET /health/live    200 while the process serves HTTP at all
 *   GET /health/ready   200 once the broker serves Kafka requests (logs recovered, metadata
 *                       loaded, registered), 503 with the reason before that and while stopping
 *   GET /               a browser (Accept: text/html) is sent to the console at /ui/; others
 *                       get a short index of the endpoints
 *   /ui/...             the web console and its API (src/console/server)
 *
 * Anything else is 404, another method 405; both as JSON `{error_code, message}`.
 * Contract: owned by the Broker; started after the Kafka listeners are bound, stopped first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ConfigError } from '../../common/config/config-def.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { ClientSessions } from '../../http/client-sessions.js';
import type { HttpApp } from '../../http/http-app.js';

export interface HttpEndpoint {
  host: string;
  port: number;
}

/** `http://host:port` entries of http.listeners; throws ConfigError on anything else. */
export function parseHttpListeners(entries: readonly string[]): HttpEndpoint[] {
  return entries.filter((e) => e.trim() !== '').map((e) => {
    const m = /^http:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(e.trim());
    if (!m || Number(m[2]) > 65535) throw new ConfigError('http.listeners', `'${e}' is not http://host:port (https is not served; put a TLS proxy in front)`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  });
}

export interface ReadyState {
  ready: boolean;
  reason?: string;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class HttpServer {
  private readonly servers: Server[] = [];
  readonly bound: HttpEndpoint[] = [];

  constructor(
    private readonly metrics: BrokerMetrics,
    private readonly readiness: () => ReadyState,
    private readonly apps: { apps: readonly HttpApp[]; sessions?: ClientSessions; browserHome?: string } = { apps: [] },
  ) {}

  async listen(endpoints: readonly HttpEndpoint[]): Promise<void> {
    for (const e of endpoints) {
      const server = createServer((req, res) => void this.handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => reject(new ConfigError('http.listeners', `cannot listen on http://${e.host}:${e.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (set http.listeners to another port, or empty to turn the HTTP listener off)' : err.message}`)));
        server.listen({ host: e.host, port: e.port }, () => resolve());
      });
      const address = server.address();
      this.bound.push({ host: e.host, port: typeof address === 'object' && address ? address.port : e.port });
      this.servers.push(server);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    try {
      for (const app of this.apps.apps) if (await app.handle(req, res, path, url.searchParams)) return;
    } catch (e) {
      return json(res, 500, { error_code: 500, message: e instanceof Error ? e.message : String(e) });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error_code: 405, message: `${req.method} is not allowed on ${path}` });
    try {
      switch (path) {
        case '/metrics': {
          const text = await this.metrics.text();
          res.writeHead(200, { 'content-type': this.metrics.contentType });
          return void res.end(text);
        }
        case '/health/live':
          return json(res, 200, { status: 'live' });
        case '/health/ready': {
          const r = this.readiness();
          return json(res, r.ready ? 200 : 503, r.ready ? { status: 'ready' } : { status: 'not ready', reason: r.reason });
        }
        case '/':
          if (this.apps.browserHome && /text\/html/.test(req.headers.accept ?? '')) {
            res.writeHead(302, { location: this.apps.browserHome });
            return void res.end();
          }
          return json(res, 200, { endpoints: ['/metrics', '/health/live', '/health/ready', ...(this.apps.browserHome ? [this.apps.browserHome] : [])] });
        default:
          return json(res, 404, { error_code: 404, message: `no such endpoint: ${path}` });
      }
    } catch (e) {
      return json(res, 500, { error_code: 500, message: e instanceof Error ? e.message : String(e) });
    }
  }

  async close(): Promise<void> {
    for (const app of this.apps.apps) await app.close?.();
    await this.apps.sessions?.close();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    })));
  }
}
