/**
 * The REST API (Confluent REST Proxy v3 paths) on a broker: curl with the request bodies of REST
 * Proxy's documentation; resources with kind, metadata and relationships; topics, partitions and
 * configs; produce (single, concatenated, streamed with chunked encoding where each report arrives
 * before the next record is sent, batch) checked by reading the records back; consumer group lag;
 * REST Proxy's error codes; the OpenAPI document; and on a SASL listener with ACLs, 401 and 403.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Admin } from '../../src/client/admin/admin.js';
import { Consumer } from '../../src/client/consumer/index.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { saslAclBrokerSettings } from '../support/sasl-acl-broker.js';
import { javaPartitionFor } from '../support/clients/murmur2.js';

const run = promisify(execFile);

describe('REST API v3', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let admin: Admin;
  let base = '';
  let cluster = '';

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text && text.trim().startsWith('{') && !text.includes('}{') ? JSON.parse(text) : undefined };
  };
  const curl = async (args: string[]) => (await run('curl', ['-s', '-w', '\n%{http_code}', ...args])).stdout;
  const readAll = async (topic: string, count: number) => {
    const consumer = new Consumer(client, { autoOffsetReset: 'earliest' });
    try {
      const md = await client.topic(topic);
      consumer.assign(md.partitions.map((p) => ({ topic, partition: p.partition })));
      const out: Awaited<ReturnType<Consumer['poll']>> = [];
      for (let i = 0; i < 50 && out.length < count; i++) out.push(...(await consumer.poll(200)));
      return out;
    } finally {
      await consumer.close();
    }
  };

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
    base = `http://127.0.0.1:${server.broker.http.bound[0]!.port}/v3`;
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'rest-test' });
    admin = new Admin(client);
    cluster = (await admin.describeCluster()).clusterId!;
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  it('describes the cluster and its brokers as REST Proxy resources', async () => {
    const list = await call('GET', '/clusters');
    assert.equal(list.body.kind, 'KafkaClusterList');
    assert.deepEqual(list.body.data.map((c: { cluster_id: string }) => c.cluster_id), [cluster]);
    const c = (await call('GET', `/clusters/${cluster}`)).body;
    assert.deepEqual([c.kind, c.metadata.self, c.metadata.resource_name], ['KafkaCluster', `${base}/clusters/${cluster}`, `crn:///kafka=${cluster}`]);
    assert.equal(c.topics.related, `${base}/clusters/${cluster}/topics`);
    assert.equal(c.controller.related, `${base}/clusters/${cluster}/brokers/1`);
    const brokers = (await call('GET', `/clusters/${cluster}/brokers`)).body;
    assert.deepEqual(brokers.data.map((b: { broker_id: number; port: number }) => [b.broker_id, b.port]), [[1, server.port]]);
    assert.equal((await call('GET', `/clusters/${cluster}/brokers/7`)).status, 404);
    const wrong = await call('GET', '/clusters/nope/topics');
    assert.deepEqual([wrong.status, wrong.body.error_code], [404, 404]);
    const kafkaPrefix = await fetch(`${base.replace('/v3', '/kafka/v3')}/clusters/${cluster}`);
    assert.equal(((await kafkaPrefix.json()) as { metadata: { self: string } }).metadata.self, `${base.replace('/v3', '/kafka/v3')}/clusters/${cluster}`);
  });

  it('creates, describes, grows, configures and deletes topics', async () => {
    const out = await curl(['-X', 'POST', '-H', 'Content-Type: application/json', `${base}/clusters/${cluster}/topics`,
      '--data', '{"topic_name":"topic-X","partitions_count":4,"replication_factor":1,"configs":[{"name":"cleanup.policy","value":"compact"},{"name":"compression.type","value":"gzip"}]}']);
    const [json, status] = [out.slice(0, out.lastIndexOf('\n')), out.slice(out.lastIndexOf('\n') + 1)];
    assert.equal(status, '201');
    const topic = JSON.parse(json);
    assert.deepEqual([topic.kind, topic.topic_name, topic.partitions_count, topic.replication_factor, topic.is_internal], ['KafkaTopic', 'topic-X', 4, 1, false]);
    assert.equal(topic.metadata.resource_name, `crn:///kafka=${cluster}/topic=topic-X`);
    const dup = await call('POST', `/clusters/${cluster}/topics`, { topic_name: 'topic-X' });
    assert.deepEqual([dup.status, dup.body.error_code], [400, 40002]);
    assert.match(dup.body.message, /already exists/);
    const rf = await call('POST', `/clusters/${cluster}/topics`, { topic_name: 'too-many', replication_factor: 3 });
    assert.deepEqual([rf.status, rf.body.error_code], [400, 40002]);
    const validated = await call('POST', `/clusters/${cluster}/topics`, { topic_name: 'only-checked', partitions_count: 2, validate_only: true });
    assert.equal(validated.status, 201);
    assert.equal((await call('GET', `/clusters/${cluster}/topics/only-checked`)).status, 404);
    const assigned = await call('POST', `/clusters/${cluster}/topics`, { topic_name: 'assigned', replicas_assignments: { 0: [1], 1: [1] } });
    assert.deepEqual([assigned.status, assigned.body.partitions_count], [201, 2]);

    const names = (await call('GET', `/clusters/${cluster}/topics`)).body.data.map((t: { topic_name: string }) => t.topic_name);
    assert.ok(names.includes('topic-X') && names.includes('assigned'));
    const parts = (await call('GET', `/clusters/${cluster}/topics/topic-X/partitions`)).body;
    assert.deepEqual(parts.data.map((p: { partition_id: number }) => p.partition_id), [0, 1, 2, 3]);
    assert.equal(parts.data[0].leader.related, `${base}/clusters/${cluster}/topics/topic-X/partitions/0/replicas/1`);
    const replicas = (await call('GET', `/clusters/${cluster}/topics/topic-X/partitions/2/replicas`)).body.data;
    assert.deepEqual(replicas.map((r: { broker_id: number; is_leader: boolean; is_in_sync: boolean }) => [r.broker_id, r.is_leader, r.is_in_sync]), [[1, true, true]]);
    assert.equal((await call('GET', `/clusters/${cluster}/topics/topic-X/partitions/9`)).body.error_code, 40403);

    const grown = await call('PATCH', `/clusters/${cluster}/topics/topic-X`, { partitions_count: 6 });
    assert.deepEqual([grown.status, grown.body.partitions_count], [200, 6]);
    const shrink = await call('PATCH', `/clusters/${cluster}/topics/topic-X`, { partitions_count: 2 });
    assert.deepEqual([shrink.status, shrink.body.error_code, shrink.body.message], [400, 40002, 'Topic already has 6 partitions.']);

    const config = (await call('GET', `/clusters/${cluster}/topics/topic-X/configs/compression.type`)).body;
    assert.deepEqual([config.kind, config.value, config.source, config.is_default, config.topic_name], ['KafkaTopicConfig', 'gzip', 'DYNAMIC_TOPIC_CONFIG', false, 'topic-X']);
    assert.ok(config.synonyms.some((s: { source: string }) => s.source === 'DEFAULT_CONFIG'));
    assert.equal((await call('PUT', `/clusters/${cluster}/topics/topic-X/configs/retention.ms`, { value: '3600000' })).status, 204);
    assert.equal((await call('DELETE', `/clusters/${cluster}/topics/topic-X/configs/compression.type`)).status, 204);
    const altered = await call('POST', `/clusters/${cluster}/topics/topic-X/configs:alter`, { data: [{ name: 'max.message.bytes', value: '2000000' }, { name: 'retention.ms', operation: 'DELETE' }] });
    assert.equal(altered.status, 204);
    const all = (await call('GET', `/clusters/${cluster}/topics/topic-X/configs`)).body.data as { name: string; value: string; source: string }[];
    const byName = new Map(all.map((c) => [c.name, c]));
    assert.deepEqual([byName.get('max.message.bytes')!.value, byName.get('retention.ms')!.source, byName.get('compression.type')!.source], ['2000000', 'DEFAULT_CONFIG', 'DEFAULT_CONFIG']);
    const invalid = await call('PUT', `/clusters/${cluster}/topics/topic-X/configs/retention.ms`, { value: 'soon' });
    assert.deepEqual([invalid.status, invalid.body.error_code], [400, 40002]);
    assert.equal((await call('GET', `/clusters/${cluster}/topics/topic-X/configs/no.such`)).status, 404);
    assert.ok((await call('GET', `/clusters/${cluster}/brokers/1/configs`)).body.data.some((c: { name: string }) => c.name === 'log.retention.hours'));

    assert.equal((await call('DELETE', `/clusters/${cluster}/topics/assigned`)).status, 204);
    const gone = await call('DELETE', `/clusters/${cluster}/topics/assigned`);
    assert.deepEqual([gone.status, gone.body.error_code], [404, 40403]);
  });

  it('produces the documented request bodies, and the records read back as sent', async () => {
    await admin.createTopics([{ name: 'produced', numPartitions: 3, replicationFactor: 1 }]);
    const url = `${base}/clusters/${cluster}/topics/produced/records`;
    const binaryAndJson = '{"partition_id":1,"headers":[{"name":"Header-1","value":"SGVhZGVyLTE="},{"name":"Header-2","value":"SGVhZGVyLTI="}],"key":{"type":"BINARY","data":"Zm9vYmFy"},"value":{"type":"JSON","data":{"foo":"bar"}},"timestamp":"2021-02-05T19:14:42Z"}';
    const first = await curl(['-X', 'POST', '-H', 'Content-Type: application/json', url, '--data', binaryAndJson]);
    const report = JSON.parse(first.slice(0, first.lastIndexOf('\n')));
    assert.deepEqual(report, {
      error_code: 200, cluster_id: cluster, topic_name: 'produced', partition_id: 1, offset: 0, timestamp: '2021-02-05T19:14:42Z',
      key: { type: 'BINARY', size: 6 }, value: { type: 'JSON', size: 13 },
    });
    const str = await call('POST', '/clusters/' + cluster + '/topics/produced/records', '{"value":{"type":"STRING","data":"My message"}}');
    assert.equal(str.body.error_code, 200);
    const keyed = await call('POST', `/clusters/${cluster}/topics/produced/records`, { key: { type: 'STRING', data: 'customer-42' }, value: { type: 'STRING', data: 'by key' } });
    assert.equal(keyed.body.partition_id, javaPartitionFor('customer-42', 3));
    const nulls = await call('POST', `/clusters/${cluster}/topics/produced/records`, { key: { type: 'JSON', data: 1000 }, value: null });
    assert.deepEqual([nulls.body.key, nulls.body.value], [{ type: 'JSON', size: 4 }, null]);
    const records = await readAll('produced', 4);
    const doc = records.find((r) => r.partition === 1 && r.offset === 0)!;
    assert.deepEqual([doc.key?.toString(), doc.value?.toString(), doc.timestamp, doc.headers.map(([k, v]) => [k, v?.toString()])],
      ['foobar', '{"foo":"bar"}', Date.parse('2021-02-05T19:14:42Z'), [['Header-1', 'Header-1'], ['Header-2', 'Header-2']]]);
    assert.ok(records.some((r) => r.value?.toString() === 'My message'));
    const tombstone = records.find((r) => r.key?.toString() === '1000')!;
    assert.equal(tombstone.value, null);
  });

  it('streams: with chunked encoding each delivery report arrives before the next record is sent', async () => {
    await admin.createTopics([{ name: 'streamed', numPartitions: 1, replicationFactor: 1 }]);
    const url = new URL(`${base}/clusters/${cluster}/topics/streamed/records`);
    const reports: { error_code: number; offset?: number; message?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        assert.equal(res.statusCode, 200);
        let buffered = '';
        let sent = 1;
        res.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          for (let end = buffered.indexOf('}{'); ; end = buffered.indexOf('}{')) {
            const complete = end >= 0 ? buffered.slice(0, end + 1) : buffered.trim().endsWith('}') ? buffered : '';
            if (!complete) break;
            try {
              reports.push(JSON.parse(complete));
            } catch {
              break;
            }
            buffered = buffered.slice(complete.length);
            if (sent < 5) req.write(JSON.stringify({ value: { type: 'STRING', data: `record ${sent++}` } }));
            else if (sent === 5) {
              sent++;
              req.write('{"value":{"type":"BINARY","data":"%%"}}');
              req.end();
            }
          }
        });
        res.on('end', () => resolve());
        res.on('error', reject);
      });
      req.on('error', reject);
      req.write(JSON.stringify({ value: { type: 'STRING', data: 'record 0' } }));
    });
    assert.deepEqual(reports.map((r) => [r.error_code, r.offset]), [[200, 0], [200, 1], [200, 2], [200, 3], [200, 4], [400, undefined]]);
    assert.match(reports[5]!.message!, /not a base64 string/);
    assert.deepEqual((await readAll('streamed', 5)).map((r) => r.value?.toString()), ['record 0', 'record 1', 'record 2', 'record 3', 'record 4']);
  });

  it('answers concatenated records and batches with a report each', async () => {
    const many = await call('POST', `/clusters/${cluster}/topics/streamed/records`, '{"value":{"type":"STRING","data":"a"}}\n{"partition_id":5,"value":{"type":"STRING","data":"b"}}{"value":{"type":"AVRO","data":"c"}}');
    const reports = many.text.split(/(?<=\})(?=\{)/).map((t) => JSON.parse(t) as { error_code: number; message?: string });
    assert.deepEqual(reports.map((r) => r.error_code), [200, 40402, 40401]);
    assert.match(reports[2]!.message!, /Subject 'streamed-value' not found/);
    const batch = await call('POST', `/clusters/${cluster}/topics/streamed/records:batch`, { entries: [{ id: 'a', value: { type: 'STRING', data: 'x' } }, { id: 'b', value: { type: 'JSON' , data: [1, 2] } }, { id: 'c', headers: [{ name: 'h', value: 'not base64!' }] }] });
    assert.equal(batch.status, 207);
    assert.deepEqual(batch.body.successes.map((s: { id: string; value: { type: string; size: number } }) => [s.id, s.value]), [['a', { type: 'STRING', size: 1 }], ['b', { type: 'JSON', size: 5 }]]);
    assert.deepEqual(batch.body.failures.map((f: { id: string; error_code: number }) => [f.id, f.error_code]), [['c', 400]]);
    assert.equal((await call('POST', `/clusters/${cluster}/topics/streamed/records:batch`, { entries: [{ id: 'x' }, { id: 'x' }] })).status, 400);
  });

  it("answers with REST Proxy's error codes", async () => {
    const records = `/clusters/${cluster}/topics/streamed/records`;
    const cases: [string, string, unknown, Record<string, string>, number, number, RegExp][] = [
      ['POST', `/clusters/${cluster}/topics/none/records`, { value: { type: 'STRING', data: 'x' } }, {}, 404, 40403, /does not host this topic-partition/],
      ['POST', records, '', {}, 422, 422, /Request body is empty/],
      ['POST', records, '{"value":', {}, 400, 400, /ended inside a JSON object/],
      ['POST', records, '[1]', {}, 400, 400, /expected a JSON object/],
      ['POST', records, { value: { data: 'x' } }, {}, 404, 40401, /Subject 'streamed-value' not found/],
      ['POST', records, { value: { schema_id: 999, data: 'x' } }, {}, 404, 40403, /Schema not found/],
      ['POST', records, { value: { type: 'XML', data: 'x' } }, {}, 400, 400, /must be BINARY, JSON, STRING, AVRO, JSONSCHEMA or PROTOBUF/],
      ['POST', records, { timestamp: 'yesterday', value: null }, {}, 400, 400, /ISO 8601/],
      ['POST', records, { partition_id: -1, value: null }, {}, 400, 400, /partition_id/],
      ['POST', `/clusters/${cluster}/topics`, { partitions_count: 1 }, {}, 400, 400, /'topic_name' is required/],
      ['POST', `/clusters/${cluster}/topics`, { topic_name: 'x', partitions_count: 'many' }, {}, 400, 400, /whole number/],
      ['POST', `/clusters/${cluster}/topics`, { topic_name: 'x', configs: { a: 1 } }, {}, 400, 400, /'configs' must be a list/],
      ['GET', `/clusters/${cluster}/acls`, undefined, {}, 400, 40002, /SECURITY_DISABLED/],
      ['GET', `/clusters/${cluster}/nothing`, undefined, {}, 404, 404, /no such endpoint/],
      ['PUT', `/clusters/${cluster}/topics`, {}, {}, 405, 405, /not allowed/],
    ];
    for (const [method, path, body, headers, status, code, message] of cases) {
      const r = await call(method, path, body, headers);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.error_code, code, r.text);
      assert.match(r.body.message, message, r.text);
    }
    const plain = await fetch(`${base}${records}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"value":null}' });
    assert.deepEqual([plain.status, ((await plain.json()) as { error_code: number }).error_code], [415, 415]);
  });

  it('produces schema-typed values through the registry, as in the documented examples', async () => {
    await admin.createTopics([{ name: 'typed', numPartitions: 1, replicationFactor: 1 }]);
    const records = `/clusters/${cluster}/topics/typed/records`;
    const raw = await call('POST', records, '{"key":{"type":"BINARY","data":"Zm9vYmFy"},"value":{"type":"AVRO","subject":"typed-value","schema":"{\\"type\\":\\"string\\"}","data":"foobar"}}');
    assert.equal(raw.body.error_code, 200, raw.text);
    assert.deepEqual(raw.body.value, { type: 'AVRO', subject: 'typed-value', schema_id: 1, schema_version: 1, size: 12 });
    const schemaRegistry = new SchemaRegistry({ host: base.replace('/v3', '') });
    const { id } = await schemaRegistry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Sale', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] }) }, { subject: 'sales-value' });
    const byId = await call('POST', records, { value: { subject: 'sales-value', schema_id: id, data: { sku: 'A', qty: 2 } } });
    assert.deepEqual([byId.body.error_code, byId.body.value.schema_id], [200, id]);
    const latest = await call('POST', records, { value: { subject: 'sales-value', data: { sku: 'B', qty: 3 } } });
    assert.deepEqual([latest.body.error_code, latest.body.value.schema_version], [200, 1]);
    const wrongData = await call('POST', records, { value: { subject: 'sales-value', data: { sku: 'C' } } });
    assert.deepEqual([wrongData.body.error_code], [400]);
    assert.match(wrongData.body.message, /does not match Avro schema/);
    const json = await call('POST', records, { value: { type: 'JSONSCHEMA', subject: 'typed-json', schema: '{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}', data: { n: 7 } } });
    assert.equal(json.body.error_code, 200, json.text);
    const badJson = await call('POST', records, { value: { type: 'JSONSCHEMA', subject: 'typed-json', data: { n: 'seven' } } });
    assert.match(badJson.body.message, /does not match JSON schema/);
    const proto = await call('POST', records, { value: { type: 'PROTOBUF', subject: 'typed-proto', schema: 'syntax = "proto3"; package shop; message Point { int32 x = 1; int32 y = 2; }', data: { x: 3, y: 4 } } });
    assert.equal(proto.body.error_code, 200, proto.text);
    const values = (await readAll('typed', 5)).map((r) => r.value!);
    const decoded = await Promise.all(values.map((v) => schemaRegistry.decode(v)));
    assert.deepEqual(JSON.parse(JSON.stringify(decoded)), ['foobar', { sku: 'A', qty: 2 }, { sku: 'B', qty: 3 }, { n: 7 }, { x: 3, y: 4 }]);
  });

  it('shows consumer groups with lag per partition and a summary', async () => {
    await admin.commitGroupOffsets('rest-group', [{ topic: 'produced', partition: 0, offset: 0 }, { topic: 'produced', partition: 1, offset: 1 }]);
    const ends = await admin.listOffsets([{ topic: 'produced', partition: 0 }, { topic: 'produced', partition: 1 }], 'latest');
    const end0 = ends.get('produced')!.get(0)!.offset;
    const end1 = ends.get('produced')!.get(1)!.offset;
    const groups = (await call('GET', `/clusters/${cluster}/consumer-groups`)).body;
    const g = groups.data.find((x: { consumer_group_id: string }) => x.consumer_group_id === 'rest-group');
    // a group that only ever committed offsets has no protocol type: Kafka calls it simple
    assert.deepEqual([g.kind, g.state, g.is_simple, g.coordinator.related], ['KafkaConsumerGroup', 'EMPTY', true, `${base}/clusters/${cluster}/brokers/1`]);
    const lags = (await call('GET', `/clusters/${cluster}/consumer-groups/rest-group/lags`)).body.data;
    assert.deepEqual(lags.map((l: { partition_id: number; current_offset: number; log_end_offset: number; lag: number }) => [l.partition_id, l.current_offset, l.log_end_offset, l.lag]),
      [[0, 0, end0, end0], [1, 1, end1, end1 - 1]]);
    const summary = (await call('GET', `/clusters/${cluster}/consumer-groups/rest-group/lag-summary`)).body;
    assert.equal(summary.total_lag, end0 + end1 - 1);
    assert.equal(summary.max_lag, Math.max(end0, end1 - 1));
    const one = (await call('GET', `/clusters/${cluster}/consumer-groups/rest-group/lags/produced/partitions/1`)).body;
    assert.equal(one.lag, end1 - 1);
    assert.deepEqual((await call('GET', `/clusters/${cluster}/consumer-groups/rest-group/consumers`)).body.data, []);
    assert.equal((await call('GET', `/clusters/${cluster}/consumer-groups/nobody`)).status, 404);
  });

  it('serves its OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    assert.equal(doc.openapi, '3.0.3');
    const produce = doc.paths['/clusters/{cluster_id}/topics/{topic_name}/records'].post;
    assert.deepEqual(produce.parameters.map((p: { name: string }) => p.name), ['cluster_id', 'topic_name']);
    assert.ok(doc.paths['/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary'].get);
    assert.equal(Object.keys(doc.paths).length >= 18, true);
  });
});

describe('REST API v3 on a SASL listener with ACLs', () => {
  let server: TestBroker;
  let base = '';

  before(async () => {
    server = await startTestBroker({ ...saslAclBrokerSettings({ bob: 'bob-pw' }) });
    base = `http://127.0.0.1:${server.broker.http.bound[0]!.port}/v3`;
  });

  after(async () => {
    await server?.stop();
  });

  const as = (user: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(user).toString('base64')}` });

  it('asks for credentials, and ACLs decide what each user may do', async () => {
    const anonymous = await fetch(`${base}/clusters`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate')!, /^Basic/);
    const wrong = await fetch(`${base}/clusters`, { headers: as('bob:nope') });
    assert.deepEqual([wrong.status, ((await wrong.json()) as { error_code: number }).error_code], [401, 40101]);
    const clusterId = ((await (await fetch(`${base}/clusters`, { headers: as('admin:admin-pw') })).json()) as { data: { cluster_id: string }[] }).data[0]!.cluster_id;
    const json = { 'content-type': 'application/json' };
    const created = await fetch(`${base}/clusters/${clusterId}/topics`, { method: 'POST', headers: { ...json, ...as('admin:admin-pw') }, body: JSON.stringify({ topic_name: 'orders' }) });
    assert.equal(created.status, 201);
    const refused = await fetch(`${base}/clusters/${clusterId}/topics/orders/records`, { method: 'POST', headers: { ...json, ...as('bob:bob-pw') }, body: '{"value":{"type":"STRING","data":"x"}}' });
    assert.deepEqual([refused.status, ((await refused.json()) as { error_code: number }).error_code], [403, 40301], 'bob may not even describe the topic');
    const acl = await fetch(`${base}/clusters/${clusterId}/acls`, { method: 'POST', headers: { ...json, ...as('admin:admin-pw') },
      body: JSON.stringify({ resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', principal: 'User:bob', host: '*', operation: 'WRITE', permission: 'ALLOW' }) });
    assert.equal(acl.status, 201);
    const search = await (await fetch(`${base}/clusters/${clusterId}/acls?principal=User:bob`, { headers: as('admin:admin-pw') })).json() as { data: { operation: string; kind: string }[] };
    assert.deepEqual(search.data.map((a) => [a.kind, a.operation]), [['KafkaAcl', 'WRITE']]);
    const written = await fetch(`${base}/clusters/${clusterId}/topics/orders/records`, { method: 'POST', headers: { ...json, ...as('bob:bob-pw') }, body: '{"value":{"type":"STRING","data":"x"}}' });
    assert.equal(((await written.json()) as { error_code: number }).error_code, 200);
    const forbidden = await fetch(`${base}/clusters/${clusterId}/topics`, { method: 'POST', headers: { ...json, ...as('bob:bob-pw') }, body: JSON.stringify({ topic_name: 'bobs' }) });
    assert.deepEqual([forbidden.status, ((await forbidden.json()) as { error_code: number }).error_code], [403, 40301]);
    const deleted = await fetch(`${base}/clusters/${clusterId}/acls?resource_type=TOPIC&resource_name=orders&pattern_type=LITERAL&principal=User:bob&host=*&operation=WRITE&permission=ALLOW`, { method: 'DELETE', headers: as('admin:admin-pw') });
    assert.equal(((await deleted.json()) as { data: unknown[] }).data.length, 1);
  });
});
