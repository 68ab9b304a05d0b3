/**
 * REST v3 configs: a topic's configs (list, one, set with PUT, reset with DELETE, several at once
 * with `configs:alter`) and a broker's, each with its source and synonyms, through DescribeConfigs
 * and IncrementalAlterConfigs.
 */
import type { ConfigEntry } from '../../client/admin/index.js';
import type { ApiRouter } from '../../http/api-router.js';
import { oneOf, stringField } from '../../http/fields.js';
import { badRequest, HttpError } from '../../http/http-error.js';
import type { Links } from '../resources.js';
import type { RestRequest } from '../rest-request.js';
import { topicOr404 } from './topic-routes.js';

function configBody(links: Links, e: ConfigEntry) {
  return {
    cluster_id: links.clusterId, name: e.name, value: e.sensitive ? null : e.value, is_default: e.isDefault, is_read_only: e.readOnly,
    is_sensitive: e.sensitive, source: e.source, synonyms: e.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
  };
}

function topicConfig(links: Links, topic: string, e: ConfigEntry) {
  return links.resource('KafkaTopicConfig', links.url('topics', topic, 'configs', e.name), links.crn(['topic', topic], ['config', e.name]), { ...configBody(links, e), topic_name: topic });
}

async function topicConfigs(req: RestRequest): Promise<{ topic: string; entries: ConfigEntry[] }> {
  const t = await topicOr404(req, req.params.topic!);
  const [d] = await req.session.admin.describeConfigs([{ type: 'topic', name: t.name }], { includeSynonyms: true });
  return { topic: t.name, entries: (d?.entries ?? []).sort((a, b) => a.name.localeCompare(b.name)) };
}

function oneConfig(entries: ConfigEntry[], name: string): ConfigEntry {
  const e = entries.find((x) => x.name === name);
  if (!e) throw new HttpError(404, `Config ${name} cannot be found.`);
  return e;
}

export function addConfigRoutes(router: ApiRouter<RestRequest>): void {
  router.add('GET', '/clusters/:cluster/topics/:topic/configs', async (req) => {
    const { topic, entries } = await topicConfigs(req);
    return req.links.list('KafkaTopicConfigList', req.links.url('topics', topic, 'configs'), entries.map((e) => topicConfig(req.links, topic, e)));
  }, "List a topic's configs");

  router.add('GET', '/clusters/:cluster/topics/:topic/configs/:name', async (req) => {
    const { topic, entries } = await topicConfigs(req);
    return topicConfig(req.links, topic, oneConfig(entries, req.params.name!));
  }, "One of a topic's configs");

  router.add('PUT', '/clusters/:cluster/topics/:topic/configs/:name', async (req) => {
    const value = stringField(await req.body(), 'value');
    const t = await topicOr404(req, req.params.topic!);
    await req.session.admin.incrementalAlterConfigs('topic', t.name, [{ name: req.params.name!, op: 'set', value }]);
    return { status: 204, body: undefined };
  }, "Set one of a topic's configs");

  router.add('DELETE', '/clusters/:cluster/topics/:topic/configs/:name', async (req) => {
    const t = await topicOr404(req, req.params.topic!);
    await req.session.admin.incrementalAlterConfigs('topic', t.name, [{ name: req.params.name!, op: 'delete' }]);
    return { status: 204, body: undefined };
  }, "Reset one of a topic's configs to its default");

  router.add('POST', '/clusters/:cluster/topics/:topic/configs:alter', async (req) => {
    const b = await req.body();
    if (!Array.isArray(b.data) || b.data.length === 0) throw badRequest("'data' must be a non-empty list of {name, value, operation}");
    const ops = b.data.map((d: unknown, i: number) => {
      const item = (d ?? {}) as Record<string, unknown>;
      const name = stringField(item, 'name');
      const operation = oneOf(typeof item.operation === 'string' ? item.operation.toUpperCase() : undefined, `data[${i}].operation`, ['SET', 'DELETE'] as const, 'SET');
      return operation === 'DELETE' ? { name, op: 'delete' as const } : { name, op: 'set' as const, value: stringField(item, 'value') };
    });
    const t = await topicOr404(req, req.params.topic!);
    await req.session.admin.incrementalAlterConfigs('topic', t.name, ops, { validateOnly: b.validate_only === true });
    return { status: 204, body: undefined };
  }, "Set and reset several of a topic's configs");

  router.add('GET', '/clusters/:cluster/brokers/:broker/configs', async (req) => {
    if (!/^\d+$/.test(req.params.broker!)) throw new HttpError(404, `Broker ${req.params.broker} not found.`);
    const [d] = await req.session.admin.describeConfigs([{ type: 'broker', name: req.params.broker! }], { includeSynonyms: true });
    const l = req.links;
    const b = Number(req.params.broker);
    return l.list('KafkaBrokerConfigList', l.url('brokers', b, 'configs'), (d?.entries ?? []).sort((x, y) => x.name.localeCompare(y.name)).map((e) =>
      l.resource('KafkaBrokerConfig', l.url('brokers', b, 'configs', e.name), l.crn(['broker', b], ['config', e.name]), { ...configBody(l, e), broker_id: b })));
  }, "List a broker's configs");
}
