/**
 * The REST API on the broker's HTTP listener, compatible with Confluent REST Proxy API v3 and
 * served under both of its prefixes, /v3 and /kafka/v3:
 *
 *   /clusters, /clusters/{id}, brokers and their configs        routes/cluster-routes.ts, config-routes.ts
 *   topics, partitions, replicas, topic configs                 routes/topic-routes.ts, config-routes.ts
 *   consumer groups, consumers, assignments, lags, lag summary  routes/group-routes.ts
 *   ACLs                                                        routes/acl-routes.ts
 *   produce: records (single, concatenated, streamed), batch    routes/record-routes.ts
 *   /v3/openapi.json                                            this API's OpenAPI document
 *
 * Every call is a Kafka request made through the caller's client session (src/http), so SASL
 * credentials (HTTP Basic), ACLs and quotas apply as on the Kafka listeners. Errors are REST
 * Proxy's `{error_code, message}` (rest-errors.ts). Requests with a body must be JSON; a browser
 * request from another origin may not change anything.
 *
 * Contract: owned by the broker's HttpServer; stateless between requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiRouter, readJsonBody, STREAMED } from '../http/api-router.js';
import type { ClientSessions } from '../http/client-sessions.js';
import type { HttpApp } from '../http/http-app.js';
import { foreignOrigin } from '../http/same-origin.js';
import { HttpError } from '../http/http-error.js';
import { openApiDocument } from './openapi.js';
import type { Registry } from '../registry/registry.js';
import { Links } from './resources.js';
import { RestError, toRestError } from './rest-errors.js';
import type { RestRequest } from './rest-request.js';
import { addAclRoutes } from './routes/acl-routes.js';
import { addClusterRoutes, clusterData } from './routes/cluster-routes.js';
import { addConfigRoutes } from './routes/config-routes.js';
import { addGroupRoutes } from './routes/group-routes.js';
import { addRecordRoutes } from './routes/record-routes.js';
import { addTopicRoutes } from './routes/topic-routes.js';

const PREFIXES = ['/kafka/v3', '/v3'];

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status, extra);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function checkWrite(req: IncomingMessage): void {
  if (!/^application\/(json|vnd\.kafka\.[\w.+-]*json)\b/i.test(req.headers['content-type'] ?? '')) throw new RestError(415, 415, 'HTTP 415 Unsupported Media Type: send the body as application/json');
  const origin = foreignOrigin(req);
  if (origin !== undefined) throw new RestError(403, 403, `requests from ${origin} may not change this cluster`);
}

export class RestApiService implements HttpApp {
  private readonly router = new ApiRouter<RestRequest>();
  private readonly openApi: string;

  constructor(private readonly sessions: ClientSessions, registry?: Registry, version = '0.1.0') {
    this.router.add('GET', '/clusters', async ({ session, links }) => {
      const md = await session.client.withRetries(() => session.client.refreshMetadata([]));
      return links.list('KafkaClusterList', `${links.base}/clusters`, [clusterData(links, md.controllerId)]);
    }, 'List clusters (the one this broker belongs to)');
    addClusterRoutes(this.router);
    addTopicRoutes(this.router);
    addConfigRoutes(this.router);
    addGroupRoutes(this.router);
    addAclRoutes(this.router);
    addRecordRoutes(this.router, registry);
    this.openApi = JSON.stringify(openApiDocument(this.router.all(), version));
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    const prefix = PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
    if (!prefix) return false;
    const sub = path.slice(prefix.length) || '/';
    try {
      if (sub === '/openapi.json') {
        if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed on ${path}`);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(this.openApi) });
        res.end(this.openApi);
        return true;
      }
      const method = req.method ?? 'GET';
      const { handler, params } = this.router.match(method, sub);
      if (method !== 'GET' && method !== 'DELETE') checkWrite(req);
      const session = await this.sessions.session(req.headers.authorization);
      const clusterId = session.client.metadata.clusterId ?? '';
      if (params.cluster !== undefined && params.cluster !== clusterId) throw new RestError(404, 404, `Cluster ${params.cluster} cannot be found.`);
      const links = new Links(`http://${req.headers.host ?? 'localhost'}${prefix}`, clusterId);
      const answer = await handler({ params, query, session, links, req, res, body: () => readJsonBody(req) });
      if (answer === STREAMED) return true;
      if (answer !== null && typeof answer === 'object' && 'status' in answer && 'body' in answer) {
        const a = answer as { status: number; body: unknown };
        send(res, a.status, a.body);
      } else send(res, 200, answer);
    } catch (e) {
      const err = toRestError(e);
      const extra: Record<string, string> = {};
      if (err.status === 401) extra['www-authenticate'] = 'Basic realm="Gregor", charset="UTF-8"';
      if (err.status === 413) extra.connection = 'close';
      if (!res.headersSent) send(res, err.status, err.body(), extra);
      else res.destroy();
    }
    return true;
  }
}
