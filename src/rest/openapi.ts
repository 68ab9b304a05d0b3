/**
 * The REST API's OpenAPI 3 document, built from its routing table (paths, methods, summaries,
 * path parameters under REST Proxy's names), served at /v3/openapi.json.
 *
 * Contract: pure; built once per service.
 */
import type { Route } from '../http/api-router.js';
import type { RestRequest } from './rest-request.js';

const PARAM_NAMES: Record<string, string> = {
  cluster: 'cluster_id', topic: 'topic_name', partition: 'partition_id', group: 'consumer_group_id',
  consumer: 'consumer_id', broker: 'broker_id', name: 'name',
};

const INTEGER_PARAMS = new Set(['partition_id', 'broker_id']);

export function openApiDocument(routes: readonly Route<RestRequest>[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const names: string[] = [];
    const path = r.path.replace(/:([a-z_]+)/g, (_m, n: string) => {
      const name = PARAM_NAMES[n] ?? n;
      names.push(name);
      return `{${name}}`;
    });
    const ok = r.method === 'POST' && /records:batch$/.test(r.path) ? '207' : r.method === 'POST' ? '201' : r.method === 'DELETE' || r.method === 'PUT' ? '204' : '200';
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary ?? '',
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: INTEGER_PARAMS.has(name) ? 'integer' : 'string' } })),
      ...(r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH' ? { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
      responses: {
        [ok]: { description: 'Success' },
        default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Gregor REST API',
      version,
      description: 'Compatible with Confluent REST Proxy API v3: the cluster, brokers, topics, partitions, configs, consumer groups and lag, ACLs, and producing records. Every call is made as a Kafka client under the caller\'s credentials (HTTP Basic on SASL listeners).',
    },
    servers: [{ url: '/v3' }, { url: '/kafka/v3' }],
    paths,
    components: {
      schemas: {
        Error: { type: 'object', required: ['error_code', 'message'], properties: { error_code: { type: 'integer' }, message: { type: 'string', nullable: true } } },
      },
    },
  };
}
